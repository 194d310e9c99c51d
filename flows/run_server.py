"""What a run needs from a Prefect server and leaves on it, and its Dask runner.

A run on a server of our own (``PREFECT_API_URL``) shares one crawl limit across every worker
and has its dead worker's flow run requeued; every run leaves its figures as artifacts in the
UI. On the temporary server Prefect starts otherwise, none of the server-side parts apply.
"""

from __future__ import annotations

import os
from contextlib import AbstractContextManager, nullcontext
from typing import Any

from prefect import get_run_logger, runtime
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.client.orchestration import get_client
from prefect.concurrency.sync import concurrency
from prefect.exceptions import ObjectNotFound
from prefect.settings import PREFECT_API_URL

from flows import restarts

#: Prefect global concurrency limit every crawl task takes a slot of, across all workers.
CRAWL_LIMIT = "clinic-audit-crawl"
#: A killed worker's slot is freed when its lease runs out; short, so others are not held up.
CRAWL_SLOT_LEASE_SECONDS = 60


def crawl_slot_of_server() -> AbstractContextManager[None]:
    """A slot of the server-wide crawl limit, shared by every worker of a Prefect server.

    Only with a server of our own (``PREFECT_API_URL``): the temporary one Prefect starts
    otherwise runs no lease service, so the slots of a killed run would never come back.
    """
    if not PREFECT_API_URL.value():
        return nullcontext()
    return concurrency(CRAWL_LIMIT, occupy=1, lease_duration=CRAWL_SLOT_LEASE_SECONDS)


def prepare_server(crawl_limit: int, flow_name: str) -> None:
    """What a run on a Prefect server of our own needs there; nothing on a temporary server.

    - the global crawl limit, unless the operator set their own;
    - for a deployment's run, the automation that requeues it if its worker dies
      (:mod:`flows.restarts`).

    Without them (an old server, no permission) the run still goes on, unthrottled or without
    automatic restarts.
    """
    if not PREFECT_API_URL.value():
        return
    try:
        with get_client(sync_client=True) as client:
            try:
                client.read_global_concurrency_limit_by_name(CRAWL_LIMIT)
            except ObjectNotFound:
                client.upsert_global_concurrency_limit_by_name(CRAWL_LIMIT, crawl_limit)
        if runtime.deployment.id is not None:
            restarts.ensure_restart_automation(flow_name, restarts.heartbeat_seconds())
    except Exception as exc:  # both are safeguards, not the audit
        get_run_logger().warning("could not set up the crawl limit or restarts: %s", exc)


def dask_task_runner(workers: int) -> Any:
    """A Dask task runner of ``workers`` processes (the ``dask`` extra), for parallel extraction.

    Extraction and scoring are CPU-bound Python: threads share one core, processes do not.
    """
    # Dask's INFO lines (nanny, scheduler) would drown the progress display.
    os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", "warning")
    try:
        from prefect_dask import DaskTaskRunner
    except ImportError:
        raise RuntimeError(
            "Dask workers need the dask extra: pip install -c constraints.txt -e '.[dask]'"
        ) from None
    return DaskTaskRunner(
        cluster_kwargs={"n_workers": workers, "threads_per_worker": 1, "processes": True}
    )


def publish(summary: dict[str, Any]) -> None:
    """The run's markdown and table artifacts in the Prefect UI."""
    run_id = summary["run_id"]
    create_markdown_artifact(
        key=f"clinic-audit-run-{run_id}",
        markdown=artifact_markdown(summary),
        description=f"clinic-audit run {run_id}",
    )
    crawl, extracted = summary.get("crawl", {}), summary.get("extract", {})
    figures = {
        "sites": summary["sites"],
        "batches": summary["batches"],
        "pages": crawl.get("pages", 0),
        "fetch errors": crawl.get("errors", 0),
        "claims": extracted.get("claims", 0),
        "pages that failed extraction": extracted.get("failed", 0),
        **{f"grade {g}": n for g, n in sorted(summary.get("grades", {}).items())},
    }
    create_table_artifact(
        key=f"clinic-audit-run-{run_id}-figures",
        table=[{"figure": name, "value": value} for name, value in figures.items()],
        description=f"clinic-audit run {run_id}: grades, errors, figures",
    )


def artifact_markdown(summary: dict[str, Any]) -> str:
    grades = summary.get("grades", {})
    rows = "\n".join(f"| {grade} | {count} |" for grade, count in sorted(grades.items()))
    crawl = summary.get("crawl", {})
    return (
        f"# clinic-audit run {summary['run_id']}\n\n"
        f"{summary['sites']} sites in {summary['batches']} batches, {crawl.get('pages', 0)} "
        f"pages, {crawl.get('errors', 0)} fetch errors.\n\n| grade | sites |\n|---|---|\n{rows}\n\n"
        f"Report: `{summary.get('report', '')}`\n"
    )
