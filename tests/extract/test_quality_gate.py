"""Quality gate: extraction must not get worse on the labelled development corpus.

The floors and the corpus fingerprint live in ``quality_floors.json``. When the corpus changes
(a page added or relabelled) or a floor has to move, re-pin explicitly and commit the diff:

    .venv/bin/python benchmarks/extract_quality.py --pin            # raises floors only
    .venv/bin/python benchmarks/extract_quality.py --pin --allow-lower

so a lower floor or an edited corpus is always a visible, reviewed change, never a silent one.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from extract.evaluation import Report, evaluate_corpus, fingerprint, load_corpus

HERE = Path(__file__).parent
CORPUS = HERE / "corpus"
PINNED = json.loads((HERE / "quality_floors.json").read_text())
HOW = "re-pin with `.venv/bin/python benchmarks/extract_quality.py --pin` (see this module)"


@pytest.fixture(scope="module")
def report() -> Report:
    return evaluate_corpus(load_corpus(CORPUS))


def test_corpus_is_the_pinned_one() -> None:
    assert fingerprint(CORPUS) == PINNED["corpus_sha256"], f"the corpus changed: {HOW}"


def test_corpus_is_large_and_bilingual() -> None:
    cases = load_corpus(CORPUS)
    assert len(cases) >= 80
    by_language = {lang: sum(c.language == lang for c in cases) for lang in ("en", "es")}
    assert min(by_language.values()) >= 30, by_language
    assert sum(not c.expected["is_clinic"] for c in cases) >= 15  # news, journals, regulators


@pytest.mark.parametrize("name", sorted(PINNED["floors"]))
def test_figure_stays_above_its_floor(report: Report, name: str) -> None:
    measure, language = name.split(".")
    stance, figure = measure.split("_")
    counts = report.get(f"condition:{stance}", language)
    value = counts.f1 if figure == "f1" else counts.recall
    assert value >= PINNED["floors"][name], f"{name} = {value:.3f} < floor; fix it or {HOW}"


def test_no_claimed_condition_on_a_page_that_is_not_a_clinic(report: Report) -> None:
    assert report.nonclinic_claims <= PINNED["max_nonclinic_claims"]
