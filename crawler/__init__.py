"""Stage 1: polite crawling of clinic websites into a WARC archive and the pages table."""

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
