"""The realistic demo web: long prose pages built on request, each site on its own address."""

from __future__ import annotations

import csv
import urllib.request
from pathlib import Path

import lxml.html
import pytest

import demoweb
from demoweb.realistic import RealisticWeb

SITES = 6


@pytest.fixture(scope="module")
def web() -> RealisticWeb:
    return RealisticWeb(SITES, seed=7)


def _html_pages(web: RealisticWeb) -> list[bytes]:
    pages = []
    for site in web.sites():
        for path in site.paths:
            page = web.render(site, path, 8080)
            assert page is not None and page.content_type.startswith("text/html")
            pages.append(page.body)
    return pages


def _prose(body: bytes) -> str:
    """The page's visible text: what is left without markup, scripts, styles and menus."""
    root = lxml.html.document_fromstring(body)
    for junk in root.xpath("//script|//style|//nav|//footer|//svg"):
        junk.drop_tree()
    return " ".join(root.text_content().split())


def _shingles(text: str) -> set[tuple[str, ...]]:
    words = text.split()
    return {tuple(words[i : i + 5]) for i in range(len(words) - 4)}


def test_sites_have_fifteen_long_pages_that_are_mostly_prose(web: RealisticWeb) -> None:
    pages = _html_pages(web)
    assert len(pages) == SITES * 15
    for body in pages:
        assert 30_000 <= len(body) <= 60_000
        assert len(_prose(body).encode()) >= 0.5 * len(body)
        root = lxml.html.document_fromstring(body)
        assert root.xpath("//details/summary") and root.xpath("//table//td")


def test_pages_are_varied_text_not_one_template(web: RealisticWeb) -> None:
    first, second = (web.site(n) for n in (0, 1))
    a = _shingles(_prose(web.render(first, "/about", 80).body))  # type: ignore[union-attr]
    b = _shingles(_prose(web.render(second, "/about", 80).body))  # type: ignore[union-attr]
    c = _shingles(_prose(web.render(first, "/faq", 80).body))  # type: ignore[union-attr]
    assert len(a & b) < 0.2 * min(len(a), len(b))
    assert len(a & c) < 0.2 * min(len(a), len(c))


def test_pages_are_the_same_on_every_request_and_link_to_their_site(web: RealisticWeb) -> None:
    site = web.site(3)
    body = web.render(site, "/treatments", 80).body  # type: ignore[union-attr]
    assert RealisticWeb(SITES, seed=7).render(site, "/treatments", 80).body == body  # type: ignore[union-attr]
    links = set(lxml.html.document_fromstring(body).xpath("//nav//a/@href"))
    assert links == set(site.paths)
    assert web.render(site, "/not-a-page", 80) is None


def test_every_site_has_its_own_address_and_lookup_finds_it_back() -> None:
    web = RealisticWeb(1000)
    addresses = [web.address(n) for n in range(1000)]
    assert len(set(addresses)) == 1000
    assert addresses[0] == "127.77.0.1" and addresses[254] == "127.77.1.1"
    assert all(web.site_at(a).index == n for n, a in enumerate(addresses))  # type: ignore[union-attr]
    assert web.site_at(web.address(1000)) is None  # one past the last site
    assert web.site_at("127.77.0.0") is None and web.site_at("127.77.0.255") is None
    assert web.site_at("127.0.0.1") is None


def test_server_answers_each_site_on_its_own_address_only(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds.csv"
    with demoweb.serve_in_process(SITES, seeds, realistic=True):
        rows = list(csv.DictReader(seeds.open()))
        assert [r["url"].split("/")[2].split(":")[0] for r in rows] == [
            f"127.77.0.{n}" for n in range(1, SITES + 1)
        ]
        port = int(rows[0]["url"].rsplit(":", 1)[1].strip("/"))
        homes = []
        for row in rows:
            with urllib.request.urlopen(row["url"], timeout=30) as response:
                homes.append(response.read())
            with urllib.request.urlopen(row["url"] + "robots.txt", timeout=30) as response:
                robots = response.read().decode()
            assert f"Sitemap: {row['url']}sitemap.xml" in robots
            with urllib.request.urlopen(row["url"] + "sitemap.xml", timeout=30) as response:
                locs = lxml.html.fromstring(response.read()).xpath("//loc/text()")
            assert len(locs) == 15 and all(loc.startswith(row["url"]) for loc in locs)
        assert len(set(homes)) == SITES and all(len(h) >= 30_000 for h in homes)
        with pytest.raises(OSError):  # nothing listens past the last site
            urllib.request.urlopen(f"http://127.77.0.{SITES + 1}:{port}/", timeout=30)
