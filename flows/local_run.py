"""The audit flow run in this process, with the progress display: ``clinic-audit run`` and the
demo. The caller sets Prefect's environment first (:func:`flows.prefect_setup.prefect_environment`,
``quiet``): this module imports Prefect only when a run starts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import storage
from evidence.screenshots import ShotSettings
from flows import BATCH_SIZE
from flows.console import console, showing_progress

if TYPE_CHECKING:
    from flows.stages import CrawlOptions


class DaskUnavailable(RuntimeError):
    """Dask workers were asked for, but the dask extra is not installed."""


def run_audit(
    seeds_file: str | None,
    rubric: str,
    options: CrawlOptions,
    batch_size: int = BATCH_SIZE,
    resume: int | None = None,
    dask_workers: int = 0,
    screenshot_budget: float = ShotSettings.budget_seconds,
) -> dict[str, Any]:
    """Run the audit flow here (on a local Dask cluster of ``dask_workers`` processes if not 0)
    and return its summary.

    Raises:
        DaskUnavailable: Dask workers were asked for without the dask extra installed.
        flows.stages.CrawlFailed, flows.audit.IncompleteRun: the run failed (it can be resumed).
    """
    from flows.audit import audit_flow
    from flows.run_server import dask_task_runner

    flow_function = audit_flow
    if dask_workers:
        try:
            runner = dask_task_runner(dask_workers)
        except RuntimeError as exc:
            raise DaskUnavailable(str(exc)) from None
        flow_function = audit_flow.with_options(task_runner=runner)
    with showing_progress():
        return flow_function(
            seeds_file,
            rubric,
            options,
            batch_size=batch_size,
            resume=resume,
            screenshot_budget=screenshot_budget,
        )


def print_summary(summary: dict[str, Any]) -> None:
    """The run's figures, grades and where its database and report are."""
    crawl, extracted = summary.get("crawl", {}), summary.get("extract", {})
    console.print(
        f"Run {summary['run_id']}: {summary['sites']} sites, {crawl.get('pages', 0)} pages "
        f"({crawl.get('errors', 0)} fetch errors), {extracted.get('claims', 0)} claims."
    )
    shots = summary.get("screenshots")
    if shots:
        console.print(
            "Screenshots of the cited pages: "
            + ", ".join(f"{n} {what}" for what, n in sorted(shots.items()))
        )
    grades = summary.get("grades", {})
    console.print("Grades: " + ", ".join(f"{g} {n}" for g, n in sorted(grades.items())))
    console.print(f"Database: {storage.shown_database_url()}")
    console.print(f"Report:   {summary.get('report')}")
