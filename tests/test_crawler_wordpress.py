"""A real CMS: Debian's WordPress with threaded, paginated comments, crawled without its traps.

Before URLs were put in canonical form, this blog cost 207 requests (131 ``?replytocom=``
links, 32 comment pages) and the crawl stopped at the page cap before its end.
"""

from __future__ import annotations

import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from crawler import USER_AGENT, Seed
from flows import stages
from tests.crawling import crawl_again, database, pages, reasons
from tests.wordpress import WordPressSite, wordpress_site

#: Requests a sensible crawler needs for this blog.
MAX_REQUESTS = 150
#: What no request may ask for: WordPress's traps.
TRAPS = ("replytocom=", "/feed/", "/wp-json/", "?s=", "/comment-page-", "cpage=")


@pytest.fixture(scope="module")
def blog() -> Iterator[WordPressSite]:
    with wordpress_site() as site:
        yield site


def test_the_blog_prints_the_traps(blog: WordPressSite) -> None:
    """What the crawl test avoids is there to avoid (a newer WordPress may change it)."""
    post = sorted(blog.post_paths())[-1]
    with urllib.request.urlopen(blog.url + post, timeout=30) as response:
        body = response.read().decode()
    for trap in ("replytocom=", "/feed/", "/wp-json/", "/comment-page-"):
        assert trap in body, trap
    assert f"{blog.url}/2" in body, "links are not on the loopback address"


def test_the_blog_is_crawled_without_its_traps(blog: WordPressSite, home: Path) -> None:
    run_id = stages.prepare_run(database(), [Seed(blog.url + "/")], "test", {})
    crawl_again(run_id, resolve=())
    targets = [hit.target for hit in blog.hits(USER_AGENT)]
    recorded = pages(blog, run_id)

    posts = blog.post_paths()
    assert len(posts) == 16
    assert posts <= set(recorded), posts - set(recorded)
    assert len(targets) < MAX_REQUESTS, len(targets)
    assert [t for t in targets if any(trap in t for trap in TRAPS)] == []
    assert len(targets) == len(set(targets)), "a URL was requested twice"
    # Nothing off-site: every page is the blog's, and no link led the crawler elsewhere.
    assert all(p.url.startswith(blog.url + "/") for p in recorded.values())
    assert not [r for r in reasons(run_id) if "off-site" in r]
