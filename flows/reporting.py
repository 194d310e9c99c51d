"""What ``clinic-audit report`` and ``clinic-audit browse`` do, kept out of the CLI module."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
import tempfile
from importlib.resources import files
from pathlib import Path
from typing import Any

import yaml
from rich.markup import escape
from rich.table import Table
from sqlalchemy import Engine
from sqlalchemy.engine import make_url

import storage
from flows.console import console
from flows.reviewed_outputs import reviewed_report
from reports import (
    Report,
    citations,
    literature_rows,
    parse_period,
    period_report,
    run_report,
    write_report_files,
)

EACH_JURISDICTION = "each"


def load_reports(
    engine: Engine,
    run_id: int | None,
    period: str | None,
    rubric: str,
    jurisdiction: str | None,
    reviewed_only: bool = False,
) -> list[Report]:
    """The report of ``period`` if given, else of run ``run_id``, of the sites in
    ``jurisdiction`` (an ISO code) if given; with "each", one report per country audited in the
    period (sites of no known country are left out). Each marks its findings reviewed or not
    (:func:`flows.reviewed_outputs.reviewed_report`); with ``reviewed_only`` it shows only those a
    reviewer confirmed.

    Raises:
        reports.PeriodError: ``period`` is not a year, quarter or month.
        reports.NothingToReport: nothing was audited there.
    """
    if period is None:
        assert run_id is not None
        loaded = [run_report(engine, run_id, rubric, jurisdiction)]
    else:
        when = parse_period(period)
        if jurisdiction != EACH_JURISDICTION:
            loaded = [period_report(engine, when, rubric, jurisdiction)]
        else:
            sites = period_report(engine, when, rubric).sites
            countries = sorted({s.country for s in sites if s.country})
            loaded = [period_report(engine, when, rubric, country) for country in countries]
    return [reviewed_report(engine, report, reviewed_only) for report in loaded]


def default_folder(report: Report) -> Path:
    if report.period is None:
        return storage.home() / "reports" / f"run-{report.runs[0].run_id}"
    return storage.home() / "reports" / report.period.label


def write(report: Report, out: Path | None, formats: tuple[str, ...]) -> list[Path]:
    return write_report_files(report, out or default_folder(report), formats)


def print_literature(report: Report) -> None:
    """The audit's shares of clinics beside the published surveys' figures."""
    rows = literature_rows(report)
    surveys = list(rows[0].published) if rows else []
    title = f"{report.title}: {len(report.clinics)} clinics beside the published record"
    table = Table(title=escape(title))
    table.add_column("category", no_wrap=True)
    for column in ("clinics", "share", *surveys):
        table.add_column(column, justify="right", no_wrap=True)
    dimension = None
    for row in rows:
        if row.dimension != dimension:
            if dimension is not None:
                table.add_section()
            dimension = row.dimension
            table.add_row(f"[bold]{escape(row.dimension)}")
        table.add_row(
            escape(row.category),
            str(row.sites),
            f"{row.share:.1f}%",
            *("—" if row.published[s] is None else f"{row.published[s]:.1f}%" for s in surveys),
        )
    console.print(table)
    for citation in citations():
        console.print(f"[dim]{escape(citation)}")


METADATA = files("flows").joinpath("datasette.yaml")


def datasette_metadata(database: str) -> dict[str, Any]:
    """Datasette's metadata with the canned queries filed under ``database`` (the file stem)."""
    data: dict[str, Any] = yaml.safe_load(METADATA.read_text(encoding="utf-8"))
    queries = data.pop("queries")
    return {**data, "databases": {database: {"queries": queries}}}


def browse_command(db_url: str, metadata_file: Path) -> list[str]:
    """The Datasette command that serves the SQLite database read-only with canned queries.

    Raises:
        ValueError: the database is not a SQLite file (Datasette reads SQLite only).
    """
    url = make_url(db_url)
    if url.get_backend_name() != "sqlite" or not url.database:
        raise ValueError(
            "browse opens SQLite files only; export PostgreSQL tables with "
            "`clinic-audit export` or query the server directly"
        )
    if importlib.util.find_spec("datasette") is None:
        raise ValueError(
            escape(
                "Datasette is not installed: in the checkout, "
                "pip install -c constraints.txt -e '.[browse]'"
            )
        )
    database = Path(url.database)
    metadata_file.write_text(json.dumps(datasette_metadata(database.stem)), encoding="utf-8")
    # -i (immutable): Datasette opens the file read-only and never writes to it.
    return [
        sys.executable,
        "-m",
        "datasette",
        "serve",
        "-i",
        str(database),
        "--metadata",
        str(metadata_file),
        "--host",
        "127.0.0.1",
    ]


def browse(db_url: str, port: int, open_browser: bool) -> int:
    """Serve the database until interrupted; return Datasette's exit status."""
    with tempfile.TemporaryDirectory(prefix="clinic-audit-browse-") as folder:
        command = [*browse_command(db_url, Path(folder) / "metadata.json"), "--port", str(port)]
        if open_browser:
            command.append("--open")
        return subprocess.call(command)


def write_report(
    engine: Engine, run_id: int, rubric: str, out_dir: Path, formats: tuple[str, ...] = ("html",)
) -> Path:
    """Render the report of a stored run into ``out_dir``; return the first file written."""
    report = run_report(engine, run_id, rubric)
    return write_report_files(reviewed_report(engine, report), out_dir, formats)[0]
