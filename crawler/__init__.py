"""Stage 1: polite crawling of clinic websites into a WARC archive and the pages table.

The names below load their module when first used (PEP 562): the extraction pool's workers
only read archived responses (``read_response``) and, importing this package eagerly, would
each pay for Scrapy and Twisted (1.5 s and 50 MB a worker) that they never call.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from crawler.archive import ArchivedResponse, WarcArchive, read_response, response_offsets
    from crawler.job import CrawlJob, JobSite
    from crawler.safety import address_refusal
    from crawler.scope import site_domain
    from crawler.seeds import (
        Seed,
        SeedFileError,
        SeedProblem,
        is_country_code,
        parse_seeds,
        read_seeds,
    )
    from crawler.settings import MAX_RESPONSE_BYTES, USER_AGENT, crawl_settings

#: Each public name and the module that defines it.
_HOMES = {
    "ArchivedResponse": "archive",
    "WarcArchive": "archive",
    "read_response": "archive",
    "response_offsets": "archive",
    "CrawlJob": "job",
    "JobSite": "job",
    "address_refusal": "safety",
    "site_domain": "scope",
    "Seed": "seeds",
    "SeedFileError": "seeds",
    "SeedProblem": "seeds",
    "is_country_code": "seeds",
    "parse_seeds": "seeds",
    "read_seeds": "seeds",
    "MAX_RESPONSE_BYTES": "settings",
    "USER_AGENT": "settings",
    "crawl_settings": "settings",
}

__all__ = [
    "MAX_RESPONSE_BYTES",
    "USER_AGENT",
    "ArchivedResponse",
    "CrawlJob",
    "JobSite",
    "Seed",
    "SeedFileError",
    "SeedProblem",
    "WarcArchive",
    "address_refusal",
    "crawl_settings",
    "is_country_code",
    "parse_seeds",
    "read_response",
    "read_seeds",
    "response_offsets",
    "site_domain",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"crawler.{home}"), name)
    globals()[name] = value  # once found, a plain module attribute
    return value
