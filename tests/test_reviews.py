"""Human review: decisions as data, applied in scoring while their evidence holds, the review
spreadsheet, agreement, and reviewed pages as corpus pages. SQLite and PostgreSQL alike."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from typer.testing import CliRunner

import demoweb
import storage
from crawler import Seed
from flows import reviewing, stages
from flows.cli import app
from flows.marked_copy import marked_copy
from flows.review_queue import LiveQueue, filtered, review_queue
from flows.stages import CrawlOptions
from score import SiteClaims, SiteVerdict, aggregate_site, apply_decisions, resolve
from score.aggregate import ClaimRecord
from score.evaluation import evaluate_corpus, load_corpus
from score.review import Decision, agreement, cohen_kappa, is_current, reviewed_verdict
from storage import Review, SiteScore
from tests.review_data import CLAIMS, store_run


@pytest.fixture
def engine(home: Path, db_url: str, monkeypatch: pytest.MonkeyPatch) -> Engine:
    monkeypatch.setenv("CLINIC_AUDIT_DB_URL", db_url)
    engine = storage.connect(db_url)
    storage.upgrade(engine)
    return engine


def invoke(*args: str) -> str:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def score_of(engine: Engine, run_id: int) -> SiteScore:
    with storage.sessions(engine)() as session:
        found = session.scalars(select(SiteScore).where(SiteScore.run_id == run_id)).one()
    return found


def sheet(rows: list[dict[str, str]], run_id: int, engine: Engine) -> str:
    """The exported sheet of the run with ``rows`` filled in (matched by kind and value)."""
    exported = list(
        csv.DictReader(io.StringIO(reviewing.findings_csv(reviewing.run_findings(engine, run_id))))
    )
    for filled in rows:
        match = [
            r for r in exported if (r["kind"], r["value"]) == (filled["kind"], filled["value"])
        ]
        if match:
            match[0].update(filled)
        else:
            exported.append({"site_url": exported[0]["site_url"], "machine": "", **filled})
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(exported[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows({k: r.get(k, "") for k in exported[0]} for r in exported)
    return out.getvalue()


def decide(engine: Engine, run_id: int, rows: list[dict[str, str]]) -> int:
    """Record decisions the way a web page would: numbered, the machine's value the run's."""
    return reviewing.record_decisions(engine, run_id, enumerate(rows, start=1))


# -- what a decision means (pure) --------------------------------------------------------


def test_a_decision_resolves_to_the_value_the_audit_uses() -> None:
    assert resolve("condition", "claimed", "confirm") == "claimed"
    assert resolve("condition", "claimed", "reject") == "absent"
    assert resolve("condition", "mentioned", "disclaimed") == "disclaimed"
    assert resolve("condition", "absent", "claimed") == "claimed"
    assert resolve("flag", "yes", "reject") == "no"
    assert resolve("regulator", "no", "reject") == "yes"
    assert resolve("site", "yes", "confirm") == "yes"
    for kind, machine, decision, says in (
        ("condition", "absent", "reject", "give its stance"),
        ("flag", "yes", "claimed", "confirm or reject"),
        ("organ", "yes", "confirm", "unknown kind"),
        ("flag", "maybe", "confirm", "machine value"),
    ):
        with pytest.raises(ValueError, match=says):
            resolve(kind, machine, decision)


def test_decisions_replace_machine_values_and_the_verdict() -> None:
    site = aggregate_site(
        [
            ClaimRecord("condition", "autism", "u", "q1", "claimed", "unproven"),
            ClaimRecord("condition", "copd", "u", "q2", "claimed", "unproven"),
            ClaimRecord("flag", "testimonials", "u", "q3"),
        ]
    )
    reviewed = apply_decisions(
        site,
        [
            Decision("condition", "autism", "absent"),
            Decision("condition", "copd", "disclaimed"),
            Decision("condition", "als", "claimed", "menu item"),
            Decision("flag", "testimonials", "no"),
            Decision("regulator", "cofepris", "yes"),
        ],
    )
    assert {s: c.stance for s, c in reviewed.conditions.items()} == {
        "copd": "disclaimed",
        "als": "claimed",
    }
    assert reviewed.conditions["als"].evidence[0].quote == "(added by a reviewer: menu item)"
    assert reviewed.named_values("flag") == [] and reviewed.named_values("regulator") == [
        "cofepris"
    ]
    assert site.conditions["autism"].stance == "claimed"  # the machine's claims are untouched
    verdict = SiteVerdict(True, ("offers",))
    flipped = reviewed_verdict(verdict, [Decision("site", "sells_treatment", "no")])
    assert not flipped.sells_treatment and flipped.reasons[0].startswith("a reviewer")
    assert reviewed_verdict(verdict, []) is verdict
    assert isinstance(apply_decisions(SiteClaims(), []), SiteClaims)


def test_a_decision_applies_only_while_the_page_read_is_unchanged() -> None:
    assert is_current("condition", "aa", {"aa", "bb"})
    assert not is_current("condition", "aa", {"bb"})
    assert is_current("flag", None, set())  # no evidence then, none now
    assert not is_current("flag", None, {"bb"})  # evidence appeared since
    assert is_current("site", None, {"bb"})


def test_cohen_kappa_and_agreement_match_hand_computed_values() -> None:
    # Two raters, 50 items: yes/yes 20, yes/no 5, no/yes 10, no/no 15 -> kappa 0.4.
    first = ["yes"] * 25 + ["no"] * 25
    second = ["yes"] * 20 + ["no"] * 5 + ["yes"] * 10 + ["no"] * 15
    assert cohen_kappa(first, second) == pytest.approx(0.4)
    assert cohen_kappa(["a", "b", "c"], ["a", "b", "c"]) == pytest.approx(1.0)
    assert cohen_kappa(["a", "b"], ["b", "a"]) == pytest.approx(-1.0)
    result = agreement("flag", "en", list(zip(first, second, strict=True)), "yes")
    assert (result.precision, result.recall) == (pytest.approx(20 / 25), pytest.approx(20 / 30))
    assert result.f1 == pytest.approx(2 * 0.8 * (2 / 3) / (0.8 + 2 / 3))


# -- storage and scoring -------------------------------------------------------------------


def test_a_reviewed_decision_moves_the_grade_and_rescoring_stays_byte_identical(
    engine: Engine, tmp_path: Path
) -> None:
    run_id = store_run(engine, "https://clinica.test/", CLAIMS)
    invoke("score", "--run", str(run_id))
    machine = score_of(engine, run_id)
    rejected = [
        {"kind": "condition", "value": "autism", "decision": "reject", "reviewer": "ana"},
        {"kind": "condition", "value": "copd", "decision": "disclaimed", "reviewer": "ana"},
        {"kind": "flag", "value": "cure_or_guarantee", "decision": "reject", "reviewer": "ana"},
    ]
    path = tmp_path / "reviews.csv"
    path.write_text(sheet(rejected, run_id, engine), encoding="utf-8")
    assert "3 decisions recorded" in invoke("review", "import", str(path), "--run", str(run_id))
    invoke("score", "--run", str(run_id))
    reviewed = score_of(engine, run_id)
    assert machine.risk_score is not None and reviewed.risk_score is not None
    assert reviewed.risk_score < machine.risk_score and reviewed.grade != machine.grade
    rules = {r["rule"] for r in reviewed.reasons}
    assert not rules & {"unproven-claims", "cure-or-guarantee"}

    first = export_bytes(run_id, tmp_path / "a")
    invoke("score", "--run", str(run_id))
    assert export_bytes(run_id, tmp_path / "b") == first
    claims = list(csv.DictReader(io.StringIO(first["claims.csv"].decode())))
    marked = {(c["kind"], c["value"]): (c["review"], c["reviewed_value"]) for c in claims}
    assert marked[("condition", "copd")] == ("reviewed", "disclaimed")
    assert marked[("regulator", "cofepris")] == ("machine-only", "")
    reviews = list(csv.DictReader(io.StringIO(first["reviews.csv"].decode())))
    assert {(r["domain"], r["value"], r["reviewed"], r["reviewer"]) for r in reviews} == {
        ("clinica.test", "autism", "absent", "ana"),
        ("clinica.test", "copd", "disclaimed", "ana"),
        ("clinica.test", "cure_or_guarantee", "no", "ana"),
    }


def export_bytes(run_id: int, out: Path) -> dict[str, bytes]:
    invoke("export", "--run", str(run_id), "--out", str(out))
    return {p.name: p.read_bytes() for p in sorted(out.iterdir())}


def test_a_bad_row_is_reported_by_line_and_nothing_is_imported(
    engine: Engine, tmp_path: Path
) -> None:
    run_id = store_run(engine, "https://clinica.test/", CLAIMS)
    invoke("score", "--run", str(run_id))
    text = sheet(
        [
            {"kind": "condition", "value": "autism", "decision": "reject", "reviewer": "ana"},
            {"kind": "condition", "value": "copd", "decision": "maybe", "reviewer": "ana"},
        ],
        run_id,
        engine,
    )
    bad_line = 1 + next(
        n for n, line in enumerate(text.splitlines()) if ",copd," in line and "maybe" in line
    )
    path = tmp_path / "reviews.csv"
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(app, ["review", "import", str(path)])
    assert result.exit_code == 2
    assert f"line {bad_line}:" in result.output and "unknown decision 'maybe'" in result.output
    assert "nothing imported" in result.output
    with storage.sessions(engine)() as session:
        assert session.scalar(select(func.count()).select_from(Review)) == 0

    # A sheet whose machine column is not the run's, and a header that breaks the contract.
    edited = text.replace("maybe", "confirm").replace(",copd,claimed,", ",copd,mentioned,")
    with pytest.raises(reviewing.ReviewImportError, match="the machine says 'claimed'"):
        reviewing.import_csv(engine, run_id, edited)
    with pytest.raises(reviewing.ReviewImportError, match="line 1: the header must start"):
        reviewing.import_csv(engine, run_id, "kind,site_url\ncondition,x\n")


def test_decisions_carry_over_to_a_later_run_and_changed_evidence_needs_re_review(
    engine: Engine, tmp_path: Path
) -> None:
    first = store_run(engine, "https://clinica.test/", CLAIMS)
    invoke("score", "--run", str(first))
    decide(
        engine,
        first,
        [
            {
                "site_url": "https://clinica.test/",
                "kind": "condition",
                "value": "autism",
                "decision": "reject",
                "reviewer": "ana",
                "note": "a list of what others promise",
            }
        ],
    )
    # The same site again, under another seed URL of its domain, its pages unchanged.
    second = store_run(engine, "https://www.clinica.test/", CLAIMS)
    invoke("score", "--run", str(second))
    found = {(f.kind, f.value): f for f in reviewing.run_findings(engine, second)}
    assert found[("condition", "autism")].status == "reviewed"
    assert found[("condition", "copd")].status == "machine-only"
    assert "unproven-claims" in {r["rule"] for r in score_of(engine, second).reasons}
    applied = next(r for r in score_of(engine, second).reasons if r["rule"] == "unproven-claims")
    assert "autism" not in applied["detail"]

    # The page the reviewer read changes: the decision waits for a person, the machine counts.
    changed = {"": [dict(c) for c in CLAIMS[""]], "faq": CLAIMS["faq"]}
    changed[""][0]["quote"] = "We now treat autism and cerebral palsy."
    third = store_run(engine, "https://www.clinica.test/", changed)
    invoke("score", "--run", str(third))
    autism = next(
        f
        for f in reviewing.run_findings(engine, third)
        if (f.kind, f.value) == ("condition", "autism")
    )
    assert autism.status == "needs re-review" and autism.value_used == "claimed"
    applied = next(r for r in score_of(engine, third).reasons if r["rule"] == "unproven-claims")
    assert "autism" in applied["detail"]
    exported = list(csv.DictReader(io.StringIO(reviewing.findings_csv([autism]))))
    assert exported[0]["status"] == "needs re-review" and exported[0]["decision"] == ""


def test_reports_mark_reviewed_findings_and_quote_the_agreement(
    engine: Engine, tmp_path: Path
) -> None:
    run_id = store_run(engine, "https://clinica.test/", CLAIMS)
    invoke("score", "--run", str(run_id))
    decide(
        engine,
        run_id,
        [
            {
                "site_url": "https://clinica.test/",
                "kind": kind,
                "value": value,
                "decision": decision,
                "reviewer": "ana",
                "note": "",
            }
            for kind, value, decision in (
                ("condition", "copd", "confirm"),
                ("condition", "autism", "reject"),
                ("cell_source", "umbilical-cord", "confirm"),
            )
        ],
    )
    invoke("score", "--run", str(run_id))
    invoke("report", "--run", str(run_id), "--out", str(tmp_path / "all"))
    html = (tmp_path / "all" / f"run-{run_id}.html").read_text()
    assert "copd ✓" in html and "umbilical-cord ✓" in html
    assert "cofepris ✓" not in html and "cofepris" in html  # machine-only, shown unmarked
    assert "We treat autism with stem cells." not in html  # rejected: the reviewer's value wins
    assert "<h3>Human review</h3>" in html and "<td>condition</td><td>all</td><td>2</td>" in html

    invoke("report", "--run", str(run_id), "--reviewed-only", "--out", str(tmp_path / "only"))
    only = (tmp_path / "only" / f"run-{run_id}.html").read_text()
    assert "copd ✓" in only and "Licensed by COFEPRIS." not in only
    assert "Reviewed findings only" in only

    table = invoke("agreement", "--run", str(run_id))
    assert "condition" in table and "cell_source" in table and "0.000" in table


def test_reviewed_pages_become_corpus_pages_the_quality_gate_reads(
    engine: Engine, tmp_path: Path
) -> None:
    run_id = store_run(engine, "https://clinica.test/", CLAIMS)
    invoke("score", "--run", str(run_id))
    decide(
        engine,
        run_id,
        [
            {
                "site_url": "https://clinica.test/",
                "kind": "condition",
                "value": "autism",
                "decision": "mentioned",
                "reviewer": "ana",
                "note": "",
            }
        ],
    )
    out = tmp_path / "corpus"
    invoke("review", "export", "--run", str(run_id), "--corpus", str(out))
    folders = sorted(p for p in out.iterdir())
    assert len(folders) == 1
    expected = json.loads((folders[0] / "expected.json").read_text())
    meta = json.loads((folders[0] / "meta.json").read_text())
    assert expected["conditions"] == {"autism": "mentioned", "copd": "claimed"}
    assert expected["regulators"] == ["cofepris"] and expected["is_clinic"] is True
    assert meta["url"] == "https://clinica.test/" and meta["reviewed"] == ["condition:autism"]
    assert "We treat autism" in (folders[0] / "page.html").read_text()
    report = evaluate_corpus(load_corpus(out))  # the format the quality gate reads
    assert report.get("condition:claimed").expected == 1 and report.units == 1


def test_review_export_writes_the_contract_columns_first(engine: Engine, tmp_path: Path) -> None:
    run_id = store_run(engine, "https://clinica.test/", CLAIMS)
    invoke("score", "--run", str(run_id))
    out = tmp_path / "reviews.csv"
    assert "findings (0 reviewed)" in invoke("review", "export", "--out", str(out))
    rows = list(csv.reader(out.open(encoding="utf-8")))
    assert rows[0][:7] == list(reviewing.CONTRACT_COLUMNS)
    kinds = {(r[1], r[2], r[3]) for r in rows[1:]}
    assert ("site", "sells_treatment", "yes") in kinds
    assert ("condition", "autism", "claimed") in kinds
    assert ("flag", "testimonials", "no") in kinds and ("flag", "cure_or_guarantee", "yes") in kinds


def test_migration_0007_fills_in_the_domain_of_stored_sites_and_goes_back(db_url: str) -> None:
    import sqlalchemy as sa
    from alembic import command
    from alembic.config import Config

    from storage.database import MIGRATIONS

    engine = storage.connect(db_url)
    storage.upgrade(engine, "0006")
    sites = sa.table("sites", *(sa.column(c) for c in ("id", "seed_url", "host", "first_seen_at")))
    now = datetime(2026, 11, 2, tzinfo=UTC)
    with engine.begin() as conn:
        conn.execute(
            sa.insert(sites),
            [
                {
                    "id": 1,
                    "seed_url": "https://www.clinica.com.mx/es/",
                    "host": "x",
                    "first_seen_at": now,
                },
                {"id": 2, "seed_url": "http://127.0.0.1:8001/", "host": "x", "first_seen_at": now},
            ],
        )
    storage.upgrade(engine, "0007")  # this migration's step, whatever follows it
    assert storage.current_revision(engine) == "0007"
    with engine.connect() as conn:
        domains = dict(conn.execute(sa.text("SELECT id, domain FROM sites ORDER BY id")).all())
    assert domains == {1: "clinica.com.mx", 2: "127.0.0.1:8001"}
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0006")
    assert "reviews" not in sa.inspect(engine).get_table_names()
    assert "domain" not in {c["name"] for c in sa.inspect(engine).get_columns("sites")}


def test_importing_the_same_sheet_again_changes_nothing_and_scraped_formulas_stay_text(
    engine: Engine, tmp_path: Path
) -> None:
    hostile = {"": [dict(CLAIMS[""][0], quote='=HYPERLINK("http://evil.test","autism")')]}
    run_id = store_run(engine, "https://clinica.test/", hostile)
    invoke("score", "--run", str(run_id))
    text = sheet(
        [
            {"kind": "condition", "value": "autism", "decision": "confirm", "reviewer": "ana"},
            {"kind": "site", "value": "sells_treatment", "decision": "reject", "reviewer": "ana"},
        ],
        run_id,
        engine,
    )
    assert reviewing.import_csv(engine, run_id, text) == 2
    with storage.sessions(engine)() as session:
        first = {r.value: r.reviewed_at for r in session.scalars(select(Review))}
    exported = reviewing.findings_csv(reviewing.run_findings(engine, run_id))
    assert "'=HYPERLINK(" in exported
    assert reviewing.import_csv(engine, run_id, exported) == 0  # the decisions that hold
    with storage.sessions(engine)() as session:
        assert {r.value: r.reviewed_at for r in session.scalars(select(Review))} == first

    invoke("score", "--run", str(run_id))  # the reviewer says the site sells nothing
    assert score_of(engine, run_id).sells_treatment is False
    invoke("report", "--run", str(run_id), "--out", str(tmp_path))
    html = (tmp_path / f"run-{run_id}.html").read_text()
    assert "Sells no treatment: not graded ✓</strong>" in html


# -- the review page's parts (the page itself: test_review_page.py) --------------------------


def test_the_archived_copy_is_cleaned_and_its_quote_marked_as_text() -> None:
    page = (
        "<html><head><script>alert(1)</script></head><body onload='x()'>"
        "<p>Lead <b>in</b> and We  treat\n autism &lt;i&gt; here.</p>"
        "<iframe src='http://127.0.0.1:9/'></iframe><img src='http://127.0.0.1:9/i.png' "
        "srcset='http://127.0.0.1:9/2.png 2x'><a href='http://127.0.0.1:9/'>out</a></body></html>"
    )
    copy, found = marked_copy(page, "we treat autism <i>")
    assert found
    assert '<mark id="quote">We  treat\n autism &lt;i&gt;</mark> here.' in copy
    assert "<b>in</b> and " in copy  # the quote sits in a tail: marked after its element
    assert not [t for t in ("<script", "<iframe", "onload", "alert", "127.0.0.1") if t in copy]
    assert '<img src="data:,">' in copy and '<a href="data:,">out</a>' in copy
    assert '<mark id="quote">autism</mark>' in marked_copy(page, "…autism…")[0]
    assert marked_copy(page, "not on the page") == (marked_copy(page, "")[0], False)


def test_the_queue_puts_what_moves_a_grade_first(engine: Engine) -> None:
    run_id = store_run(engine, "https://clinica.test/", CLAIMS)
    invoke("score", "--run", str(run_id))
    queue = review_queue(engine, run_id)
    live = LiveQueue(engine, run_id, "seed")
    assert live.items() == queue
    first = queue[0]
    assert (first.finding.kind, first.finding.value) == ("site", "sells_treatment")
    assert first.weight == first.risk and first.crosses_band
    seen = [i for i in queue if i.finding.machine != "no"]
    weights = [(i.crosses_band, i.weight) for i in seen]
    assert weights == sorted(weights, reverse=True)
    assert queue[: len(seen)] == seen  # the flags the machine did not see come after
    assert [i.finding.value for i in seen[1:4]] == ["cure_or_guarantee", "autism", "copd"]
    unproven = {i.finding.value: i.weight for i in queue if i.finding.kind == "condition"}
    assert unproven["autism"] > 0 and unproven["autism"] == unproven["copd"]
    decide(
        engine,
        run_id,
        [
            {
                "site_url": "https://clinica.test/",
                "kind": "condition",
                "value": "autism",
                "decision": "reject",
                "reviewer": "ana",
            }
        ],
    )
    again = review_queue(engine, run_id)
    assert again[-1].reviewed and again[-1].finding.value == "autism"
    assert [i.finding.value for i in live.items()] == [i.finding.value for i in again]
    live.refresh(first.finding.site_id)
    assert [(i.finding.value, i.weight) for i in live.items()] == [
        (i.finding.value, i.weight) for i in again
    ]
    assert filtered(again, condition="copd")[0].finding.value == "copd"
    assert filtered(again, country="FR") == []


def test_decisions_survive_a_new_crawl_of_the_same_site(home: Path) -> None:
    """A real crawl of a demo clinic, a reviewer's rejections, and the same site crawled again
    as a new run: the decisions apply there unasked (its pages came back byte for byte)."""
    engine = storage.connect()
    storage.upgrade(engine)
    web = demoweb.generate(n_sites=1, seed=7)
    site = web.sites[0]
    options = CrawlOptions(fast=True, allow_loopback=True, resolve=("*.test=127.0.0.1",))
    with demoweb.serve(web) as server:
        seed = Seed(f"http://{site.host}:{server.port}/", site.name, site.country)

        def audited() -> int:
            run_id = stages.prepare_run(engine, [seed], "test", {})
            stages.crawl(engine, run_id, options)
            stages.extract(engine, run_id)
            stages.score(engine, run_id)
            return run_id

        first = audited()
        machine = score_of(engine, first)
        claimed = [
            f.value
            for f in reviewing.run_findings(engine, first)
            if f.kind == "condition" and f.machine == "claimed"
        ]
        assert claimed and machine.risk_score
        rows = [
            {
                "site_url": seed.url,
                "kind": "condition",
                "value": value,
                "decision": "reject",
                "reviewer": "ana",
                "note": "",
            }
            for value in claimed
        ]
        assert decide(engine, first, rows) == len(claimed)
        stages.score(engine, first)
        reviewed = score_of(engine, first)
        assert reviewed.risk_score is not None and reviewed.risk_score < machine.risk_score

        second = audited()
    found = {f.value: f for f in reviewing.run_findings(engine, second) if f.kind == "condition"}
    assert {v: found[v].status for v in claimed} == dict.fromkeys(claimed, "reviewed")
    assert all(found[v].value_used == "absent" for v in claimed)
    again = score_of(engine, second)
    assert (again.grade, again.risk_score) == (reviewed.grade, reviewed.risk_score)
