"""Stage 1: polite crawling of clinic websites into a WARC archive and the pages table."""

from crawler.archive import ArchivedResponse, WarcArchive, read_response
from crawler.content import READABLE_TYPES, decode_html, media_type, readable_html
from crawler.job import CrawlJob, JobSite
from crawler.seeds import Seed, SeedFileError, SeedProblem, parse_seeds, read_seeds
from crawler.settings import USER_AGENT, crawl_settings

__all__ = [
    "READABLE_TYPES",
    "USER_AGENT",
    "ArchivedResponse",
    "CrawlJob",
    "JobSite",
    "Seed",
    "SeedFileError",
    "SeedProblem",
    "WarcArchive",
    "crawl_settings",
    "decode_html",
    "media_type",
    "parse_seeds",
    "read_response",
    "read_seeds",
    "readable_html",
]
