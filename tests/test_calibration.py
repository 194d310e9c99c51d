"""Calibration: on the demo web, honest clinics grade better than middling, middling than hype.

Pages are rendered straight from the generator (no crawl) and go through the real extraction,
site aggregation and both shipped rubrics, so the test measures the whole scoring chain.
"""

from __future__ import annotations

import statistics
from collections import Counter

import pytest
from w3lib.encoding import html_to_unicode

import demoweb
from extract import extract_document
from flows.page_extraction import claims_of
from score import ClaimRecord, SiteContext, aggregate_site, load_rubric, score_site, site_verdict

KINDS = ("honest", "middling", "hype")


def demo_scores(rubric_name: str) -> dict[str, list[tuple[int, str]]]:
    """Risk score and grade of every clinic of the default demo web, by the site's kind."""
    rubric = load_rubric(rubric_name)
    scores: dict[str, list[tuple[int, str]]] = {kind: [] for kind in KINDS}
    for site in demoweb.generate(n_sites=24, seed=7).sites:
        records, cues = [], []
        for path in site.paths():
            page = site.render(path)
            if page is None or not page.content_type.startswith("text/html"):
                continue
            url = f"https://{site.host}{path}"
            doc = extract_document(html_to_unicode(page.content_type, page.body)[1], url)
            cues.append(doc.page_cues)
            records += [
                ClaimRecord(c["kind"], c["value"], url, c["quote"], c.get("stance"), c.get("tier"))
                for c in claims_of(doc)
            ]
        verdict = site_verdict(cues)  # once per site, over all of its pages, as a run does
        assessment = score_site(
            aggregate_site(records, verdict), SiteContext(verdict, site.country), rubric
        )
        if site.kind in KINDS:
            assert assessment.sells_treatment, f"{site.host} is a {site.kind} clinic"
            assert assessment.risk_score is not None and assessment.grade is not None
            scores[site.kind].append((assessment.risk_score, assessment.grade))
        else:
            assert not assessment.sells_treatment, f"{site.host} is {site.kind}, not a clinic"
            assert (assessment.risk_score, assessment.grade) == (None, None)
    return scores


@pytest.mark.parametrize("rubric_name", ["seed", "strict"])
def test_honest_grades_better_than_middling_and_middling_better_than_hype(
    rubric_name: str,
) -> None:
    scores = demo_scores(rubric_name)
    means = [statistics.mean(risk for risk, _ in scores[kind]) for kind in KINDS]
    medians = [statistics.median(risk for risk, _ in scores[kind]) for kind in KINDS]
    for kind in KINDS:  # the figure of the closing note: `pytest -s` shows it
        grades = Counter(grade for _, grade in scores[kind])
        print(
            f"{rubric_name:6} {kind:9} mean {statistics.mean(r for r, _ in scores[kind]):5.1f}",
            dict(sorted(grades.items())),
        )
    assert means[0] < means[1] < means[2], means
    assert medians[0] < medians[1] < medians[2], medians
    assert medians[2] >= 70, "hype clinics grade F"
    if rubric_name == "seed":  # the demo web's expected bands: honest A-B, middling C-D
        assert medians[0] < 30 and 30 <= medians[1] < 70, medians
