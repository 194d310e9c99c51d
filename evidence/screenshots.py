"""Screenshots of archived pages: what a cited page showed, rendered from the archive alone.

Each page is loaded in the system Chromium from the bytes the archive holds for it, never from
the live site, with the quoted sentences highlighted, and taken as one full-page PNG:

- **Network off.** Every request the browser makes is routed here: the page's own navigation
  gets its archived bytes, a sub-resource (stylesheet, image, font, frame) gets its archived
  copy when the archive holds one, and everything else is aborted. As a second wall, Chromium
  is started with a proxy that leads nowhere (a closed loopback port, loopback included) and a
  host resolver that resolves no name, so a connection the routing missed (a ``preconnect``,
  a DNS prefetch) reaches nothing either.
- **Scripts off.** The page's scripts never run (``java_script_enabled=False``); a rendered
  page's archived DOM already holds what they wrote. A ``<meta http-equiv="refresh">`` or a
  frame's navigation is aborted as ``aborted``, which keeps the current document. The
  highlighting is ours: a DOM walk Playwright evaluates from outside the page (it works with the
  page's scripts disabled), which wraps the text of every occurrence of each quote in a
  ``<mark>`` styled through the CSSOM (a page's Content Security Policy cannot refuse it).
- **In parallel, within a budget.** A few pages at once, each in its own browser context, in
  one browser. A page not started when the budget is spent is *skipped*; one that fails to
  render (a timeout, a crash, a non-HTML payload) is *failed* with the reason; the others go
  on.

Quotes are matched with whitespace ignored (extraction collapses it, and a sentence may run
across inline elements), and a quote cut to a window by extraction (``…`` at either end) is
looked for without the ellipsis.
"""

from __future__ import annotations

import asyncio
import io
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evidence.chromium import CHROMIUM, QUIET_FLAGS
from evidence.digests import sha256_hex

#: The highlight behind a quoted sentence (a yellow few pages use, so a test can find it).
HIGHLIGHT = "#ffe600"
HIGHLIGHT_RGB = (0xFF, 0xE6, 0x00)
#: Thumbnail size in pixels (shown at half that in the reports, so it stays sharp in print).
THUMBNAIL_SIZE = (320, 250)
#: Record statuses.
OK, FAILED, SKIPPED = "ok", "failed", "skipped"
#: Content types a browser lays out as a page; anything else (a PDF) is not rendered.
RENDERABLE = ("text/html", "application/xhtml+xml", "text/plain")
#: Where the wall proxy points: a closed port, so a connection the routing missed fails at once.
_NOWHERE = "http://127.0.0.1:9"


@dataclass(frozen=True)
class ShotSettings:
    """How screenshots are taken.

    Attributes:
        budget_seconds: Wall time for all pages of one call; pages not started by then are
            skipped (a later call shoots them).
        parallel: Pages rendered at once in the one browser (each costs a renderer process).
        page_timeout_seconds: Time one page may take, load to PNG.
        width: Viewport width in CSS pixels (a laptop's).
        max_height: A taller page is cut at this height (Chromium's own limit is 16,384 px).
    """

    budget_seconds: float = 600.0
    parallel: int = 3
    page_timeout_seconds: float = 30.0
    width: int = 1280
    max_height: int = 16_000


@dataclass(frozen=True)
class ArchivedBody:
    """An archived response as the browser is handed it: status, media type, decoded bytes."""

    status: int
    content_type: str | None
    body: bytes


@dataclass(frozen=True)
class Shot:
    """One page to shoot: its URL and archived bytes, the quotes to highlight, where to write."""

    key: int
    url: str
    page: ArchivedBody
    quotes: tuple[str, ...]
    png: Path
    thumbnail: Path


@dataclass(frozen=True)
class ShotResult:
    """What became of one :class:`Shot`.

    ``requests`` is the route log: every URL the browser asked for, with ``page`` (the archived
    page itself), ``archived`` (a sub-resource served from the archive) or ``refused``.
    """

    key: int
    status: str
    reason: str | None = None
    sha256: str | None = None
    size: int | None = None
    width: int | None = None
    height: int | None = None
    highlighted: int = 0
    requests: tuple[tuple[str, str], ...] = ()
    seconds: float = 0.0

    @property
    def refused(self) -> list[str]:
        return [url for url, action in self.requests if action == "refused"]


#: Wraps every occurrence of each quote in a <mark>; returns how many quotes were found and
#: where the first visible mark is (CSS px from the top), for the thumbnail.
_HIGHLIGHT_JS = """
([quotes, colour]) => {
  const root = document.body;
  if (!root) return {found: 0, top: null, height: 0};
  const skip = new Set(['SCRIPT', 'STYLE', 'TEMPLATE', 'TITLE', 'TEXTAREA']);
  // No filter callback: with the page's scripts off, the walker could not call it.
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const nodes = [], nodeOf = [], offsetOf = [];
  const chars = [];
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (n.parentElement && skip.has(n.parentElement.tagName)) continue;
    const text = n.data;
    for (let k = 0; k < text.length; k++) {
      if (/\\s/.test(text[k])) continue;
      chars.push(text[k]); nodeOf.push(nodes.length); offsetOf.push(k);
    }
    nodes.push(n);
  }
  const flat = chars.join('');
  const segments = new Map();  // node index -> [[start, end], ...] in the node's text
  let found = 0;
  for (const quote of quotes) {
    const wanted = quote.replace(/^[\\s…]+|[\\s…]+$/g, '').replace(/\\s+/g, '');
    if (!wanted) continue;
    let at = flat.indexOf(wanted), hit = false;
    while (at >= 0) {
      hit = true;
      for (let i = at; i < at + wanted.length; i++) {
        const list = segments.get(nodeOf[i]) || [];
        // the spaces between two matched characters of one text node are marked too
        if (i > at && nodeOf[i - 1] === nodeOf[i]) list[list.length - 1][1] = offsetOf[i] + 1;
        else list.push([offsetOf[i], offsetOf[i] + 1]);
        segments.set(nodeOf[i], list);
      }
      at = flat.indexOf(wanted, at + wanted.length);
    }
    if (hit) found++;
  }
  const marks = [];
  for (const [index, list] of segments) {
    list.sort((a, b) => a[0] - b[0]);
    const merged = [];
    for (const s of list) {
      const last = merged[merged.length - 1];
      if (last && s[0] <= last[1]) last[1] = Math.max(last[1], s[1]); else merged.push(s.slice());
    }
    let node = nodes[index];
    for (let j = merged.length - 1; j >= 0; j--) {  // from the end: earlier offsets stay valid
      const [start, end] = merged[j];
      const middle = node.splitText(start);
      middle.splitText(end - start);
      const mark = document.createElement('mark');
      mark.setAttribute('data-clinic-audit', 'quote');
      for (const [name, value] of [['background-color', colour], ['color', '#000'],
                                   ['background-image', 'none'], ['padding', '0']]) {
        mark.style.setProperty(name, value, 'important');
      }
      middle.parentNode.replaceChild(mark, middle);
      mark.appendChild(middle);
      marks.push(mark);
    }
  }
  let top = null;
  for (const mark of marks) {
    const box = mark.getBoundingClientRect();
    if (box.width > 0 && box.height > 0) {
      const y = box.top + window.scrollY;
      top = top === null ? y : Math.min(top, y);
    }
  }
  const height = Math.max(document.documentElement.scrollHeight, root.scrollHeight);
  return {found, top, height};
}
"""


def shoot(
    shots: Sequence[Shot],
    resources: Callable[[str], ArchivedBody | None],
    settings: ShotSettings | None = None,
    done: Callable[[ShotResult], None] | None = None,
) -> list[ShotResult]:
    """Shoot every page of ``shots`` from its archived bytes; one result each, in order.

    Args:
        shots: The pages, each with its archived bytes and the quotes to highlight.
        resources: The archived copy of a sub-resource's URL, or None (then it is refused).
        settings: Budget, parallelism, timeouts (default :class:`ShotSettings`).
        done: Called with each result as it comes (a progress display).

    A page that cannot be rendered is a ``failed`` result, never an exception; only a browser
    that will not start at all raises (``playwright``'s error, naming what is missing).
    """
    if not shots:
        return []
    settings = settings or ShotSettings()
    work = _shoot_all(list(shots), resources, settings, done or (lambda _: None))
    try:
        asyncio.get_running_loop()
    except RuntimeError:  # the usual case: no event loop in this thread
        return asyncio.run(work)
    # Called from inside an event loop (a notebook, an async flow): run in a thread of its own.
    box: list[list[ShotResult]] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            box.append(asyncio.run(work))
        except BaseException as exc:
            errors.append(exc)

    thread = threading.Thread(target=run, name="screenshots")
    thread.start()
    thread.join()
    if errors:
        raise errors[0]
    return box[0]


async def _shoot_all(
    shots: list[Shot],
    resources: Callable[[str], ArchivedBody | None],
    settings: ShotSettings,
    done: Callable[[ShotResult], None],
) -> list[ShotResult]:
    from playwright.async_api import async_playwright

    deadline = time.monotonic() + settings.budget_seconds
    slots = asyncio.Semaphore(max(1, settings.parallel))
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            proxy={"server": _NOWHERE, "bypass": "<-loopback>"},
            args=[
                *QUIET_FLAGS,
                "--disable-domain-reliability",
                "--host-resolver-rules=MAP * ~NOTFOUND",
            ],
        )
        try:

            async def one(shot: Shot) -> ShotResult:
                async with slots:
                    left = deadline - time.monotonic()
                    if left <= 0:
                        result = ShotResult(
                            shot.key,
                            SKIPPED,
                            f"over the time budget of {settings.budget_seconds:.0f} s",
                        )
                    else:
                        result = await _shoot_one(browser, shot, resources, settings, left)
                done(result)
                return result

            return list(await asyncio.gather(*(one(shot) for shot in shots)))
        finally:
            await browser.close()


@dataclass
class _Route:
    """Answers one page's requests from the archive; logs each."""

    shot: Shot
    resources: Callable[[str], ArchivedBody | None]
    log: list[tuple[str, str]] = field(default_factory=list)
    page_served: bool = False

    async def __call__(self, route: Any) -> None:
        request = route.request
        url = request.url
        main = request.is_navigation_request() and request.frame.parent_frame is None
        if main and not self.page_served:
            self.page_served = True
            self.log.append((url, "page"))
            await _fulfil(route, self.shot.page)
            return
        copy = None if request.is_navigation_request() and main else self._resource(url)
        if copy is None:
            self.log.append((url, "refused"))
            # "aborted" keeps the current document (a meta refresh, a frame); "failed" would
            # put Chromium's error page in its place.
            await route.abort("aborted" if request.is_navigation_request() else "failed")
            return
        self.log.append((url, "archived"))
        await _fulfil(route, copy)

    def _resource(self, url: str) -> ArchivedBody | None:
        try:
            return self.resources(url.split("#", 1)[0])
        except (OSError, LookupError, ValueError):  # an unreadable record: not served
            return None


async def _fulfil(route: Any, copy: ArchivedBody) -> None:
    # Only the media type: an archived Refresh, Set-Cookie, Link or CSP header would act.
    headers = {"content-type": copy.content_type} if copy.content_type else {}
    status = copy.status if 200 <= copy.status < 600 else 200  # a conversion record has none
    await route.fulfill(status=status, headers=headers, body=copy.body)


async def _shoot_one(
    browser: Any,
    shot: Shot,
    resources: Callable[[str], ArchivedBody | None],
    settings: ShotSettings,
    left: float,
) -> ShotResult:
    started = time.monotonic()
    media = (shot.page.content_type or "text/html").split(";")[0].strip().lower()
    if media not in RENDERABLE:
        return ShotResult(shot.key, FAILED, f"{media} is not a page a browser lays out")
    timeout = min(settings.page_timeout_seconds, left)
    router = _Route(shot, resources)
    context = await browser.new_context(
        java_script_enabled=False,
        bypass_csp=True,
        service_workers="block",
        viewport={"width": settings.width, "height": 900},
        device_scale_factor=1,
    )
    try:
        await context.route("**/*", router)
        page = await context.new_page()
        try:
            result = await asyncio.wait_for(_render(page, shot, settings), timeout)
        except TimeoutError:
            over_budget = timeout < settings.page_timeout_seconds
            status = SKIPPED if over_budget else FAILED
            why = "the time budget ran out" if over_budget else f"timed out after {timeout:.0f} s"
            return ShotResult(
                shot.key, status, why, requests=tuple(router.log), seconds=_since(started)
            )
        except Exception as exc:  # one page's failure is recorded, never the run's
            return ShotResult(
                shot.key,
                FAILED,
                f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}",
                requests=tuple(router.log),
                seconds=_since(started),
            )
    finally:
        await context.close()
    png, width, height, found, reason = result
    return ShotResult(
        shot.key,
        OK,
        reason,
        sha256_hex(png),
        len(png),
        width,
        height,
        found,
        tuple(router.log),
        _since(started),
    )


async def _render(
    page: Any, shot: Shot, settings: ShotSettings
) -> tuple[bytes, int, int, int, str | None]:
    """Load, highlight, shoot; write the PNG and thumbnail. Returns (png, width, height, quotes
    found, a note or None)."""
    await page.goto(shot.url, wait_until="load")
    marked = await page.evaluate(_HIGHLIGHT_JS, [list(shot.quotes), HIGHLIGHT])
    full = int(marked["height"] or 0)
    note = None
    if full > settings.max_height:
        note = f"cut at {settings.max_height} px of {full}"
        clip = {"x": 0, "y": 0, "width": settings.width, "height": settings.max_height}
        png = await page.screenshot(full_page=True, clip=clip, type="png")
    else:
        png = await page.screenshot(full_page=True, type="png")
    if shot.quotes and not marked["found"]:
        note = "; ".join(filter(None, [note, "no quote found in the rendered page"]))
    width, height = await asyncio.to_thread(_write, shot, png, marked["top"])
    return png, width, height, int(marked["found"]), note


def _write(shot: Shot, png: bytes, focus: float | None) -> tuple[int, int]:
    """Write the PNG and its thumbnail (around the first highlight); return the PNG's size."""
    from PIL import Image

    shot.png.parent.mkdir(parents=True, exist_ok=True)
    partial = shot.png.with_name(f".{shot.png.name}.partial")
    partial.write_bytes(png)
    partial.replace(shot.png)
    with Image.open(io.BytesIO(png)) as image:
        width, height = image.size
        box_w, box_h = THUMBNAIL_SIZE
        window = min(height, round(width * box_h / box_w))
        top = 0 if focus is None else int(focus) - window // 4
        top = max(0, min(top, height - window))
        thumb = image.convert("RGB").crop((0, top, width, top + window))
        thumb.thumbnail(THUMBNAIL_SIZE)
        partial = shot.thumbnail.with_name(f".{shot.thumbnail.name}.partial")
        thumb.save(partial, "JPEG", quality=80)
        partial.replace(shot.thumbnail)
    return width, height


def quotes_digest(quotes: Sequence[str]) -> str:
    """The bare hex SHA-256 of a page's quotes (sorted, one per line): a picture highlights
    exactly these."""
    return sha256_hex("\n".join(sorted(set(quotes))).encode("utf-8"))


def _since(started: float) -> float:
    return round(time.monotonic() - started, 3)
