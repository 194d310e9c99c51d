"""``clinic-audit``: the command line. Verbs follow the audit's stages.

Every command that touches the database opens it first and says clearly when it cannot; bad
input exits with status 2, a failed run with status 1.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, replace
from importlib.metadata import version
from pathlib import Path
from typing import Annotated, Any

import typer
from sqlalchemy import Engine

import storage
from crawler import SeedFileError, is_country_code, read_seeds
from evidence.chromium import CHROMIUM
from evidence.screenshots import ShotSettings
from flows import BATCH_SIZE, progress
from flows.console import RichReporter, console

app = typer.Typer(
    name="clinic-audit",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
)
db_app = typer.Typer(help="Database maintenance.", no_args_is_help=True)
app.add_typer(db_app, name="db")
evidence_app = typer.Typer(
    help="The evidence: a page's archived copy, a run's WACZ package, digest verification.",
    no_args_is_help=True,
)
app.add_typer(evidence_app, name="evidence")

Fast = Annotated[
    bool, typer.Option("--fast", help="Turn politeness delays off (only for local test servers).")
]
RenderJs = Annotated[
    bool,
    typer.Option(
        "--render-js",
        help="Render every site's pages in the system Chromium "
        "(a seed file's render_js column asks it per site).",
    ),
]
MaxPages = Annotated[int, typer.Option(help="Pages fetched per site at most.")]
MaxDepth = Annotated[int, typer.Option(help="Link depth from the seed page at most.")]
Rubric = Annotated[str, typer.Option(help="Scoring rubric: seed, strict or a rubric YAML file.")]
SeedsFile = Annotated[
    Path, typer.Argument(help="CSV with a url column (name, country, kind optional).")
]
RunOption = Annotated[
    int | None, typer.Option("--run", help="Run id (default: the latest run).", show_default=False)
]


def print_version(asked: bool) -> None:
    if asked:
        typer.echo(f"clinic-audit {version('clinic-audit')}")
        raise typer.Exit()


@app.callback()
def main(
    show_version: Annotated[
        bool,
        typer.Option(
            "--version", callback=print_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """Audit what stem-cell clinics claim on their websites against the published evidence.

    Results go to CLINIC_AUDIT_DB_URL (default: the SQLite file var/clinic-audit.db) and to
    the folder CLINIC_AUDIT_HOME (default: var/): WARC archive, reports, tables.
    """
    # Prefect's own state (the temporary server's database) lives beside ours, not in ~/.
    prefect_home = (storage.home() / "prefect").resolve()
    try:
        prefect_home.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise fail(
            f"cannot create {prefect_home}: {exc.strerror}; "
            "set CLINIC_AUDIT_HOME to a folder you can write to"
        ) from None
    os.environ.setdefault("PREFECT_HOME", str(prefect_home))


def fail(message: str, code: int = 2) -> typer.Exit:
    console.print(f"[bold red]error:[/] {message}")
    return typer.Exit(code)


def open_database(upgrade: bool = False) -> Engine:
    """The configured database, migrated if asked; a clear exit if it cannot be opened."""
    try:
        engine = storage.connect()
        if upgrade:
            storage.upgrade(engine)
        elif storage.current_revision(engine) is None:
            raise fail(
                f"the database {storage.database_url()} has no tables yet: "
                "run `clinic-audit db upgrade` or `clinic-audit run` first"
            )
    except storage.StorageError as exc:
        raise fail(str(exc)) from None
    return engine


def resolve_run(engine: Engine, run_id: int | None) -> int:
    from storage.queries import latest_run_id, run_info

    with storage.sessions(engine)() as session:
        if run_id is None:
            run_id = latest_run_id(session)
            if run_id is None:
                raise fail("the database holds no run yet: start one with `clinic-audit run`")
        elif run_info(session, run_id) is None:
            raise fail(f"no run {run_id} in {storage.database_url()}")
    return run_id


def checked_seeds(seeds_file: Path) -> int:
    """Read the seed file, report skipped rows; exit 2 if nothing is left to crawl."""
    try:
        seeds, problems = read_seeds(seeds_file)
    except SeedFileError as exc:
        raise fail(str(exc)) from None
    for problem in problems:
        console.print(f"[yellow]skipped {seeds_file}:{problem.line}: {problem.reason}")
    if not seeds:
        raise fail(f"{seeds_file} has no usable seed row")
    return len(seeds)


@contextmanager
def showing_progress() -> Iterator[None]:
    with RichReporter() as reporter:
        progress.use(reporter)
        try:
            yield
        finally:
            progress.use(progress.SilentReporter())


def crawl_options(fast: bool, max_pages: int, max_depth: int, render_js: bool = False) -> Any:
    from flows.stages import CrawlOptions

    return CrawlOptions(
        fast=fast,
        max_pages=max_pages,
        max_depth=max_depth,
        render_js=render_js,
        user_agent=os.environ.get("CLINIC_AUDIT_USER_AGENT") or None,
        allow_loopback=os.environ.get("CLINIC_AUDIT_ALLOW_LOOPBACK") == "1",
        resolve=tuple(r for r in os.environ.get("CLINIC_AUDIT_RESOLVE", "").split(",") if r),
    )


BatchSize = Annotated[int, typer.Option(help="Sites per crawl process and per Prefect task.")]
SHOT_DEFAULTS = ShotSettings()
ScreenshotBudget = Annotated[
    float,
    typer.Option(
        help="Seconds the screenshots of the cited pages may take (pages left over are "
        "recorded as skipped and shot next time); 0: take none.",
        min=0,
    ),
]


@app.command()
def run(
    seeds_file: Annotated[
        Path | None,
        typer.Argument(
            help="CSV with a url column (name, country, kind optional).", show_default=False
        ),
    ] = None,
    rubric: Rubric = "seed",
    fast: Fast = False,
    max_pages: MaxPages = 200,
    max_depth: MaxDepth = 4,
    render_js: RenderJs = False,
    batch_size: BatchSize = BATCH_SIZE,
    dask_workers: Annotated[
        int,
        typer.Option(
            help="Run the tasks on a local Dask cluster of this many processes (the dask "
            "extra), so extraction and scoring use every core. 0: threads in this process.",
        ),
    ] = 0,
    resume: Annotated[
        int | None,
        typer.Option(
            "--resume",
            help="Finish the stored run RUN_ID (killed, failed): sites already crawled are "
            "not fetched again, nothing is stored twice.",
            metavar="RUN_ID",
            show_default=False,
        ),
    ] = None,
    screenshot_budget: ScreenshotBudget = SHOT_DEFAULTS.budget_seconds,
) -> None:
    """Audit every site of SEEDS_FILE: crawl, extract, score, screenshots of the cited pages,
    tables and the report."""
    if (seeds_file is None) == (resume is None):
        raise fail("give a SEEDS_FILE to start a run, or --resume RUN_ID to finish one")
    # The seed file first: a typo in its name must not create and migrate a database.
    count = checked_seeds(seeds_file) if seeds_file is not None else 0
    engine = open_database(upgrade=True)
    if seeds_file is not None:
        console.print(f"Auditing {count} sites from {seeds_file} into {storage.database_url()}")
    else:
        resume = resolve_run(engine, resume)
        console.print(f"Resuming run {resume} in {storage.database_url()}")
    options = crawl_options(fast, max_pages, max_depth, render_js)
    summary = run_flow(
        str(seeds_file) if seeds_file else None,
        rubric,
        options,
        batch_size,
        resume,
        dask_workers,
        screenshot_budget,
    )
    print_summary(summary)


def run_flow(
    seeds_file: str | None,
    rubric: str,
    options: Any,
    batch_size: int = BATCH_SIZE,
    resume: int | None = None,
    dask_workers: int = 0,
    screenshot_budget: float = SHOT_DEFAULTS.budget_seconds,
) -> dict[str, Any]:
    # Our own progress display says what happens; Prefect's INFO lines would only repeat it.
    # Set before Prefect is first imported: it reads its settings once, at import.
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    from flows.audit import IncompleteRun, audit_flow, dask_task_runner
    from flows.stages import CrawlFailed

    flow_function = audit_flow
    if dask_workers:
        try:
            flow_function = audit_flow.with_options(task_runner=dask_task_runner(dask_workers))
        except RuntimeError as exc:
            raise fail(str(exc)) from None
    try:
        with showing_progress():
            return flow_function(
                seeds_file,
                rubric,
                options,
                batch_size=batch_size,
                resume=resume,
                screenshot_budget=screenshot_budget,
            )
    except (CrawlFailed, IncompleteRun) as exc:
        raise fail(f"the run failed: {exc}", 1) from None


def print_summary(summary: dict[str, Any]) -> None:
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
    console.print(f"Database: {storage.database_url()}")
    console.print(f"Report:   {summary.get('report')}")


@app.command()
def crawl(
    seeds_file: Annotated[
        Path | None,
        typer.Argument(
            help="CSV with a url column (name, country, kind optional); not with --resume.",
            show_default=False,
        ),
    ] = None,
    fast: Fast = False,
    max_pages: MaxPages = 200,
    max_depth: MaxDepth = 4,
    render_js: RenderJs = False,
    resume: Annotated[
        bool,
        typer.Option(
            "--resume",
            help="Continue an interrupted crawl (the latest unfinished run, "
            "or --run ID); pages already stored are not fetched again.",
        ),
    ] = False,
    run_id: Annotated[
        int | None, typer.Option("--run", help="The run to resume.", show_default=False)
    ] = None,
) -> None:
    """Crawl the sites of SEEDS_FILE into the archive and the pages table (no extraction)."""
    from flows import stages

    if resume:
        if seeds_file is not None:
            raise fail("--resume continues a stored run: give no seed file")
        engine = open_database(upgrade=True)
        run_id = unfinished_run(engine, run_id)
    elif seeds_file is None:
        raise fail("give a seed file, or --resume")
    else:
        if run_id is not None:
            raise fail("--run goes with --resume")
        checked_seeds(seeds_file)
        engine = open_database(upgrade=True)
        seeds, _ = read_seeds(seeds_file)
        run_id = stages.prepare_run(engine, seeds, str(seeds_file.resolve()), {"crawl_only": True})
    options = replace(crawl_options(fast, max_pages, max_depth, render_js), resume=resume)
    try:
        with showing_progress():
            counts = stages.crawl(engine, run_id, options)
    except stages.CrawlFailed as exc:
        stages.close_run(engine, run_id, "failed", {})
        raise fail(f"the crawl failed: {exc}", 1) from None
    stages.close_run(engine, run_id, "crawled", {"crawl": counts})
    console.print(f"Run {run_id}: {counts['pages']} pages, {counts['errors']} fetch errors.")
    typer.echo(run_id)


def unfinished_run(engine: Engine, run_id: int | None) -> int:
    """``run_id`` checked, or the latest run whose crawl never finished."""
    from storage.history import latest_unfinished_run

    if run_id is not None:
        return resolve_run(engine, run_id)
    with storage.sessions(engine)() as session:
        latest = latest_unfinished_run(session)
    if latest is None:
        raise fail("no unfinished run to resume")
    return latest


@app.command()
def extract(
    inputs: Annotated[
        list[str] | None,
        typer.Argument(help="HTML or text files, or http(s) URLs.", show_default=False),
    ] = None,
    output_format: Annotated[
        str, typer.Option("--format", help="jsonl (one object per input) or table.")
    ] = "jsonl",
    run_id: Annotated[
        int | None,
        typer.Option("--run", help="Instead of inputs, re-extract every page of a stored run."),
    ] = None,
) -> None:
    """Print the claims of single pages, or re-extract a stored run with --run."""
    from flows import single_pages, stages
    from score import site_verdict

    if run_id is not None:
        engine = open_database()
        run_id = resolve_run(engine, run_id)
        with showing_progress():
            counts = stages.extract(engine, run_id)
        console.print(
            f"Run {run_id}: {counts.get('pages', 0)} pages, {counts.get('claims', 0)} claims."
        )
        return
    if not inputs:
        raise fail("give files or URLs to extract, or --run ID")
    if output_format not in ("jsonl", "table"):
        raise fail(f"unknown format {output_format!r}: use jsonl or table")
    failures = 0
    for source in inputs:
        try:
            doc = single_pages.extract_source(source)
        except single_pages.InputError as exc:
            console.print(f"[red]{source}: {exc}")
            failures += 1
            continue
        # A single input is judged as a one-page site, by the same rule as a crawled site.
        verdict = site_verdict([doc.page_cues])
        if output_format == "jsonl":
            contract = doc.to_contract(source, verdict.sells_treatment)
            sys.stdout.write(json.dumps(contract, ensure_ascii=False) + "\n")
        else:
            single_pages.print_table(doc, source, verdict)
    if failures:
        raise typer.Exit(2)


@app.command()
def score(
    run_id: RunOption = None,
    rubric: Rubric = "seed",
    kb: Annotated[
        Path | None,
        typer.Option(
            "--kb",
            help="Evidence file to use instead of the shipped one (schema of evidence.yaml).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """(Re)score a stored run: judges and grades every site again, replacing earlier scores.

    Whether a site sells treatment is decided once, over all of its pages (the seed file's
    kind decides when given); a site that sells none gets no grade. The run records the
    knowledge base's name and SHA-256; the same claims, rubric and knowledge base give
    byte-identical exports.
    """
    from flows import stages
    from score import KnowledgeError

    engine = open_database()
    run_id = resolve_run(engine, run_id)
    try:
        grades = stages.score(engine, run_id, rubric, kb)
    except KnowledgeError as exc:
        raise fail(f"cannot load the knowledge base: {exc}") from None
    console.print(
        f"Run {run_id} scored with rubric {rubric}: "
        + ", ".join(f"{g} {n}" for g, n in sorted(grades.items()))
    )


@app.command()
def report(
    run_id: RunOption = None,
    period: Annotated[
        str | None,
        typer.Option(
            help="Report a period (2026, 2026-Q4 or 2026-11): per site, its latest finished "
            "run inside the period, compared with the previous period.",
            show_default=False,
        ),
    ] = None,
    jurisdiction: Annotated[
        str | None,
        typer.Option(
            help="Only sites in this country (ISO code, e.g. CO); with --period, 'each' writes "
            "one report per country audited.",
            show_default=False,
        ),
    ] = None,
    output_format: Annotated[
        list[str] | None,
        typer.Option("--format", help="html or pdf; repeat for both (default html)."),
    ] = None,
    table: Annotated[
        str | None,
        typer.Option(
            help="Print a table instead of writing files: literature (the audit beside the "
            "published surveys).",
            show_default=False,
        ),
    ] = None,
    rubric: Rubric = "seed",
    out: Annotated[
        Path | None,
        typer.Option(help="Folder to write into (default var/reports/run-ID or .../PERIOD)."),
    ] = None,
    reviewed_only: Annotated[
        bool,
        typer.Option(
            "--reviewed-only",
            help="Show only the findings a reviewer confirmed (grades still count every "
            "finding, reviewed values first).",
        ),
    ] = False,
) -> None:
    """Write the report of a run or a period (HTML, PDF, SHA-256 manifest); print each path."""
    from flows import reporting
    from reports import REPORT_FORMATS, NothingToReport, PeriodError

    formats = tuple(output_format or ["html"])
    if set(formats) - set(REPORT_FORMATS):
        raise fail(f"unknown format {', '.join(formats)}: use html or pdf")
    if table not in (None, "literature"):
        raise fail(f"unknown table {table!r}: use literature")
    if period is not None and run_id is not None:
        raise fail("give --run or --period, not both")
    if jurisdiction is not None and jurisdiction.lower() == reporting.EACH_JURISDICTION:
        if period is None:
            raise fail("--jurisdiction each needs --period")
        jurisdiction = reporting.EACH_JURISDICTION
    elif jurisdiction is not None:
        jurisdiction = jurisdiction.strip().upper()
        if not is_country_code(jurisdiction):
            raise fail(f"--jurisdiction {jurisdiction!r} is not an ISO 3166-1 code (such as CO)")
    engine = open_database()
    if period is None:
        run_id = resolve_run(engine, run_id)
    try:
        loaded = reporting.load_reports(engine, run_id, period, rubric, jurisdiction, reviewed_only)
    except (PeriodError, NothingToReport) as exc:
        raise fail(str(exc)) from None
    for one in loaded:
        if table == "literature":
            reporting.print_literature(one)
            continue
        for path in reporting.write(one, out, formats):
            typer.echo(path)


@app.command()
def export(
    output_format: Annotated[str, typer.Option("--format", help="csv or parquet.")] = "csv",
    out: Annotated[
        Path | None,
        typer.Option(
            help="Folder to write the tables into (default: exports/ in CLINIC_AUDIT_HOME).",
            show_default=False,
        ),
    ] = None,
    run_id: Annotated[
        int | None, typer.Option("--run", help="Only this run (default: every run).")
    ] = None,
) -> None:
    """Export every table (sites, pages, claims, reviews, ...) as CSV or Parquet files, and
    update the folder's SHA-256 manifest; claims carry their review status."""
    from flows.reviewing import export_tables
    from reports import FORMATS, write_tables

    if output_format not in FORMATS:
        raise fail(f"unknown format {output_format!r}: use {' or '.join(FORMATS)}")
    engine = open_database()
    if run_id is not None:
        run_id = resolve_run(engine, run_id)
    folder = out or storage.home() / "exports"
    for path in write_tables(export_tables(engine, run_id), folder, output_format):
        typer.echo(path)


@evidence_app.command("show")
def evidence_show(
    url: Annotated[str, typer.Argument(help="The page's URL, as stored (see the pages table).")],
    run_id: Annotated[
        int | None,
        typer.Option(
            "--run", help="Run id (default: the latest run that fetched URL).", show_default=False
        ),
    ] = None,
    out: Annotated[
        Path | None, typer.Option(help="Save the bytes to this file instead of printing them.")
    ] = None,
    decoded: Annotated[
        bool, typer.Option("--decoded", help="Undo the server's gzip/br Content-Encoding.")
    ] = False,
) -> None:
    """Print (or save) the archived copy of URL exactly as fetched, with when and whence."""
    from flows.archives import EvidenceNotFound, find_evidence, save

    engine = open_database()
    try:
        found = find_evidence(engine, url, run_id)
    except EvidenceNotFound as exc:
        raise fail(str(exc), 1) from None
    for line in found.describe():
        console.print(line, markup=False)
    if out is not None:
        save(found, out, decoded)
        console.print(f"Saved:      {out}", markup=False)
    else:
        sys.stdout.buffer.write(found.copy.body if decoded else found.copy.raw)
        sys.stdout.flush()


@evidence_app.command("package")
def evidence_package(
    out: Annotated[Path, typer.Option(help="The WACZ file to write (e.g. run-3.wacz).")],
    run_id: RunOption = None,
) -> None:
    """Write a run's evidence as a WACZ 1.1.1 package that pywb and ReplayWeb.page open.

    The package holds the run's WARC files (and the earlier ones its unchanged pages point
    into), a CDXJ index, pages/pages.jsonl and datapackage.json with every file's sha256.
    """
    from evidence.wacz import PackageError
    from flows.archives import package_run

    if out.suffix != ".wacz" or out.is_dir():
        raise fail(f"--out must name a .wacz file, not {out}")
    engine = open_database()
    run_id = resolve_run(engine, run_id)
    try:
        path, pages, files = package_run(engine, run_id, out)
    except PackageError as exc:
        raise fail(str(exc), 1) from None
    size = path.stat().st_size
    console.print(f"Run {run_id}: {pages} pages, {files} WARC files, {size:,} bytes", markup=False)
    typer.echo(path)


@evidence_app.command("verify")
def evidence_verify(
    path: Annotated[
        Path, typer.Argument(help="A WARC file, a WACZ, or a report folder (manifest.sha256).")
    ],
) -> None:
    """Recompute every digest of PATH and name anything changed.

    Exit 0 when every digest matches, 1 when something changed, 2 when PATH is none of a
    WARC file, a WACZ or a folder with a manifest.sha256 or WARC files.
    """
    from evidence.verify import NotEvidence, describe, verify

    try:
        result = verify(path)
    except NotEvidence as exc:
        raise fail(str(exc)) from None
    for line in describe(result):
        console.print(line, markup=False, soft_wrap=True)
    raise typer.Exit(0 if result.ok else 1)


@evidence_app.command("screenshots")
def evidence_screenshots(
    run_id: RunOption = None,
    budget: Annotated[
        float,
        typer.Option(
            help="Seconds the shooting may take (pages left over are recorded as skipped).",
            min=1,
        ),
    ] = SHOT_DEFAULTS.budget_seconds,
    parallel: Annotated[
        int, typer.Option(help="Pages rendered at once in the one browser.", min=1)
    ] = SHOT_DEFAULTS.parallel,
    again: Annotated[
        bool,
        typer.Option("--again", help="Shoot every cited page, even those with a current picture."),
    ] = False,
) -> None:
    """Shoot a run's cited pages from the archive (never the live site), quotes highlighted.

    A page whose archived payload and quotes are unchanged keeps its picture; failed and
    skipped pages are tried again. The PNGs go to the run's archive folder
    (warc/run-N/screenshots/), their SHA-256 to the screenshots table; reports link them.
    """
    from playwright.async_api import Error as BrowserError

    from flows.screenshots import take_screenshots

    engine = open_database(upgrade=True)
    run_id = resolve_run(engine, run_id)
    settings = replace(SHOT_DEFAULTS, budget_seconds=budget, parallel=parallel)
    started = time.monotonic()
    try:
        with showing_progress():
            counts = take_screenshots(engine, run_id, settings, again)
    except BrowserError as exc:
        raise fail(f"cannot start Chromium ({CHROMIUM}): {exc}", 1) from None
    took = time.monotonic() - started
    console.print(
        f"Run {run_id}: "
        + ", ".join(f"{n} {what}" for what, n in sorted(counts.items()))
        + f" ({took:.1f}s)",
        markup=False,
    )


@app.command()
def browse(
    port: Annotated[int, typer.Option(help="Port on 127.0.0.1.")] = 8001,
    open_browser: Annotated[bool, typer.Option("--open", help="Open a browser tab.")] = False,
) -> None:
    """Open the SQLite database read-only in Datasette, with canned queries for common questions."""
    from flows import reporting

    open_database()
    try:
        code = reporting.browse(storage.database_url(), port, open_browser)
    except ValueError as exc:
        raise fail(str(exc)) from None
    raise typer.Exit(code)


@app.command()
def demo(
    sites: Annotated[int, typer.Option(help="Number of demo sites to generate.")] = 24,
    seed: Annotated[int, typer.Option(help="Seed of the demo web generator.")] = 7,
    port: Annotated[
        int, typer.Option(help="Port for the demo web on 127.0.0.1 (0: any free port).")
    ] = 8765,
    fast: Fast = False,
) -> None:
    """Serve the bundled demo web on 127.0.0.1, audit all of it and print where results are."""
    from flows import demo as demo_run

    open_database(upgrade=True)
    demo_run.run_demo(sites=sites, seed=seed, port=port, fast=fast)


Cron = Annotated[
    str | None,
    typer.Option(help='Cron schedule, e.g. "0 3 1 * *" (03:00 on the 1st of each month).'),
]
DeploymentName = Annotated[str, typer.Option("--name", help="Name of the deployment.")]


@app.command()
def serve(
    seeds_file: SeedsFile,
    cron: Annotated[
        str, typer.Option(help='Cron schedule, e.g. "0 3 1 * *" (03:00 on the 1st of each month).')
    ],
    name: DeploymentName = "scheduled",
    rubric: Rubric = "seed",
    fast: Fast = False,
    max_pages: MaxPages = 200,
    max_depth: MaxDepth = 4,
    batch_size: BatchSize = BATCH_SIZE,
    screenshot_budget: ScreenshotBudget = SHOT_DEFAULTS.budget_seconds,
) -> None:
    """Audit SEEDS_FILE on a cron schedule: a served Prefect deployment, run by this process.

    Runs until stopped (Ctrl-C). Needs a Prefect server that outlives the process
    (PREFECT_API_URL, e.g. from `prefect server start`), or the schedule dies with it.
    """
    from flows import deploy

    checked_seeds(seeds_file)
    open_database(upgrade=True)
    parameters = deploy.flow_parameters(
        rubric,
        crawl_options(fast, max_pages, max_depth),
        batch_size,
        screenshot_budget=screenshot_budget,
    )
    deploy.serve(name, cron, seeds_file, parameters)


@app.command("deploy")
def deploy_command(
    pool: Annotated[str, typer.Option(help="Prefect work pool whose workers run the flow.")],
    name: DeploymentName = "pool",
    cron: Cron = None,
    seeds_file: Annotated[
        Path | None,
        typer.Option("--seeds", help="Seed file scheduled runs audit (with --cron)."),
    ] = None,
    rubric: Rubric = "seed",
    fast: Fast = False,
    max_pages: MaxPages = 200,
    max_depth: MaxDepth = 4,
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
    from flows import deploy

    if cron and seeds_file is None:
        raise fail("a scheduled deployment needs --seeds FILE (the sites each run audits)")
    more = {"seeds_file": str(seeds_file.resolve())} if seeds_file else {}
    parameters = deploy.flow_parameters(
        rubric,
        crawl_options(fast, max_pages, max_depth),
        batch_size,
        screenshot_budget=screenshot_budget,
        **more,
    )
    deployment_id = deploy.deploy(name, pool, cron, parameters, heartbeat)
    console.print(f"Deployment clinic-audit-run/{name} ({deployment_id}) on work pool {pool}")


@app.command()
def dispatch(
    seeds_file: Annotated[
        Path | None,
        typer.Argument(
            help="CSV with a url column (name, country, kind optional).", show_default=False
        ),
    ] = None,
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
    fast: Fast = False,
    max_pages: MaxPages = 200,
    max_depth: MaxDepth = 4,
    batch_size: BatchSize = BATCH_SIZE,
    screenshot_budget: ScreenshotBudget = SHOT_DEFAULTS.budget_seconds,
) -> None:
    """Start a run on a work pool: SHARDS flow runs, each auditing its share of the batches.

    Prints the run id, then the flow run ids. Workers must use the same database
    (CLINIC_AUDIT_DB_URL) and the same CLINIC_AUDIT_HOME (WARC archive) as this command.
    """
    from flows import deploy, stages

    if (seeds_file is None) == (resume is None):
        raise fail("give a SEEDS_FILE to start a run, or --resume RUN_ID to finish one")
    engine = open_database(upgrade=True)
    options = crawl_options(fast, max_pages, max_depth)
    if seeds_file is not None:
        checked_seeds(seeds_file)
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
    console.print(f"{storage.database_url()} is at revision {storage.current_revision(engine)}")


# The review verbs live in their own module; registered last, since it imports from this one.
from flows.cli_review import agreement, review_app  # noqa: E402

app.add_typer(review_app, name="review")
app.command()(agreement)
