"""JavaScript: pages whose treatments appear only after scripts run, rendered in Chromium."""

from __future__ import annotations

import asyncio
import hashlib
import shutil
from pathlib import Path

import pytest
from playwright.async_api import async_playwright
from sqlalchemy import delete, select
from warcio.archiveiterator import ArchiveIterator

import config
import storage
from crawler import read_response
from crawler.capture import WATCH_MUTATIONS, PageCapture
from crawler.rendering import CHROMIUM, browser_args
from crawler.settings import crawl_settings
from flows import stages
from flows.archives import find_evidence
from storage import Claim, Page
from tests.bundled_site import BundlerUnavailable, build_vite_site, served
from tests.crawling import RESOLVE, crawl_again, crawl_run, database, pages
from tests.local_web import html, serve

pytestmark = pytest.mark.js

ROBOTS = (200, "text/plain", b"User-agent: *\n")
SCRIPTED = html(
    '<div id="menu"></div><script>document.getElementById("menu").innerHTML ='
    " '<a href=\"/tratamientos\">Tratamientos</a> <p>Tratamos la artrosis de rodilla.</p>';"
    "</script>"
)


def _missing(message: str) -> None:
    if config.settings().require_services:
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture
def chromium() -> str:
    if shutil.which(CHROMIUM) is None:
        _missing(f"{CHROMIUM} is missing: apt-get install chromium")
    return CHROMIUM


@pytest.fixture(scope="module")
def vite_site() -> Path:
    """The fixture clinic site built by Vite (cached under ~/.cache/clinic-audit/vite)."""
    try:
        return build_vite_site()
    except BundlerUnavailable as exc:
        _missing(f"cannot build the Vite page: {exc}")
        raise


def test_rendering_is_off_by_default_and_maps_test_hosts() -> None:
    assert "DOWNLOAD_HANDLERS" not in crawl_settings()
    rendered = crawl_settings(render_js=True, resolve=["*.test=127.0.0.1"])
    assert rendered["PLAYWRIGHT_LAUNCH_OPTIONS"]["executable_path"] == "/usr/bin/chromium"
    assert "--host-resolver-rules=MAP *.test 127.0.0.1" in browser_args(["*.test=127.0.0.1"])


def test_render_js_finds_what_only_a_script_writes(home: Path, chromium: str) -> None:
    site = {"/robots.txt": ROBOTS, "/": SCRIPTED, "/tratamientos": html("precios")}
    with serve({"plain.test": site, "scripted.test": site}) as web:
        plain = crawl_run(web, [("plain.test", "/")])
        rendered = crawl_run(web, [("scripted.test", "/")], render_js=True)
    assert set(pages(web, plain)) == {"/"}  # without a browser the menu never appears
    rendered_pages = pages(web, rendered)
    assert set(rendered_pages) == {"/", "/tratamientos"}
    home_page = rendered_pages["/"]
    copy = read_response(home / "warc", home_page.warc_file, home_page.warc_offset)
    assert b"Tratamos la artrosis de rodilla." in copy.body
    with (home / "warc" / home_page.warc_file).open("rb") as f:
        f.seek(home_page.warc_offset)
        record = next(iter(ArchiveIterator(f)))
        assert record.rec_headers.get_header("WARC-Rendered-By") == "chromium"


def test_a_resumed_crawl_follows_links_from_the_archived_dom(home: Path, chromium: str) -> None:
    site = {"/robots.txt": ROBOTS, "/": SCRIPTED, "/tratamientos": html("precios")}
    with serve({"scripted.test": site}) as web:
        run_id = crawl_run(web, [("scripted.test", "/")], render_js=True)
        with storage.sessions(database()).begin() as session:  # as if killed before this row
            session.execute(
                delete(Page).where(Page.url == web.url("scripted.test", "/tratamientos"))
            )
        before = len(web.requests)
        crawl_again(run_id, resume=True, render_js=True)
    # The home page came from its archived DOM, the only place its link is; the lost page
    # was fetched again.
    fetched = [path for _, path in web.requests[before:]]
    assert [path for path in fetched if path not in ("/robots.txt", "/sitemap.xml")] == [
        "/tratamientos"
    ]
    assert set(pages(web, run_id)) == {"/", "/tratamientos"}


def test_a_page_that_never_settles_is_taken_when_the_wait_is_capped(chromium: str) -> None:
    ticker = html(
        '<p id="t">0</p><script>let n = 0;'
        'setInterval(() => { document.getElementById("t").textContent = ++n; }, 50);</script>'
    )

    async def render(url: str) -> PageCapture:
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(
                executable_path=chromium, args=browser_args([])
            )
            page = await browser.new_page()
            capture = PageCapture(page, "ticker.test", allow_loopback=True, max_bytes=1 << 20)
            await page.add_init_script(script=WATCH_MUTATIONS)
            await page.goto(url, wait_until="load")
            await capture.settle(quiet_ms=300, cap_ms=1500)
            await browser.close()
            return capture

    with serve({"127.0.0.1": {"/": ticker}}) as web:
        capture = asyncio.run(render(web.url("127.0.0.1", "/")))
    assert not capture.settled
    assert 1.5 <= capture.render_seconds < 5


def _records(home: Path) -> list[tuple[str, str, dict[str, str], bytes]]:
    """Every record of the run's WARC files: (type, target URI, WARC headers, payload)."""
    records = []
    for path in sorted((home / "warc").rglob("*.warc.gz")):
        with path.open("rb") as f:
            for record in ArchiveIterator(f):
                headers = dict(record.rec_headers.headers)
                uri = headers.get("WARC-Target-URI", "")
                records.append((record.rec_type, uri, headers, record.content_stream().read()))
    return records


def test_render_js_waits_for_a_vite_page_and_archives_what_the_browser_fetched(
    home: Path, chromium: str, vite_site: Path
) -> None:
    # The page's treatments come from /api/treatments.json, fetched after a second of a
    # ticking "Loading..." and revealed one by one; "network idle" alone archived the shell.
    site = served(vite_site)
    with serve({"clinic.test": site, "tracker.test": site}) as web:
        run_id = crawl_run(
            web,
            [("clinic.test", "/")],
            render_js=True,
            # A name of the site that resolves to a private address, the rest to loopback.
            resolve=("cdn.clinic.test=10.255.255.1", *RESOLVE),
        )
    page = pages(web, run_id)["/"]

    # What extraction reads is the rendered DOM, down to the code-split chunk's call to book.
    rendered = read_response(home / "warc", page.warc_file, page.warc_offset)
    assert rendered.record_type == "conversion"
    for text in (
        b"We treat knee osteoarthritis",
        b"treats autism",
        b"We treat multiple sclerosis",
        b"Book your consultation",
    ):
        assert text in rendered.body
    assert b"Loading" not in rendered.body
    assert page.sha256 == hashlib.sha256(rendered.body).hexdigest()

    stages.extract(database(), run_id)
    with storage.sessions(database())() as session:
        claims = session.execute(
            select(Claim.value, Claim.stance).where(
                Claim.page_id == page.id, Claim.kind == "condition"
            )
        ).all()
    assert {
        ("knee-osteoarthritis", "claimed"),
        ("autism", "claimed"),
        ("multiple-sclerosis", "claimed"),
    } <= set(claims)

    # The WARC keeps the served shell, every sub-resource the browser fetched, the DOM as a
    # conversion of the served response, and how it was rendered.
    records = _records(home)
    responses = {
        uri.split(str(web.port), 1)[-1]: (headers, payload)
        for kind, uri, headers, payload in records
        if kind == "response"
    }
    assert site["/api/treatments.json"][2] in responses["/api/treatments.json"][1]
    scripts = [path for path in site if path.startswith("/assets/")]
    assert len(scripts) == 3  # the entry module, its CSS and the code-split chunk
    for path in [*scripts, "/"]:
        assert responses[path][1].endswith(site[path][2]), path
    served_id = responses["/"][0]["WARC-Record-ID"]
    (conversion,) = [r for r in records if r[0] == "conversion"]
    assert conversion[2]["WARC-Refers-To"] == served_id
    assert conversion[3] == rendered.body
    described = "\n".join(find_evidence(database(), page.url, run_id).describe())
    assert f"the served response is record {served_id}" in described
    (metadata,) = [r[3].decode() for r in records if r[0] == "metadata"]
    assert "settled: yes" in metadata

    # Nothing outside the site's address policy left the browser: the loopback hosts that
    # are not the site never heard from it, and every such request is listed as refused.
    refused = [line for line in metadata.splitlines() if line.startswith("refused: ")]
    assert len(refused) == 5, metadata
    for url, reason in (
        ("http://10.255.255.1/x.js", "private or reserved address refused"),
        (f"http://cdn.clinic.test:{web.port}/widget.js", "resolves to 10.255.255.1"),
        (f"http://tracker.test:{web.port}/pixel.js", "outside the site"),
        (f"http://127.0.0.1:{web.port}/beacon.js", "outside the site"),
        (f"ws://clinic.test:{web.port}/live-chat", "WebSockets"),
    ):
        assert any(line.startswith(f"refused: {url} (") and reason in line for line in refused)
    assert {host for host, _ in web.requests} == {"clinic.test"}
    assert "/live-chat" not in web.paths_requested("clinic.test")
    assert not any(
        "10.255.255.1" in uri or "beacon" in uri or "pixel" in uri or "widget" in uri
        for _, uri, _, _ in records
    )
