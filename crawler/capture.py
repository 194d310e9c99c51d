"""What the browser does while rendering a page: what it may fetch, what came back, when done.

A :class:`PageCapture` is attached to each rendered page before it navigates:

- Every request the page makes is checked by :meth:`PageCapture.refusal` before it leaves the
  browser, by the crawl's own rules: http(s) only, the site's registrable domain only, and an
  address the crawl's policy allows (:func:`crawler.safety.host_refusal`, the resolver Scrapy's
  downloads use). A refused request is aborted and listed with its reason. Names outside the
  site are never even resolved: a lookup of a stranger's name is traffic too.
- Every response that came back (the served page, its redirects, scripts, JSON, CSS) is kept
  as an :class:`~crawler.archive.Exchange`, for the WARC. The browser hands bodies over with
  their Content-Encoding undone, so that header is kept as ``X-Archive-Orig-Content-Encoding``.
- :meth:`PageCapture.settle` waits until the network is idle *and* the DOM has stopped
  changing, up to a cap: "network idle" alone returns pages that fetch their text after a
  timer or reveal it bit by bit.
"""

from __future__ import annotations

import asyncio
import ipaddress
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page
from playwright.async_api import Request as PlaywrightRequest
from playwright.async_api import TimeoutError as PlaywrightTimeout
from twisted.internet.error import DNSLookupError

from crawler.archive import Exchange
from crawler.safety import host_refusal
from crawler.scope import url_domain

#: Installed in every document before its scripts run: when the DOM last changed. Attribute
#: changes do not count (animations toggle classes forever); text and elements do.
WATCH_MUTATIONS = """
(() => {
  const mark = () => { window.__clinicAuditLastMutation = performance.now(); };
  mark();
  new MutationObserver(mark).observe(
    document, {childList: true, subtree: true, characterData: true},
  );
})();
"""
#: True once the DOM has not changed for ``quiet`` milliseconds.
DOM_QUIET = "quiet => performance.now() - (window.__clinicAuditLastMutation || 0) >= quiet"
#: How often the page checks :data:`DOM_QUIET`, in milliseconds.
POLL_MS = 100


@dataclass(frozen=True)
class Refused:
    """A request the page made and the crawler aborted before it left the browser."""

    url: str
    reason: str


class PageCapture:
    """Guards and records one page while Chromium renders it.

    Args:
        page: the page, before it navigates.
        site_domain: the registrable domain of the page's site (the only one it may fetch from).
        allow_loopback: the crawl may connect to 127.0.0.0/8 and ::1.
        max_bytes: responses larger than this are not archived (Scrapy's ``DOWNLOAD_MAXSIZE``).
    """

    def __init__(self, page: Page, site_domain: str, allow_loopback: bool, max_bytes: int) -> None:
        self.page = page
        self.site_domain = site_domain
        self.allow_loopback = allow_loopback
        self.max_bytes = max_bytes
        self.exchanges: list[Exchange] = []
        #: The served response of the page itself (the last one, after redirects).
        self.document: Exchange | None = None
        self.refused: list[Refused] = []
        self.notes: list[str] = []
        self.settled = False
        self.render_seconds = 0.0
        self._in_flight = 0
        self._last_activity = asyncio.get_running_loop().time()
        self._activity = asyncio.Event()
        self._reading: set[asyncio.Task[None]] = set()
        page.on("request", self._started)
        page.on("requestfinished", self._finished)
        page.on("requestfailed", self._failed)

    async def refusal(self, url: str) -> str | None:
        """Why the page must not fetch ``url``, or None if it may."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            return f"scheme {parts.scheme!r} refused: only http and https"
        host = parts.hostname or ""
        off_site = url_domain(url) != self.site_domain
        if off_site and not _is_ip_address(host):
            return f"{host} is outside the site ({self.site_domain})"
        try:
            refusal = await host_refusal(host, self.allow_loopback)
        except DNSLookupError as exc:
            return f"dns: {exc}"
        if refusal is None and off_site:
            return f"{host} is outside the site ({self.site_domain})"
        return refusal

    async def admits(self, request: PlaywrightRequest) -> bool:
        """Whether ``request`` may go out; a refused one is listed in :attr:`refused`."""
        reason = await self.refusal(request.url)
        if reason is not None:
            self.refused.append(Refused(request.url, reason))
        return reason is None

    async def settle(self, quiet_ms: int, cap_ms: int) -> None:
        """Wait until no request has been in flight and the DOM has not changed for
        ``quiet_ms``, for ``cap_ms`` at most, then until the responses are read.

        The outcome goes to :attr:`settled` and :attr:`render_seconds`; a page that never
        settles is archived as it is when the cap is reached.
        """
        loop = asyncio.get_running_loop()
        started = loop.time()
        deadline = started + cap_ms / 1000
        try:
            while not self.settled:
                left_ms = (deadline - loop.time()) * 1000
                if left_ms <= 0:
                    break
                await self.page.wait_for_function(
                    DOM_QUIET, arg=quiet_ms, polling=POLL_MS, timeout=left_ms
                )
                await asyncio.wait_for(self._network_quiet(quiet_ms / 1000), deadline - loop.time())
                # Both quiet at the same moment: the network may have woken the DOM meanwhile.
                self.settled = bool(await self.page.evaluate(DOM_QUIET, quiet_ms))
        except (PlaywrightTimeout, TimeoutError):
            pass
        except PlaywrightError as exc:  # the page crashed or navigated away: keep what is there
            self.notes.append(f"stopped waiting: {exc.message.splitlines()[0]}")
        self.render_seconds = loop.time() - started
        await asyncio.gather(*self._reading)

    async def _network_quiet(self, quiet: float) -> None:
        loop = asyncio.get_running_loop()
        while True:
            idle_for = loop.time() - self._last_activity
            if self._in_flight == 0 and idle_for >= quiet:
                return
            self._activity.clear()
            with suppress(TimeoutError):
                wait = quiet - idle_for if self._in_flight == 0 else None
                await asyncio.wait_for(self._activity.wait(), wait)

    def _touch(self, change: int) -> None:
        self._in_flight += change
        self._last_activity = asyncio.get_running_loop().time()
        self._activity.set()

    def _started(self, request: PlaywrightRequest) -> None:
        self._touch(+1)

    def _failed(self, request: PlaywrightRequest) -> None:
        self._touch(-1)

    def _finished(self, request: PlaywrightRequest) -> None:
        self._touch(-1)
        task = asyncio.ensure_future(self._record(request, datetime.now(UTC)))
        self._reading.add(task)
        task.add_done_callback(self._reading.discard)

    async def _record(self, request: PlaywrightRequest, finished_at: datetime) -> None:
        try:
            response = await request.response()
            if response is None:
                return
            length = await response.header_value("content-length")
            if length and length.isdigit() and int(length) > self.max_bytes:
                self.notes.append(f"not archived, over {self.max_bytes} bytes: {request.url}")
                return
            body = b""
            if not 300 <= response.status < 400:
                body = await response.body()
            if len(body) > self.max_bytes:
                self.notes.append(f"not archived, over {self.max_bytes} bytes: {request.url}")
                return
            server = await response.server_addr()
            exchange = Exchange(
                url=request.url,
                method=request.method,
                request_headers=[(h["name"], h["value"]) for h in await request.headers_array()],
                status=response.status,
                headers=_as_decoded(await response.headers_array()),
                payload=body,
                fetched_at=finished_at,
                ip_address=server["ipAddress"] if server else None,
            )
        except PlaywrightError as exc:  # the page closed first, or the browser dropped the body
            self.notes.append(f"not archived: {request.url}: {exc.message.splitlines()[0]}")
            return
        self.exchanges.append(exchange)
        if _is_document(request, self.page) and not 300 <= exchange.status < 400:
            self.document = exchange


def _is_document(request: PlaywrightRequest, page: Page) -> bool:
    try:
        return request.is_navigation_request() and request.frame == page.main_frame
    except PlaywrightError:  # a worker's request has no frame
        return False


def _as_decoded(headers: list[Any]) -> list[tuple[str, str]]:
    """Response headers (Playwright's name/value pairs) for a payload the browser decoded:
    Content-Encoding is kept, renamed, so the record does not claim an encoding it lacks."""
    pairs = [(str(h["name"]), str(h["value"])) for h in headers]
    return [
        ("X-Archive-Orig-" + name if name.lower() == "content-encoding" else name, value)
        for name, value in pairs
    ]


def _is_ip_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True
