"""``clinic-audit serve --cron``: a served deployment whose schedule the server knows."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.actions import WorkPoolCreate
from prefect.exceptions import ObjectNotFound
from prefect.settings import PREFECT_API_URL
from prefect.testing.utilities import prefect_test_harness

from tests.orchestration import CLI, audit_env, kill_group, start, wait_until


@pytest.fixture(scope="module")
def api_url() -> Iterator[str]:
    with prefect_test_harness(server_startup_timeout=120):
        yield str(PREFECT_API_URL.value())


def _schedules(name: str) -> list[str]:
    with get_client(sync_client=True) as client:
        try:
            deployment = client.read_deployment_by_name(f"clinic-audit-run/{name}")
        except ObjectNotFound:
            return []
        return [str(getattr(s.schedule, "cron", "")) for s in deployment.schedules]


def test_serve_registers_a_cron_schedule(api_url: str, tmp_path: Path) -> None:
    seeds = tmp_path / "seeds.csv"
    seeds.write_text("url,name\nhttps://clinic.example/,Clinic\n")
    env = {
        **audit_env(tmp_path / "var", f"sqlite:///{tmp_path / 'a.db'}"),
        "PREFECT_API_URL": api_url,
    }
    served = start(
        [CLI, "serve", str(seeds), "--cron", "0 3 1 * *", "--name", "monthly"],
        env,
        tmp_path / "serve.log",
    )
    try:
        wait_until(lambda: _schedules("monthly") == ["0 3 1 * *"], 90, "the served schedule")
        assert served.poll() is None, "serve keeps running, to run the scheduled flows"
    finally:
        kill_group(served)


def test_serve_needs_a_cron(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from flows.cli import app

    result = CliRunner().invoke(app, ["serve", str(tmp_path / "seeds.csv")])
    assert result.exit_code == 2 and "--cron" in result.output


def test_prefect_yaml_deploys_the_pool_and_the_monthly_schedule(api_url: str) -> None:
    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "PREFECT_API_URL": api_url, "PWD": str(root)}
    with get_client(sync_client=True) as client:
        client.create_work_pool(WorkPoolCreate(name="clinic-audit", type="process"))
    done = subprocess.run(
        [str(Path(sys.executable).with_name("prefect")), "--no-prompt", "deploy", "--all"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert _schedules("monthly") == ["0 3 1 * *"]
    with get_client(sync_client=True) as client:
        pool = client.read_deployment_by_name("clinic-audit-run/pool")
    assert pool.work_pool_name == "clinic-audit" and pool.entrypoint == "flows/audit.py:audit_flow"
    assert pool.pull_steps == [
        {"prefect.deployments.steps.set_working_directory": {"directory": str(root)}}
    ]
    # Heartbeats on, so a run whose worker dies is noticed and run again (flows/restarts.py).
    assert pool.job_variables["env"] == {"PREFECT_FLOWS_HEARTBEAT_FREQUENCY": "60"}


def test_the_restart_automation_is_created_once_and_follows_the_heartbeat(api_url: str) -> None:
    from prefect.automations import Automation

    from flows import restarts

    assert restarts.ensure_restart_automation("clinic-audit-run", 60) is True
    assert restarts.ensure_restart_automation("clinic-audit-run", 60) is False
    created = Automation.read(name=restarts.AUTOMATION_NAME)
    assert created.trigger.within.total_seconds() == 180  # type: ignore[union-attr]
    assert restarts.ensure_restart_automation("clinic-audit-run", 30) is True
    updated = Automation.read(name=restarts.AUTOMATION_NAME)
    assert updated.id == created.id and updated.trigger.within.total_seconds() == 90  # type: ignore[union-attr]
    action = updated.actions[0]
    assert (action.type, action.state.value, action.name) == (  # type: ignore[union-attr]
        "change-flow-run-state",
        "SCHEDULED",
        "AwaitingRetry",
    )


def test_a_run_requeued_too_often_refuses_to_start() -> None:
    from flows import restarts

    restarts.check_attempt(restarts.MAX_ATTEMPTS)  # the last allowed attempt runs
    with pytest.raises(restarts.TooManyAttempts, match="worker died"):
        restarts.check_attempt(restarts.MAX_ATTEMPTS + 1)
