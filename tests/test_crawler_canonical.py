"""URLs in canonical form before they are scheduled: tracking parameters, feeds, rel=canonical."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.canonical import canonical_url, skip_reason, url_rules
from tests.crawling import crawl_run, pages
from tests.local_web import Site, html, serve


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        # w3lib's canonical form: sorted arguments, no fragment, lower-case host, no :80
        (
            "HTTP://Clinic.TEST:80/a/../tratamientos?b=2&a=1#top",
            "http://clinic.test/tratamientos?a=1&b=2",
        ),
        ("http://clinic.test", "http://clinic.test/"),
        ("http://clinic.test/caf%c3%a9", "http://clinic.test/caf%C3%A9"),
        # tracking parameters and WordPress's reply links go; the rest stays, repeats too
        ("http://c.test/p?utm_source=nl&utm_medium=mail&id=3", "http://c.test/p?id=3"),
        ("http://c.test/p?fbclid=x&gclid=y", "http://c.test/p"),
        ("http://c.test/2025/01/03/post/?replytocom=17#respond", "http://c.test/2025/01/03/post/"),
        ("http://c.test/list?tag=a&tag=b", "http://c.test/list?tag=a&tag=b"),
        ("http://user:secret@c.test/x", "http://c.test/x"),
    ],
)
def test_canonical_url(url: str, canonical: str) -> None:
    assert canonical_url(url) == canonical


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://c.test/feed/", "feed"),
        ("http://c.test/comments/feed/", "feed"),
        ("http://c.test/2025/01/03/post/feed/atom/", "feed"),
        ("http://c.test/?feed=rss2", "feed"),
        ("http://c.test/wp-json/", "api"),
        ("http://c.test/wp-json/oembed/1.0/embed?url=x", "api"),
        ("http://c.test/?rest_route=/wp/v2/posts", "api"),
        ("http://c.test/2025/01/03/post/embed/", "api"),
        ("http://c.test/xmlrpc.php?rsd", "api"),
        ("http://c.test/?s=rodilla", "search"),
        ("http://c.test/2025/01/03/post/comment-page-2/", "comment page"),
        ("http://c.test/?cpage=2&p=12", "comment page"),
        ("http://c.test/wp-login.php?redirect_to=x", "login"),
        ("http://c.test/wp-admin/", "login"),
        # pages whose names merely look alike
        ("http://c.test/feeding-after-surgery/", None),
        ("http://c.test/research/", None),
        ("http://c.test/?p=12", None),
        ("http://c.test/comment-page-guidelines/", None),
    ],
)
def test_skip_reason(url: str, reason: str | None) -> None:
    assert skip_reason(canonical_url(url)) == reason


def test_the_rules_are_data_read_once() -> None:
    assert url_rules() is url_rules()
    assert "replytocom" in url_rules().drop_parameters
    assert {kind for kind, _ in url_rules().skip} == {
        "feed",
        "api",
        "search",
        "comment page",
        "login",
    }


def _canonical_page(canonical: str, body: str) -> tuple[int, str, bytes]:
    status, content_type, page = html(body)
    head = f'<head><link rel="canonical" href="{canonical}"><title>page</title></head>'
    return status, content_type, page.replace(b"<head><title>page</title></head>", head.encode())


def test_links_are_scheduled_once_in_canonical_form(home: Path) -> None:
    site = {
        "/": html(
            '<a href="/tratamientos?utm_source=menu">Tratamientos</a>'
            '<a href="/TRATAMIENTOS/../tratamientos#top">again</a>'
            '<a href="/precios?b=2&a=1">prices</a> <a href="/precios?a=1&b=2">same</a>'
            '<a href="/feed/">RSS</a> <a href="/?s=rodilla">search</a>'
            '<a href="/blog/comment-page-2/#comments">older comments</a>'
            '<a href="/blog/?replytocom=4#respond">Reply</a> <a href="/blog/">blog</a>'
        ),
        "/tratamientos": html("treatments"),
        "/precios?a=1&b=2": html("prices"),
        "/blog/": html("blog"),
    }
    with serve({"clinica.test": site}) as web:
        run_id = crawl_run(web, [("clinica.test", "/")])
    requested = web.paths_requested("clinica.test")
    assert sorted(requested) == sorted(
        ["/robots.txt", "/sitemap.xml", "/", "/tratamientos", "/precios?a=1&b=2", "/blog/"]
    )
    assert set(pages(web, run_id)) == {"/", "/tratamientos", "/precios?a=1&b=2", "/blog/"}


def test_rel_canonical_dedups_variants_of_a_page_but_not_other_paths(home: Path) -> None:
    sites: dict[str, Site] = {}
    with serve(sites) as web:
        canonical = web.url("clinica.test", "/tratamientos")
        sites["clinica.test"] = {
            "/": html('<a href="/tratamientos?ref=menu">T</a> <a href="/about">About</a>'),
            # A variant of /tratamientos: it stands for it, so /tratamientos is not fetched.
            "/tratamientos?ref=menu": _canonical_page(
                canonical, '<a href="/tratamientos">T</a> <a href="/tratamientos?ref=foot">T</a>'
            ),
            # A later variant of the same page: a duplicate, neither recorded nor followed.
            "/tratamientos?ref=foot": _canonical_page(canonical, '<a href="/hidden">x</a>'),
            # A template naming the home page as every page's canonical: ignored.
            "/about": _canonical_page(web.url("clinica.test", "/"), '<a href="/contact">c</a>'),
            "/contact": html("contact"),
            "/hidden": html("only linked from a duplicate"),
        }
        run_id = crawl_run(web, [("clinica.test", "/")])
    requested = web.paths_requested("clinica.test")
    assert "/tratamientos" not in requested and "/hidden" not in requested
    assert "/tratamientos?ref=foot" in requested
    assert set(pages(web, run_id)) == {"/", "/tratamientos?ref=menu", "/about", "/contact"}
