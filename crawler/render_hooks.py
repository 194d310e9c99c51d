"""The hooks scrapy-playwright calls while it renders a page: guard it, wait for it, record it.

:func:`page_meta` marks a request for rendering; scrapy-playwright then calls
:func:`start_capture` before the page navigates, :func:`refuse_request` for every request the
page makes, and :func:`settle` once it has loaded. The page's :class:`PageCapture` rides on
the Scrapy request (``meta[CAPTURE]``) to :class:`crawler.evidence.EvidenceMiddleware`.
"""

from __future__ import annotations

from typing import Any
from weakref import WeakKeyDictionary, WeakSet

from playwright.async_api import BrowserContext, Page, Route, WebSocketRoute
from playwright.async_api import Request as PlaywrightRequest
from scrapy import Request
from scrapy_playwright.page import PageMethod

from crawler.capture import WATCH_MUTATIONS, PageCapture, Refused
from crawler.rendering import CAPTURE, CAPTURE_POLICY, QUIET_MS, SETTLE_CAP_MS, SKIPPED_RESOURCES

_CAPTURES: WeakKeyDictionary[Page, PageCapture] = WeakKeyDictionary()
_GUARDED_CONTEXTS: WeakSet[BrowserContext] = WeakSet()


def page_meta(
    site_id: int, site_domain: str, allow_loopback: bool, max_bytes: int
) -> dict[str, Any]:
    """Request meta that renders a page of site ``site_id`` in its own browser context.

    Args:
        site_id: the page's site; its pages share one browser context.
        site_domain: the site's registrable domain, the only one its pages may fetch from.
        allow_loopback: the crawl may connect to 127.0.0.0/8 and ::1.
        max_bytes: responses larger than this are not archived.
    """
    return {
        "playwright": True,
        "playwright_context": f"site-{site_id}",
        # Service workers fetch outside the page's routes, where no policy could see them.
        "playwright_context_kwargs": {"service_workers": "block"},
        # Not "networkidle": settle() waits for the network and the DOM, with a cap, where a
        # page that polls forever would make "networkidle" fail the whole page.
        "playwright_page_goto_kwargs": {"wait_until": "load"},
        "playwright_page_init_callback": "crawler.render_hooks.start_capture",
        "playwright_page_methods": [PageMethod(settle)],
        CAPTURE_POLICY: {
            "site_domain": site_domain,
            "allow_loopback": allow_loopback,
            "max_bytes": max_bytes,
        },
    }


async def start_capture(page: Page, request: Request) -> None:
    """Guard and record ``page`` before it navigates (scrapy-playwright's init callback).

    Should this fail, the page has no capture and :func:`refuse_request` lets nothing out.
    """
    capture = PageCapture(page, **request.meta[CAPTURE_POLICY])
    _CAPTURES[page] = capture
    # The capture holds its page, so the weak key alone would never let the entry go.
    page.once("close", _forget)
    request.meta[CAPTURE] = capture
    await page.add_init_script(script=WATCH_MUTATIONS)

    async def refuse_socket(socket: WebSocketRoute) -> None:
        capture.refused.append(Refused(socket.url, "WebSockets are neither opened nor archived"))
        await socket.close()

    await page.route_web_socket("**/*", refuse_socket)
    context = page.context
    if context not in _GUARDED_CONTEXTS:
        # Only the crawled pages have scrapy-playwright's route: a popup a page opens falls
        # through to this one, which lets nothing out.
        await context.route("**/*", _refuse_route)
        _GUARDED_CONTEXTS.add(context)


def _forget(page: Page) -> None:
    _CAPTURES.pop(page, None)


async def _refuse_route(route: Route) -> None:
    await route.abort("blockedbyclient")


async def refuse_request(request: PlaywrightRequest) -> bool:
    """Whether the browser must not send ``request`` (scrapy-playwright's abort hook).

    Fails closed: a request of a page without a capture, or one the checks choke on, is
    refused.
    """
    if request.resource_type in SKIPPED_RESOURCES:
        return True
    try:
        capture = _CAPTURES.get(request.frame.page)
        return capture is None or not await capture.admits(request)
    except Exception:
        return True


async def settle(page: Page) -> None:
    """Wait for the loaded page to settle (a page method; see :data:`QUIET_MS`)."""
    await _CAPTURES[page].settle(QUIET_MS, SETTLE_CAP_MS)
