"""The audit as a Prefect 3 flow: batches of sites go crawl → extract → score; then tables, report.

The run's sites are cut into batches (``batch_size``, the same cut every time); each batch is
one Prefect task per stage, so 1,000 sites make 30 tasks, not 15,000. Tasks take only small,
serialisable parameters (ids and options; never the database URL, which may hold a
password: each process reads CLINIC_AUDIT_DB_URL) and return small counts; page bodies never pass
through Prefect. The database, not Prefect's results, says what is done: a crawl task fetches
only its sites still ``pending``, extraction only pages not yet extracted, scoring upserts. So a
retried task, a resumed run (``resume=RUN_ID``) or a second worker taking over a killed one's
share (``shard``/``shards``) never duplicates a row. Without a Prefect server configured,
Prefect runs the flow against a temporary local one, so nothing has to be set up first.

A batch's pages are extracted while it is crawled: the crawl task extracts the pages its
crawl process stores as they land, in this process's pool of extraction processes (one per
core, :mod:`flows.extraction`), and the extract task then does what is left. Batches overlap
too: the extract and score tasks of one run while the next batches crawl.
"""

from __future__ import annotations

import hashlib
import os
import threading
from dataclasses import asdict
from functools import cache
from importlib.metadata import version
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, runtime, task
from prefect.context import TaskRunContext
from prefect.futures import PrefectFuture
from prefect.tasks import exponential_backoff
from sqlalchemy import Engine

import config
import storage
from crawler import read_seeds
from evidence.screenshots import ShotSettings
from flows import BATCH_SIZE, extraction, restarts, run_server, stages
from flows.prefect_setup import quiet_thread_timeout_notice
from flows.reporting import write_report
from flows.reviewed_outputs import export_tables
from flows.stages import CrawlOptions
from reports import write_tables
from storage import queries

#: Ceiling for one batch's extraction or scoring (a batch of 50 sites takes seconds).
STAGE_TIMEOUT_SECONDS = 3600
#: Part of every cache key: a new release recomputes instead of reusing older results.
CODE_VERSION = version("clinic-audit")


class IncompleteRun(RuntimeError):
    """Some batches failed after their retries; the run can be resumed."""


def _engine() -> Engine:
    """The database of ``CLINIC_AUDIT_DB_URL`` (one engine per URL and process).

    Tasks and the flow take no database URL as a parameter: Prefect stores parameters in its
    own database and shows them in its UI, and a PostgreSQL URL may hold a password. Each
    process (a Dask worker, a deployment's worker) reads it from its environment instead.
    """
    return _engine_of(storage.database_url())


@cache
def _engine_of(url: str) -> Engine:
    return storage.connect(url)


def batch_cache_key(context: TaskRunContext, parameters: dict[str, Any]) -> str:
    """(run, batch, stage, code version): a finished step of the same run is not run again."""
    stage = context.task.name
    return f"clinic-audit:{parameters['run_key']}:{parameters['batch']}:{stage}:{CODE_VERSION}"


_BATCH_TASK: dict[str, Any] = {
    "cache_key_fn": batch_cache_key,
    "persist_result": True,
    "retries": 2,
    "retry_delay_seconds": exponential_backoff(backoff_factor=5),
    "retry_jitter_factor": 0.5,
}


@task(name="crawl", task_run_name="crawl-{batch}", **_BATCH_TASK)
def crawl_task(
    run_id: int, run_key: str, batch: int, site_ids: list[int], options: CrawlOptions
) -> dict[str, int]:
    engine = _engine()
    with (
        _crawl_slots(options.fast),
        run_server.crawl_slot_of_server(),
        extraction.extracting_while_crawling(engine, run_id, site_ids),
    ):
        return stages.crawl(engine, run_id, options, site_ids)


@cache
def _crawl_slots(fast: bool) -> threading.BoundedSemaphore:
    """This process's crawls at once (``CLINIC_AUDIT_CRAWL_CONCURRENCY``, default 2, or 1 for
    a ``fast`` crawl: see :meth:`config.Settings.crawls_at_once`)."""
    return threading.BoundedSemaphore(config.settings().crawls_at_once(fast))


@task(
    name="extract",
    task_run_name="extract-{batch}",
    timeout_seconds=STAGE_TIMEOUT_SECONDS,
    **_BATCH_TASK,
)
def extract_task(run_id: int, run_key: str, batch: int, site_ids: list[int]) -> dict[str, int]:
    """What the crawl task left of its batch (see :mod:`flows.extraction`)."""
    return extraction.extract_batch(_engine(), run_id, site_ids)


@task(
    name="score",
    task_run_name="score-{batch}",
    timeout_seconds=STAGE_TIMEOUT_SECONDS,
    **_BATCH_TASK,
)
def score_task(
    run_id: int, run_key: str, batch: int, site_ids: list[int], rubric: str
) -> dict[str, int]:
    return dict(stages.score(_engine(), run_id, rubric, site_ids=site_ids))


@task(name="tables")
def tables_task(run_id: int, out_dir: str) -> list[str]:
    tables = export_tables(_engine(), run_id)
    return [str(p) for p in write_tables(tables, Path(out_dir), "csv")]


@task(name="screenshots")
def screenshots_task(run_id: int, budget_seconds: float) -> dict[str, int]:
    """Shoot the run's cited pages from the archive (:mod:`flows.screenshots`)."""
    from playwright.async_api import Error as BrowserError

    from flows.screenshots import take_screenshots

    try:
        return dict(take_screenshots(_engine(), run_id, ShotSettings(budget_seconds)))
    except (BrowserError, OSError) as exc:  # no browser: the pictures are missing, not the audit
        get_run_logger().warning("no screenshots of run %s: %s", run_id, exc)
        return {"unavailable": 1}


@task(name="report")
def report_task(run_id: int, rubric: str, out_dir: str) -> str:
    return str(write_report(_engine(), run_id, rubric, Path(out_dir)))


def _open_run(
    engine: Engine, seeds_file: str | None, rubric: str, options: CrawlOptions, resume: int | None
) -> int:
    if resume is not None:
        return stages.reopen_run(engine, resume)
    if seeds_file is None:
        raise ValueError("give a seed file, or the id of a run to resume")
    seeds, problems = read_seeds(seeds_file)
    return stages.prepare_run(
        engine,
        seeds,
        os.path.abspath(seeds_file),
        {"rubric": rubric, "crawl": asdict(options), "skipped_seed_rows": len(problems)},
    )


def _run_key(engine: Engine, run_id: int) -> str:
    """Names the run across databases: run 1 of one database is not run 1 of another."""
    with storage.sessions(engine)() as session:
        run = queries.run_info(session, run_id)
        started = run.started_at.isoformat() if run and run.started_at else ""
    return hashlib.sha256(f"{engine.url}|{run_id}|{started}".encode()).hexdigest()[:16]


def _add(total: dict[str, int], future: PrefectFuture[dict[str, int]]) -> bool:
    """Add a finished batch task's counts; False if the task failed (after its retries)."""
    future.wait()
    if not future.state.is_completed():
        return False
    for name, count in future.result().items():
        total[name] = total.get(name, 0) + count
    return True


@flow(name="clinic-audit-run")
def audit_flow(
    seeds_file: str | None = None,
    rubric: str = "seed",
    options: CrawlOptions | None = None,
    batch_size: int = BATCH_SIZE,
    resume: int | None = None,
    shard: int = 0,
    shards: int = 1,
    crawl_concurrency: int | None = None,
    screenshot_budget: float = ShotSettings.budget_seconds,
) -> dict[str, Any]:
    """Audit every site of a seed file (or finish a stored run); return the run's summary.

    Args:
        seeds_file: CSV with a ``url`` column (``name``, ``country`` optional).
        rubric: scoring rubric name or YAML path.
        options: crawl options (politeness, caps, loopback for the demo).
        batch_size: sites per crawl process and per Prefect task.
        resume: the id of a stored run to continue instead of starting one from ``seeds_file``.
        shard: with ``shards``, this flow run takes the batches whose index is ``shard``
            modulo ``shards``, so several flow runs (on several workers) share one run.
        shards: how many flow runs share the run (1: this one does it all).
        crawl_concurrency: slots of the global crawl limit, if the server has none yet
            (default: :meth:`config.Settings.crawls_at_once` for ``options``).
        screenshot_budget: seconds the screenshots of the cited pages may take, after
            scoring (pages left over are recorded as skipped); 0: take none.

    Raises:
        IncompleteRun: some batches failed after their retries (the rest is stored; resume).
    """
    quiet_thread_timeout_notice()
    if runtime.deployment.id is not None:  # requeued after its worker died: not for ever
        restarts.check_attempt(runtime.flow_run.run_count)
    options = options or CrawlOptions()
    engine = _engine()
    storage.upgrade(engine)
    run_id = _open_run(engine, seeds_file, rubric, options, resume)
    summary: dict[str, Any] = {"run_id": run_id}
    try:
        batches = stages.site_batches(engine, run_id, batch_size)
        summary["sites"] = sum(len(b) for b in batches)
        crawl_limit = crawl_concurrency or config.settings().crawls_at_once(options.fast)
        run_server.prepare_server(crawl_limit, audit_flow.name)
        mine = [(index, ids) for index, ids in enumerate(batches) if index % shards == shard]
        summary.update(_run_batches(engine, run_id, mine, rubric, options))
        statuses = stages.crawl_statuses(engine, run_id)
        summary["pending_sites"] = statuses["pending"]
        if summary["failed_batches"]:
            raise IncompleteRun(
                f"{summary['failed_batches']} batches of run {run_id} failed; the rest is "
                f"stored: run again with --resume {run_id}"
            )
        if statuses["pending"]:  # other shards still at work: the last one writes the report
            stages.close_run(engine, run_id, "running", summary)
            return summary
        if screenshot_budget > 0:
            summary["screenshots"] = screenshots_task(run_id, screenshot_budget)
        out = storage.home() / "reports" / f"run-{run_id}"
        summary["tables"] = tables_task(run_id, str(out / "tables"))
        summary["report"] = report_task(run_id, rubric, str(out))
    except BaseException:
        stages.close_run(engine, run_id, "failed", summary)
        raise
    stages.close_run(engine, run_id, "finished", summary)
    run_server.publish(summary)
    return summary


def _run_batches(
    engine: Engine,
    run_id: int,
    batches: list[tuple[int, list[int]]],
    rubric: str,
    options: CrawlOptions,
) -> dict[str, Any]:
    """Submit crawl → extract → score per (index, site ids) batch; add up each stage's counts."""
    key = _run_key(engine, run_id)
    # The stage enforces the crawl's own deadline; Prefect's is the backstop above it.
    crawl = crawl_task.with_options(timeout_seconds=options.timeout + 120)
    chains = []
    for index, site_ids in batches:
        crawled = crawl.submit(run_id, key, index, site_ids, options)
        extracted = extract_task.submit(
            run_id, key, index, site_ids, wait_for=[crawled], return_state=False
        )
        scored = score_task.submit(
            run_id, key, index, site_ids, rubric, wait_for=[extracted], return_state=False
        )
        chains.append((crawled, extracted, scored))
    totals: dict[str, dict[str, int]] = {"crawl": {}, "extract": {}, "grades": {}}
    failed = 0
    for chain in chains:
        done = [_add(totals[name], future) for name, future in zip(totals, chain, strict=True)]
        failed += not all(done)
    return {**totals, "batches": len(batches), "failed_batches": failed}
