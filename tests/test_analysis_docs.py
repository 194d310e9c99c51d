"""The docs analysts read stay true: the data dictionary is current, the pandas example runs."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import text
from typer.testing import CliRunner

import demoweb
import storage
from flows import data_dictionary
from flows.cli import app
from flows.demo_runs import store_demo_run

DOCS = Path(__file__).resolve().parent.parent / "docs"


def test_the_data_dictionary_is_current_and_describes_every_column() -> None:
    assert data_dictionary.undocumented() == []
    assert DOCS.joinpath("data-dictionary.md").read_text() == data_dictionary.render(), (
        "docs/data-dictionary.md is stale: run `python -m flows.data_dictionary`"
    )


def test_the_pandas_example_runs_on_a_real_export(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    engine = storage.connect()
    storage.upgrade(engine)
    web = demoweb.generate(n_sites=5, seed=5)
    store_demo_run(engine, web, datetime(2026, 11, 2, tzinfo=UTC), pages_per_site=3)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["export", "--format", "parquet", "--out", "var/exports"])
    assert result.exit_code == 0, result.output
    code = re.search(r"```python\n(.*?)```", DOCS.joinpath("analysis.md").read_text(), re.S)
    assert code is not None
    namespace: dict[str, object] = {}
    exec(compile(code.group(1), "docs/analysis.md", "exec"), namespace)
    table = namespace["by_country"]
    assert isinstance(table, pd.DataFrame)
    with engine.connect() as conn:
        clinics = conn.execute(
            text(
                "SELECT COUNT(*) FROM latest_site_scores WHERE rubric = 'seed' AND sells_treatment"
            )
        ).scalar_one()
    assert clinics > 0 and int(table["clinics"].sum()) == clinics
    assert set(table.columns) == {"clinics", "share_claiming_unproven", "median_risk"}
    assert ((table.share_claiming_unproven >= 0) & (table.share_claiming_unproven <= 1)).all()
    assert "share_claiming_unproven" in capsys.readouterr().out
