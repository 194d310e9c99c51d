"""The crawler, for real: a Scrapy subprocess against HTTP servers on 127.0.0.1."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from sqlalchemy import select

import storage
from crawler import Seed, crawl_settings, read_response
from flows import stages
from flows.stages import CrawlOptions
from storage import Page, SiteCrawl
from tests.local_web import html, serve

ROBOTS = (200, "text/plain", b"User-agent: *\nDisallow: /private/\n")


def crawl_sites(web_sites, seeds, **options):  # type: ignore[no-untyped-def]
    engine = storage.connect()
    storage.upgrade(engine)
    with serve(web_sites) as web:
        seed_rows = [Seed(web.url(host, path)) for host, path in seeds]
        run_id = stages.prepare_run(engine, seed_rows, "test", {})
        opts = CrawlOptions(
            fast=True, allow_loopback=True, resolve=("*.test=127.0.0.1",), **options
        )
        stages.crawl(engine, run_id, opts)
    with storage.sessions(engine)() as session:
        pages = {
            p.url.split(str(web.port))[-1]: p
            for p in session.scalars(select(Page).where(Page.run_id == run_id))
        }
        crawls = {c.site_id: c for c in session.scalars(select(SiteCrawl))}
    return web, pages, crawls


def test_polite_defaults() -> None:
    settings = crawl_settings()
    assert settings["ROBOTSTXT_OBEY"] is True
    assert "clinic-audit" in settings["USER_AGENT"] and "https://" in settings["USER_AGENT"]
    assert settings["AUTOTHROTTLE_ENABLED"] is True
    assert settings["CONCURRENT_REQUESTS_PER_DOMAIN"] == 1
    assert settings["DOWNLOAD_DELAY"] >= 1
    assert settings["AUTOTHROTTLE_START_DELAY"] >= 1
    assert settings["CLINIC_AUDIT_MAX_PAGES"] == 200 and settings["DEPTH_LIMIT"] > 0
    assert settings["COOKIES_ENABLED"] is False
    assert settings["CLINIC_AUDIT_ALLOW_LOOPBACK"] is False
    fast = crawl_settings(fast=True)
    assert fast["DOWNLOAD_DELAY"] == 0 and fast["AUTOTHROTTLE_ENABLED"] is False
    assert fast["ROBOTSTXT_OBEY"] is True


def test_crawl_stays_on_site_obeys_robots_and_archives_pages(home: Path) -> None:
    sites = {
        "www.clinic.test": {
            "/robots.txt": ROBOTS,
            "/": html(
                '<a href="/treatments">T</a> <a href="/private/x">P</a> '
                '<a href="http://other.test/">elsewhere</a>'
            ),
            "/treatments": html("We treat knee arthritis. <a href='/'>home</a>"),
            "/private/x": html("secret claims"),
        },
        "other.test": {"/": html("off-site page")},
    }
    web, pages, crawls = crawl_sites(sites, [("www.clinic.test", "/")])
    assert sorted(pages) == ["/", "/treatments"]
    assert "/private/x" not in web.paths_requested("www.clinic.test")
    assert web.paths_requested("other.test") == []
    page = pages["/treatments"]
    archived = read_response(home / "warc", page.warc_file, page.warc_offset)
    assert b"We treat knee arthritis." in archived.body
    assert hashlib.sha256(archived.body).hexdigest() == page.sha256
    assert [c.status for c in crawls.values()] == ["ok"]


def test_page_and_depth_caps(home: Path) -> None:
    wide = {
        "/robots.txt": ROBOTS,
        "/": html(" ".join(f'<a href="/p{i}">{i}</a>' for i in range(30))),
    }
    wide.update({f"/p{i}": html("leaf") for i in range(30)})
    deep = {"/robots.txt": ROBOTS, "/": html('<a href="/d1">1</a>')}
    deep.update({f"/d{i}": html(f'<a href="/d{i + 1}">next</a>') for i in range(1, 10)})
    _, pages, _ = crawl_sites(
        {"wide.test": wide, "deep.test": deep},
        [("wide.test", "/"), ("deep.test", "/")],
        max_pages=5,
        max_depth=2,
    )
    assert len([u for u in pages if u.startswith("/p") or u == "/"]) <= 5 + 1
    assert "/d2" in pages and "/d3" not in pages


def test_one_dead_site_does_not_sink_the_others(home: Path) -> None:
    sites = {"alive.test": {"/robots.txt": ROBOTS, "/": html("We treat knee pain.")}}
    with serve({}) as dead:
        dead_port = dead.port  # closed when the block ends: nothing listens there any more
    engine = storage.connect()
    storage.upgrade(engine)
    with serve(sites) as web:
        seeds = [
            Seed(web.url("alive.test")),
            Seed(f"http://dead.test:{dead_port}/"),
            Seed("http://unknown-name.invalid/"),
        ]
        run_id = stages.prepare_run(engine, seeds, "test", {})
        stages.crawl(
            engine,
            run_id,
            CrawlOptions(fast=True, allow_loopback=True, resolve=("*.test=127.0.0.1",)),
        )
    with storage.sessions(engine)() as session:
        outcome = {
            c.site_id: (c.status, c.pages, [e["reason"] for e in c.errors])
            for c in session.scalars(select(SiteCrawl).where(SiteCrawl.run_id == run_id))
        }
    statuses = sorted(status for status, _, _ in outcome.values())
    assert statuses == ["failed", "failed", "ok"]
    reasons = " ".join(r for _, _, rs in outcome.values() for r in rs)
    assert "connection refused" in reasons and "dns" in reasons


def test_loopback_is_refused_unless_allowed(home: Path) -> None:
    engine = storage.connect()
    storage.upgrade(engine)
    with serve({"clinic.test": {"/": html("We treat knee pain.")}}) as web:
        run_id = stages.prepare_run(engine, [Seed(web.url("clinic.test"))], "test", {})
        stages.crawl(engine, run_id, CrawlOptions(fast=True, resolve=("*.test=127.0.0.1",)))
        assert web.requests == []
    with storage.sessions(engine)() as session:
        crawl = session.scalars(select(SiteCrawl)).one()
    assert crawl.status == "failed"
    assert "loopback address refused" in crawl.errors[0]["reason"]


def test_a_crawl_job_keeps_every_politeness_setting() -> None:
    from scrapy.settings import Settings

    from crawler import CrawlJob

    job = CrawlJob(run_id=1, db_url="sqlite://", archive_root="/tmp/warc", sites=[])
    effective = Settings(job.scrapy_settings())
    assert effective.getbool("ROBOTSTXT_OBEY") and effective.getbool("AUTOTHROTTLE_ENABLED")
    assert effective.getint("CONCURRENT_REQUESTS_PER_DOMAIN") == 1
    assert effective.getfloat("DOWNLOAD_DELAY") >= 1
    assert effective.getint("CLINIC_AUDIT_MAX_PAGES") == 200
    assert effective.getint("DOWNLOAD_MAXSIZE") == 10 * 1024 * 1024
    assert not effective.getbool("COOKIES_ENABLED")
    assert "clinic-audit" in effective["USER_AGENT"]
    custom = CrawlJob(
        run_id=1,
        db_url="sqlite://",
        archive_root="/tmp/warc",
        sites=[],
        user_agent="clinic-audit-study (+https://example.org/contact)",
    )
    assert Settings(custom.scrapy_settings())["USER_AGENT"].endswith("example.org/contact)")


def test_the_user_agent_is_configurable_and_sent(home: Path) -> None:
    from tests.crawling import crawl_run

    agent = "clinic-audit-study/1 (+https://example.org/contact)"
    with serve({"clinic.test": {"/robots.txt": ROBOTS, "/": html("hi")}}) as web:
        crawl_run(web, [("clinic.test", "/")], user_agent=agent)
    assert {h.get("User-Agent") for h in web.request_headers} == {agent}


def test_a_crawl_job_file_holds_no_database_password(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from crawler import CrawlJob

    url = "postgresql+psycopg://audit:s3cret@db.internal/clinics"
    job = CrawlJob(run_id=1, db_url=url, archive_root="/tmp/warc", sites=[])
    job.write(tmp_path / "job.json")
    assert "s3cret" not in (tmp_path / "job.json").read_text()
    assert CrawlJob.read(tmp_path / "job.json", url).db_url == url
    with pytest.raises(ValueError, match="without its password"):
        CrawlJob.read(tmp_path / "job.json")  # the configured database is another one
    monkeypatch.setenv("CLINIC_AUDIT_DB_URL", url)  # as the flow starts the crawl process
    assert CrawlJob.read(tmp_path / "job.json").db_url == url
    other = "postgresql+psycopg://audit:s3cret@elsewhere/clinics"
    with pytest.raises(ValueError, match="CLINIC_AUDIT_DB_URL"):
        CrawlJob.read(tmp_path / "job.json", other)
