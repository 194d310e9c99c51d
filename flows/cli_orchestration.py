"""``clinic-audit serve|deploy|dispatch|db upgrade``: the audit on a schedule, on a work pool's
workers, and the database's schema. Registered on the main app by :mod:`flows.cli`."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

import storage
from crawler import read_seeds
from flows import BATCH_SIZE
from flows.cli_common import (
    SHOT_DEFAULTS,
    BatchSize,
    OptionalSeedsFile,
    Rubric,
    ScreenshotBudget,
    SeedsFile,
    checked_rubric,
    checked_seeds,
    fail,
    open_database,
    resolve_run,
    takes_crawl_options,
    use_prefect,
)
from flows.console import console

if TYPE_CHECKING:
    from flows.stages import CrawlOptions

db_app = typer.Typer(help="Database maintenance.", no_args_is_help=True)

CRON_HELP = 'Cron schedule, e.g. "0 3 1 * *" (03:00 on the 1st of each month).'
Cron = Annotated[str | None, typer.Option(help=CRON_HELP)]
DeploymentName = Annotated[str, typer.Option("--name", help="Name of the deployment.")]


@takes_crawl_options(render_js=False)
def serve(
    seeds_file: SeedsFile,
    cron: Annotated[str, typer.Option(help=CRON_HELP)],
    name: DeploymentName = "scheduled",
    rubric: Rubric = "seed",
    *,
    options: CrawlOptions,
    batch_size: BatchSize = BATCH_SIZE,
    screenshot_budget: ScreenshotBudget = SHOT_DEFAULTS.budget_seconds,
) -> None:
    """Audit SEEDS_FILE on a cron schedule: a served Prefect deployment, run by this process.

    Runs until stopped (Ctrl-C). Needs a Prefect server that outlives the process
    (PREFECT_API_URL, e.g. from `prefect server start`), or the schedule dies with it.
    """
    checked_rubric(rubric)
    checked_seeds(seeds_file)
    open_database(upgrade=True)
    use_prefect()
    from flows import deploy

    parameters = deploy.flow_parameters(
        rubric,
        options,
        batch_size,
        screenshot_budget=screenshot_budget,
    )
    deploy.serve(name, cron, seeds_file, parameters)


@takes_crawl_options(render_js=False)
def deploy_command(
    pool: Annotated[str, typer.Option(help="Prefect work pool whose workers run the flow.")],
    name: DeploymentName = "pool",
    cron: Cron = None,
    seeds_file: Annotated[
        Path | None,
        typer.Option("--seeds", help="Seed file scheduled runs audit (with --cron)."),
    ] = None,
    rubric: Rubric = "seed",
    *,
    options: CrawlOptions,
    batch_size: BatchSize = BATCH_SIZE,
    screenshot_budget: ScreenshotBudget = SHOT_DEFAULTS.budget_seconds,
    heartbeat: Annotated[
        int,
        typer.Option(
            min=30,
            help="Seconds between a run's heartbeats. A run silent for 3 heartbeats lost its "
            "worker and is queued again for another.",
        ),
    ] = 60,
) -> None:
    """Register the audit flow of this checkout as a deployment of a work pool.

    Workers (`prefect worker start --pool POOL`) load the flow from this checkout's path, so
    every machine needs the project at the same path. Start runs with `clinic-audit dispatch`.
    A run whose worker dies (no heartbeat for 3 intervals) is run again by another worker; it
    resumes where the dead one stopped.
    """
    if cron and seeds_file is None:
        raise fail("a scheduled deployment needs --seeds FILE (the sites each run audits)")
    checked_rubric(rubric)
    if seeds_file is not None:
        checked_seeds(seeds_file)
    use_prefect()
    from flows import deploy

    more = {"seeds_file": str(seeds_file.resolve())} if seeds_file else {}
    parameters = deploy.flow_parameters(
        rubric,
        options,
        batch_size,
        screenshot_budget=screenshot_budget,
        **more,
    )
    deployment_id = deploy.deploy(name, pool, cron, parameters, heartbeat)
    console.print(f"Deployment clinic-audit-run/{name} ({deployment_id}) on work pool {pool}")


@takes_crawl_options(render_js=False)
def dispatch(
    seeds_file: OptionalSeedsFile = None,
    deployment: Annotated[
        str, typer.Option(help="Deployment to run, as FLOW/NAME.")
    ] = "clinic-audit-run/pool",
    shards: Annotated[
        int, typer.Option(min=1, help="Flow runs sharing the run (one per worker, typically).")
    ] = 2,
    resume: Annotated[
        int | None,
        typer.Option("--resume", metavar="RUN_ID", help="Hand out what is left of a stored run."),
    ] = None,
    rubric: Rubric = "seed",
    *,
    options: CrawlOptions,
    batch_size: BatchSize = BATCH_SIZE,
    screenshot_budget: ScreenshotBudget = SHOT_DEFAULTS.budget_seconds,
) -> None:
    """Start a run on a work pool: SHARDS flow runs, each auditing its share of the batches.

    Prints the run id, then the flow run ids. Workers must use the same database
    (CLINIC_AUDIT_DB_URL) and the same CLINIC_AUDIT_HOME (WARC archive) as this command.
    """
    if (seeds_file is None) == (resume is None):
        raise fail("give a SEEDS_FILE to start a run, or --resume RUN_ID to finish one")
    # The inputs first: a typo in a name must not create and migrate a database.
    checked_rubric(rubric)
    if seeds_file is not None:
        checked_seeds(seeds_file)
    engine = open_database(upgrade=True)
    use_prefect()
    from flows import deploy, stages

    if seeds_file is not None:
        seeds, _ = read_seeds(seeds_file)
        settings = {"rubric": rubric, "crawl": asdict(options), "dispatched": deployment}
        run_id = stages.prepare_run(engine, seeds, str(seeds_file.resolve()), settings)
    else:
        run_id = resolve_run(engine, resume)
    parameters = deploy.flow_parameters(
        rubric, options, batch_size, screenshot_budget=screenshot_budget
    )
    flow_runs = deploy.dispatch(deployment, run_id, shards, parameters)
    typer.echo(run_id)
    for flow_run in flow_runs:
        typer.echo(flow_run)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create or migrate the tables of CLINIC_AUDIT_DB_URL (default var/clinic-audit.db)."""
    engine = open_database(upgrade=True)
    console.print(
        f"{storage.shown_database_url()} is at revision {storage.current_revision(engine)}"
    )
