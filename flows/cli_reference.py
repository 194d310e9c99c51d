"""Generate docs/cli.md from the CLI's own ``--help``, so the reference cannot drift.

``python -m flows.cli_reference`` rewrites the file; a test fails when it is stale.
"""

from __future__ import annotations

import sys
from pathlib import Path

from typer.testing import CliRunner

from flows.cli import app

REFERENCE = Path(__file__).resolve().parent.parent / "docs" / "cli.md"
COMMANDS = [
    [],
    ["demo"],
    ["run"],
    ["crawl"],
    ["extract"],
    ["score"],
    ["report"],
    ["export"],
    ["review"],
    ["review", "export"],
    ["review", "import"],
    ["agreement"],
    ["evidence"],
    ["evidence", "show"],
    ["evidence", "package"],
    ["evidence", "verify"],
    ["browse"],
    ["serve"],
    ["deploy"],
    ["dispatch"],
    ["db"],
    ["db", "upgrade"],
]


def render() -> str:
    runner = CliRunner()
    parts = [
        "# CLI reference\n\nGenerated from `--help` by `python -m flows.cli_reference`; "
        "do not edit by hand.\n"
    ]
    for command in COMMANDS:
        result = runner.invoke(
            app,
            [*command, "--help"],
            prog_name="clinic-audit",
            env={"COLUMNS": "100", "TERMINAL_WIDTH": "100", "NO_COLOR": "1", "TERM": "dumb"},
        )
        title = " ".join(["clinic-audit", *command])
        help_text = "\n".join(line.rstrip() for line in result.output.splitlines())
        parts.append(f"\n## `{title}`\n\n```\n{help_text.strip()}\n```\n")
    return "".join(parts)


if __name__ == "__main__":
    REFERENCE.write_text(render(), encoding="utf-8")
    print(REFERENCE, file=sys.stderr)
