"""``clinic-audit run|crawl|extract|score|demo``: the audit's own verbs, whole or a stage at a
time. Registered on the main app by :mod:`flows.cli`."""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from sqlalchemy import Engine

import storage
from crawler import read_seeds
from flows import BATCH_SIZE
from flows.cli_common import (
    BAD_INPUT,
    FAILED,
    SHOT_DEFAULTS,
    BatchSize,
    Fast,
    OptionalSeedsFile,
    Rubric,
    RunOption,
    ScreenshotBudget,
    checked_rubric,
    checked_seeds,
    fail,
    open_database,
    resolve_run,
    takes_crawl_options,
    use_prefect,
)
from flows.console import console, showing_progress

if TYPE_CHECKING:
    from flows.stages import CrawlOptions


@takes_crawl_options()
def run(
    seeds_file: OptionalSeedsFile = None,
    rubric: Rubric = "seed",
    *,
    options: CrawlOptions,
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
    # The inputs first: a typo in a name must not create and migrate a database.
    checked_rubric(rubric)
    count = checked_seeds(seeds_file) if seeds_file is not None else 0
    engine = open_database(upgrade=True)
    if seeds_file is not None:
        console.print(
            f"Auditing {count} sites from {seeds_file} into {storage.shown_database_url()}"
        )
    else:
        resume = resolve_run(engine, resume)
        console.print(f"Resuming run {resume} in {storage.shown_database_url()}")
    use_prefect(quiet=True)
    from flows.audit import IncompleteRun
    from flows.local_run import DaskUnavailable, print_summary, run_audit
    from flows.stages import CrawlFailed

    try:
        summary = run_audit(
            str(seeds_file) if seeds_file else None,
            rubric,
            options,
            batch_size,
            resume,
            dask_workers,
            screenshot_budget,
        )
    except DaskUnavailable as exc:
        raise fail(str(exc)) from None
    except (CrawlFailed, IncompleteRun) as exc:
        raise fail(f"the run failed: {exc}", FAILED) from None
    print_summary(summary)


@takes_crawl_options()
def crawl(
    seeds_file: Annotated[
        Path | None,
        typer.Argument(
            help="CSV with a url column (name, country, kind optional); not with --resume.",
            show_default=False,
        ),
    ] = None,
    *,
    options: CrawlOptions,
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
    options = replace(options, resume=resume)
    try:
        with showing_progress():
            counts = stages.crawl(engine, run_id, options)
    except stages.CrawlFailed as exc:
        stages.close_run(engine, run_id, "failed", {})
        raise fail(f"the crawl failed: {exc}", FAILED) from None
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
        raise typer.Exit(BAD_INPUT)


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


def demo(
    sites: Annotated[int, typer.Option(help="Number of demo sites to generate.")] = 24,
    seed: Annotated[int, typer.Option(help="Seed of the demo web generator.")] = 7,
    port: Annotated[
        int, typer.Option(help="Port for the demo web on 127.0.0.1 (0: any free port).")
    ] = 8765,
    fast: Fast = False,
) -> None:
    """Serve the bundled demo web on 127.0.0.1, audit all of it and print where results are."""
    open_database(upgrade=True)
    use_prefect(quiet=True)
    from flows import demo as demo_run
    from flows.audit import IncompleteRun
    from flows.stages import CrawlFailed

    try:
        demo_run.run_demo(sites=sites, seed=seed, port=port, fast=fast)
    except (CrawlFailed, IncompleteRun) as exc:
        raise fail(f"the demo's run failed: {exc}", FAILED) from None
