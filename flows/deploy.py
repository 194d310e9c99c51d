"""The audit flow on a schedule and on work-pool workers: ``serve``, ``deploy``, ``dispatch``.

A *served* deployment runs in the ``clinic-audit serve`` process itself; a *work-pool*
deployment is run by ``prefect worker start --pool POOL`` processes, on as many machines as the
pool has workers. ``dispatch`` prepares a run in the database and hands its batches to the pool
as ``shards`` flow runs; each worker process takes one and they share the run's sites. A shard
whose worker dies is put back in the pool's queue by the server (:mod:`flows.restarts`).
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Any

import flows
from flows.audit import audit_flow
from flows.restarts import ensure_restart_automation
from flows.stages import CrawlOptions

#: The checkout this module runs from: workers load the flow from here (same path everywhere).
SOURCE_ROOT = Path(flows.__file__).resolve().parent.parent
ENTRYPOINT = "flows/audit.py:audit_flow"


def flow_parameters(
    rubric: str, options: CrawlOptions, batch_size: int, **more: Any
) -> dict[str, Any]:
    """The audit flow's parameters as a deployment stores them (plain JSON)."""
    return {"rubric": rubric, "options": asdict(options), "batch_size": batch_size, **more}


def serve(name: str, cron: str, seeds_file: Path, parameters: dict[str, Any]) -> None:
    """Serve the audit of ``seeds_file`` on a cron schedule, in this process, until stopped."""
    audit_flow.serve(
        name=name,
        cron=cron,
        parameters={"seeds_file": str(seeds_file.resolve()), **parameters},
        description=f"clinic-audit of {seeds_file} on cron {cron!r}",
    )


def deploy(
    name: str, pool: str, cron: str | None, parameters: dict[str, Any], heartbeat: int
) -> str:
    """Register a work-pool deployment of the flow from this checkout; return its id.

    Its runs send a heartbeat every ``heartbeat`` seconds, so a run whose worker dies is
    noticed and run again by another worker (:mod:`flows.restarts`).
    """
    source = audit_flow.from_source(source=str(SOURCE_ROOT), entrypoint=ENTRYPOINT)
    deployment_id = source.deploy(  # type: ignore[union-attr]
        name=name,
        work_pool_name=pool,
        cron=cron,
        parameters=parameters,
        job_variables={"env": {"PREFECT_FLOWS_HEARTBEAT_FREQUENCY": str(heartbeat)}},
        build=False,
        push=False,
        print_next_steps=False,
    )
    # Now, before any run: two shards starting at once would otherwise both create it.
    ensure_restart_automation(audit_flow.name, heartbeat)
    return str(deployment_id)


def dispatch(deployment: str, run_id: int, shards: int, parameters: dict[str, Any]) -> list[str]:
    """Start ``shards`` flow runs of ``deployment`` that share the stored run ``run_id``.

    Returns:
        The ids of the flow runs created (workers pick them up; this does not wait).
    """
    from prefect.deployments import run_deployment

    flow_runs = []
    for shard in range(shards):
        flow_run = run_deployment(  # sync here: we are not inside an event loop
            deployment,
            parameters={**parameters, "resume": run_id, "shard": shard, "shards": shards},
            timeout=0,
            flow_run_name=f"run-{run_id}-shard-{shard}-of-{shards}",
        )
        flow_runs.append(str(flow_run.id))  # type: ignore[union-attr]
    return flow_runs
