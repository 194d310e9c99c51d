"""One verdict per site, through the whole pipeline: seed file, crawl, extract, score, report.

Real HTTP on 127.0.0.1, the real Scrapy crawler and extractor, SQLite and the real PostgreSQL.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Tag
from sqlalchemy import select
from typer.testing import CliRunner

import storage
from crawler import read_seeds
from flows import stages
from flows.cli import app
from flows.stages import NO_GRADE, NOT_SCORED, CrawlOptions
from score import NO_TREATMENT_RULE
from storage import Claim, ClaimChange, Page, Site, SiteFlag, SiteScore
from tests.local_web import LocalWeb, html, serve

HOME = (
    "<h1>Regenera Clinic</h1>"
    "<p>Welcome to our clinic. We treat knee arthritis with stem cells from your own bone "
    "marrow.</p><p>Book a free consultation with our doctors today.</p>"
    '<p><a href="/blog/one">One</a> <a href="/blog/two">Two</a> <a href="/blog/three">Three</a></p>'
)
BLOG = (
    "<article><h1>Stem cell news roundup {n}</h1><p>By a staff writer. Published in November.</p>"
    "<p>Researchers continue to study mesenchymal cells in small trials of knee cartilage repair,"
    " issue {n}.</p></article>"
)
OFFERS = (
    "<h1>Cell Offers</h1><p>Our clinic offers stem cell therapy for autism. We treat autism with"
    " umbilical cord cells. Book a free consultation today, call us.</p>"
    "<p>Our treatment cures autism, guaranteed. Read the testimonials of our patients.</p>"
)
PRESS = (
    "<article><h1>Clinic news</h1><p>By our staff writer. Published in November.</p>"
    "<p>Stem cell therapy helps knee osteoarthritis, according to the reporter.</p></article>"
)
SITES = {
    # A clinic with a blog: three pages read like news, one like a seller. Page by page the
    # news pages would outvote it; over the site each phrase counts once and the offer wins.
    "mixed.test": {
        "/": html(HOME, "Regenera Clinic"),
        **{f"/blog/{n}": html(BLOG.format(n=n), f"Blog {n}") for n in ("one", "two", "three")},
    },
    # Reads like a seller, but the researcher says it is news.
    "offers.test": {"/": html(OFFERS, "Cell Offers")},
    # Reads like news; without a kind it sells nothing, with one it does.
    "newsroom.test": {"/": html(PRESS, "Clinic news")},
    "press.test": {"/": html(PRESS, "Clinic news")},
}


def seeds_file(web: LocalWeb, folder: Path) -> Path:
    path = folder / "seeds.csv"
    path.write_text(
        "url,name,country,kind\n"
        f"{web.url('mixed.test')},Regenera,MX,\n"
        f"{web.url('offers.test')},Cell Offers,MX,News\n"
        f"{web.url('newsroom.test')},Newsroom,US,\n"
        f"{web.url('press.test')},Press,US,facilitator\n"
        f"{web.url('gone.test')},Gone,US,clinic\n"  # serves nothing: no page to judge
    )
    return path


@pytest.fixture
def audited(
    home: Path, db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[int, dict[str, int]]]:
    """A run over :data:`SITES`, crawled, extracted and scored; (run id, grade counts)."""
    monkeypatch.setenv("CLINIC_AUDIT_DB_URL", db_url)
    engine = storage.connect(db_url)
    storage.upgrade(engine)
    with serve(SITES) as web:
        seeds, problems = read_seeds(seeds_file(web, tmp_path))
        assert problems == []
        run_id = stages.prepare_run(engine, seeds, "seeds.csv", {})
        options = CrawlOptions(fast=True, allow_loopback=True, resolve=("*.test=127.0.0.1",))
        stages.crawl(engine, run_id, options)
    stages.extract(engine, run_id)
    grades = stages.score(engine, run_id, "seed")
    yield run_id, dict(grades)
    engine.dispose()


def by_host(run_id: int) -> dict[str, tuple[Site, SiteScore]]:
    with storage.sessions(storage.connect())() as session:
        rows = session.execute(
            select(Site, SiteScore)
            .join(SiteScore, SiteScore.site_id == Site.id)
            .where(SiteScore.run_id == run_id)
        ).all()
    return {site.host: (site, score) for site, score in rows}


def test_each_site_is_judged_once_and_the_seed_files_kind_wins(
    audited: tuple[int, dict[str, int]],
) -> None:
    run_id, grades = audited
    assert grades[NO_GRADE] == 2 and grades[NOT_SCORED] == 1 and sum(grades.values()) == 5
    sites = by_host(run_id)  # a site none of whose pages was read is not scored at all
    assert {host: site.kind for host, (site, _) in sites.items()} == {
        "mixed.test": None,
        "offers.test": "news",
        "newsroom.test": None,
        "press.test": "facilitator",
    }
    verdicts = {host: score.sells_treatment for host, (_, score) in sites.items()}
    assert verdicts == {
        "mixed.test": True,  # one offer page beside three news-like blog posts
        "offers.test": False,  # the kind overrides its seller's cues
        "newsroom.test": False,  # its cues: a byline and reported speech
        "press.test": True,  # the same page, but the kind says facilitator
    }
    mixed, offers = sites["mixed.test"][1], sites["offers.test"][1]
    assert mixed.verdict_reasons is not None
    assert mixed.verdict_reasons[0].startswith("reads like a seller")
    assert any(r.startswith("reads like news") for r in mixed.verdict_reasons)  # weighed too
    assert offers.verdict_reasons == ["the seed file says this site is a news"]
    assert sites["press.test"][1].verdict_reasons == [
        "the seed file says this site is a facilitator"
    ]
    for host in ("mixed.test", "press.test"):
        score = sites[host][1]
        assert score.grade in list("ABCDF") and score.risk_score is not None
    for host in ("offers.test", "newsroom.test"):  # no grade, no risk: not an A
        score = sites[host][1]
        assert (score.grade, score.risk_score) == (None, None)
        assert [r["rule"] for r in score.reasons] == [NO_TREATMENT_RULE]
        assert score.reasons[0]["detail"] == "; ".join(score.verdict_reasons or [])

    with storage.sessions(storage.connect())() as session:
        pages = {
            url.split("mixed.test", 1)[1].split("/", 1)[1]: (lean, cues)
            for url, lean, cues in session.execute(
                select(Page.url, Page.is_clinic, Page.page_cues).where(
                    Page.run_id == run_id, Page.site_id == sites["mixed.test"][0].id
                )
            )
        }
        # Each page keeps its cues and its own lean: the three blog posts lean the other way.
        assert {path: lean for path, (lean, _) in pages.items()} == {
            "": True,
            "blog/one": False,
            "blog/two": False,
            "blog/three": False,
        }
        # (The phrases and weights are extraction's; only the sides are this test's business.)
        assert {side for side, _, _ in pages["blog/one"][1]} == {"other"}
        assert {side for side, _, _ in pages[""][1]} == {"seller"}
        # The claims table keeps the pages' raw stances; the site's flags are judged.
        offers_id = sites["offers.test"][0].id
        raw = session.scalars(
            select(Claim.stance).where(Claim.site_id == offers_id, Claim.kind == "condition")
        ).all()
        assert "claimed" in raw
        flags = dict(
            session.execute(
                select(SiteFlag.flag, SiteFlag.value).where(SiteFlag.site_id == offers_id)
            ).all()
        )
        assert flags["cure_or_guarantee"] is False and flags["testimonials"] is False
        assert session.scalars(select(ClaimChange)).all() == []


def test_a_site_that_sells_no_treatment_has_an_empty_grade_in_the_export_and_the_report(
    audited: tuple[int, dict[str, int]], tmp_path: Path
) -> None:
    run_id, _ = audited
    runner = CliRunner()
    exported = []
    for out in (tmp_path / "a", tmp_path / "b"):
        result = runner.invoke(app, ["export", "--run", str(run_id), "--out", str(out)])
        assert result.exit_code == 0, result.output
        exported.append({p.name: p.read_bytes() for p in sorted(out.iterdir())})
        if out.name == "a":  # scoring again changes nothing in the exports
            assert runner.invoke(app, ["score", "--run", str(run_id)]).exit_code == 0
    assert exported[0] == exported[1]
    with (tmp_path / "a" / "site_scores.csv").open() as f:
        rows = {row["url"].split("//")[1].split(":")[0]: row for row in csv.DictReader(f)}
    for host in ("offers.test", "newsroom.test"):
        assert rows[host]["grade"] == rows[host]["risk_score"] == ""
        assert rows[host]["sells_treatment"] == "False" and rows[host]["verdict_reasons"]
    assert rows["mixed.test"]["grade"] in list("ABCDF")
    assert int(rows["mixed.test"]["risk_score"]) >= 0  # an integer, not "35.0"
    with (tmp_path / "a" / "sites.csv").open() as f:
        kinds = {row["url"].split("//")[1].split(":")[0]: row["kind"] for row in csv.DictReader(f)}
    assert kinds["offers.test"] == "news" and kinds["mixed.test"] == ""

    result = runner.invoke(app, ["report", "--run", str(run_id), "--out", str(tmp_path / "r")])
    assert result.exit_code == 0, result.output
    page = BeautifulSoup((tmp_path / "r" / f"run-{run_id}.html").read_text(), "html.parser")
    names = {
        "Regenera": "mixed",
        "Cell Offers": "offers",
        "Newsroom": "newsroom",
        "Press": "press",
        "Gone": "gone",
    }
    table = next(t for t in page.find_all("table") if "Crawl" in t.get_text())
    cells = {}
    for row in table.find_all("tr")[1:]:
        grade, risk, site, *_ = row.find_all("td")
        cells[names[site.a.get_text()]] = (words(grade), words(risk))
    assert cells["offers"] == cells["newsroom"] == ("", "sells no treatment")
    assert cells["gone"] == ("", "not scored")
    assert cells["mixed"][0] in list("ABCDF") and cells["press"][0] in list("ABCDF")
    dossiers = {
        short: section
        for section in page.select("section.site")
        for name, short in names.items()
        if words(section.h3).endswith(name)
    }
    offers = dossiers["offers"]
    assert offers.h3.find(class_="grade") is None  # no letter beside the name
    assert words(offers.select_one("p.verdict")) == (
        "Sells no treatment: not graded: the seed file says this site is a news."
    )
    assert offers.select("div.reasons") == []  # no points to list
    quotes = [words(q) for q in offers.select('p.entry[id*="-q"]')]  # its pages claim nothing
    assert any("mentioned, unproven: autism" in q for q in quotes)
    assert not any("claimed" in q for q in quotes)
    assert "flag:" not in " ".join(quotes)  # the cure and testimonials are not the site's
    verdict = words(dossiers["mixed"].select_one("p.verdict"))
    assert verdict.startswith("Sells treatment: reads like a seller (weight")
    assert "; reads like news, research or a regulator (weight" in verdict
    assert "reads like news" in words(dossiers["newsroom"].select_one("p.verdict"))
    summary = page.find("h2", string="Summary").find_next("p")
    assert "2 sell treatment and are graded, 2 sell no treatment" in words(summary)
    assert "1 not scored (no page could be read)" in words(summary)
    assert dossiers["gone"].select("p.verdict") == []


def words(element: Tag | None) -> str:
    assert element is not None
    return " ".join(element.get_text().split())
