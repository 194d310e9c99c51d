"""Storage: migrations, idempotent writes and clear errors, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

import storage
from storage import Claim, Page, Site, SiteFlag, SiteScore
from storage.writes import (
    record_page,
    replace_page_claims,
    replace_site_assessment,
    start_run,
    upsert_site,
)


def count(session, model) -> int:  # type: ignore[no-untyped-def]
    return session.scalar(select(func.count()).select_from(model))


def test_upgrade_creates_every_table_and_is_idempotent(db_url: str) -> None:
    engine = storage.connect(db_url)
    assert storage.current_revision(engine) is None
    storage.upgrade(engine)
    storage.upgrade(engine)
    from alembic.config import Config
    from alembic.script import ScriptDirectory
    from sqlalchemy import inspect

    from storage.database import MIGRATIONS

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    head = ScriptDirectory.from_config(config).get_current_head()
    assert storage.current_revision(engine) == head == "0004"
    names = set(inspect(engine).get_table_names())
    assert {
        "crawl_runs",
        "sites",
        "pages",
        "claims",
        "site_scores",
        "site_flags",
        "claim_changes",
    } <= names
    columns = {c["name"] for c in inspect(engine).get_columns("pages")}
    assert {"ip_address", "revisit_file", "revisit_offset"} <= columns
    assert {"latest_site_scores", "claims_by_condition_tier", "sites_per_country"} <= set(
        inspect(engine).get_view_names()
    )


def write_everything(session, run_id: int) -> None:  # type: ignore[no-untyped-def]
    site_id = upsert_site(session, "https://clinic.test/", "clinic.test", "Clinic", "CO")
    page_id = record_page(
        session,
        run_id=run_id,
        site_id=site_id,
        url="https://clinic.test/",
        status=200,
        content_type="text/html",
        depth=0,
        fetched_at=datetime.now(UTC),
        size=10,
        sha256="0" * 64,
        warc_file="run-1/x.warc.gz",
        warc_offset=0,
    )
    page = session.get(Page, page_id)
    claims = [
        {
            "kind": "condition",
            "value": "autism",
            "stance": "claimed",
            "tier": "unproven",
            "quote": "We treat autism.",
            "cue": None,
        },
        {"kind": "flag", "value": "testimonials", "quote": "My son..."},
    ]
    replace_page_claims(session, page, claims, language="en", is_clinic=True, title="Home")
    replace_site_assessment(
        session,
        run_id=run_id,
        site_id=site_id,
        rubric="seed",
        kb_hash="k",
        is_clinic=True,
        risk_score=80,
        grade="F",
        reasons=[{"rule": "base", "points": 30}],
        flags=[
            {
                "flag": "testimonials",
                "value": True,
                "quote": "My son...",
                "url": "https://clinic.test/",
            }
        ],
    )


def test_writing_the_same_run_twice_never_duplicates_rows(db_url: str) -> None:
    engine = storage.connect(db_url)
    storage.upgrade(engine)
    with storage.sessions(engine).begin() as session:
        run_id = start_run(session, "seeds.csv", {}).id
    for _ in range(2):
        with storage.sessions(engine).begin() as session:
            write_everything(session, run_id)
    with storage.sessions(engine)() as session:
        assert [count(session, m) for m in (Site, Page, Claim, SiteScore, SiteFlag)] == [
            1,
            1,
            2,
            1,
            1,
        ]
        assert session.scalar(select(SiteScore.grade)) == "F"


def test_upsert_refreshes_a_site_without_a_new_row(db_url: str) -> None:
    engine = storage.connect(db_url)
    storage.upgrade(engine)
    with storage.sessions(engine).begin() as session:
        first = upsert_site(session, "https://a.test/", "a.test", None, None)
        again = upsert_site(session, "https://a.test/", "a.test", "Renamed", "MX")
        assert first == again
    with storage.sessions(engine)() as session:
        site = session.scalars(select(Site)).one()
        assert (site.name, site.country) == ("Renamed", "MX")


def test_unreachable_server_is_a_clear_error() -> None:
    with pytest.raises(storage.StorageError, match=r"cannot open database .*127\.0\.0\.1:1"):
        storage.connect("postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2")


def test_malformed_url_is_a_clear_error() -> None:
    with pytest.raises(storage.StorageError, match="not a database URL"):
        storage.connect("no-such-thing")


def test_corrupt_sqlite_file_is_a_clear_error_and_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "broken.db"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(storage.StorageError, match="not a database"):
        storage.connect(f"sqlite:///{path}")
    assert path.read_bytes().startswith(b"this is not a database")


def test_default_database_is_a_sqlite_file_under_home(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("CLINIC_AUDIT_DB_URL", raising=False)
    monkeypatch.setenv("CLINIC_AUDIT_HOME", str(tmp_path / "v"))
    assert storage.database_url() == f"sqlite:///{tmp_path / 'v' / 'clinic-audit.db'}"
    monkeypatch.delenv("CLINIC_AUDIT_HOME")
    assert storage.database_url() == "sqlite:///var/clinic-audit.db"
