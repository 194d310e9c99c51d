"""Downloader middlewares that keep a crawl inside each site, within its caps, and patient.

- :class:`SiteScopeMiddleware` (before robots.txt is consulted) drops requests that left
  their site's registrable domain, e.g. by a redirect, and those past the site's page cap.
- :class:`RedirectLoopMiddleware` (seeing responses before the redirect middleware) turns a
  redirect back to a URL already visited in the chain into an error with that reason.
- :class:`PatientRetryMiddleware` replaces Scrapy's retry middleware: the same retries, but
  it waits before each one, exponentially longer, or as long as ``Retry-After`` asks.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, Self
from urllib.parse import urljoin

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.response import response_status_message
from twisted.internet.task import deferLater

from crawler.scope import url_domain

#: request.meta keys set by the spider.
SITE_ID = "site_id"
SITE_DOMAIN = "site_domain"
#: request.meta key: an auxiliary fetch (robots.txt, sitemap) that is no page of the site.
AUXILIARY = "auxiliary"
_ADMITTED = "clinic_audit_admitted"

#: Longest ``Retry-After`` honoured; a site asking for more is given up for this run.
MAX_RETRY_AFTER = 120.0

PAGE_CAP_REACHED = "page cap reached"


class SiteScopeMiddleware:
    def __init__(self, max_pages: int) -> None:
        self.max_pages = max_pages
        self.admitted: Counter[int] = Counter()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler.settings.getint("CLINIC_AUDIT_MAX_PAGES"))

    def process_request(self, request: Request, spider: Spider | None = None) -> None:
        domain = request.meta.get(SITE_DOMAIN)
        if domain is None:
            return None  # robots.txt fetched by Scrapy itself
        if url_domain(request.url) != domain:
            raise IgnoreRequest(f"off-site redirect to {request.url}")
        if request.meta.get(AUXILIARY) or request.meta.get(_ADMITTED):
            return None
        site_id = request.meta[SITE_ID]
        if self.admitted[site_id] >= self.max_pages:
            raise IgnoreRequest(PAGE_CAP_REACHED)
        self.admitted[site_id] += 1
        request.meta[_ADMITTED] = True  # its redirects are the same page, not another
        return None


class RedirectLoopMiddleware:
    def process_response(
        self, request: Request, response: Response, spider: Spider | None = None
    ) -> Response:
        location = response.headers.get("Location")
        if response.status in (301, 302, 303, 307, 308) and location:
            target = urljoin(request.url, location.decode("latin-1"))
            chain = [*request.meta.get("redirect_urls", []), request.url]
            if target in chain:
                raise IgnoreRequest(f"redirect loop: {' -> '.join([*chain, target])}")
        return response


def retry_after_seconds(value: bytes | str | None, now: datetime | None = None) -> float | None:
    """Seconds a ``Retry-After`` header asks to wait (delta-seconds or HTTP-date), if valid."""
    if not value:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class PatientRetryMiddleware(RetryMiddleware):
    """Retries 5xx, 429 and timeouts after a back-off; honours ``Retry-After``.

    A ``Retry-After`` also becomes the site's download delay, since it speaks for the whole
    site, not one URL.
    """

    backoff: float

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        middleware = super().from_crawler(crawler)
        middleware.backoff = crawler.settings.getfloat("CLINIC_AUDIT_RETRY_BACKOFF")
        return middleware

    async def process_response(  # type: ignore[override]
        self, request: Request, response: Response, spider: Spider | None = None
    ) -> Request | Response:
        if request.meta.get("dont_retry") or response.status not in self.retry_http_codes:
            return response
        wait = retry_after_seconds(response.headers.get("Retry-After"))
        if wait is not None and wait > MAX_RETRY_AFTER:
            return response  # the error says http 429/503; waiting an hour is no crawl
        if wait is not None:
            self._slow_site(request, wait)
        retry = self._retry(request, response_status_message(response.status))
        if retry is None:
            return response
        await self._sleep(wait if wait is not None else self._backoff(request))
        return retry

    async def process_exception(  # type: ignore[override]
        self, request: Request, exception: Exception, spider: Spider | None = None
    ) -> Request | Response | None:
        if request.meta.get("dont_retry") or not isinstance(exception, self.exceptions_to_retry):
            return None
        retry = self._retry(request, exception)
        if retry is not None:
            await self._sleep(self._backoff(request))
        return retry

    def _backoff(self, request: Request) -> float:
        return float(self.backoff * 2 ** request.meta.get("retry_times", 0))

    def _slow_site(self, request: Request, wait: float) -> None:
        slot = self.crawler.engine.downloader.slots.get(request.meta.get("download_slot", ""))
        if slot is not None:
            slot.delay = max(slot.delay, wait)

    @staticmethod
    async def _sleep(seconds: float) -> Any:
        if seconds <= 0:
            return None
        from twisted.internet import reactor

        return await maybe_deferred_to_future(deferLater(reactor, seconds, lambda: None))  # type: ignore[arg-type]
