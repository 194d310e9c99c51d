"""``clinic-audit review export|import`` and ``clinic-audit agreement``: people's decisions on
the machine's findings, through a spreadsheet, and how far the machine agrees with them.

Registered on the main app by :mod:`flows.cli`; the work is done in :mod:`flows.reviewing`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from flows.cli_common import RunOption, fail, open_database, resolve_run, writing_output
from flows.console import console
from score import Agreement

review_app = typer.Typer(
    help="Reviewers' decisions: the review page (no subcommand), or a run's findings out as a "
    "CSV sheet and the decisions back in.",
    invoke_without_command=True,
)


@review_app.callback()
def review_page(
    ctx: typer.Context,
    port: Annotated[int, typer.Option(help="Port to listen on (0: any free port).")] = 0,
    host: Annotated[
        str,
        typer.Option(
            help="Address to listen on. Anything but 127.0.0.1 lets other machines reach the "
            "page; they still need the printed URL's token."
        ),
    ] = "127.0.0.1",
    run_id: RunOption = None,
    rubric: Annotated[
        str, typer.Option(help="Rubric the page re-scores a site with after each decision.")
    ] = "seed",
) -> None:
    """Serve the review page of a run until Ctrl-C: a queue of findings (the ones that can
    move a grade most first) beside the archived page with the quote marked; one key to
    confirm (c), reject (r) or set a condition's stance (1 claimed, 2 disclaimed, 3
    mentioned). Each decision is recorded and the site scored again at once.

    It prints a URL with a secret token: open it (the token becomes a cookie); a request
    without it is refused."""
    if ctx.invoked_subcommand is not None:
        return
    import secrets
    import socket

    import uvicorn

    from flows.review_app import create_app

    engine = open_database()
    run_id = resolve_run(engine, run_id)
    token = secrets.token_urlsafe(24)
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen()  # connections wait in the backlog until the server takes them
    bound = sock.getsockname()[1]
    shown = f"[{host}]" if ":" in host else host
    typer.echo(f"Review page of run {run_id}: http://{shown}:{bound}/?token={token}", color=False)
    typer.echo("Press Ctrl-C to stop.")
    config = uvicorn.Config(
        create_app(engine, run_id, token, rubric), log_level="warning", access_log=False
    )
    uvicorn.Server(config).run(sockets=[sock])


@review_app.command("export")
def export_reviews(
    run_id: RunOption = None,
    out: Annotated[
        Path | None,
        typer.Option(
            help="CSV file to write: one row per finding (site_url, kind, value, machine, "
            "decision, reviewer, note, then status, quote, page_url, ...).",
            show_default=False,
        ),
    ] = None,
    corpus: Annotated[
        Path | None,
        typer.Option(
            help="Instead, write the pages reviewers read as an extraction corpus folder "
            "(page.html, meta.json, expected.json per page).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Write the run's findings for reviewers to fill in (CSV), or its reviewed pages as an
    extraction corpus (--corpus DIR)."""
    from flows import reviewing
    from flows.review_corpus import export_corpus

    if (out is None) == (corpus is None):
        raise fail("give --out FILE.csv or --corpus DIR")
    engine = open_database()
    run_id = resolve_run(engine, run_id)
    if corpus is not None:
        with writing_output():
            pages = export_corpus(engine, run_id, corpus)
        for page in pages:
            typer.echo(page.folder)
        console.print(f"Run {run_id}: {len(pages)} reviewed pages written under {corpus}")
        return
    assert out is not None
    findings = reviewing.run_findings(engine, run_id)
    with writing_output():
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(reviewing.findings_csv(findings), encoding="utf-8")
    reviewed = sum(1 for f in findings if f.status == "reviewed")
    console.print(
        f"Run {run_id}: {len(findings)} findings ({reviewed} reviewed) "
        f"written to {escape(str(out))}"
    )


@review_app.command("import")
def import_reviews(
    sheet: Annotated[Path, typer.Argument(help="A review CSV (as `review export` writes it).")],
    run_id: Annotated[
        int | None,
        typer.Option(
            "--run", help="The run the sheet was exported from (default: the latest run)."
        ),
    ] = None,
) -> None:
    """Record the decisions of a filled-in review sheet, all or none.

    A bad row is reported with its line number and then nothing is imported. `clinic-audit
    score --run N` applies the decisions to the grades.
    """
    from flows import reviewing

    try:
        text = sheet.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise fail(f"cannot read {sheet}: {exc}") from None
    engine = open_database()
    run_id = resolve_run(engine, run_id)
    try:
        count = reviewing.import_csv(engine, run_id, text)
    except reviewing.ReviewImportError as exc:
        for line, reason in exc.problems:
            console.print(f"[red]{escape(str(sheet))}, line {line}:[/] {escape(reason)}")
        raise fail(f"nothing imported: {len(exc.problems)} bad row(s)") from None
    console.print(
        f"{count} decisions recorded from {escape(str(sheet))}; "
        f"run `clinic-audit score --run {run_id}` to apply them."
    )


def agreement(run_id: RunOption = None) -> None:
    """Machine against reviewers: precision, recall, F1 and Cohen's kappa per field and
    language.

    Over the run's findings that a reviewer's decision applies to; the report's method
    section quotes the same figures.
    """
    from flows import reviewing

    engine = open_database()
    run_id = resolve_run(engine, run_id)
    rows = reviewing.run_agreement(reviewing.run_findings(engine, run_id))
    if not rows:
        console.print(f"Run {run_id}: no finding has a reviewer's decision yet.")
        return
    console.print(agreement_table(rows, f"Run {run_id}: machine against reviewers"))


def agreement_table(rows: list[Agreement], title: str) -> Table:
    """The agreement rows as a table for the terminal."""
    table = Table(title=title)
    for column in ("field", "language", "findings", "precision", "recall", "F1", "kappa"):
        table.add_column(column, justify="left" if column in ("field", "language") else "right")
    for a in rows:
        table.add_row(
            a.field,
            a.language,
            str(a.pairs),
            f"{a.precision:.3f}",
            f"{a.recall:.3f}",
            f"{a.f1:.3f}",
            f"{a.kappa:.3f}",
        )
    return table
