"""The audit's tables and the only code that reads or writes them.

Flows and reports go through this package; extraction and scoring never touch the database.
"""

from storage.database import (
    MIGRATIONS,
    StorageError,
    archive_root,
    connect,
    current_revision,
    database_url,
    home,
    sessions,
    upgrade,
)
from storage.tables import (
    Base,
    Claim,
    ClaimChange,
    CrawlRun,
    Page,
    Review,
    Screenshot,
    Site,
    SiteCrawl,
    SiteFlag,
    SiteScore,
    utcnow,
)

__all__ = [
    "MIGRATIONS",
    "Base",
    "Claim",
    "ClaimChange",
    "CrawlRun",
    "Page",
    "Review",
    "Screenshot",
    "Site",
    "SiteCrawl",
    "SiteFlag",
    "SiteScore",
    "StorageError",
    "archive_root",
    "connect",
    "current_revision",
    "database_url",
    "home",
    "sessions",
    "upgrade",
    "utcnow",
]
