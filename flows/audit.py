"""The audit as a Prefect 3 flow: crawl → extract → score → tables → report.

Tasks take only small, serialisable parameters (ids, URLs, options) and return small
summaries; page bodies never pass through Prefect. Without a Prefect server configured, Prefect
runs the flow against a temporary local one, so nothing has to be set up first.
"""

from __future__ import annotations

import os
from dataclasses import asdict
from functools import cache
from pathlib import Path
from typing import Any

from prefect import flow, task
from prefect.artifacts import create_markdown_artifact
from sqlalchemy import Engine

import storage
from crawler import read_seeds
from flows import stages
from flows.stages import CrawlOptions
from reports import run_report, write_report_files, write_tables
from storage import queries


@cache
def _engine(db_url: str) -> Engine:
    return storage.connect(db_url)


@task(name="crawl")
def crawl_task(db_url: str, run_id: int, options: CrawlOptions) -> dict[str, int]:
    return stages.crawl(_engine(db_url), run_id, options)


@task(name="extract", retries=1)
def extract_task(db_url: str, run_id: int) -> dict[str, int]:
    return stages.extract(_engine(db_url), run_id)


@task(name="score", retries=1)
def score_task(db_url: str, run_id: int, rubric: str) -> dict[str, int]:
    return dict(stages.score(_engine(db_url), run_id, rubric))


@task(name="tables")
def tables_task(db_url: str, run_id: int, out_dir: str) -> list[str]:
    frames = queries.export_frames(_engine(db_url), run_id)
    return [str(p) for p in write_tables(frames, Path(out_dir), "csv")]


@task(name="report")
def report_task(db_url: str, run_id: int, rubric: str, out_dir: str) -> str:
    return str(write_report(_engine(db_url), run_id, rubric, Path(out_dir)))


def write_report(
    engine: Engine, run_id: int, rubric: str, out_dir: Path, formats: tuple[str, ...] = ("html",)
) -> Path:
    """Render the report of a stored run into ``out_dir``; return the first file written."""
    with storage.sessions(engine)() as session:
        report = run_report(session, run_id, rubric)
    return write_report_files(report, out_dir, formats)[0]


@flow(name="clinic-audit-run")
def audit_flow(
    seeds_file: str,
    db_url: str | None = None,
    rubric: str = "seed",
    options: CrawlOptions | None = None,
) -> dict[str, Any]:
    """Audit every site of a seed file; return the run's summary (ids, counts, paths).

    Args:
        seeds_file: CSV with a ``url`` column (``name``, ``country`` optional).
        db_url: SQLAlchemy URL; default ``CLINIC_AUDIT_DB_URL`` or the SQLite file.
        rubric: scoring rubric name or YAML path.
        options: crawl options (politeness, caps, loopback for the demo).
    """
    options = options or CrawlOptions()
    db_url = db_url or storage.database_url()
    engine = _engine(db_url)
    storage.upgrade(engine)
    seeds, problems = read_seeds(seeds_file)
    run_id = stages.prepare_run(
        engine,
        seeds,
        os.path.abspath(seeds_file),
        {"rubric": rubric, "crawl": asdict(options), "skipped_seed_rows": len(problems)},
    )
    summary: dict[str, Any] = {"run_id": run_id, "sites": len(seeds)}
    try:
        summary["crawl"] = crawl_task(db_url, run_id, options)
        summary["extract"] = extract_task(db_url, run_id)
        summary["grades"] = score_task(db_url, run_id, rubric)
        out = storage.home() / "reports" / f"run-{run_id}"
        summary["tables"] = tables_task(db_url, run_id, str(out / "tables"))
        summary["report"] = report_task(db_url, run_id, rubric, str(out))
    except BaseException:
        stages.close_run(engine, run_id, "failed", summary)
        raise
    stages.close_run(engine, run_id, "finished", summary)
    create_markdown_artifact(
        key=f"clinic-audit-run-{run_id}",
        markdown=_artifact_markdown(summary),
        description=f"clinic-audit run {run_id}",
    )
    return summary


def _artifact_markdown(summary: dict[str, Any]) -> str:
    grades = summary.get("grades", {})
    rows = "\n".join(f"| {grade} | {count} |" for grade, count in sorted(grades.items()))
    crawl = summary.get("crawl", {})
    return (
        f"# clinic-audit run {summary['run_id']}\n\n"
        f"{summary['sites']} sites, {crawl.get('pages', 0)} pages, "
        f"{crawl.get('errors', 0)} fetch errors.\n\n| grade | sites |\n|---|---|\n{rows}\n\n"
        f"Report: `{summary.get('report', '')}`\n"
    )
