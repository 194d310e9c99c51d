"""The one spider: visits each seed site within its registrable domain and yields pages.

It only decides where to go next, and in which order (pages likely to hold claims first,
sitemaps as a second source of URLs); what a page says is extraction's business. Every URL is
put in canonical form before it is compared with those seen or scheduled, and links that are
never pages (feeds, APIs, search, comment pagination) are dropped (see crawler.canonical).

A page's ``<link rel="canonical">`` is followed where it names the same path (a query, host or
scheme variant, such as ``?ref=menu`` or ``http://`` for ``https://``): the page stands for
that URL, which is then never fetched on its own, and a later variant of a page already
recorded is a duplicate, neither recorded nor followed. It is still in the WARC, like every
response. A canonical naming another path is ignored: templates that name the home page as
every page's canonical are common, and trusting them would end the crawl at the home page.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import urljoin, urlsplit

from scrapy import Request, Spider, signals
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
    IgnoreRequest,
)
from scrapy.http import Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import Sitemap
from twisted.internet.error import ConnectionRefusedError, DNSLookupError, TimeoutError
from twisted.python.failure import Failure

from crawler.canonical import canonical_url, skip_reason
from crawler.evidence import EVIDENCE, REPLAYED
from crawler.job import JobSite
from crawler.links import canonical_link, page_links, page_tree
from crawler.policy import AUXILIARY, PAGE_CAP_REACHED, SITE_DOMAIN, SITE_ID
from crawler.render_hooks import page_meta
from crawler.scope import TrapGuard, claim_priority, url_domain

#: Requests queued per site at most, as a multiple of the page cap: enough for the
#: priorities to choose from, bounded however many links a site has.
FRONTIER_FACTOR = 5
#: Sitemaps (index and children) read per site at most.
MAX_SITEMAPS = 10


class ClinicSpider(Spider):
    name = "clinic-audit"

    def __init__(self, sites: list[JobSite], max_pages: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.sites = sites
        self.max_pages = max_pages
        self.scheduled: Counter[int] = Counter()
        # Canonical URLs scheduled (and the seeds as given): none is requested twice.
        self.seen: set[str] = {site.url for site in sites} | {_canonical(s.url) for s in sites}
        #: Canonical URLs of the pages recorded, and of the same-path canonicals they named.
        self.recorded: set[str] = set()
        self.sitemaps: Counter[int] = Counter()
        self.traps = TrapGuard()
        self.trap_reported: set[tuple[int, str]] = set()
        self._domains = {site.site_id: url_domain(site.url) for site in sites}
        self.render_js = {site.site_id for site in sites if site.render_js}

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> ClinicSpider:
        kwargs.setdefault("max_pages", crawler.settings.getint("CLINIC_AUDIT_MAX_PAGES"))
        spider: ClinicSpider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.robots_parsed, signal=signals.robots_parsed)
        if crawler.settings.getbool("CLINIC_AUDIT_RENDER_JS_ALL"):
            spider.render_js = set(spider._domains)
        return spider

    async def start(self) -> AsyncIterator[Request]:
        for site in self.sites:
            self.scheduled[site.site_id] += 1
            yield self._request(site.url, site.site_id, priority=100)
            sitemap = urljoin(site.url, "/sitemap.xml")
            yield self._auxiliary(sitemap, site.site_id, self.parse_sitemap)

    def _meta(self, site_id: int) -> dict[str, Any]:
        return {SITE_ID: site_id, SITE_DOMAIN: self._domains[site_id]}

    def _request(self, url: str, site_id: int, priority: int = 0) -> Request:
        meta = self._meta(site_id)
        if site_id in self.render_js:
            meta.update(
                page_meta(
                    site_id,
                    self._domains[site_id],
                    allow_loopback=self.settings.getbool("CLINIC_AUDIT_ALLOW_LOOPBACK"),
                    max_bytes=self.settings.getint("DOWNLOAD_MAXSIZE"),
                )
            )
        return Request(
            url,
            callback=self.parse,
            errback=self.failed,
            cb_kwargs={"site_id": site_id},
            meta=meta,
            priority=priority,
        )

    def _auxiliary(self, url: str, site_id: int, callback: Any) -> Request:
        # Auxiliary fetches jump the queue: their URLs should be known before the cap bites.
        return Request(
            url,
            callback=callback,
            errback=self.failed,
            cb_kwargs={"site_id": site_id},
            meta={**self._meta(site_id), AUXILIARY: True},
            priority=200,
        )

    def _follow(
        self, url: str, site_id: int, link_text: str = ""
    ) -> Iterator[dict[str, Any] | Request]:
        """A request for ``url`` if it is on the site, not a trap, and the frontier has room."""
        url = _canonical(url)
        if url in self.seen or self.scheduled[site_id] >= self.max_pages * FRONTIER_FACTOR:
            return
        if url_domain(url) != self._domains[site_id] or urlsplit(url).scheme not in (
            "http",
            "https",
        ):
            return
        # Every page links the menu again: drop repeats here, before they cost a Request, a
        # fingerprint and a trip through the scheduler (and before they eat a trap budget).
        self.seen.add(url)
        skip = skip_reason(url)
        if skip is not None:
            self.crawler.stats.inc_value(f"clinic_audit/skipped/{skip}")
            return
        trap = self.traps.check(site_id, url)
        if trap is not None:
            if (site_id, trap) not in self.trap_reported:
                self.trap_reported.add((site_id, trap))
                yield {"kind": "error", "site_id": site_id, "url": url, "reason": trap}
            return
        self.scheduled[site_id] += 1
        yield self._request(url, site_id, priority=claim_priority(url, link_text))

    def parse(self, response: Response, site_id: int) -> Iterator[dict[str, Any] | Request]:
        root = page_tree(response)  # parsed once, for the canonical link and the links
        if self._duplicate(response, site_id, root):
            self.crawler.stats.inc_value("clinic_audit/duplicates")
            return
        replayed = bool(response.meta.get(REPLAYED))
        evidence = response.meta.get(EVIDENCE)
        if replayed or evidence is not None:
            yield {
                "kind": "page",
                "site_id": site_id,
                "url": response.url,
                "status": response.status,
                "content_type": _header(response, "Content-Type"),
                "depth": response.meta.get("depth", 0),
                "replayed": replayed,
                "evidence": evidence,
            }
        if root is None:
            return
        assert isinstance(response, TextResponse)  # page_tree parses nothing else
        found = [
            out
            for url, text in page_links(response, root, skip=self.seen)
            for out in self._follow(url, site_id, text)
        ]
        # Highest priority first: Scrapy may start fetching before it has queued them all.
        yield from sorted(found, key=lambda out: -out.priority if isinstance(out, Request) else 0)

    def _duplicate(self, response: Response, site_id: int, root: Any) -> bool:
        """True if ``response`` is a variant of a page recorded already (see the module doc).

        Otherwise it is recorded, and stands for its canonical URL from now on.
        """
        own = _canonical(response.url)
        names = {own}
        declared = None
        if isinstance(response, TextResponse) and root is not None:
            declared = canonical_link(response, root)
        if declared is not None and url_domain(declared) == self._domains[site_id]:
            canonical = _canonical(declared)
            if _same_path(canonical, own):
                names.add(canonical)
        if names & self.recorded:
            return True
        self.recorded |= names
        self.seen |= names
        return False

    def robots_parsed(self, robotparser: Any, request: Request) -> None:
        """Follow the ``Sitemap:`` lines of a robots.txt Scrapy fetched to obey it.

        Reading them here spares every site a second fetch of its robots.txt.
        """
        site_id = request.meta.get(SITE_ID)
        protego = getattr(robotparser, "rp", None)
        if site_id is None or protego is None:
            return
        for line in protego.sitemaps:
            url = urljoin(request.url, line)
            if url_domain(url) == self._domains[site_id]:
                self.crawler.engine.crawl(self._auxiliary(url, site_id, self.parse_sitemap))

    def parse_sitemap(self, response: Response, site_id: int) -> Iterator[dict[str, Any] | Request]:
        self.sitemaps[site_id] += 1
        if self.sitemaps[site_id] > MAX_SITEMAPS:
            return
        body = response.body
        if body[:2] == b"\x1f\x8b":  # a .xml.gz sitemap served without Content-Encoding
            try:
                body = gunzip(body, max_size=10 * 1024 * 1024)
            except (OSError, ValueError):
                return
        try:
            sitemap = Sitemap(body)
        except Exception:  # not XML (often an HTML 'not found' page served with 200)
            return
        for entry in sitemap:
            url = entry.get("loc")
            if not url:
                continue
            if sitemap.type == "sitemapindex":
                if url_domain(url) == self._domains[site_id]:
                    yield self._auxiliary(url, site_id, self.parse_sitemap)
            else:
                yield from self._follow(url, site_id)

    def failed(self, failure: Failure) -> Iterator[dict[str, Any]]:
        request = failure.request  # type: ignore[attr-defined]
        if request.meta.get(AUXILIARY):
            return  # a site without robots.txt or sitemap is no broken site
        reason = describe_failure(failure)
        if reason is None:
            return
        yield {
            "kind": "error",
            "site_id": request.meta[SITE_ID],
            "url": request.url,
            "reason": reason,
        }


def _canonical(url: str) -> str:
    """``url`` in canonical form, or as it is if it cannot be parsed (the fetch will fail)."""
    try:
        return canonical_url(url)
    except ValueError:
        return url


def _same_path(a: str, b: str) -> bool:
    return urlsplit(a).path.rstrip("/") == urlsplit(b).path.rstrip("/")


def _header(response: Response, name: str) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None


def describe_failure(failure: Failure) -> str | None:
    """A short, human reason for a failed request, or None when it is no failure of the site.

    A URL that robots.txt forbids is the crawler being polite, and one past the page cap is
    the crawler being frugal, not the site being broken. Scrapy >= 2.19 wraps Twisted's
    errors in its own; both are matched.
    """
    exc = failure.value
    if isinstance(exc, IgnoreRequest):
        message = str(exc)
        if "robots.txt" in message or message == PAGE_CAP_REACHED:
            return None
        if "DOWNLOAD_MAXSIZE" in message:
            return "decompression bomb: the body grew past the size cap when decompressed"
        return f"refused: {message}"
    if isinstance(exc, HttpError):
        return f"http {exc.response.status}"
    if isinstance(exc, CannotResolveHostError | DNSLookupError):
        return f"dns: {exc}"
    if isinstance(exc, DownloadConnectionRefusedError | ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, DownloadTimeoutError | TimeoutError):
        return "timeout"
    if isinstance(exc, DownloadCancelledError):
        return f"too large: {exc}"
    return f"{type(exc).__name__}: {exc}"
