"""Generate docs/data-dictionary.md from the ORM models, so the dictionary cannot drift.

Table descriptions are the models' docstrings and column descriptions their ``doc=``; the
views are those of the latest migration that (re)creates the analyst views.
``python -m flows.data_dictionary`` rewrites the file; a test fails when it is stale or a
column has no description.
"""

from __future__ import annotations

import importlib.util
import inspect
import sys
import tempfile
from pathlib import Path

import pandas as pd

import storage
from flows.reviewed_outputs import EXPORT_REVIEW_COLUMNS, export_tables
from storage import MIGRATIONS, described_tables

DICTIONARY = Path(__file__).resolve().parent.parent / "docs" / "data-dictionary.md"
#: The latest migration that (re)creates the analyst views (first created by 0004).
VIEWS_MIGRATION = MIGRATIONS / "versions" / "0005_site_verdict.py"


def _views() -> dict[str, str]:
    spec = importlib.util.spec_from_file_location("analyst_views", VIEWS_MIGRATION)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return dict(module.VIEWS)


def render() -> str:
    lines = [
        "# Data dictionary",
        "",
        "Generated from the models in `storage/tables.py` by `python -m flows.data_dictionary`;",
        "do not edit by hand. Times are UTC. Scraped text is untrusted. The files",
        "`clinic-audit export` writes are listed [at the end](#exports).",
    ]
    for table in described_tables():
        lines += [
            "",
            f"## `{table.name}`",
            "",
            table.doc,
            "",
            "| column | type | null | key | meaning |",
            "|---|---|---|---|---|",
        ]
        lines += [
            f"| `{c.name}` | {c.type} | {'yes' if c.nullable else 'no'} | {c.key} | {c.doc} |"
            for c in table.columns
        ]
    lines += [
        "",
        "## Review columns of the exports",
        "",
        "`claims.csv` (and `claims.parquet`) also carry, for each claim, where its finding "
        "stands with the reviewers (see `reviews`; `clinic-audit review`):",
        "",
        "| column | meaning |",
        "|---|---|",
        *(f"| `{name}` | {meaning} |" for name, meaning in EXPORT_REVIEW_COLUMNS.items()),
    ]
    lines += [
        "",
        "## Views",
        "",
        f"Created by migration {VIEWS_MIGRATION.name[:4]} on SQLite and PostgreSQL alike; "
        "query them like tables.",
        "",
    ]
    for name, query in _views().items():
        lines += [f"### `{name}`", "", "```sql", inspect.cleandoc(query), "```", ""]
    lines += [
        "## Exports",
        "",
        "`clinic-audit export` writes one file per table below, as CSV or Parquet: the columns "
        "analysts need from the tables above, with each site named by its seed URL (`url` or "
        "`site_url`) instead of its id, JSON columns as JSON text, and rows in a fixed order so "
        "that exports of the same data are byte-identical.",
        "",
        "| file | columns |",
        "|---|---|",
    ]
    for name, columns in export_columns().items():
        lines.append(f"| `{name}` | {', '.join(f'`{c}`' for c in columns)} |")
    return "\n".join(lines) + "\n"


def export_columns() -> dict[str, list[str]]:
    """Each export's columns, read off an export of an empty database."""
    with tempfile.TemporaryDirectory() as folder:
        engine = storage.connect(f"sqlite:///{Path(folder) / 'empty.db'}")
        try:
            storage.upgrade(engine)
            tables = export_tables(engine).items()
            return {name: list(pd.concat(chunks).columns) for name, chunks in tables}
        finally:
            engine.dispose()


def undocumented() -> list[str]:
    """``table.column`` of every column without a description."""
    return [f"{t.name}.{c.name}" for t in described_tables() for c in t.columns if not c.doc]


if __name__ == "__main__":
    DICTIONARY.write_text(render(), encoding="utf-8")
    print(DICTIONARY, file=sys.stderr)
