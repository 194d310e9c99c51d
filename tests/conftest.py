"""Shared fixtures: a private CLINIC_AUDIT_HOME per test, SQLite and the real PostgreSQL."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

import config

#: The PostgreSQL server of this machine and of CI (trust auth).
POSTGRES_SERVER = config.settings().test_pg


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh data folder with its own SQLite database, set in the environment."""
    monkeypatch.setenv("CLINIC_AUDIT_HOME", str(tmp_path / "var"))
    monkeypatch.setenv("CLINIC_AUDIT_DB_URL", f"sqlite:///{tmp_path / 'var' / 'audit.db'}")
    return tmp_path / "var"


def _postgres_url() -> Iterator[str]:
    """A URL to a fresh, empty schema on the PostgreSQL server, dropped afterwards."""
    schema = f"test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_SERVER)
    try:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as exc:
        admin.dispose()
        if config.settings().require_services:
            pytest.fail(f"PostgreSQL is required but unreachable at {POSTGRES_SERVER}: {exc}")
        pytest.skip(f"PostgreSQL unreachable at {POSTGRES_SERVER}: {exc}")
    try:
        yield f"{POSTGRES_SERVER}?options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def postgres_url() -> Iterator[str]:
    yield from _postgres_url()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Each storage test runs once on SQLite and once on the real PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'audit.db'}"
    else:
        yield from _postgres_url()
