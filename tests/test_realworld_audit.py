"""The whole audit over real-world pages: each labelled page served as a one-page site.

The real-world corpora (``../shared/corpus/realworld``, read in place, and the project's own
``tests/extract/realworld``) are served on 127.0.0.1, crawled by Scrapy, extracted, scored and
stored by a real Prefect run. What the run stores per site (its verdict and its conditions'
stances) must be what extraction and the site verdict give for the same page, and must meet
the extraction gate's floors against the labels. This tests the pipeline, not only `extract`.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from prefect.testing.utilities import prefect_test_harness
from sqlalchemy import select
from sqlalchemy.orm import Session

import storage
from config import realworld_corpora
from flows.assessment import site_claims
from flows.audit import audit_flow
from flows.stages import CrawlOptions
from score import SiteVerdict, site_verdict
from score.evaluation import Case, Report, Summary, load_corpus
from storage import RunSite, SiteScore, run_sites
from tests.local_web import serve

pytestmark = pytest.mark.e2e

HERE = Path(__file__).parent
CORPORA = realworld_corpora(HERE.parent)
FLOORS = json.loads((HERE / "extract" / "realworld_floors.json").read_text())


@pytest.fixture(scope="module")
def prefect() -> Iterator[None]:
    with prefect_test_harness(server_startup_timeout=120):
        yield


def _cases() -> dict[str, Case]:
    """Every page of the corpora present here, by the host it is served as."""
    cases = [case for path in CORPORA.values() if path.is_dir() for case in load_corpus(path)]
    return {f"rw{n}.test": case for n, case in enumerate(cases)}


def _site_view(session: Session, run_id: int, site: RunSite) -> Summary:
    """A site as the run stored it: its verdict and its conditions' stances as the site's."""
    score = session.scalar(
        select(SiteScore).where(SiteScore.run_id == run_id, SiteScore.site_id == site.id)
    )
    assert score is not None, f"{site.seed_url} was not scored"
    verdict = SiteVerdict(bool(score.sells_treatment), tuple(score.verdict_reasons or ()))
    claims = site_claims(session, run_id, site.id, verdict)
    stances = {slug: c.stance for slug, c in claims.conditions.items()}
    return Summary(stances, {}, {}, verdict.sells_treatment)


def test_the_audit_of_real_pages_as_one_page_sites_meets_the_floors(
    prefect: None, home: Path, tmp_path: Path
) -> None:
    cases = _cases()
    assert len(cases) >= 80, "the real-world corpora are missing"
    sites = {
        host: {"/": (200, "text/html; charset=utf-8", case.path.read_bytes())}
        for host, case in cases.items()
    }
    # Real pages in Portuguese, French and German: read, never graded, listed as not audited.
    others = {
        f"other{n}.test": page
        for n, page in enumerate(sorted((CORPORA["own"] / "other-languages").glob("*.html")))
    }
    sites |= {
        host: {"/": (200, "text/html; charset=utf-8", page.read_bytes())}
        for host, page in others.items()
    }
    with serve(sites) as web:
        seeds = tmp_path / "seeds.csv"
        with seeds.open("w", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(["url", "name"])
            writer.writerows([web.url(host), case.name] for host, case in cases.items())
            writer.writerows([web.url(host), page.name] for host, page in others.items())
        options = CrawlOptions(fast=True, allow_loopback=True, resolve=("*.test=127.0.0.1",))
        summary = audit_flow(str(seeds), "seed", options, screenshot_budget=0)

    engine = storage.connect(storage.database_url())
    report, mismatches = Report(), []
    with storage.sessions(engine)() as session:
        by_host = {s.host: s for s in run_sites(session, summary["run_id"])}
        assert set(by_host) == set(cases) | set(others)
        for host in others:
            site = by_host[host]
            assert session.scalar(select(SiteScore).where(SiteScore.site_id == site.id)) is None
    html = Path(summary["report"]).read_text()
    assert f"{len(others)} not audited (their pages are in de, fr, pt" in html
    assert summary["grades"].get("not audited (language)") == len(others)
    with storage.sessions(engine)() as session:
        for host, case in cases.items():
            stored = _site_view(session, summary["run_id"], by_host[host])
            doc = case.extract()
            sells = site_verdict([doc.page_cues]).sells_treatment
            direct = Summary.of(doc, sells)
            if (stored.conditions, stored.is_clinic) != (direct.conditions, direct.is_clinic):
                mismatches.append(f"{case.name}: stored {stored} != extracted {direct}")
            report.score(case.name, (case.language,), stored, Summary.expected(case.expected))
    assert not mismatches, "\n".join(mismatches)
    # The floors of the extraction gate hold for the stored, site-level results.
    lowest = min(FLOORS[name]["floors"]["claimed_f1.all"] for name in FLOORS)
    assert report.get("condition:claimed").f1 >= lowest, "\n".join(map(str, report.errors))
    assert report.page_type_right / report.units >= min(
        FLOORS[name]["floors"]["page_type.all"] for name in FLOORS
    )
