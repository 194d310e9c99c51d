"""The flow on a local Dask cluster (the dask extra): same rows as on threads, in processes."""

from __future__ import annotations

from pathlib import Path

import pytest
from prefect.testing.utilities import prefect_test_harness
from sqlalchemy import func, select

import demoweb
import storage
from flows.audit import audit_flow
from flows.run_server import dask_task_runner
from flows.stages import CrawlOptions
from storage import Page, SiteScore

pytestmark = pytest.mark.e2e


def test_the_flow_runs_its_batches_on_dask_processes(home: Path, tmp_path: Path) -> None:
    web = demoweb.generate(n_sites=6, seed=2)
    db_url = storage.database_url()
    options = CrawlOptions(fast=True, allow_loopback=True, resolve=("*.test=127.0.0.1",))
    with prefect_test_harness(server_startup_timeout=120), demoweb.serve(web) as server:
        seeds = tmp_path / "seeds.csv"
        seeds.write_text(demoweb.seeds_csv(web, server.port))
        on_dask = audit_flow.with_options(task_runner=dask_task_runner(2))
        summary = on_dask(str(seeds), "seed", options, batch_size=2, screenshot_budget=0)
    assert summary["batches"] == 3 and summary["failed_batches"] == 0
    engine = storage.connect(db_url)
    with storage.sessions(engine)() as session:
        scored = session.scalar(select(func.count()).select_from(SiteScore))
        pages = session.scalar(select(func.count()).select_from(Page))
        extracted = session.scalar(select(func.count()).where(Page.extracted_at.is_not(None)))
    assert scored == 6 and pages == summary["crawl"]["pages"]
    assert extracted == summary["extract"]["pages"] > 0
