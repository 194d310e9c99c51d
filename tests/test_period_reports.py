"""Period reports, the analyst views and the literature table, on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest
import yaml
from bs4 import BeautifulSoup
from sqlalchemy import Engine, text
from typer.testing import CliRunner

import demoweb
import storage
from flows.cli import app
from flows.demo_runs import store_demo_run
from reports import NothingToReport, PeriodError, parse_period, period_report, write_report_files
from reports.literature import literature_rows
from tests.browser import screenshot

AUGUST, NOVEMBER = datetime(2026, 8, 10, tzinfo=UTC), datetime(2026, 11, 10, tzinfo=UTC)


def test_periods_parse_and_step_back() -> None:
    q4 = parse_period("2026-Q4")
    assert q4.start == datetime(2026, 10, 1, tzinfo=UTC)
    assert q4.end == datetime(2027, 1, 1, tzinfo=UTC)
    assert q4.previous().label == "2026-Q3"
    assert parse_period("2026-01").previous().label == "2025-12"
    assert parse_period("2026").previous().label == "2025"
    assert parse_period("2026-Q1").previous().label == "2025-Q4"
    assert q4.contains(datetime(2026, 12, 31, 23, 59))  # naive datetimes are UTC
    for bad in ("2026-Q5", "2026-13", "26", "Q4", "2026-q4x"):
        with pytest.raises(PeriodError, match="not a period"):
            parse_period(bad)


@pytest.fixture
def two_quarters(db_url: str) -> Iterator[tuple[Engine, demoweb.DemoWeb, int, int]]:
    """Q3: each site's first two pages; Q4: six pages (so claims are added); a failed Q4 run."""
    engine = storage.connect(db_url)
    storage.upgrade(engine)
    web = demoweb.generate(n_sites=6, seed=5)
    august = store_demo_run(engine, web, AUGUST, pages_per_site=2)
    november = store_demo_run(engine, web, NOVEMBER, pages_per_site=6)
    store_demo_run(
        engine, web, datetime(2026, 12, 1, tzinfo=UTC), pages_per_site=1, status="failed"
    )
    yield engine, web, august, november
    engine.dispose()


def test_a_period_report_uses_each_sites_latest_finished_run_and_compares(
    two_quarters: tuple[Engine, demoweb.DemoWeb, int, int], tmp_path: Path
) -> None:
    engine, web, august, november = two_quarters
    report = period_report(engine, parse_period("2026-Q4"), "seed")
    with pytest.raises(NothingToReport, match="2026-Q2"):
        period_report(engine, parse_period("2026-Q2"), "seed")
    country = web.sites[0].country
    local = period_report(engine, parse_period("2026-Q4"), "seed", country)
    assert [r.run_id for r in report.runs] == [november]  # not the failed December run
    assert len(report.sites) == 6
    comparison = report.period
    assert comparison is not None and comparison.previous_label == "2026-Q3"
    assert comparison.previous_sites == 6 and comparison.new_sites == 0
    assert comparison.new_claims, "six pages name more than two did"
    assert {c.run_id for c in comparison.new_claims} == {november}
    assert {c.previous_run_id for c in comparison.new_claims} == {august}
    assert [label for label, _ in comparison.trend][-2:] == ["2026-Q3", "2026-Q4"]
    assert sum(comparison.trend[-1][1].values()) == len(report.clinics)
    assert {s.country for s in local.sites} == {country}
    assert local.title == f"2026-Q4 — {country}"
    # Every claim in a dossier carries its page's archive facts.
    claims = [c for site in report.sites for c in report.claims_of(site.site_id)]
    assert all(c.fetched_at is not None and c.sha256 and c.warc_file for c in claims)
    # The demo web's news site sells no treatment: no grade, and its pages claim nothing.
    [news] = [s for s in report.sites if s.sells_treatment is False]
    assert (news.grade, news.risk_score) == (None, None) and news.verdict_reasons
    assert not any(c.stance == "claimed" for c in report.claims_of(news.site_id))

    paths = write_report_files(report, tmp_path, ("html",))
    assert [p.name for p in paths] == ["report-2026-Q4.html", "manifest.sha256"]
    html = paths[0].read_text()
    assert "New claims since 2026-Q3" in html and "not legal or medical advice" in html
    assert html.count("data:image/png;base64,") == 3  # three charts, embedded
    assert claims[0].sha256 in html
    row = next(
        tr
        for tr in BeautifulSoup(html, "html.parser").find_all("tr")
        if tr.find("a", href=f"#site-{news.site_id}") and len(tr.find_all("td")) == 6
    )
    grade, risk = (" ".join(td.get_text().split()) for td in row.find_all("td")[:2])
    assert (grade, risk) == ("", "sells no treatment")
    first_page = screenshot(paths[0], tmp_path / "period-first-page.png", tmp_path / "chromium")
    assert first_page.stat().st_size > 10_000  # for a person to look at
    digest, name = paths[1].read_text().split()
    assert name == paths[0].name and digest == hashlib.sha256(paths[0].read_bytes()).hexdigest()


def test_the_views_answer_the_common_questions(
    two_quarters: tuple[Engine, demoweb.DemoWeb, int, int],
) -> None:
    engine, _, _, november = two_quarters
    with engine.connect() as conn:
        latest = pd.read_sql(text("SELECT * FROM latest_site_scores WHERE rubric = 'seed'"), conn)
        by_tier = pd.read_sql(
            text("SELECT * FROM claims_by_condition_tier WHERE run_id = :run"),
            conn,
            params={"run": november},
        )
        claims = pd.read_sql(
            text(
                "SELECT site_id, value FROM claims WHERE run_id = :run AND kind = 'condition' "
                "AND stance = 'claimed'"
            ),
            conn,
            params={"run": november},
        )
        countries = pd.read_sql(text("SELECT * FROM sites_per_country"), conn)
    assert len(latest) == 6 and set(latest.run_id) == {november}  # failed run ignored
    sellers = latest[latest.sells_treatment.astype(bool)]
    assert 0 < len(sellers) < len(latest)  # the demo web's news site sells no treatment
    assert latest[~latest.sells_treatment.astype(bool)].grade.isna().all()
    # Only sites that sell treatment claim: a news site's claims are mentions.
    claims = claims[claims.site_id.isin(sellers.site_id)]
    expected = claims.drop_duplicates().groupby("value").size().to_dict()
    assert by_tier.set_index("condition").sites_claiming.to_dict() == expected
    assert set(by_tier.tier) <= {"supported", "preliminary", "unproven"}
    assert countries.sites.sum() == 6
    assert countries.sellers.sum() == len(sellers)


def test_the_literature_table_maps_slugs_to_survey_categories(
    two_quarters: tuple[Engine, demoweb.DemoWeb, int, int],
) -> None:
    engine, *_ = two_quarters
    report = period_report(engine, parse_period("2026-Q4"), "seed")
    rows = {(r.dimension, r.category): r for r in literature_rows(report)}
    marrow = rows[("cell source", "autologous bone marrow")]
    assert marrow.published["US 2021"] == 45.3 and marrow.published["US 2016"] is None
    claims = report.site_claims()
    expected = sum(
        1 for s in report.clinics if "bone-marrow" in claims[s.site_id].named_values("cell_source")
    )
    assert marrow.sites == expected
    assert marrow.share == pytest.approx(100 * expected / len(report.clinics))
    assert {c for d, c in rows if d == "condition group"} == {
        "orthopedic",
        "pain",
        "neurological",
        "autoimmune",
        "cardiopulmonary",
        "cosmetic/anti-aging",
    }


def test_the_literature_mapping_names_only_known_slugs() -> None:
    from reports.literature import load_literature
    from vocabulary import load_conditions

    literature = load_literature()
    conditions = {c.slug for c in load_conditions()}
    for slugs in literature["condition_groups"].values():
        assert set(slugs) <= conditions
    entities = Path(__file__).resolve().parent.parent / "extract" / "patterns" / "entities.yaml"
    sources = set(yaml.safe_load(entities.read_text())["cell_sources"])
    for slugs in literature["cell_sources"].values():
        assert set(slugs) <= sources


def test_the_cli_writes_period_reports_and_prints_the_literature_table(
    home: Path, tmp_path: Path
) -> None:
    engine = storage.connect()
    storage.upgrade(engine)
    web = demoweb.generate(n_sites=4, seed=5)
    store_demo_run(engine, web, NOVEMBER, pages_per_site=3)
    runner = CliRunner()
    result = runner.invoke(app, ["report", "--period", "2026-Q4", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "report-2026-Q4.html").is_file()
    assert (tmp_path / "manifest.sha256").is_file()
    result = runner.invoke(app, ["report", "--period", "2026-Q4", "--table", "literature"])
    assert result.exit_code == 0, result.output
    assert "autologous bone marrow" in result.output and "45.3%" in result.output
    assert "Cell Stem Cell" in result.output
    result = runner.invoke(app, ["report", "--period", "2026-Q9"])
    assert result.exit_code == 2 and "not a period" in result.output
    result = runner.invoke(app, ["report", "--period", "2025-Q4"])
    assert result.exit_code == 2 and "no finished run" in result.output
    result = runner.invoke(app, ["report", "--format", "docx"])
    assert result.exit_code == 2 and "unknown format" in result.output
    for fmt in ("csv", "parquet"):
        result = runner.invoke(app, ["export", "--format", fmt, "--out", str(tmp_path / fmt)])
        assert result.exit_code == 0, result.output
        assert (tmp_path / fmt / f"claims.{fmt}").is_file()


def test_claims_added_and_dropped_again_within_the_period_are_not_new(tmp_path: Path) -> None:
    engine = storage.connect(f"sqlite:///{tmp_path / 'audit.db'}")
    storage.upgrade(engine)
    web = demoweb.generate(n_sites=3, seed=5)
    store_demo_run(engine, web, AUGUST, pages_per_site=2)
    store_demo_run(engine, web, datetime(2026, 10, 5, tzinfo=UTC), pages_per_site=6)
    added_in_october = period_report(engine, parse_period("2026-Q4"), "seed").period
    latest = store_demo_run(engine, web, NOVEMBER, pages_per_site=2)  # back to two pages
    report = period_report(engine, parse_period("2026-Q4"), "seed")
    assert added_in_october is not None and added_in_october.new_claims
    assert [r.run_id for r in report.runs] == [latest]
    assert report.period is not None and report.period.new_claims == []


def test_the_folder_manifest_lists_every_file_each_command_wrote_there(
    home: Path, tmp_path: Path
) -> None:
    engine = storage.connect()
    storage.upgrade(engine)
    web = demoweb.generate(n_sites=4, seed=5)
    store_demo_run(engine, web, NOVEMBER, pages_per_site=2)
    out, exports = tmp_path / "2026-Q4", tmp_path / "exports"
    out.mkdir()
    (out / "notes.txt").write_text("the regulator's own notes")  # not ours: never listed
    runner = CliRunner()

    def written(*args: str) -> list[str]:
        result = runner.invoke(app, [*args, "--out", str(out if args[0] == "report" else exports)])
        assert result.exit_code == 0, result.output
        return [Path(line).name for line in result.output.split()]

    assert written("report", "--period", "2026-Q4") == ["report-2026-Q4.html", "manifest.sha256"]
    written("report", "--period", "2026-Q4", "--format", "pdf")
    each = written("report", "--period", "2026-Q4", "--jurisdiction", "each")
    countries = sorted({site.country for site in web.sites if site.country})
    assert [n for n in each if n.endswith(".html")] == [
        f"report-2026-Q4-{country}.html" for country in countries
    ]
    written("report", "--period", "2026-Q4")  # rewritten: listed with its new digest
    checked = subprocess.run(
        ["sha256sum", "-c", "manifest.sha256"], cwd=out, check=True, capture_output=True, text=True
    ).stdout
    assert checked.splitlines() == [
        f"{name}: OK"
        for name in sorted(
            ["report-2026-Q4.html", "report-2026-Q4.pdf", *(n for n in each if n.endswith(".html"))]
        )
    ]

    written("export", "--format", "csv")
    written("export", "--format", "parquet")
    checked = subprocess.run(
        ["sha256sum", "-c", "manifest.sha256"],
        cwd=exports,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert "claims.csv: OK" in checked and "claims.parquet: OK" in checked
    result = runner.invoke(app, ["report", "--jurisdiction", "each"])
    assert result.exit_code == 2 and "needs --period" in result.output


def test_a_run_report_for_one_country_is_checked_and_filed_beside_the_whole(
    home: Path, tmp_path: Path
) -> None:
    engine = storage.connect()
    storage.upgrade(engine)
    web = demoweb.generate(n_sites=4, seed=5)
    run_id = store_demo_run(engine, web, NOVEMBER, pages_per_site=2)
    country = web.sites[0].country
    absent = next(c for c in ("PE", "CL", "AR", "BR") if c not in {s.country for s in web.sites})
    runner = CliRunner()

    def report(*args: str) -> tuple[int, str]:
        result = runner.invoke(app, ["report", "--out", str(tmp_path), *args])
        return result.exit_code, result.output

    code, output = report("--jurisdiction", country.lower())  # seeds take lower case: so do we
    assert code == 0, output
    assert Path(output.split()[0]).name == f"run-{run_id}-{country}.html"
    html = (tmp_path / f"run-{run_id}-{country}.html").read_text()
    hosts = {s.host for s in web.sites if s.country == country}
    others = {s.host for s in web.sites} - hosts
    assert all(h in html for h in hosts) and not any(h in html for h in others)
    assert report()[0] == 0 and (tmp_path / f"run-{run_id}.html").exists()  # not overwritten

    code, output = report("--jurisdiction", "ZZ")
    assert code == 2 and "not an ISO 3166-1 code" in output
    code, output = report("--jurisdiction", absent)
    assert code == 2 and f"no site of run {run_id} is in {absent}" in output
    code, output = report("--rubric", "strict")  # the run was scored with the seed rubric only
    assert code == 2 and "scored with the seed rubric, not strict" in output
