"""Scope: a seed's registrable domain only, sitemaps as a source of URLs, claim pages first."""

from __future__ import annotations

from pathlib import Path

from crawler.scope import TrapGuard, claim_priority, registrable_domain
from tests.crawling import crawl_run, pages, reasons
from tests.local_web import html, serve

ROBOTS = (200, "text/plain", b"User-agent: *\nDisallow: /private/\n")


def test_registrable_domain_without_the_network() -> None:
    assert registrable_domain("www.clinica.com.mx") == "clinica.com.mx"
    assert registrable_domain("blog.clinic.co.uk") == "clinic.co.uk"
    assert registrable_domain("clinic.co.uk") == "clinic.co.uk"
    assert registrable_domain("www.clinica.test") == "clinica.test"
    assert registrable_domain("127.0.0.1") == "127.0.0.1"


def test_claim_pages_rank_first_in_english_and_spanish() -> None:
    for url in (
        "https://c.es/tratamientos/rodilla",
        "https://c.es/enfermedades",
        "https://c.es/precios",
        "https://c.com/faq",
        "https://c.com/testimonials",
    ):
        assert claim_priority(url) > 0, url
    assert claim_priority("https://c.com/about", "Conditions we treat") > 0
    assert claim_priority("https://c.com/about", "About us") == 0


def test_trap_guard_budgets() -> None:
    guard = TrapGuard()
    assert guard.check(1, "http://a.test/a/b/a/b/a/") == "spider trap: repeating path segments"
    outcomes = [guard.check(1, f"http://a.test/list?sort={i}") for i in range(12)]
    assert outcomes[:10] == [None] * 10 and outcomes[10] is not None
    assert guard.check(2, "http://b.test/list?sort=99") is None  # budgets are per site


def test_crawl_covers_the_registrable_domain_and_sitemaps_and_nothing_else(home: Path) -> None:
    sites: dict[str, dict[str, object]] = {"otra.test": {"/": html("off-site")}}
    with serve(sites) as web:
        sites["www.clinica.test"] = {
            "/robots.txt": (
                200,
                "text/plain",
                f"User-agent: *\nSitemap: {web.url('clinica.test', '/idx.xml')}\n".encode(),
            ),
            "/": html(
                f'<a href="{web.url("clinica.test", "/bare")}">bare</a>'
                f'<a href="{web.url("blog.clinica.test", "/post")}">blog</a>'
                f'<a href="{web.url("otra.test", "/")}">elsewhere</a>'
                '<a href="/old">moved</a> <a href="/away">away</a>'
            ),
            "/old": (301, "text/html", b"", {"Location": web.url("clinica.test", "/new")}),
            "/away": (302, "text/html", b"", {"Location": web.url("otra.test", "/")}),
            "/sitemap.xml": (
                200,
                "application/xml",
                _urlset(web.url("www.clinica.test", "/from-sitemap")),
            ),
        }
        sites["clinica.test"] = {
            "/bare": html("bare domain"),
            "/new": html("new home of old"),
            "/idx.xml": (
                200,
                "application/xml",
                b'<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/'
                b'schemas/sitemap/0.9"><sitemap><loc>'
                + web.url("clinica.test", "/child.xml").encode()
                + b"</loc></sitemap></sitemapindex>",
            ),
            "/child.xml": (200, "application/xml", _urlset(web.url("clinica.test", "/deep"))),
            "/deep": html("only in a sitemap"),
        }
        sites["blog.clinica.test"] = {"/post": html("blog post")}
        sites["www.clinica.test"]["/from-sitemap"] = html("listed in /sitemap.xml")
        run_id = crawl_run(web, [("www.clinica.test", "/")])
    fetched = set(pages(web, run_id))
    assert {"/", "/bare", "/post", "/new", "/deep", "/from-sitemap"} <= fetched
    assert web.paths_requested("otra.test") == []
    assert any(r.startswith("refused: off-site redirect") for r in reasons(run_id))


def test_claim_pages_are_fetched_first_when_the_cap_bites(home: Path) -> None:
    plain = " ".join(f'<a href="/page{i}">Page {i}</a>' for i in range(12))
    site = {
        "/robots.txt": ROBOTS,
        "/": html(plain + ' <a href="/precios">Precios</a> <a href="/x">Tratamientos</a>'),
    }
    site.update({f"/page{i}": html("nothing") for i in range(12)})
    site.update({"/precios": html("precios"), "/x": html("tratamientos")})
    with serve({"clinica.test": site}) as web:
        run_id = crawl_run(web, [("clinica.test", "/")], max_pages=3)
    assert set(pages(web, run_id)) == {"/", "/precios", "/x"}


def _urlset(*urls: str) -> bytes:
    entries = "".join(f"<url><loc>{u}</loc></url>" for u in urls)
    return (
        f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"{entries}</urlset>"
    ).encode()


def test_a_parsed_page_is_freed_as_soon_as_it_is_dropped() -> None:
    """No reference cycle keeps a page's body and tree alive until a full garbage collection
    (Scrapy's cached ``response.selector`` makes one: it grew the crawl process by 130 MB)."""
    import gc
    import weakref

    from scrapy.http import HtmlResponse

    from crawler.links import canonical_link, page_links, page_tree

    body = b'<html><head><link rel="canonical" href="/a"></head><body><a href="/b">b</a></body>'
    response = HtmlResponse("http://c.test/a?ref=menu", body=body)
    root = page_tree(response)
    assert canonical_link(response, root) == "http://c.test/a"
    assert page_links(response, root) == [("http://c.test/b", "b")]
    page = weakref.ref(response)
    gc.disable()
    try:
        del response, root
        assert page() is None
    finally:
        gc.enable()


def test_page_links_finds_pages_and_pdfs_but_not_images_or_mailto() -> None:
    from scrapy.http import HtmlResponse

    from crawler.links import page_links, page_tree

    body = (
        b'<html><head><base href="http://c.test/es/"></head><body>'
        b'<a href="/tratamientos#rodilla">Tratamientos <b>de</b> rodilla</a>'
        b'<a href="precios">Precios</a> <a href="//cdn.test/x">cdn</a>'
        b'<a href="folleto.PDF">PDF</a> <a href="foto.jpg">foto</a>'
        b'<a href="mailto:a@c.test">mail</a> <a href="http://clinic.ps">ps</a>'
        b'<area href="/mapa"> <a href="/visto">seen</a></body></html>'
    )
    response = HtmlResponse("http://c.test/es/index", body=body)
    links = page_links(response, page_tree(response), skip={"http://c.test/visto"})
    assert links == [
        ("http://c.test/tratamientos", "Tratamientos de rodilla"),
        ("http://c.test/es/precios", "Precios"),
        ("http://cdn.test/x", "cdn"),
        ("http://c.test/es/folleto.PDF", "PDF"),
        ("http://clinic.ps", "ps"),
        ("http://c.test/mapa", ""),
    ]
