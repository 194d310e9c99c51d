"""Scale-out for real: a Prefect server on PostgreSQL, a process work pool, two workers.

200 demo sites are dispatched as two flow runs (one per worker) into PostgreSQL; one worker is
SIGKILLed midway with its flow run and crawler. Nobody steps in: the dead run's heartbeats stop,
the server's automation (flows/restarts.py) puts it back in the queue, and the surviving worker
runs it again, resuming its share: every site audited exactly once, no page stored twice.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

import demoweb
import storage
from tests.conftest import POSTGRES_SERVER
from tests.orchestration import (
    CLI,
    audit_env,
    check_each_site_once,
    crawl_statuses,
    kill_group,
    kill_tree,
    start,
    wait_until,
)

pytestmark = [pytest.mark.scaleout, pytest.mark.postgres, pytest.mark.e2e]

N_SITES = 200
PREFECT = str(Path(sys.executable).with_name("prefect"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def prefect_database() -> Iterator[str]:
    """A fresh PostgreSQL database for the Prefect server, dropped afterwards."""
    name = f"prefect_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES_SERVER, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(POSTGRES_SERVER).set(drivername="postgresql+asyncpg", database=name)
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def prefect_server(tmp_path: Path, prefect_database: str) -> Iterator[dict[str, str]]:
    """``prefect server start`` on a free port; yields the environment that talks to it."""
    port = free_port()
    env = {
        "PREFECT_HOME": str(tmp_path / "prefect"),
        "PREFECT_API_URL": f"http://127.0.0.1:{port}/api",
        "PREFECT_SERVER_DATABASE_CONNECTION_URL": prefect_database,
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "DO_NOT_TRACK": "1",
        "PREFECT_WORKER_QUERY_SECONDS": "1",
        "PREFECT_LOGGING_LEVEL": "INFO",
    }
    server = start(
        [PREFECT, "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        {**audit_env(tmp_path / "var", ""), **env},
        tmp_path / "server.log",
    )
    try:
        wait_until(lambda: _healthy(env["PREFECT_API_URL"]), 120, "the Prefect server")
        yield env
    finally:
        kill_group(server)


def _healthy(api: str) -> bool:
    try:
        with urllib.request.urlopen(f"{api}/health", timeout=2) as response:
            return bool(response.status == 200)
    except OSError:
        return False


def test_two_workers_share_a_run_and_a_killed_workers_run_is_requeued_and_resumed(
    tmp_path: Path, postgres_url: str, prefect_server: dict[str, str]
) -> None:
    web = demoweb.generate(n_sites=N_SITES, seed=3)
    env = {**audit_env(tmp_path / "var", postgres_url), **prefect_server}
    engine = storage.connect(postgres_url)
    storage.upgrade(engine)

    def cli(*args: str) -> str:
        done = subprocess.run([CLI, *args], env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    subprocess.run(
        [PREFECT, "work-pool", "create", "scaleout", "--type", "process"],
        env=env,
        check=True,
        capture_output=True,
        timeout=60,
    )
    # The operator's own crawl limit: the flow keeps it instead of creating its default.
    subprocess.run(
        [PREFECT, "gcl", "create", "clinic-audit-crawl", "--limit", "4"],
        env=env,
        check=True,
        capture_output=True,
        timeout=60,
    )
    # The shortest heartbeat Prefect allows: a dead run is noticed after 3 x 30 s.
    cli("deploy", "--pool", "scaleout", "--name", "pool", "--heartbeat", "30")
    workers = [
        start(
            [PREFECT, "worker", "start", "--pool", "scaleout", "--limit", "1", "--name", name],
            env,
            tmp_path / f"{name}.log",
        )
        for name in ("worker-a", "worker-b")
    ]
    try:
        with demoweb.serve(web) as server:
            seeds = tmp_path / "seeds.csv"
            seeds.write_text(demoweb.seeds_csv(web, server.port))
            # No screenshots: the run's last step, not what this test is about (test_screenshots).
            out = cli(
                "dispatch",
                str(seeds),
                "--shards",
                "2",
                "--fast",
                "--batch-size",
                "10",
                "--screenshot-budget",
                "0",
            )
            run_id = int(out.split()[0])
            # Midway: both shards have finished batches, and sites are still pending.
            wait_until(
                lambda: sum(s != "pending" for s in crawl_statuses(engine, run_id).values()) >= 40,
                180,
                "40 crawled sites",
            )
            kill_tree(workers[0])
            statuses = crawl_statuses(engine, run_id)
            assert "pending" in statuses.values(), "the kill came too late to test anything"
            wait_until(lambda: _finished(engine, run_id), 420, f"run {run_id} to finish by itself")
        check_each_site_once(engine, run_id, N_SITES)
        runs = _flow_runs(prefect_server["PREFECT_API_URL"])
        assert sorted(r["state_type"] for r in runs) == ["COMPLETED", "COMPLETED"]
        assert sorted(r["run_count"] for r in runs) == [1, 2], "the dead shard ran a second time"
    finally:
        for worker in workers:
            kill_tree(worker) if worker.poll() is None else None
        engine.dispose()


def _flow_runs(api: str) -> list[dict[str, object]]:
    request = urllib.request.Request(
        f"{api}/flow_runs/filter", data=b"{}", headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return list(json.load(response))


def _finished(engine, run_id: int) -> bool:  # type: ignore[no-untyped-def]
    from storage import CrawlRun

    with storage.sessions(engine)() as session:
        run = session.get(CrawlRun, run_id)
        return run is not None and run.status == "finished"
