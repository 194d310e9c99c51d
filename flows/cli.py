"""``clinic-audit``: the command line. The app, ``--version``, and the verb groups wired in.

The verbs live in one module per group: :mod:`flows.cli_audit` (run, crawl, extract, score,
demo), :mod:`flows.cli_reports` (report, export, browse), :mod:`flows.cli_evidence`,
:mod:`flows.cli_orchestration` (serve, deploy, dispatch, db) and :mod:`flows.cli_review`;
what they share is in :mod:`flows.cli_common`. Importing this module imports no Prefect and
changes no environment: the commands that run Prefect set its environment first.
"""

from __future__ import annotations

from importlib.metadata import version
from typing import Annotated

import typer

from flows import cli_audit, cli_orchestration, cli_reports
from flows.cli_common import current_settings
from flows.cli_evidence import evidence_app
from flows.cli_review import agreement, review_app

app = typer.Typer(
    name="clinic-audit",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
)


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
    current_settings()  # a bad CLINIC_AUDIT_* value stops every command, clearly, up front


# In this order in `--help`: the audit's stages, then reports, then orchestration.
app.command()(cli_audit.run)
app.command()(cli_audit.crawl)
app.command()(cli_audit.extract)
app.command()(cli_audit.score)
app.command()(cli_reports.report)
app.command()(cli_reports.export)
app.command()(cli_reports.browse)
app.command()(cli_audit.demo)
app.command()(cli_orchestration.serve)
app.command("deploy")(cli_orchestration.deploy_command)
app.command()(cli_orchestration.dispatch)
app.command()(agreement)
app.add_typer(cli_orchestration.db_app, name="db")
app.add_typer(evidence_app, name="evidence")
app.add_typer(review_app, name="review")
