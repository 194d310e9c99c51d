"""``clinic-audit report|export|browse``: what a stored run or period says, as reports, tables
and a browsable database. Registered on the main app by :mod:`flows.cli`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

import storage
from crawler import is_country_code
from flows.cli_common import (
    Rubric,
    RunOption,
    checked_rubric,
    current_settings,
    fail,
    open_database,
    resolve_run,
    writing_output,
)


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
    checked_rubric(rubric)
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
        with writing_output():
            written = reporting.write(one, out, formats)
        for path in written:
            typer.echo(path)


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
    from flows.reviewed_outputs import export_tables
    from reports import FORMATS, write_tables

    if output_format not in FORMATS:
        raise fail(f"unknown format {output_format!r}: use {' or '.join(FORMATS)}")
    engine = open_database()
    if run_id is not None:
        run_id = resolve_run(engine, run_id)
    folder = out or current_settings().home / "exports"
    with writing_output():
        written = write_tables(export_tables(engine, run_id), folder, output_format)
    for path in written:
        typer.echo(path)


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
