"""``clinic-audit evidence show|package|verify|screenshots``: a page's archived copy, a run's
WACZ package, digest verification, screenshots of the cited pages. Registered on the main app
by :mod:`flows.cli`."""

from __future__ import annotations

import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Annotated

import typer

from evidence.chromium import CHROMIUM
from flows.cli_common import (
    FAILED,
    SHOT_DEFAULTS,
    RunOption,
    fail,
    open_database,
    resolve_run,
    writing_output,
)
from flows.console import console, showing_progress

evidence_app = typer.Typer(
    help="The evidence: a page's archived copy, a run's WACZ package, digest verification.",
    no_args_is_help=True,
)


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
    from flows.archives import ArchiveUnreadable, EvidenceNotFound, find_evidence, save

    engine = open_database()
    try:
        found = find_evidence(engine, url, run_id)
    except ArchiveUnreadable as exc:
        raise fail(str(exc), FAILED) from None
    except EvidenceNotFound as exc:  # a URL no run fetched: bad input
        raise fail(str(exc)) from None
    for line in found.describe():
        console.print(line, markup=False)
    if out is not None:
        with writing_output():
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
        with writing_output():
            path, pages, files = package_run(engine, run_id, out)
    except PackageError as exc:
        raise fail(str(exc), FAILED) from None
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
    raise typer.Exit(0 if result.ok else FAILED)


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
        raise fail(f"cannot start Chromium ({CHROMIUM}): {exc}", FAILED) from None
    took = time.monotonic() - started
    console.print(
        f"Run {run_id}: "
        + ", ".join(f"{n} {what}" for what, n in sorted(counts.items()))
        + f" ({took:.1f}s)",
        markup=False,
    )
