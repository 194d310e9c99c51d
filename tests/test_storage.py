"""Storage: migrations, idempotent writes and clear errors, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
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
    assert storage.current_revision(engine) == head == "0008"
    names = set(inspect(engine).get_table_names())
    assert {
        "crawl_runs",
        "sites",
        "pages",
        "claims",
        "site_scores",
        "site_flags",
        "claim_changes",
        "reviews",
        "screenshots",
    } <= names
    columns = {c["name"] for c in inspect(engine).get_columns("pages")}
    assert {"ip_address", "revisit_file", "revisit_offset", "page_cues"} <= columns
    scores = {c["name"]: c for c in inspect(engine).get_columns("site_scores")}
    assert {"sells_treatment", "verdict_reasons"} <= scores.keys() and "is_clinic" not in scores
    assert scores["grade"]["nullable"] and scores["risk_score"]["nullable"]
    assert {"kind", "domain"} <= {c["name"] for c in inspect(engine).get_columns("sites")}
    assert {"latest_site_scores", "claims_by_condition_tier", "sites_per_country"} <= set(
        inspect(engine).get_view_names()
    )


def downgrade(engine: sa.Engine, revision: str) -> None:
    from alembic import command
    from alembic.config import Config

    from storage.database import MIGRATIONS

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, revision)


def _old_table(name: str, *columns: str, json: tuple[str, ...] = ()) -> sa.TableClause:
    """A table of an older schema, for writing rows the current models cannot."""
    return sa.table(name, *(sa.column(c) for c in columns), *(sa.column(c, sa.JSON) for c in json))


def test_upgrading_a_0004_database_keeps_its_claims_and_takes_the_a_from_non_clinics(
    db_url: str,
) -> None:
    engine = storage.connect(db_url)
    storage.upgrade(engine, "0004")
    now = datetime(2026, 11, 2, tzinfo=UTC)
    with engine.begin() as conn:
        conn.execute(
            sa.insert(
                _old_table(
                    "crawl_runs", "id", "started_at", "status", "seeds_source", json=("settings",)
                )
            ),
            [
                {
                    "id": 1,
                    "started_at": now,
                    "status": "finished",
                    "seeds_source": "s.csv",
                    "settings": {},
                }
            ],
        )
        conn.execute(
            sa.insert(_old_table("sites", "id", "seed_url", "host", "first_seen_at")),
            [
                {
                    "id": 1,
                    "seed_url": "https://clinic.test/",
                    "host": "clinic.test",
                    "first_seen_at": now,
                },
                {
                    "id": 2,
                    "seed_url": "https://news.test/",
                    "host": "news.test",
                    "first_seen_at": now,
                },
            ],
        )
        page = {"run_id": 1, "status": 200, "depth": 0, "fetched_at": now, "size": 1}
        page |= {"sha256": "0" * 64, "warc_file": "x.warc.gz", "warc_offset": 0}
        conn.execute(
            sa.insert(_old_table("pages", "id", "site_id", "url", "is_clinic", *page)),
            [
                {**page, "id": 1, "site_id": 1, "url": "https://clinic.test/", "is_clinic": True},
                {**page, "id": 2, "site_id": 2, "url": "https://news.test/", "is_clinic": False},
            ],
        )
        conn.execute(
            sa.insert(
                _old_table("claims", "run_id", "site_id", "page_id", "kind", "value", "quote")
            ),
            [
                {
                    "run_id": 1,
                    "site_id": i,
                    "page_id": i,
                    "kind": "condition",
                    "value": "autism",
                    "quote": "q",
                }
                for i in (1, 2)
            ],
        )
        score = {"run_id": 1, "rubric": "seed", "kb_hash": "k", "scored_at": now, "reasons": []}
        conn.execute(
            sa.insert(
                _old_table(
                    "site_scores",
                    "site_id",
                    "is_clinic",
                    "risk_score",
                    "grade",
                    *score,
                    json=("reasons",),
                )
            ),
            [
                {**score, "site_id": 1, "is_clinic": True, "risk_score": 80, "grade": "F"},
                {**score, "site_id": 2, "is_clinic": False, "risk_score": 0, "grade": "A"},
            ],
        )
    storage.upgrade(engine)
    with storage.sessions(engine)() as session:
        assert count(session, Claim) == 2, "rebuilding a table must not cascade to the claims"
        rows = session.execute(
            select(
                SiteScore.site_id, SiteScore.sells_treatment, SiteScore.risk_score, SiteScore.grade
            ).order_by(SiteScore.site_id)
        ).all()
        assert [tuple(r) for r in rows] == [(1, True, 80, "F"), (2, False, None, None)]
        latest = session.execute(
            sa.text("SELECT url, sells_treatment, grade FROM latest_site_scores ORDER BY url")
        ).all()
        assert [(url, bool(sells), grade) for url, sells, grade in latest] == [
            ("https://clinic.test/", True, "F"),
            ("https://news.test/", False, None),
        ]
        countries = session.execute(sa.text("SELECT sites, sellers FROM sites_per_country")).one()
        assert tuple(countries) == (2, 1)
    downgrade(engine, "0004")  # and back: the downgrade gives the A back
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT COUNT(*) FROM claims")).scalar() == 2
        grades = conn.execute(sa.text("SELECT grade FROM site_scores ORDER BY site_id")).scalars()
        assert list(grades) == ["F", "A"]


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
    replace_page_claims(
        session,
        page,
        claims,
        language="en",
        is_clinic=True,
        title="Home",
        page_cues=[["seller", "book your consultation", 3]],
    )
    replace_site_assessment(
        session,
        run_id=run_id,
        site_id=site_id,
        rubric="seed",
        kb_hash="k",
        sells_treatment=True,
        risk_score=80,
        grade="F",
        reasons=[{"rule": "base", "points": 30}],
        verdict_reasons=['reads like a seller (weight 3): "book your consultation"'],
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


def test_claim_rows_carry_each_column_into_its_own_field(db_url: str) -> None:
    """claim_rows builds its rows by position: a column out of order would land in another
    field (a WARC offset shown as a page id) without any error."""
    from storage.queries import ClaimRow, claim_rows

    engine = storage.connect(db_url)
    storage.upgrade(engine)
    with storage.sessions(engine).begin() as session:
        run_id = start_run(session, "seeds.csv", {}).id
        write_everything(session, run_id)
    with storage.sessions(engine)() as session:
        page = session.scalars(select(Page)).one()
        rows = claim_rows(session, run_id)
    assert [row.value for row in rows] == ["autism", "testimonials"]
    autism = rows[0]
    assert isinstance(autism, ClaimRow)
    assert (autism.site_id, autism.kind, autism.stance, autism.tier) == (
        page.site_id,
        "condition",
        "claimed",
        "unproven",
    )
    assert (autism.quote, autism.url, autism.language) == ("We treat autism.", page.url, "en")
    assert (autism.warc_file, autism.warc_offset, autism.sha256) == ("run-1/x.warc.gz", 0, "0" * 64)
    assert autism.fetched_at is not None and autism.page_id == page.id
    assert (autism.reported_stance, autism.review) == (None, None)
