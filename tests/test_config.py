"""The configuration: one settings object, every path under CLINIC_AUDIT_HOME, nothing created
or changed by importing the code or by a command that does not need it."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import config
import storage
from flows.cli import app

ROOT = Path(__file__).resolve().parent.parent
CLI = str(Path(sys.executable).with_name("clinic-audit"))


def bare_environment(**more: str) -> dict[str, str]:
    """This process's environment without any CLINIC_AUDIT_* or PREFECT_* variable."""
    kept = {k: v for k, v in os.environ.items() if not k.startswith(("CLINIC_AUDIT_", "PREFECT_"))}
    return {**kept, **more}


def python(script: str, cwd: Path, env: dict[str, str]) -> str:
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=cwd, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_importing_flows_changes_no_environment_and_imports_no_prefect() -> None:
    script = (
        "import json, os, sys\n"
        "before = dict(os.environ)\n"
        "import flows, flows.cli, flows.demo, flows.local_run\n"
        "changed = sorted(k for k in {*before, *os.environ}\n"
        "                 if before.get(k) != os.environ.get(k))\n"
        "print(json.dumps({'changed': changed, 'prefect': 'prefect' in sys.modules}))\n"
    )
    seen = json.loads(python(script, ROOT, bare_environment()))
    # Prefect reads its settings when first imported: the CLI must not import it before a
    # command has set them (flows.prefect_setup.prefect_environment).
    assert seen == {"changed": [], "prefect": False}


def test_importing_the_flow_installs_no_log_filter_and_sets_no_variable_of_ours() -> None:
    script = (
        "import json, logging, os\n"
        "before = dict(os.environ)\n"
        "import flows.audit\n"
        "changed = sorted(k for k in {*before, *os.environ}\n"
        "                 if before.get(k) != os.environ.get(k))\n"
        "filters = [type(f).__module__ for n in ('prefect.task_runs', 'prefect.engine') "
        "for f in logging.getLogger(n).filters]\n"
        "print(json.dumps({'changed': changed, 'filters': filters}))\n"
    )
    seen = json.loads(python(script, ROOT, bare_environment()))
    ours = ("PREFECT_HOME", "PREFECT_LOGGING_LEVEL", "DO_NOT_TRACK", "DASK_LOGGING__DISTRIBUTED")
    assert not set(seen["changed"]) & set(ours), seen
    assert not [module for module in seen["filters"] if module.startswith("flows")], seen


def test_commands_that_need_no_data_create_nothing_in_the_working_folder(tmp_path: Path) -> None:
    page = tmp_path / "page.txt"
    page.write_text("We treat knee osteoarthritis with stem cells.", encoding="utf-8")
    env = bare_environment()
    for args in (["--help"], ["--version"], ["extract", "page.txt"], ["report", "--help"]):
        done = subprocess.run(
            [CLI, *args], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, (args, done.stderr[-2000:])
    assert sorted(os.listdir(tmp_path)) == ["page.txt"]  # no ./var, no ./var/prefect


def test_prefect_home_lives_in_clinic_audit_home_and_is_made_when_prefect_is_set_up(
    tmp_path: Path,
) -> None:
    script = (
        "import os\n"
        "from flows.prefect_setup import prefect_environment\n"
        "prefect_environment(quiet=True)\n"
        "print(os.environ['PREFECT_HOME'], os.environ['PREFECT_LOGGING_LEVEL'])\n"
    )
    env = bare_environment(CLINIC_AUDIT_HOME="audit-home")
    prefect_home, level = python(script, tmp_path, env).split()
    assert Path(prefect_home) == (tmp_path / "audit-home" / "prefect").resolve()
    assert Path(prefect_home).is_dir() and level == "WARNING"
    env["PREFECT_HOME"] = str(tmp_path / "operators-own")  # the operator's choice wins
    assert python(script, tmp_path, env).split()[0] == env["PREFECT_HOME"]


def test_every_path_derives_from_the_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("CLINIC_AUDIT_DB_URL", raising=False)
    monkeypatch.setenv("CLINIC_AUDIT_HOME", str(tmp_path / "h"))
    settings = config.settings()
    assert settings.database_url == f"sqlite:///{tmp_path / 'h' / 'clinic-audit.db'}"
    assert settings.archive_root == storage.archive_root() == tmp_path / "h" / "warc"
    assert settings.prefect_home == tmp_path / "h" / "prefect"
    assert storage.database_url() == settings.database_url
    monkeypatch.setenv("CLINIC_AUDIT_DB_URL", "postgresql+psycopg://u@db/audit")
    assert storage.database_url() == "postgresql+psycopg://u@db/audit"


def test_the_crawler_settings_come_from_the_configuration(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLINIC_AUDIT_RESOLVE", "*.test=127.0.0.1, a.example=127.0.0.2")
    monkeypatch.setenv("CLINIC_AUDIT_ALLOW_LOOPBACK", "1")
    settings = config.settings()
    assert settings.resolve_rules == ("*.test=127.0.0.1", "a.example=127.0.0.2")
    assert settings.allow_loopback


def test_a_fast_crawl_runs_one_at_a_time_unless_told(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CLINIC_AUDIT_CRAWL_CONCURRENCY", raising=False)
    settings = config.settings()
    assert (settings.crawls_at_once(fast=False), settings.crawls_at_once(fast=True)) == (2, 1)
    monkeypatch.setenv("CLINIC_AUDIT_CRAWL_CONCURRENCY", "3")  # the operator's number wins
    settings = config.settings()
    assert (settings.crawls_at_once(fast=False), settings.crawls_at_once(fast=True)) == (3, 3)


def test_a_bad_setting_exits_2_naming_the_variable(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CLINIC_AUDIT_CRAWL_CONCURRENCY", "many")
    result = CliRunner().invoke(app, ["db", "upgrade"])
    assert result.exit_code == 2, result.output
    assert "CLINIC_AUDIT_CRAWL_CONCURRENCY" in result.output
    assert not home.exists()


def test_the_configuration_table_in_the_readme_is_current() -> None:
    from flows.config_reference import README, with_table

    text = README.read_text(encoding="utf-8")
    assert with_table(text) == text, "stale: run `python -m flows.config_reference`"
    for name in config.Settings.model_fields:
        assert f"`CLINIC_AUDIT_{name.upper()}`" in text


def _environment_reads(tree: ast.AST) -> list[tuple[int, str]]:
    """``os.environ[NAME]``, ``environ.get(NAME)`` and ``os.getenv(NAME)`` of a literal name."""
    found = []
    for node in ast.walk(tree):
        key: ast.expr | None = None
        if (
            isinstance(node, ast.Subscript)
            and isinstance(node.ctx, ast.Load)
            and isinstance(node.value, ast.Attribute | ast.Name)
            and getattr(node.value, "attr", getattr(node.value, "id", "")) == "environ"
        ):
            key = node.slice
        elif isinstance(node, ast.Call) and node.args and isinstance(node.func, ast.Attribute):
            owner = node.func.value
            owner_name = getattr(owner, "attr", getattr(owner, "id", ""))
            if (node.func.attr == "get" and owner_name == "environ") or node.func.attr == "getenv":
                key = node.args[0]
        if isinstance(key, ast.Constant) and isinstance(key.value, str):
            found.append((node.lineno, key.value))
    return found


def test_only_the_configuration_reads_our_variables_from_the_environment() -> None:
    # One reader (config.Settings), so a variable is documented, typed and checked once.
    sources = [
        path
        for folder in (
            "crawler",
            "evidence",
            "extract",
            "score",
            "reports",
            "storage",
            "vocabulary",
            "demoweb",
            "flows",
            "tests",
            "benchmarks",
        )
        for path in sorted((ROOT / folder).rglob("*.py"))
    ]
    readers = [
        f"{path.relative_to(ROOT)}:{line}: {name}"
        for path in sources
        for line, name in _environment_reads(ast.parse(path.read_text(encoding="utf-8")))
        if name.startswith(config.PREFIX)
    ]
    assert readers == []


def test_the_environment_check_sees_each_way_of_reading() -> None:
    source = (
        "import os\nfrom os import environ\n"
        "a = os.environ['CLINIC_AUDIT_A']\nb = environ.get('CLINIC_AUDIT_B', '')\n"
        "c = os.getenv('CLINIC_AUDIT_C')\nos.environ['CLINIC_AUDIT_D'] = 'set, not read'\n"
    )
    names = [name for _, name in _environment_reads(ast.parse(source))]
    assert names == ["CLINIC_AUDIT_A", "CLINIC_AUDIT_B", "CLINIC_AUDIT_C"]
