"""Kill -9 a run midway, run it again with --resume: nothing lost, nothing stored twice."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

import demoweb
import storage
from storage import CrawlRun
from tests.orchestration import (
    CLI,
    audit_env,
    check_each_site_once,
    crawl_statuses,
    fetched_pages,
    kill_group,
    start,
    wait_until,
)

pytestmark = pytest.mark.e2e

N_SITES = 24


def test_a_killed_run_resumes_without_duplicates_or_losses(tmp_path: Path, db_url: str) -> None:
    web = demoweb.generate(n_sites=N_SITES, seed=5)
    home = tmp_path / "var"
    env = audit_env(home, db_url)
    log = tmp_path / "run.log"
    with demoweb.serve(web) as server:
        seeds = tmp_path / "seeds.csv"
        seeds.write_text(demoweb.seeds_csv(web, server.port))
        engine = storage.connect(db_url)
        storage.upgrade(engine)
        run = start(
            [CLI, "run", str(seeds), "--fast", "--batch-size", "3", "--screenshot-budget", "0"],
            env,
            log,
        )
        try:
            wait_until(
                lambda: any(s != "pending" for s in crawl_statuses(engine, 1).values()),
                120,
                "the first crawled batch",
            )
        finally:
            kill_group(run)
        before = crawl_statuses(engine, 1)
        done = {site for site, status in before.items() if status != "pending"}
        assert len(before) == N_SITES and 0 < len(done) < N_SITES, log.read_text()[-2000:]
        kept = fetched_pages(engine, 1, done)
        assert kept, "the crawled sites' pages were committed before the kill"

        resume_log = tmp_path / "resume.log"
        resumed = start(
            [
                CLI,
                "run",
                "--resume",
                "1",
                "--fast",
                "--batch-size",
                "3",
                "--screenshot-budget",
                "0",
            ],
            env,
            resume_log,
        )
        try:  # on a timeout, kill the group: the run's temporary Prefect server must go too
            assert resumed.wait(timeout=150) == 0, resume_log.read_text()[-3000:]
        finally:
            kill_group(resumed)
    check_each_site_once(engine, 1, N_SITES)
    # The sites crawled before the kill were not fetched again: the same rows, untouched.
    assert fetched_pages(engine, 1, done) == kept
    with storage.sessions(engine)() as session:
        assert session.scalar(select(CrawlRun.status).where(CrawlRun.id == 1)) == "finished"
    engine.dispose()
