"""Tests of the demo web generator and its loopback server."""

from __future__ import annotations

import html
import re
import socket
import urllib.error
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import yaml

import demoweb
from demoweb import DemoSite, generate, seeds_csv, serve
from vocabulary import FLAG_NAMES, load_conditions

WRITING_VOCAB = yaml.safe_load(
    (Path(demoweb.__file__).parent / "data" / "vocabulary.yaml").read_text()
)
REGULATORS = {
    "fda",
    "ftc",
    "ema",
    "mhra",
    "tga",
    "health-canada",
    "invima",
    "cofepris",
    "minsa",
    "anvisa",
    "mhlw",
    "mfds",
    "cdsco",
    "nmpa",
    "aabb",
    "fact",
    "jci",
    "isct",
    "isscr",
    "clia",
    "cap",
}
SOURCES = {
    "bone-marrow",
    "adipose",
    "umbilical-cord",
    "cord-blood",
    "amniotic",
    "placental",
    "exosomes",
    "dental-pulp",
    "peripheral-blood",
    "prp",
    "induced-pluripotent",
    "embryonic",
}


def vocabulary_condition_slugs() -> frozenset[str]:
    """The project's condition slugs (tests/extract pins them to VOCABULARY.md)."""
    return frozenset(entry.slug for entry in load_conditions())


@pytest.fixture(scope="module")
def web() -> demoweb.DemoWeb:
    return generate()


def page_text(site: DemoSite, path: str) -> str:
    page = site.render(path)
    assert page is not None, path
    charset = "utf-8" if "utf-8" in page.content_type else "cp1252"
    text = page.body.decode(charset)
    text = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", text, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", text)
    return re.sub(r"\s+", " ", html.unescape(text))


def _term_re(term: str) -> re.Pattern[str]:
    # Acronyms (ALS, EPOC, MS, ED) are matched case-sensitively, words case-insensitively.
    flags = 0 if term.isupper() else re.I
    return re.compile(rf"(?<![\w-]){re.escape(term)}(?![\w-])", flags)


def condition_terms(language: str) -> dict[str, list[str]]:
    return {slug: info[language] for slug, info in WRITING_VOCAB["conditions"].items()}


def leaked_conditions(text: str, truth: set[str], language: str) -> set[str]:
    """Slugs whose wording appears in text although the truth does not list them."""
    terms = condition_terms(language)
    own = sorted((t for s in truth for t in terms[s]), key=len, reverse=True)
    for (
        term
    ) in own:  # remove longer truth terms first ("knee osteoarthritis" before "osteoarthritis")
        text = _term_re(term).sub(" ", text)
    return {
        slug
        for slug, ts in terms.items()
        if slug not in truth and any(_term_re(t).search(text) for t in ts)
    }


# ---- generation ---------------------------------------------------------------------


def test_default_mix(web: demoweb.DemoWeb) -> None:
    assert len(web.sites) == 24
    kinds = Counter(s.kind for s in web.sites)
    assert set(kinds) == {"honest", "middling", "hype", "news"}
    assert kinds["news"] == 3
    langs = Counter(s.language for s in web.sites if s.kind != "news")
    assert langs["en"] >= 9 and langs["es"] >= 9
    assert len({s.host for s in web.sites}) == 24
    for s in web.sites:
        assert s.host.startswith("www.") and s.host.endswith(".test")
        assert re.fullmatch(r"[A-Z]{2}", s.country)
        assert (
            s.truth.expected_grades
            == {"honest": "AB", "middling": "CD", "hype": "DF", "news": ""}[s.kind]
        )
    assert {s.country for s in web.sites if s.language == "es"} >= {"MX", "CO", "PA", "CR", "ES"}


def test_public_api() -> None:
    assert set(demoweb.__all__) >= {
        "generate",
        "DemoWeb",
        "DemoSite",
        "Page",
        "SiteTruth",
        "seeds_csv",
        "serve",
        "DemoServer",
    }


def test_deterministic_bytes() -> None:
    a, b = generate(24, seed=7), generate(24, seed=7)
    for sa, sb in zip(a.sites, b.sites, strict=True):
        assert sa.truth == sb.truth and sa.paths() == sb.paths()
        for path in sa.paths():
            assert sa.render(path) == sb.render(path)
    c = generate(24, seed=8)
    assert any(sa.render("/") != sc.render("/") for sa, sc in zip(a.sites, c.sites, strict=True))


def test_prefix_stable() -> None:
    small, big = generate(10, seed=3), generate(40, seed=3)
    for s, t in zip(small.sites, big.sites[:10], strict=True):
        assert (s.host, s.truth) == (t.host, t.truth)


def test_truth_uses_vocabulary(web: demoweb.DemoWeb) -> None:
    slugs = vocabulary_condition_slugs()
    assert set(WRITING_VOCAB["conditions"]) == slugs
    for site in generate(120, seed=11).sites:
        t = site.truth
        assert set(t.conditions) <= slugs
        assert set(t.conditions.values()) <= {"claimed", "disclaimed", "mentioned"}
        assert t.cell_sources <= SOURCES and t.origin <= {"autologous", "allogeneic"}
        assert t.regulators <= REGULATORS
        assert set(t.flags) == set(FLAG_NAMES)
        d = t.to_dict()
        assert set(d) == {
            "conditions",
            "cell_sources",
            "origin",
            "regulators",
            "flags",
            "expected_grades",
        }


def test_kinds_behave(web: demoweb.DemoWeb) -> None:
    for site in web.sites:
        t, claimed = site.truth, [c for c, v in site.truth.conditions.items() if v == "claimed"]
        if site.kind == "news":
            assert set(t.conditions.values()) == {"mentioned"} and len(t.conditions) >= 6
            assert not t.cell_sources and not t.origin
        elif site.kind == "honest":
            assert t.flags["lists_exclusions"] and t.flags["cites_research"]
            assert not t.flags["cure_or_guarantee"] and not t.flags["fda_approval_claim"]
            assert "disclaimed" in t.conditions.values() and 3 <= len(claimed) <= 7
            assert t.regulators and t.cell_sources
        elif site.kind == "hype":
            assert t.flags["cure_or_guarantee"] and t.flags["testimonials"] and len(claimed) >= 10
        else:
            assert 4 <= len(claimed) <= 12 and not t.flags["cure_or_guarantee"]


def test_pages_shape(web: demoweb.DemoWeb) -> None:
    for site in web.sites:
        paths = site.paths()
        assert "/" in paths and "/robots.txt" in paths and "/sitemap.xml" in paths
        assert len(paths) >= 10
        for path in paths:
            page = site.render(path)
            assert page is not None
            if path.endswith((".txt", ".xml")):
                continue
            assert 8_000 <= len(page.body) <= 60_000, (site.host, path, len(page.body))
            body = page.body.decode("utf-8" if "utf-8" in page.content_type else "cp1252")
            assert "<nav" in body and "<title>" in body and 'name="description"' in body
        assert site.render("/no-such-page") is None


def test_legacy_charset(web: demoweb.DemoWeb) -> None:
    legacy = [s for s in web.sites if s.render("/").content_type == "text/html"]  # type: ignore[union-attr]
    assert 1 <= len(legacy) <= 2 and all(s.language == "es" for s in legacy)
    body = legacy[0].render("/")
    assert body is not None and b"windows-1252" in body.body
    with pytest.raises(UnicodeDecodeError):
        for path in legacy[0].paths():
            legacy[0].render(path).body.decode("utf-8")  # type: ignore[union-attr]


def test_robots_and_private_pages(web: demoweb.DemoWeb) -> None:
    for site in web.sites:
        robots = site.render("/robots.txt").body.decode()  # type: ignore[union-attr]
        disallowed = re.findall(r"^Disallow: (\S+)", robots, flags=re.M)
        assert re.search(
            rf"^Sitemap: http://{re.escape(site.host)}/sitemap.xml$", robots, flags=re.M
        )
        sitemap = site.render("/sitemap.xml").body.decode()  # type: ignore[union-attr]
        locs = re.findall(r"<loc>http://[^/]+(/[^<]*)</loc>", sitemap)
        assert set(locs) == set(site.paths()) - {"/robots.txt", "/sitemap.xml"}
        (private,) = site.private_paths()
        assert any(private.startswith(d) for d in disallowed)
        assert private not in site.paths()
        hidden = page_text(site, private)
        extra = leaked_conditions(hidden, set(site.truth.conditions), site.language)
        assert extra, "the private page should claim conditions missing from the truth"
        for path in site.paths()[:-2]:
            assert private not in (site.render(path).body.decode("utf-8", "replace"))  # type: ignore[union-attr]


def test_truth_matches_text() -> None:
    """No condition wording on public pages that the ground truth does not list, and every
    truth condition is actually written somewhere."""
    for site in generate(60, seed=5).sites:
        text = " ".join(page_text(site, p) for p in site.paths()[:-2])
        truth = set(site.truth.conditions)
        assert not leaked_conditions(text, truth, site.language), site.host
        terms = condition_terms(site.language)
        for slug in truth:
            assert any(_term_re(t).search(text) for t in terms[slug]), (site.host, slug)
        f = site.truth.flags
        assert f["cites_research"] == bool(re.search(r"PMID|NCT0\d|doi:10\.", text)), site.host
        assert f["imaging_guidance"] == bool(
            re.search(r"ultrasound|fluoroscop|ecogr|ultrasonido", text, re.I)
        )
        assert f["states_cell_count"] == bool(
            re.search(r"\d+M MSCs|\d+ (million|millones)|10\^8", text)
        )
        assert f["price_stated"] == bool(
            re.search(r"[$€£]\s?\d|\d\s?€|USD|\d euros|\d libras|\d dólares", text)
        )
        raw = " ".join(
            site.render(p).body.decode("utf-8", "replace")  # type: ignore[union-attr]
            for p in site.paths()[:-2]
        )
        assert f["testimonials"] == ('class="testimonial"' in raw), site.host


def test_offsite_links(web: demoweb.DemoWeb) -> None:
    bodies = b"".join(s.render(p).body for s in web.sites for p in s.paths())  # type: ignore[union-attr]
    assert b"https://pubmed.ncbi.nlm.nih.gov/" in bodies
    partner_links = re.findall(rb'href="http://(www\.[a-z0-9-]+\.test)/"', bodies)
    assert partner_links


def test_scales_to_thousands() -> None:
    big = generate(2000, seed=7)
    assert len(big.sites) == 2000
    assert len({s.host for s in big.sites}) == 2000
    kinds = Counter(s.kind for s in big.sites)
    assert all(kinds[k] > 100 for k in ("honest", "middling", "hype", "news"))
    assert len({s.name for s in big.sites}) > 1000
    last = big.sites[-1]
    assert big.site_for_host(last.host) is last
    assert 12 <= len(last.paths()) <= 20
    assert last.render(last.paths()[1]) is not None


def test_site_for_host(web: demoweb.DemoWeb) -> None:
    site = web.sites[0]
    assert web.site_for_host(site.host) is site
    assert web.site_for_host(site.host.removeprefix("www.")) is site
    assert web.site_for_host(site.host.upper()) is site
    assert web.site_for_host("www.unknown.test") is None


# ---- server ----------------------------------------------------------------------------


def fetch(
    port: int, host: str, path: str, method: str = "GET"
) -> tuple[int, dict[str, str], bytes]:
    req = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", headers={"Host": host}, method=method
    )
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(req, timeout=10) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


def test_server_over_http(web: demoweb.DemoWeb) -> None:
    with serve(web) as server:
        port = server.port
        site = web.sites[0]
        assert server.url_for(site) == f"http://{site.host}:{port}/"
        status, headers, body = fetch(port, f"{site.host}:{port}", "/robots.txt")
        assert status == 200 and f"Sitemap: http://{site.host}:{port}/sitemap.xml".encode() in body
        status, _, body = fetch(port, site.host, "/sitemap.xml")
        assert status == 200 and f"<loc>http://{site.host}:{port}/</loc>".encode() in body
        status, headers, body = fetch(port, site.host.removeprefix("www."), site.paths()[1])
        assert (
            status == 200 and headers["Content-Type"] == site.render(site.paths()[1]).content_type
        )  # type: ignore[union-attr]
        assert int(headers["Content-Length"]) == len(body)
        status, headers, body = fetch(port, site.host, "/", method="HEAD")
        assert status == 200 and body == b"" and int(headers["Content-Length"]) > 8000
        assert fetch(port, site.host, "/nope")[0] == 404
        assert fetch(port, "www.unknown.test", "/")[0] == 404
        assert fetch(port, site.host, site.private_paths()[0])[0] == 200

        # many concurrent connections over many sites
        jobs = [(s.host, p) for s in web.sites for p in s.paths()[:4]]
        with ThreadPoolExecutor(max_workers=32) as pool:
            statuses = list(pool.map(lambda hp: fetch(port, hp[0], hp[1])[0], jobs))
        assert statuses == [200] * len(jobs)

        # raw socket with a Host header and a port in it
        with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
            sock.sendall(
                f"GET / HTTP/1.1\r\nHost: {site.host}:{port}\r\nConnection: close\r\n\r\n".encode()
            )
            data = b""
            while chunk := sock.recv(65536):
                data += chunk
        assert data.startswith(b"HTTP/1.1 200") and site.name.encode() in data


def test_seeds_csv(web: demoweb.DemoWeb) -> None:
    text = seeds_csv(web, 8123)
    lines = text.strip().splitlines()
    assert lines[0] == "url,name,country" and len(lines) == 25
    assert lines[1].startswith(f"http://{web.sites[0].host}:8123/,")
