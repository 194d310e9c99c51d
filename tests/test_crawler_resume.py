"""Resume: a crawl killed with SIGKILL continues, refetching nothing stored, losing nothing."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner

import storage
from crawler import Seed, read_response
from crawler.pipeline import COMMIT_EVERY
from flows import stages
from flows.cli import app
from flows.stages import CrawlOptions
from storage import CrawlRun
from tests.crawling import RESOLVE, crawl_again, database, pages, site_crawls
from tests.local_web import html, serve

ROBOTS = (200, "text/plain", b"User-agent: *\n")


def test_a_killed_crawl_resumes_without_refetching_or_losing_pages(home: Path) -> None:
    release = threading.Event()

    def slow(path: str) -> tuple[int, str, bytes]:
        release.wait()  # holds the crawl open until the test has killed it
        return html("the slow page")

    site: dict[str, object] = {
        "/robots.txt": ROBOTS,
        "/": html(
            " ".join(f'<a href="/p{i}">{i}</a>' for i in range(40)) + ' <a href="/slow">slow</a>'
        ),
        "/slow": slow,
    }
    site.update({f"/p{i}": html(f"page {i}") for i in range(40)})
    engine = database()
    with serve({"clinica.test": site}) as web:
        run_id = stages.prepare_run(engine, [Seed(web.url("clinica.test"))], "test", {})
        written = stages.write_crawl_job(
            engine, run_id, CrawlOptions(fast=True, allow_loopback=True, resolve=RESOLVE)
        )
        assert written is not None
        job_file, _ = written
        with subprocess.Popen(
            [sys.executable, "-m", "crawler", str(job_file)], stdout=subprocess.PIPE, text=True
        ) as crawler:
            assert crawler.stdout is not None
            reported = 0
            for line in crawler.stdout:
                reported += json.loads(line)["event"] == "page"
                if reported == COMMIT_EVERY:
                    break
            crawler.kill()
        assert reported == COMMIT_EVERY
        stored = set(pages(web, run_id))
        requests_before = len(web.requests)
        release.set()
        counts = crawl_again(run_id, resume=True)

    assert len(stored) >= COMMIT_EVERY
    refetched = [path for _, path in web.requests[requests_before:] if path in stored]
    assert refetched == []
    final = pages(web, run_id)
    assert set(final) == {"/", "/slow", *(f"/p{i}" for i in range(40))}
    assert counts["pages"] == len(final) - len(stored)
    for path, page in final.items():  # every row, old or new, points at a readable copy
        body = read_response(home / "warc", page.warc_file, page.warc_offset).body
        assert (b"page " + path[2:].encode()) in body or path in ("/", "/slow")
    [crawl] = site_crawls(run_id).values()
    assert (crawl.status, crawl.pages) == ("ok", len(final))


def test_crawl_resume_command_picks_the_latest_unfinished_run(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runner = CliRunner()
    database()
    nothing = runner.invoke(app, ["crawl", "--resume"])
    assert nothing.exit_code == 2 and "no unfinished run" in nothing.output
    monkeypatch.setenv("CLINIC_AUDIT_ALLOW_LOOPBACK", "1")
    monkeypatch.setenv("CLINIC_AUDIT_RESOLVE", ",".join(RESOLVE))
    with serve({"clinica.test": {"/robots.txt": ROBOTS, "/": html("hola")}}) as web:
        run_id = stages.prepare_run(database(), [Seed(web.url("clinica.test"))], "test", {})
        result = runner.invoke(app, ["crawl", "--resume", "--fast"])
    assert result.exit_code == 0, result.output
    assert set(pages(web, run_id)) == {"/"}
    with storage.sessions(database())() as session:
        assert session.get(CrawlRun, run_id).status == "crawled"  # type: ignore[union-attr]


def test_sigterm_stops_gracefully_with_status_3_and_resume_finishes(home: Path) -> None:
    arrived, release = threading.Event(), threading.Event()

    def slow(path: str) -> tuple[int, str, bytes]:
        arrived.set()
        release.wait()
        return html("the slow page")

    site: dict[str, object] = {
        "/robots.txt": ROBOTS,
        "/slow": slow,
        "/": html('<a href="/slow">s</a> <a href="/a">a</a>'),
    }
    site["/a"] = html('<a href="/b">b</a>')
    site["/b"] = html("b")
    engine = database()
    with serve({"clinica.test": site}) as web:
        run_id = stages.prepare_run(engine, [Seed(web.url("clinica.test"))], "test", {})
        written = stages.write_crawl_job(
            engine, run_id, CrawlOptions(fast=True, allow_loopback=True, resolve=RESOLVE)
        )
        assert written is not None
        job_file, _ = written
        with subprocess.Popen(
            [sys.executable, "-m", "crawler", str(job_file)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        ) as crawler:
            assert arrived.wait(60)  # the crawl is midway: one request held open
            crawler.send_signal(signal.SIGTERM)
            release.set()
            _, stderr = crawler.communicate()
        assert crawler.returncode == 3 and "--resume" in stderr
        crawl_again(run_id, resume=True)
    assert set(pages(web, run_id)) == {"/", "/a", "/b", "/slow"}
    assert web.paths_requested("clinica.test").count("/") == 1
