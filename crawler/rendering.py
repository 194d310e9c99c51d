"""JavaScript rendering with scrapy-playwright, driving the system's Chromium.

Only pages of sites that ask for it (``--render-js`` or the seed file's ``render_js`` column)
go through the browser; every other request keeps Scrapy's own HTTP client. The browser is
Debian's ``chromium`` package: nothing is ever downloaded. Each site gets its own browser
context, so no cookie or storage of one site reaches another.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from crawler.safety import parse_resolve_rules

#: The system browser (Debian/Ubuntu package ``chromium``).
CHROMIUM = "/usr/bin/chromium"
#: Resource types never loaded while rendering: they change no text.
SKIPPED_RESOURCES = frozenset({"image", "media", "font"})
#: Milliseconds a page may take to load and settle.
NAVIGATION_TIMEOUT_MS = 30_000

_HANDLER = "scrapy_playwright.handler.ScrapyPlaywrightDownloadHandler"


def browser_args(resolve: Sequence[str]) -> list[str]:
    """Chromium's command line: quiet, headless, and mapping the crawl's static host rules."""
    args = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
    ]
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
        "PLAYWRIGHT_ABORT_REQUEST": "crawler.rendering.skip_resource",
    }


def skip_resource(request: Any) -> bool:
    """Whether the browser should not load ``request`` (a playwright Request)."""
    return bool(
        request.resource_type in SKIPPED_RESOURCES
        or not request.url.startswith(("http://", "https://"))
    )


def page_meta(site_id: int) -> dict[str, Any]:
    """Request meta that renders a page of site ``site_id`` in its own browser context."""
    return {
        "playwright": True,
        "playwright_context": f"site-{site_id}",
        "playwright_page_goto_kwargs": {"wait_until": "networkidle"},
    }
