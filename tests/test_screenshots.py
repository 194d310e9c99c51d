"""Screenshots of cited pages: rendered from the WARC in the system Chromium, network off.

Real parts throughout: the pages are archived by the crawler's own WARC writer, read by the
real extraction, shot in /usr/bin/chromium, and a hostile page's outside references point at
a real HTTP server on a second loopback port that counts every request it gets.
"""

from __future__ import annotations

import hashlib
import http.server
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from PIL import Image
from playwright.sync_api import sync_playwright
from pypdf import PdfReader
from sqlalchemy import Engine, update

import storage
from crawler.archive import Exchange, WarcArchive
from evidence.screenshots import CHROMIUM, HIGHLIGHT_RGB, ShotSettings
from evidence.verify import verify
from flows.screenshots import take_screenshots
from flows.stages import extract, score
from reports import run_report, write_report_files
from storage import Page, Screenshot, SiteCrawl
from storage.screenshots import ScreenshotRow, screenshots_of
from storage.writes import record_page, start_run, upsert_site

SITE = "http://clinic.test"
QUOTE = "We treat knee osteoarthritis with our stem cell injections in one visit."
CSS = b"h1 { color: rgb(200, 0, 0); font-size: 40px; }"


class CountingServer:
    """An HTTP server on 127.0.0.1 that counts every request (none may come)."""

    def __init__(self) -> None:
        hits = self.hits = []  # type: list[str]

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                hits.append(self.path)
                self.send_response(200)
                self.end_headers()
                self.wfile.write(b"fetched from the network")

            do_POST = do_GET

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.origin = f"127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def outside() -> Iterator[CountingServer]:
    server = CountingServer()
    yield server
    server.close()


def hostile_page(outside: str) -> bytes:
    """A clinic page whose every outside reference points at ``outside``."""
    return f"""<!doctype html><html><head><meta charset="utf-8"><title>Knee clinic</title>
<meta http-equiv="refresh" content="0;url=http://{outside}/refresh">
<link rel="preconnect" href="http://{outside}/"><link rel="prefetch" href="http://{outside}/p">
<link rel="stylesheet" href="/style.css"><link rel="stylesheet" href="http://{outside}/x.css">
<script src="http://{outside}/tracker.js"></script>
<script>document.body.innerHTML = "<h1>replaced by a script</h1>";</script>
</head><body><h1>Knee clinic</h1>
<p>Welcome. {QUOTE.replace("stem cell", "<b>stem   cell</b>")} Book now.</p>
<img src="http://{outside}/pixel.gif" alt="">
<iframe src="http://{outside}/frame"></iframe>
<p style="background:url(http://{outside}/bg.png)">Prices from 5,000 dollars.</p>
</body></html>""".encode()


PLAIN = b"""<!doctype html><html><head><meta charset="utf-8"><title>Back pain</title></head>
<body><h1>Back pain</h1><p>Our clinic offers stem cell therapy for chronic back pain with
guaranteed results. Call us today.</p></body></html>"""

BROKEN = b"""<!doctype html><html><head><meta charset="utf-8"><title>Hips</title></head>
<body><p>We treat hip osteoarthritis with stem cell injections at our clinic.</p></body></html>"""


def archive(root: Path, name: str, pages: dict[str, tuple[str, bytes]]) -> dict[str, int]:
    """Archive ``pages`` (url -> (content type, body)) in WARC ``name``; url -> offset."""
    warc = WarcArchive(root, name, {"software": "clinic-audit tests"})
    offsets = {}
    for url, (content_type, body) in pages.items():
        exchange = Exchange(
            url,
            "GET",
            [],
            200,
            [("Content-Type", content_type)],
            body,
            datetime(2026, 11, 20, tzinfo=UTC),
            "127.0.0.1",
        )
        offsets[url] = warc.write_exchange(exchange).warc_offset
    warc.close()
    return offsets


def store_run(engine: Engine, root: Path, run: int, pages: dict[str, bytes]) -> dict[str, int]:
    """A run whose ``pages`` (path -> HTML) are archived, extracted and scored; url -> id."""
    name = f"run-{run}/crawl.warc.gz"
    urls = {f"{SITE}{path}": body for path, body in pages.items()}
    offsets = archive(
        root,
        name,
        {f"{SITE}/style.css": ("text/css", CSS)}
        | {u: ("text/html; charset=utf-8", b) for u, b in urls.items()},
    )
    with storage.sessions(engine).begin() as session:
        run_id = start_run(session, "seeds.csv", {}).id
        site_id = upsert_site(session, f"{SITE}/", "clinic.test", "Knee clinic", "US", None, None)
        session.merge(SiteCrawl(run_id=run_id, site_id=site_id, status="ok", pages=len(urls)))
        ids = {
            url: record_page(
                session,
                run_id=run_id,
                site_id=site_id,
                url=url,
                status=200,
                content_type="text/html; charset=utf-8",
                fetched_at=datetime(2026, 11, 20, tzinfo=UTC),
                size=len(body),
                sha256=hashlib.sha256(body).hexdigest(),
                warc_file=name,
                warc_offset=offsets[url],
            )
            for url, body in urls.items()
        }
    assert run_id == run
    extract(engine, run_id)
    score(engine, run_id)
    return ids


def thumbnail_shown(report: Path) -> tuple[bool, int]:
    """Whether Chromium shows the report's first thumbnail, and its width in pixels."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            page = browser.new_page()
            page.goto(report.as_uri())
            image = page.locator("a.shot img").first
            return image.evaluate("i => i.complete"), image.evaluate("i => i.naturalWidth")
        finally:
            browser.close()


def colours(png: Path) -> dict[tuple[int, int, int], int]:
    """How many pixels of each colour ``png`` has."""
    with Image.open(png) as image:
        return {colour: n for n, colour in image.convert("RGB").getcolors(1 << 24) or []}


def test_cited_pages_are_shot_from_the_archive_highlighted_and_linked_from_the_dossier(
    home: Path, outside: CountingServer, tmp_path: Path
) -> None:
    engine = storage.connect()
    storage.upgrade(engine)
    root = storage.archive_root()
    ids = store_run(
        engine,
        root,
        1,
        {"/": hostile_page(outside.origin), "/back": PLAIN, "/hips": BROKEN, "/about": b""},
    )
    hostile, plain, broken = ids[f"{SITE}/"], ids[f"{SITE}/back"], ids[f"{SITE}/hips"]
    with storage.sessions(engine).begin() as session:  # its record is gone: it cannot render
        session.execute(update(Page).where(Page.id == broken).values(warc_offset=10**9))

    counts = take_screenshots(engine, 1, ShotSettings(parallel=3))

    assert counts == {"shot": 2, "failed": 1}
    assert outside.hits == []  # nothing was fetched: not the image, script, frame or refresh
    with storage.sessions(engine)() as session:
        shots = screenshots_of(session, ids.values())
    assert ids[f"{SITE}/about"] not in shots  # no claim on it: not cited, not shot
    assert "cannot read the archived copy" in (shots[broken].reason or "")
    assert shots[broken].status == "failed" and shots[broken].file is None
    page = shots[hostile]
    assert page.status == "ok" and page.highlighted == page.quotes >= 1
    png = root / (page.file or "")
    assert png.parent == root / "run-1" / "screenshots"
    assert hashlib.sha256(png.read_bytes()).hexdigest() == page.sha256 and page.size
    assert (page.width, page.height) == Image.open(png).size
    assert colours(png)[HIGHLIGHT_RGB] > 2_000  # the quote, highlighted
    assert colours(root / (shots[plain].file or ""))[HIGHLIGHT_RGB] > 1_000
    assert colours(png).get((200, 0, 0), 0) > 100  # the archived stylesheet's red heading
    refused = set(page.refused)  # (with scripts off, the script is not even asked for)
    for path in ("/pixel.gif", "/frame", "/x.css", "/refresh", "/bg.png"):
        assert f"http://{outside.origin}{path}" in refused

    # Again: nothing current is shot again; the unreadable page is tried again.
    taken = png.stat().st_mtime_ns
    assert take_screenshots(engine, 1) == {"kept": 2, "failed": 1}
    assert png.stat().st_mtime_ns == taken

    # The dossier shows a thumbnail linked to the picture, inside the report folder.
    report = run_report(engine, 1, "seed")
    out = tmp_path / "report"
    paths = write_report_files(report, out, ("html", "pdf"))
    html = paths[0].read_text(encoding="utf-8")
    link = BeautifulSoup(html, "html.parser").find("a", class_="shot")
    assert link is not None and link["href"] == f"screenshots/page-{hostile}.png"
    assert link.img["src"] == f"screenshots/page-{hostile}-thumb.jpg"
    assert (out / link["href"]).read_bytes() == png.read_bytes()
    assert "no screenshot: failed, cannot read the archived copy" in html
    assert thumbnail_shown(paths[0]) == (True, 320)  # the report's CSP lets it show
    assert f"screenshots/page-{hostile}.png" in (out / "manifest.sha256").read_text()
    assert verify(out).ok
    pdf = PdfReader(paths[1])
    uris = {
        annotation.get_object().get("/A", {}).get("/URI")
        for pdf_page in pdf.pages
        for annotation in pdf_page.get("/Annots") or []
    }
    assert f"screenshots/page-{hostile}.png" in uris  # the thumbnail links the picture
    assert any(pdf_page.images for pdf_page in pdf.pages)  # ... embedded in the PDF
    # A changed picture is named by the folder's verification.
    copy = out / link["href"]
    copy.write_bytes(copy.read_bytes()[:-1] + b"\0")
    assert any(f"screenshots/page-{hostile}.png" in c for c in verify(out).changed)
    engine.dispose()


def test_a_page_unchanged_in_a_later_run_shares_its_picture_and_the_budget_skips(
    home: Path,
) -> None:
    engine = storage.connect()
    storage.upgrade(engine)
    root = storage.archive_root()
    first = store_run(engine, root, 1, {"/back": PLAIN})
    # Over the budget before it starts: skipped, with the reason, and shot on the next call.
    assert take_screenshots(engine, 1, ShotSettings(budget_seconds=0)) == {"skipped": 1}
    with storage.sessions(engine)() as session:
        [skipped] = screenshots_of(session, first.values()).values()
    assert skipped.status == "skipped" and "time budget" in (skipped.reason or "")
    assert take_screenshots(engine, 1) == {"shot": 1}

    second = store_run(engine, root, 2, {"/back": PLAIN})
    assert take_screenshots(engine, 2) == {"reused": 1}
    with storage.sessions(engine)() as session:
        old = screenshots_of(session, first.values())[first[f"{SITE}/back"]]
        new = screenshots_of(session, second.values())[second[f"{SITE}/back"]]
        stored = session.query(Screenshot).count()
    assert isinstance(new, ScreenshotRow) and stored == 2
    assert (new.run_id, new.file, new.sha256) == (2, old.file, old.sha256)
    engine.dispose()
