"""Re-scoring a stored run: reproducible exports, the knowledge base recorded, claim changes."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from importlib.resources import files
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

import storage
from flows.cli import app
from storage import ClaimChange, CrawlRun, Page, SiteCrawl, SiteScore
from storage.writes import record_page, replace_page_claims, start_run, upsert_site

SITE = "https://clinica.test/"


def store_run(engine, pages: dict[str, list[dict]]) -> int:  # type: ignore[no-untyped-def,type-arg]
    """A stored run of one Mexican clinic whose pages say ``pages`` (no crawl needed)."""
    with storage.sessions(engine).begin() as session:
        run_id = start_run(session, "seeds.csv", {}).id
        site_id = upsert_site(session, SITE, "clinica.test", "Clínica", "MX")
        session.merge(SiteCrawl(run_id=run_id, site_id=site_id, status="done", pages=len(pages)))
        for path, claims in pages.items():
            page_id = record_page(
                session,
                run_id=run_id,
                site_id=site_id,
                url=SITE + path,
                status=200,
                content_type="text/html",
                depth=0,
                fetched_at=datetime(2026, 11, 2, tzinfo=UTC),
                size=10,
                sha256="0" * 64,
                warc_file="x.warc.gz",
                warc_offset=0,
            )
            page = session.get(Page, page_id)
            assert page is not None
            replace_page_claims(
                session,
                page,
                claims,
                language="en",
                is_clinic=True,
                title=path,
                extracted_at=datetime(2026, 11, 2, tzinfo=UTC),
            )
    return run_id


def condition(slug: str, stance: str, tier: str, quote: str) -> dict:  # type: ignore[type-arg]
    return {
        "kind": "condition",
        "value": slug,
        "stance": stance,
        "tier": tier,
        "quote": quote,
        "cue": None,
    }


FIRST = {
    "": [
        condition("knee-osteoarthritis", "claimed", "supported", "We treat knee arthritis."),
        condition("copd", "claimed", "unproven", "Breathe again: COPD therapy."),
        {"kind": "flag", "value": "fda_approval_claim", "quote": "Our lab is FDA approved."},
        {"kind": "regulator", "value": "fda", "quote": "Our lab is FDA approved."},
    ],
}
SECOND = {
    "": FIRST[""][:1] + FIRST[""][2:],
    "autism": [condition("autism", "claimed", "unproven", "Stem cells for autism.")],
    "faq": [
        condition("autism", "disclaimed", "unproven", "We do not cure autism."),
        condition("copd", "disclaimed", "unproven", "We no longer treat COPD."),
    ],
}


@pytest.fixture
def database(home: Path, db_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("CLINIC_AUDIT_DB_URL", db_url)
    storage.upgrade(storage.connect(db_url))
    return db_url


def export(run_id: int, out: Path) -> dict[str, bytes]:
    result = CliRunner().invoke(app, ["export", "--run", str(run_id), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return {p.name: p.read_bytes() for p in sorted(out.iterdir())}


def score(*args: str) -> None:
    result = CliRunner().invoke(app, ["score", *args])
    assert result.exit_code == 0, result.output


def test_rescoring_gives_byte_identical_exports_and_records_the_knowledge_base(
    database: str, tmp_path: Path
) -> None:
    engine = storage.connect(database)
    store_run(engine, FIRST)
    run_id = store_run(engine, SECOND)
    score("--run", str(run_id))
    first = export(run_id, tmp_path / "a")
    score("--run", str(run_id))
    kb_copy = tmp_path / "copy-of-evidence.yaml"
    shutil.copy(Path(str(files("score") / "knowledge" / "evidence.yaml")), kb_copy)
    score("--run", str(run_id), "--kb", str(kb_copy))
    assert export(run_id, tmp_path / "b") == first
    assert "claim_changes.csv" in first and "scored_at" not in first["site_scores.csv"].decode()

    score("--run", str(run_id), "--rubric", "strict")
    with storage.sessions(engine)() as session:
        run = session.get(CrawlRun, run_id)
        assert run is not None and run.kb_name == "clinic-audit-evidence-2026-11"
        scores = {s.rubric: s for s in session.scalars(select(SiteScore))}
    assert set(scores) == {"seed", "strict"} and len(run.kb_hash or "") == 64
    assert run.kb_hash == scores["strict"].kb_hash != scores["seed"].kb_hash
    rules = {r["rule"]: r for r in scores["seed"].reasons}
    assert "fda (US) on a site in MX" in rules["fda-approval-claimed-abroad"]["detail"]
    assert rules["unproven-claims"]["evidence"] == [
        {"quote": "Stem cells for autism.", "url": SITE + "autism"}
    ]


def test_claim_changes_say_what_a_site_added_and_dropped_since_its_previous_run(
    database: str, tmp_path: Path
) -> None:
    engine = storage.connect(database)
    first = store_run(engine, FIRST)
    second = store_run(engine, SECOND)
    score("--run", str(first))
    for _ in range(2):  # idempotent: a rerun replaces the changes
        score("--run", str(second))
    with storage.sessions(engine)() as session:
        changes = session.scalars(select(ClaimChange).order_by(ClaimChange.id)).all()
        assert {
            (c.run_id, c.previous_run_id, c.change, c.kind, c.value, c.quote) for c in changes
        } == {
            (second, first, "added", "condition", "autism", "Stem cells for autism."),
            (second, first, "removed", "condition", "copd", "Breathe again: COPD therapy."),
        }
    result = CliRunner().invoke(app, ["report", "--run", str(second), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    html = (tmp_path / f"run-{second}.html").read_text()
    assert f"Since run {first}</strong>" in html
    assert "added condition <code>autism</code>: <q>Stem cells for autism.</q>" in html


def test_a_broken_kb_file_exits_2_without_touching_the_scores(
    database: str, tmp_path: Path
) -> None:
    engine = storage.connect(database)
    run_id = store_run(engine, FIRST)
    score("--run", str(run_id))
    bad = tmp_path / "kb.yaml"
    bad.write_text("conditions: [oops")
    result = CliRunner().invoke(app, ["score", "--run", str(run_id), "--kb", str(bad)])
    assert result.exit_code == 2 and "kb.yaml" in result.output
    with storage.sessions(engine)() as session:
        assert len(session.scalars(select(SiteScore)).all()) == 1
