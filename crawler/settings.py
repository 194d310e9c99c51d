"""The crawler's Scrapy settings: polite by default, each choice explained.

:func:`crawl_settings` is the one place they are assembled; tests assert on its output, so
politeness that is promised here is politeness that is there.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from crawler.rendering import rendering_settings
from vocabulary import MAX_DEPTH, MAX_PAGES_PER_SITE

PROJECT_URL = "https://github.com/clinic-audit/clinic-audit"

#: Honest identification: who we are and where to read about the crawl or ask us to stop.
USER_AGENT = f"clinic-audit/0.1 (+{PROJECT_URL}; research crawler auditing stem-cell clinic claims)"

#: Seconds between two requests to one site (AutoThrottle never goes below it).
DOWNLOAD_DELAY = 1.0

#: Seconds before the first retry of a failed fetch; doubled for each further one.
RETRY_BACKOFF = 2.0

#: Bytes per response at most: a clinic page is KBs, anything bigger is a file or a trap.
MAX_RESPONSE_BYTES = 10 * 1024 * 1024


def crawl_settings(
    *,
    fast: bool = False,
    max_pages: int = MAX_PAGES_PER_SITE,
    max_depth: int = MAX_DEPTH,
    user_agent: str = USER_AGENT,
    allow_loopback: bool = False,
    resolve: Sequence[str] = (),
    resume: bool = False,
    render_js: bool = False,
) -> dict[str, Any]:
    """Scrapy settings for one crawl.

    Args:
        fast: turn the politeness delays off. Only for tests and benchmarks on loopback.
        max_pages: page cap per site (the seed counts).
        max_depth: link depth cap from the seed.
        user_agent: the User-Agent header (keep a contact URL in it).
        allow_loopback: let the crawler connect to 127.0.0.0/8 and ::1.
        resolve: static host rules such as ``"*.test=127.0.0.1"`` (for the demo web).
        resume: continue the run's crawl: pages it already stored are read from the archive.
        render_js: load the browser for sites whose pages are rendered (see crawler.rendering).
    """
    settings: dict[str, Any] = {
        "BOT_NAME": "clinic-audit",
        "USER_AGENT": user_agent,
        "ROBOTSTXT_OBEY": True,
        "ROBOTSTXT_PARSER": "scrapy.robotstxt.ProtegoRobotParser",
        # One request at a time per site, a delay between them, and AutoThrottle to back off
        # further when a site slows down.
        "CONCURRENT_REQUESTS": 32,
        # Scrapy starts this many tasks for every callback's output; our pipeline is
        # synchronous, so more than a few only costs CPU (about a third of it, measured).
        "CONCURRENT_ITEMS": 4,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 1,
        "DOWNLOAD_DELAY": DOWNLOAD_DELAY,
        "RANDOMIZE_DOWNLOAD_DELAY": True,
        "AUTOTHROTTLE_ENABLED": True,
        "AUTOTHROTTLE_START_DELAY": DOWNLOAD_DELAY,
        "AUTOTHROTTLE_MAX_DELAY": 30.0,
        "AUTOTHROTTLE_TARGET_CONCURRENCY": 1.0,
        "DEPTH_LIMIT": max_depth,
        # Breadth-first: the pages nearest the seed (menus, treatments) come first.
        "DEPTH_PRIORITY": 1,
        "SCHEDULER_DISK_QUEUE": "scrapy.squeues.PickleFifoDiskQueue",
        "SCHEDULER_MEMORY_QUEUE": "scrapy.squeues.FifoMemoryQueue",
        "CLINIC_AUDIT_MAX_PAGES": max_pages,
        "DOWNLOAD_MAXSIZE": MAX_RESPONSE_BYTES,
        "DOWNLOAD_WARNSIZE": 0,
        "DOWNLOAD_TIMEOUT": 30,
        "DNS_TIMEOUT": 20,
        "RETRY_ENABLED": True,
        "RETRY_TIMES": 2,
        # 429 is retried too, after the Retry-After the site asks for (see crawler.policy).
        "RETRY_HTTP_CODES": [500, 502, 503, 504, 522, 524, 408, 429],
        "CLINIC_AUDIT_RETRY_BACKOFF": RETRY_BACKOFF,
        "REDIRECT_MAX_TIMES": 10,
        # Nothing a site sets may follow us to another site.
        "COOKIES_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
        "LOG_LEVEL": "WARNING",
        "CLINIC_AUDIT_ALLOW_LOOPBACK": allow_loopback,
        "CLINIC_AUDIT_RESOLVE": list(resolve),
        "TWISTED_DNS_RESOLVER": "crawler.safety.GuardedResolver",
        "CLINIC_AUDIT_RESUME": resume,
        # Order matters: requests pass them in ascending order, responses in descending.
        "DOWNLOADER_MIDDLEWARES": {
            "crawler.safety.AddressPolicyMiddleware": 50,
            # Before robots.txt is consulted: an off-site host's robots.txt is none of ours.
            "crawler.policy.SiteScopeMiddleware": 60,
            "crawler.evidence.ReplayMiddleware": 70,
            "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
            "crawler.policy.PatientRetryMiddleware": 550,
            # Sees 3xx responses before the redirect middleware follows them.
            "crawler.policy.RedirectLoopMiddleware": 650,
            # Right after the download handler: the bytes as received, before decompression.
            "crawler.evidence.EvidenceMiddleware": 950,
        },
        "ITEM_PIPELINES": {"crawler.pipeline.ArchivePipeline": 300},
    }
    if render_js:
        settings.update(rendering_settings(resolve))
    if fast:
        settings.update(
            DOWNLOAD_DELAY=0,
            RANDOMIZE_DOWNLOAD_DELAY=False,
            AUTOTHROTTLE_ENABLED=False,
            CONCURRENT_REQUESTS_PER_DOMAIN=8,
            CLINIC_AUDIT_RETRY_BACKOFF=0,
        )
    return settings
