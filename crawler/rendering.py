"""JavaScript rendering with scrapy-playwright, driving the system's Chromium: its settings.

Only pages of sites that ask for it (``--render-js`` or the seed file's ``render_js`` column)
go through the browser; every other request keeps Scrapy's own HTTP client. The browser is
Debian's ``chromium`` package: nothing is ever downloaded. Each site gets its own browser
context, so no cookie or storage of one site reaches another.

A rendered page is loaded, then waited for until the network is idle and the DOM has settled
(at most :data:`SETTLE_CAP_MS`). Every request it makes passes the crawl's address policy and
site scope first. What the browser fetched and the DOM it built are archived by
:class:`crawler.evidence.EvidenceMiddleware`. The browser-side hooks are in
:mod:`crawler.render_hooks`, imported only by a crawler that renders: this module stays light
for everything that reads the crawl's settings.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from crawler.safety import parse_resolve_rules
from evidence.chromium import CHROMIUM, QUIET_FLAGS

#: Resource types never loaded while rendering: they change no text.
SKIPPED_RESOURCES = frozenset({"image", "media", "font"})
#: Milliseconds a page may take to load.
NAVIGATION_TIMEOUT_MS = 30_000
#: Milliseconds without a request in flight and without a DOM change for a page to count as
#: rendered (the quiet Playwright's "networkidle" asks of the network alone).
QUIET_MS = 500
#: Milliseconds after the page's load event that rendering waits at most for it to settle; a
#: page that never does (a ticker, a long poll) is archived as it is then.
SETTLE_CAP_MS = 10_000

#: request.meta key: the :class:`crawler.capture.PageCapture` of the page rendered for it.
CAPTURE = "clinic_audit_capture"
#: request.meta key: what the capture needs to know of the crawl (see render_hooks.page_meta).
CAPTURE_POLICY = "clinic_audit_capture_policy"

_HANDLER = "scrapy_playwright.handler.ScrapyPlaywrightDownloadHandler"


def browser_args(resolve: Sequence[str]) -> list[str]:
    """Chromium's command line: quiet, headless, and mapping the crawl's static host rules."""
    args = ["--headless", *QUIET_FLAGS]
    rules = parse_resolve_rules(list(resolve))
    if rules:
        args.append("--host-resolver-rules=" + ", ".join(f"MAP {p} {ip}" for p, ip in rules))
    return args


def rendering_settings(resolve: Sequence[str]) -> dict[str, Any]:
    """The Scrapy settings that route pages marked ``playwright`` through Chromium."""
    return {
        "DOWNLOAD_HANDLERS": {"http": _HANDLER, "https": _HANDLER},
        "PLAYWRIGHT_BROWSER_TYPE": "chromium",
        "PLAYWRIGHT_LAUNCH_OPTIONS": {
            "executable_path": CHROMIUM,
            "headless": True,
            "args": browser_args(resolve),
        },
        "PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT": NAVIGATION_TIMEOUT_MS,
        "PLAYWRIGHT_MAX_PAGES_PER_CONTEXT": 2,
        "PLAYWRIGHT_ABORT_REQUEST": "crawler.render_hooks.refuse_request",
    }
