"""The whole flow over a small demo web: real HTTP, real Scrapy, real databases, real Prefect."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from prefect.client.orchestration import get_client
from prefect.testing.utilities import prefect_test_harness
from sqlalchemy import func, select
from typer.testing import CliRunner

import demoweb
import storage
from flows import stages
from flows.audit import audit_flow
from flows.cli import app
from flows.stages import CrawlOptions
from storage import Claim, Page, SiteFlag, SiteScore

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def prefect() -> Iterator[None]:
    with prefect_test_harness(server_startup_timeout=120):
        yield


def audit_demo_web(tmp_path: Path, screenshot_budget: float = 0) -> dict:  # type: ignore[type-arg]
    """Audit a demo web into the database of ``CLINIC_AUDIT_DB_URL`` (screenshots only within
    ``screenshot_budget`` seconds: tests/test_screenshots.py is where they are tested)."""
    web = demoweb.generate(n_sites=8, seed=11)
    with demoweb.serve(web) as server:
        seeds = tmp_path / "seeds.csv"
        seeds.write_text(demoweb.seeds_csv(web, server.port))
        options = CrawlOptions(fast=True, allow_loopback=True, resolve=("*.test=127.0.0.1",))
        return audit_flow(str(seeds), "seed", options, screenshot_budget=screenshot_budget)


def row_counts(engine) -> list[int]:  # type: ignore[no-untyped-def]
    with storage.sessions(engine)() as session:
        return [
            session.scalar(select(func.count()).select_from(m))
            for m in (Page, Claim, SiteScore, SiteFlag)
        ]


def check_run(summary: dict, db_url: str) -> None:  # type: ignore[type-arg]
    engine = storage.connect(db_url)
    run_id = summary["run_id"]
    assert summary["sites"] == 8 and summary["crawl"]["pages"] >= 8 * 4
    with storage.sessions(engine)() as session:
        scores = session.scalars(select(SiteScore).where(SiteScore.run_id == run_id)).all()
        assert len(scores) == 8
        sellers = [s for s in scores if s.sells_treatment]
        assert all(s.grade in "ABCDF" and 0 <= s.risk_score <= 100 for s in sellers)
        # The demo web's news site sells no treatment, decided over all of its pages: no grade.
        others = [s for s in scores if not s.sells_treatment]
        assert len(others) == 1 and (others[0].grade, others[0].risk_score) == (None, None)
        assert all(s.verdict_reasons for s in scores)
    report = Path(summary["report"]).read_text()
    assert "Sites by risk" in report
    before = row_counts(engine)
    stages.extract(engine, run_id)
    stages.score(engine, run_id, "seed")
    assert row_counts(engine) == before, "re-extracting and re-scoring must not add rows"


def test_flow_end_to_end_on_sqlite(prefect: None, home: Path, tmp_path: Path) -> None:
    db_url = storage.database_url()
    summary = audit_demo_web(tmp_path, screenshot_budget=15)
    check_run(summary, db_url)
    # The screenshot step ran after scoring, before the report: what it shot, the report shows.
    assert summary["screenshots"].get("shot", 0) >= 1, summary["screenshots"]
    assert 'class="shot"' in Path(summary["report"]).read_text()
    out = tmp_path / "export"
    result = CliRunner().invoke(app, ["export", "--format", "csv", "--out", str(out)])
    assert result.exit_code == 0, result.output
    for name in ("sites", "pages", "claims", "site_scores"):
        assert (out / f"{name}.csv").is_file()
    with (out / "site_scores.csv").open() as f:
        rows = list(csv.DictReader(f))
    assert {"url", "run_id", "risk_score", "grade", "reasons"} <= set(rows[0])
    assert len(rows) == 8
    others = [row for row in rows if row["sells_treatment"] != "True"]
    assert len(others) == 1  # the news site
    for row in rows:  # a site that sells no treatment has an empty grade, never an A
        if row in others:
            assert row["grade"] == row["risk_score"] == "" and row["verdict_reasons"]
        else:
            assert row["grade"] in list("ABCDF") and 0 <= int(row["risk_score"]) <= 100


@pytest.mark.postgres
def test_flow_end_to_end_on_postgresql_keeps_the_password_out_of_prefect_and_files(
    prefect: None, home: Path, tmp_path: Path, postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The server trusts 127.0.0.1 and ignores it: a password that must never reach Prefect's
    # database (flow-run parameters are stored there and shown in its UI).
    url = postgres_url.replace("postgres@", "postgres:not-for-prefect@", 1)
    monkeypatch.setenv("CLINIC_AUDIT_DB_URL", url)
    summary = audit_demo_web(tmp_path)
    check_run(summary, url)
    with get_client(sync_client=True) as client:
        flow_runs = client.read_flow_runs()
        task_runs = client.read_task_runs()
    stored = json.dumps([r.parameters for r in flow_runs], default=str)
    stored += json.dumps([r.model_dump(mode="json") for r in task_runs], default=str)
    assert flow_runs and task_runs
    assert "not-for-prefect" not in stored and "postgresql" not in stored
    job_files = list((home / "runs").glob("run-*/*-job.json"))  # nor on disk beside the logs
    assert job_files and not any("not-for-prefect" in f.read_text() for f in job_files)


def test_resuming_a_finished_run_redoes_nothing(prefect: None, home: Path, tmp_path: Path) -> None:
    db_url = storage.database_url()
    summary = audit_demo_web(tmp_path)
    engine = storage.connect(db_url)
    pages = select(Page.url, Page.fetched_at, Page.extracted_at).order_by(Page.id)
    with storage.sessions(engine)() as session:
        fetched = session.execute(pages).all()
    before = row_counts(engine)
    again = audit_flow(options=summary_options(), resume=summary["run_id"], screenshot_budget=0)
    # Every batch step was done: cached or skipped, no page fetched or extracted again.
    assert again["crawl"] == summary["crawl"] and again["extract"] == summary["extract"]
    assert row_counts(engine) == before
    with storage.sessions(engine)() as session:
        assert session.execute(pages).all() == fetched


def summary_options() -> CrawlOptions:
    return CrawlOptions(fast=True, allow_loopback=True, resolve=("*.test=127.0.0.1",))
