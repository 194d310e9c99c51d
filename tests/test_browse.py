"""`clinic-audit browse`: Datasette over the SQLite file, read-only, with the canned queries."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

import demoweb
import storage
from flows.cli import app
from flows.demo_runs import store_demo_run
from flows.reporting import datasette_metadata


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def get(url: str) -> object:
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.load(response)


def test_browse_serves_the_database_read_only_with_canned_queries(home: Path) -> None:
    engine = storage.connect()
    storage.upgrade(engine)
    store_demo_run(
        engine,
        demoweb.generate(n_sites=3, seed=5),
        datetime(2026, 11, 2, tzinfo=UTC),
        pages_per_site=2,
    )
    engine.dispose()
    before = (home / "audit.db").read_bytes()
    port = free_port()
    cli = Path(sys.executable).with_name("clinic-audit")
    process = subprocess.Popen(
        [str(cli), "browse", "--port", str(port)],
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        env=os.environ.copy(),
    )
    try:
        assert process.stderr is not None
        for line in process.stderr:  # wait for the server to say it listens
            if "Uvicorn running on" in line:
                break
        else:
            pytest.fail(f"datasette did not start (exit {process.wait()})")
        base = f"http://127.0.0.1:{port}"
        databases = get(f"{base}/-/databases.json")
        assert isinstance(databases, list) and databases[0]["is_mutable"] is False
        name = databases[0]["name"]
        rows = get(f"{base}/{name}/latest_scores.json?rubric=seed&_shape=array")
        assert isinstance(rows, list) and len(rows) == 3
        assert {"grade", "risk_score", "url"} <= set(rows[0])
        countries = get(f"{base}/{name}/sites_per_country.json?rubric=seed&_shape=array")
        assert isinstance(countries, list) and sum(r["sites"] for r in countries) == 3
        for query in datasette_metadata(name)["databases"][name]["queries"]:  # each one runs
            answer = get(f"{base}/{name}/{query}.json?rubric=seed&condition=autism&_shape=objects")
            assert isinstance(answer, dict) and answer.get("ok", True), (query, answer)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
    assert (home / "audit.db").read_bytes() == before


def test_browse_explains_that_it_needs_sqlite(
    monkeypatch: pytest.MonkeyPatch, postgres_url: str
) -> None:
    monkeypatch.setenv("CLINIC_AUDIT_DB_URL", postgres_url)
    storage.upgrade(storage.connect(postgres_url))
    result = CliRunner().invoke(app, ["browse"])
    assert result.exit_code == 2 and "SQLite files only" in result.output
