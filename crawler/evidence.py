"""Downloader middlewares of the evidence: archive what arrives, replay what is archived.

:class:`EvidenceMiddleware` sits right after the download handler (order 950), so it sees each
response before any other middleware touches it: the payload still as the server encoded it.
:class:`ReplayMiddleware` answers a resumed crawl's requests for pages the run already holds
from the archive, so nothing stored is fetched twice and their links are still followed.

A page rendered in Chromium is archived as what the browser saw and made: the served response
and every response the browser fetched for it (scripts, JSON, CSS; one copy of each per crawl,
later ones as revisits), then the DOM after its scripts ran as a ``conversion`` record referring
to the served response, then a ``metadata`` record saying how it was rendered and which of its
requests were refused. The page's row points at the conversion: extraction reads the DOM.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self
from weakref import WeakKeyDictionary

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.http import Headers, Response
from scrapy.responsetypes import responsetypes

import storage
from crawler.archive import (
    ArchivedResponse,
    Exchange,
    Stored,
    WarcArchive,
    read_response,
    warc_date,
)
from crawler.rendering import CAPTURE
from crawler.settings import PROJECT_URL
from evidence import sha256_hex
from storage.history import StoredCopy, previous_copies, stored_pages

if TYPE_CHECKING:  # imported by a rendering crawl only: it loads Playwright
    from crawler.capture import PageCapture

#: request.meta key: where the response's record went (a dict, see :func:`_evidence`).
EVIDENCE = "clinic_audit_evidence"
#: request.meta key: the response came from the archive, not the network.
REPLAYED = "clinic_audit_replayed"

_ARCHIVES: WeakKeyDictionary[Crawler, WarcArchive] = WeakKeyDictionary()

#: The crawl settings a WARC file's ``warcinfo`` record names: what decided which pages were
#: fetched, how politely, and with which identity.
WARCINFO_SETTINGS = (
    "CLINIC_AUDIT_RUN_ID",
    "CLINIC_AUDIT_MAX_PAGES",
    "DEPTH_LIMIT",
    "ROBOTSTXT_OBEY",
    "DOWNLOAD_DELAY",
    "AUTOTHROTTLE_ENABLED",
    "CONCURRENT_REQUESTS_PER_DOMAIN",
    "DOWNLOAD_TIMEOUT",
    "DOWNLOAD_MAXSIZE",
    "RETRY_TIMES",
    "COOKIES_ENABLED",
    "CLINIC_AUDIT_RESUME",
    "CLINIC_AUDIT_RENDER_JS_ALL",
)


def crawl_archive(crawler: Crawler) -> WarcArchive:
    """The one WARC file this crawler process writes (shared by middleware and pipeline)."""
    archive = _ARCHIVES.get(crawler)
    if archive is None:
        settings = crawler.settings
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        name = f"run-{settings.getint('CLINIC_AUDIT_RUN_ID')}/crawl-{stamp}-{os.getpid()}.warc.gz"
        archive = WarcArchive(Path(settings["CLINIC_AUDIT_ARCHIVE"]), name, warcinfo(crawler))
        _ARCHIVES[crawler] = archive
    return archive


def warcinfo(crawler: Crawler) -> dict[str, str]:
    """The fields of the ``warcinfo`` record a crawl's WARC file starts with."""
    settings = crawler.settings
    chosen = {name: settings.get(name) for name in WARCINFO_SETTINGS}
    return {
        "software": f"clinic-audit/{version('clinic-audit')} (+{PROJECT_URL})",
        "format": "WARC File Format 1.1",
        "conformsTo": "https://iipc.github.io/warc-specifications/specifications/"
        "warc-format/warc-1.1/",
        "http-header-user-agent": settings.get("USER_AGENT"),
        "robots": "obey" if settings.getbool("ROBOTSTXT_OBEY") else "ignore",
        "isPartOf": f"run-{settings.getint('CLINIC_AUDIT_RUN_ID')}",
        "crawl-settings": json.dumps(chosen, sort_keys=True, default=str),
    }


def _load(crawler: Crawler, spider: Spider, resumed: bool) -> list[StoredCopy]:
    """Earlier copies of the spider's sites (``resumed``: of this very run) from the database."""
    settings = crawler.settings
    run_id = settings.getint("CLINIC_AUDIT_RUN_ID")
    engine = storage.connect(settings["CLINIC_AUDIT_DB_URL"])
    try:
        with storage.sessions(engine)() as session:
            if resumed:
                return stored_pages(session, run_id)
            site_ids = [site.site_id for site in getattr(spider, "sites", [])]
            return previous_copies(session, run_id, site_ids)
    finally:
        engine.dispose()


def _pairs(headers: Headers) -> list[tuple[str, str]]:
    return [
        (k.decode("latin-1"), v.decode("latin-1")) for k, values in headers.items() for v in values
    ]


class EvidenceMiddleware:
    """Writes every response (pages, robots.txt, sitemaps, errors, redirects) to the WARC file.

    A page whose payload digest and status equal those of the site's previous run becomes a
    revisit record. Where the record went is left in ``request.meta[EVIDENCE]``.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.root = Path(crawler.settings["CLINIC_AUDIT_ARCHIVE"])
        self.previous: dict[str, StoredCopy] = {}
        # What rendered pages fetched, by (URL, SHA-256): a site's scripts once per crawl.
        self.fetched_by_browser: dict[tuple[str, str], ArchivedResponse] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        middleware = cls(crawler)
        crawler.signals.connect(middleware.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    def spider_opened(self, spider: Spider) -> None:
        self.archive = crawl_archive(self.crawler)
        self.previous = {copy.url: copy for copy in _load(self.crawler, spider, resumed=False)}

    def spider_closed(self, spider: Spider) -> None:
        self.archive.close()

    def process_response(
        self, request: Request, response: Response, spider: Spider | None = None
    ) -> Response:
        if request.meta.get(REPLAYED):
            return response
        exchange = Exchange(
            url=response.url,
            method=request.method,
            request_headers=_pairs(request.headers),
            status=response.status,
            headers=_pairs(response.headers),
            payload=response.body,
            fetched_at=datetime.now(UTC),
            ip_address=str(response.ip_address) if response.ip_address else None,
        )
        sha256 = sha256_hex(response.body)
        previous = self.previous.get(response.url)
        capture: PageCapture | None = request.meta.pop(CAPTURE, None)
        # A file the browser downloaded (a PDF) is no DOM: it is archived like any response.
        if capture is not None and "playwright_suggested_filename" not in request.meta:
            dom = self._archive_rendering(exchange, response, capture)
            evidence = _evidence(exchange, sha256, dom.warc_file, dom.warc_offset)
        elif previous and previous.sha256 == sha256 and previous.status == response.status:
            original = read_response(self.root, previous.warc_file, previous.warc_offset)
            revisit = self.archive.write_revisit(exchange, original)
            evidence = _evidence(exchange, sha256, previous.warc_file, previous.warc_offset)
            evidence.update(revisit_file=revisit.warc_file, revisit_offset=revisit.warc_offset)
        else:
            stored = self.archive.write_exchange(exchange)
            evidence = _evidence(exchange, sha256, stored.warc_file, stored.warc_offset)
        request.meta[EVIDENCE] = evidence
        return response

    def _archive_rendering(
        self, rendered: Exchange, response: Response, capture: PageCapture
    ) -> Stored:
        """Archive what the browser fetched for a page and the DOM it built; return the DOM's
        record."""
        served_id = None
        for exchange in capture.exchanges:
            stored = self._archive_fetched(exchange, is_page=exchange is capture.document)
            if exchange is capture.document:
                served_id = stored.record_id
        encoding = getattr(response, "encoding", None) or "utf-8"
        dom = self.archive.write_rendered_dom(
            rendered.url,
            rendered.payload,
            f"text/html; charset={encoding}",
            rendered.fetched_at,
            served_id,
        )
        fields = [
            ("rendered-by", "chromium"),
            ("settled", "yes" if capture.settled else "no, archived when the wait was capped"),
            ("render-seconds", f"{capture.render_seconds:.2f}"),
            *(("fetched", exchange.url) for exchange in capture.exchanges),
            *(("refused", f"{refused.url} ({refused.reason})") for refused in capture.refused),
            *(("note", note) for note in capture.notes),
        ]
        self.archive.write_metadata(rendered.url, fields, rendered.fetched_at, dom.record_id)
        return dom

    def _archive_fetched(self, exchange: Exchange, is_page: bool) -> Stored:
        """One response the browser fetched; a sub-resource already archived is a revisit."""
        sha256 = sha256_hex(exchange.payload)
        key = (exchange.url, sha256)
        original = self.fetched_by_browser.get(key)
        if original is not None and not is_page:
            return self.archive.write_revisit(exchange, original)
        stored = self.archive.write_exchange(exchange)
        self.fetched_by_browser[key] = ArchivedResponse(
            url=exchange.url,
            date=warc_date(exchange.fetched_at),
            status=exchange.status,
            headers=exchange.headers,
            body=b"",
            raw=b"",
        )
        return stored


def _evidence(exchange: Exchange, sha256: str, warc_file: str, offset: int) -> dict[str, Any]:
    """The pages-table fields of one archived fetch."""
    return {
        "warc_file": warc_file,
        "warc_offset": offset,
        "sha256": sha256,
        "size": len(exchange.payload),
        "ip_address": exchange.ip_address,
        "fetched_at": exchange.fetched_at,
        "revisit_file": None,
        "revisit_offset": None,
    }


class ReplayMiddleware:
    """On ``--resume``, answers requests for pages the run already stored from the archive."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.root = Path(crawler.settings["CLINIC_AUDIT_ARCHIVE"])
        self.stored: dict[str, StoredCopy] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        middleware = cls(crawler)
        if crawler.settings.getbool("CLINIC_AUDIT_RESUME"):
            crawler.signals.connect(middleware.spider_opened, signal=signals.spider_opened)
        return middleware

    def spider_opened(self, spider: Spider) -> None:
        self.stored = {copy.url: copy for copy in _load(self.crawler, spider, resumed=True)}

    def process_request(self, request: Request, spider: Spider | None = None) -> Response | None:
        copy = self.stored.get(request.url)
        if copy is None:
            return None
        archived = read_response(self.root, copy.warc_file, copy.warc_offset)
        headers = Headers(archived.headers)
        request.meta[REPLAYED] = True
        cls = responsetypes.from_args(headers=headers, url=request.url, body=archived.raw)
        return cls(
            url=request.url,
            # A rendered page's record is its DOM, which has no status line of its own.
            status=copy.status,
            headers=headers,
            body=archived.raw,
            request=request,
        )
