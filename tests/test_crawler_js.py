"""JavaScript: a page whose treatments appear only after a script runs, rendered in Chromium."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from crawler import read_response
from crawler.rendering import CHROMIUM, browser_args
from crawler.settings import crawl_settings
from tests.crawling import crawl_run, pages
from tests.local_web import html, serve

pytestmark = pytest.mark.js

ROBOTS = (200, "text/plain", b"User-agent: *\n")
SCRIPTED = html(
    '<div id="menu"></div><script>document.getElementById("menu").innerHTML ='
    " '<a href=\"/tratamientos\">Tratamientos</a> <p>Tratamos la artrosis de rodilla.</p>';"
    "</script>"
)


@pytest.fixture
def chromium() -> str:
    if shutil.which(CHROMIUM) is None:
        message = f"{CHROMIUM} is missing: apt-get install chromium"
        if os.environ.get("CLINIC_AUDIT_REQUIRE_SERVICES") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return CHROMIUM


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
