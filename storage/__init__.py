"""The audit's tables and the only code that reads or writes them.

Flows and reports go through this package; extraction and scoring never touch the database.
"""

from storage.assessments import (
    forget_assessment,
    previous_claims_run,
    site_page_cues,
    site_was_read,
)
from storage.database import (
    MIGRATIONS,
    NoDatabase,
    StorageError,
    archive_root,
    connect,
    current_revision,
    database_bytes,
    database_url,
    empty_schema,
    home,
    sessions,
    shown_database_url,
    upgrade,
)
from storage.reviews import REVIEWER_LENGTH
from storage.runs import (
    RunSite,
    backdate_run,
    crawl_statuses,
    enrol_site,
    record_knowledge,
    reopen_run,
    run_sites,
    stored_page_count,
)
from storage.schema import ColumnDescription, TableDescription, described_tables
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
from storage.writes import replace_claims_of_page

__all__ = [
    "MIGRATIONS",
    "REVIEWER_LENGTH",
    "Base",
    "Claim",
    "ClaimChange",
    "ColumnDescription",
    "CrawlRun",
    "NoDatabase",
    "Page",
    "Review",
    "RunSite",
    "Screenshot",
    "Site",
    "SiteCrawl",
    "SiteFlag",
    "SiteScore",
    "StorageError",
    "TableDescription",
    "archive_root",
    "backdate_run",
    "connect",
    "crawl_statuses",
    "current_revision",
    "database_bytes",
    "database_url",
    "described_tables",
    "empty_schema",
    "enrol_site",
    "forget_assessment",
    "home",
    "previous_claims_run",
    "record_knowledge",
    "reopen_run",
    "replace_claims_of_page",
    "run_sites",
    "sessions",
    "shown_database_url",
    "site_page_cues",
    "site_was_read",
    "stored_page_count",
    "upgrade",
    "utcnow",
]
