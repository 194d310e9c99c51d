"""The hostile web: every trouble is recorded per site, with a reason, and the run goes on."""

from __future__ import annotations

import gzip
import threading
from collections import Counter
from pathlib import Path

from crawler.policy import retry_after_seconds
from crawler.settings import MAX_RESPONSE_BYTES, crawl_settings
from tests.crawling import crawl_run, database, pages, site_crawls
from tests.local_web import HANG, html, serve

ROBOTS = (200, "text/plain", b"User-agent: *\n")


def flaky(failures: int, status: int, headers: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    """A page that answers ``status`` ``failures`` times, then a normal page."""
    calls: Counter[str] = Counter()
    lock = threading.Lock()

    def reply(path: str) -> tuple[object, ...]:
        with lock:
            calls[path] += 1
            if calls[path] <= failures:
                return (status, "text/plain", b"busy", headers or {})
        return html("We treat knee pain.")

    return reply


def hostile_web() -> dict[str, object]:
    numbered = " ".join(f'<a href="/events/2026/{i}">{i}</a>' for i in range(40))
    queries = " ".join(f'<a href="/list?sort={i}">{i}</a>' for i in range(20))
    return {
        "big.test": {
            "/robots.txt": ROBOTS,
            "/": (200, "text/html", b"x" * (MAX_RESPONSE_BYTES + 1)),
        },
        "bomb.test": {
            "/robots.txt": ROBOTS,
            "/": (
                200,
                "text/html",
                gzip.compress(b"\0" * (MAX_RESPONSE_BYTES * 3)),
                {"Content-Encoding": "gzip"},
            ),
        },
        "slow.test": {"/robots.txt": ROBOTS, "/": HANG},
        "flaky.test": {"/robots.txt": ROBOTS, "/": flaky(2, 503)},
        "loop.test": {
            "/robots.txt": ROBOTS,
            "/": (302, "text/html", b"", {"Location": "/a"}),
            "/a": (302, "text/html", b"", {"Location": "/"}),
        },
        "traps.test": {
            "/robots.txt": ROBOTS,
            "/": html(f'{numbered} {queries} <a href="a/">loop</a>'),
            **{f"/events/2026/{i}": html("event") for i in range(40)},
            **{f"/list?sort={i}": html("list") for i in range(20)},
            "/a/": html('<a href="a/">deeper</a>'),
            "/a/a/": html('<a href="a/">deeper</a>'),
        },
        "broken.test": {
            "/robots.txt": ROBOTS,
            "/": (
                200,
                "text/html",
                b"<html><body><p>Tratamos <b>rodilla<div></td></tr>\x00<a href",
            ),
        },
    }


def test_hostile_sites_are_recorded_with_reasons_and_the_run_goes_on(home: Path) -> None:
    with serve(hostile_web()) as web:  # type: ignore[arg-type]
        hosts = [
            "big.test",
            "bomb.test",
            "slow.test",
            "flaky.test",
            "loop.test",
            "traps.test",
            "broken.test",
        ]
        run_id = crawl_run(web, [(h, "/") for h in hosts], download_timeout=1)
    engine = database()
    from sqlalchemy import select

    from storage import Site, sessions

    with sessions(engine)() as session:
        host_of = {s.id: s.host for s in session.scalars(select(Site))}
    outcome = {
        host_of[c.site_id]: (c.status, c.pages, " | ".join(e["reason"] for e in c.errors))
        for c in site_crawls(run_id).values()
    }
    assert outcome["big.test"][0] == "failed" and "too large" in outcome["big.test"][2]
    assert "decompression bomb" in outcome["bomb.test"][2]
    assert outcome["slow.test"][2] == "timeout"
    assert outcome["flaky.test"][:2] == ("ok", 1)  # retried after two 503s
    assert web.paths_requested("flaky.test").count("/") == 3
    assert "redirect loop" in outcome["loop.test"][2]
    traps = outcome["traps.test"]
    assert traps[0] == "partial"
    for kind in ("repeating path segments", "query-parameter explosion", "endless calendar"):
        assert kind in traps[2]
    assert traps[1] < 40  # the budgets cut the traps short
    assert outcome["broken.test"][:2] == ("ok", 1)
    assert "/" in [p.split("?")[0] for p in pages(web, run_id)]


def test_429_waits_for_retry_after(home: Path) -> None:
    with serve(
        {"busy.test": {"/robots.txt": ROBOTS, "/": flaky(1, 429, {"Retry-After": "1"})}}
    ) as web:
        run_id = crawl_run(web, [("busy.test", "/")])
    times = [t for host, path, t in web.times if host == "busy.test" and path == "/"]
    assert len(times) == 2 and times[1] - times[0] >= 1.0
    assert len(pages(web, run_id)) == 1


def test_retry_after_forms_and_retry_settings() -> None:
    from datetime import UTC, datetime

    now = datetime(2026, 11, 21, 10, 0, 0, tzinfo=UTC)
    assert retry_after_seconds(b"120") == 120
    assert retry_after_seconds("Sat, 21 Nov 2026 10:00:30 GMT", now) == 30
    assert retry_after_seconds(b"soon") is None and retry_after_seconds(None) is None
    settings = crawl_settings()
    assert 429 in settings["RETRY_HTTP_CODES"] and 503 in settings["RETRY_HTTP_CODES"]
    assert settings["CLINIC_AUDIT_RETRY_BACKOFF"] >= 1 and settings["RETRY_TIMES"] >= 2
    assert settings["DOWNLOAD_MAXSIZE"] == 10 * 1024 * 1024
    assert settings["DOWNLOADER_MIDDLEWARES"]["crawler.policy.PatientRetryMiddleware"]
    assert (
        settings["DOWNLOADER_MIDDLEWARES"]["scrapy.downloadermiddlewares.retry.RetryMiddleware"]
        is None
    )
