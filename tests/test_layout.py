"""How the code is laid out where that has broken a run before."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_a_worker_can_load_the_flow_the_way_prefect_does() -> None:
    # A deployment's worker loads flows/audit.py as a script, and the script's folder goes first
    # on sys.path: a flows module named like a top-level package (flows/evidence.py beside
    # evidence/) shadows it there, and the flow dies on import in every worker.
    script = (
        "from prefect.utilities.importtools import load_script_as_module;"
        "module = load_script_as_module('flows/audit.py');"
        "print(module.audit_flow.name)"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().endswith("clinic-audit-run")


def test_no_flows_module_is_named_like_a_top_level_package() -> None:
    packages = {p.parent.name for p in ROOT.glob("*/__init__.py")}
    modules = {p.stem for p in (ROOT / "flows").glob("*.py")}
    assert packages & modules == set()
