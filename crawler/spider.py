"""The one spider: visits each seed site within its own host, politely, and yields pages.

It only decides where to go next; what a page says is extraction's business.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request, Spider
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
    IgnoreRequest,
)
from scrapy.http import Response, TextResponse
from scrapy.linkextractors import LinkExtractor
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import ConnectionRefusedError, DNSLookupError, TimeoutError
from twisted.python.failure import Failure

from crawler.job import JobSite


def site_host(url: str) -> str:
    """The host a URL belongs to, with a leading ``www.`` dropped (www and bare are one site)."""
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.")


class ClinicSpider(Spider):
    name = "clinic-audit"

    def __init__(self, sites: list[JobSite], max_pages: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.sites = sites
        self.max_pages = max_pages
        self.scheduled: Counter[int] = Counter()
        self.links = LinkExtractor(unique=True)
        self._hosts = {site.site_id: site_host(site.url) for site in sites}

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> ClinicSpider:
        kwargs.setdefault("max_pages", crawler.settings.getint("CLINIC_AUDIT_MAX_PAGES"))
        return super().from_crawler(crawler, *args, **kwargs)  # type: ignore[no-any-return]

    async def start(self) -> AsyncIterator[Request]:
        for site in self.sites:
            self.scheduled[site.site_id] += 1
            yield self._request(site.url, site.site_id)

    def _request(self, url: str, site_id: int) -> Request:
        return Request(
            url,
            callback=self.parse,
            errback=self.failed,
            cb_kwargs={"site_id": site_id},
            meta={"site_id": site_id},
        )

    def parse(self, response: Response, site_id: int) -> Iterator[dict[str, Any] | Request]:
        yield {
            "kind": "page",
            "site_id": site_id,
            "url": response.url,
            "status": response.status,
            "headers": [
                (k.decode("latin-1"), v.decode("latin-1"))
                for k, values in response.headers.items()
                for v in values
            ],
            "body": response.body,
            "depth": response.meta.get("depth", 0),
            "fetched_at": datetime.now(UTC),
            "ip_address": str(response.ip_address) if response.ip_address else None,
        }
        if not isinstance(response, TextResponse):
            return
        host = self._hosts[site_id]
        for link in self.links.extract_links(response):
            if site_host(link.url) != host:
                continue
            if self.scheduled[site_id] >= self.max_pages:
                return
            self.scheduled[site_id] += 1
            yield self._request(link.url, site_id)

    def failed(self, failure: Failure) -> Iterator[dict[str, Any]]:
        reason = describe_failure(failure)
        if reason is None:
            return
        request = failure.request  # type: ignore[attr-defined]
        yield {
            "kind": "error",
            "site_id": request.meta["site_id"],
            "url": request.url,
            "reason": reason,
        }


def describe_failure(failure: Failure) -> str | None:
    """A short, human reason for a failed request, or None when it is no failure of the site.

    A URL that robots.txt forbids is the crawler being polite, not the site being broken.
    Scrapy >= 2.19 wraps Twisted's errors in its own; both are matched.
    """
    exc = failure.value
    if isinstance(exc, IgnoreRequest):
        return None if "robots.txt" in str(exc) else f"refused: {exc}"
    if isinstance(exc, HttpError):
        return f"http {exc.response.status}"
    if isinstance(exc, CannotResolveHostError | DNSLookupError):
        return f"dns: {exc}"
    if isinstance(exc, DownloadConnectionRefusedError | ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, DownloadTimeoutError | TimeoutError):
        return "timeout"
    return f"{type(exc).__name__}: {exc}"
