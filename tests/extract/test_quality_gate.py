"""Quality gates: extraction must not get worse on the labelled corpora.

Two gates, each with floors and a corpus fingerprint pinned in a JSON file beside this module:

- the real-world corpora (``realworld_floors.json``), the gate that matters: the shared set
  ``../shared/corpus/realworld`` (read in place, never copied; ``CLINIC_AUDIT_SHARED_CORPUS``
  moves it) and the project's own ``tests/extract/realworld``, with floors per language and per
  page kind;
- the synthetic corpus (``quality_floors.json``), pages the project wrote against its own
  rules: a regression suite only.

A failing floor prints the errors behind it. When a corpus changes (a page added or
relabelled) or a floor has to move, re-pin explicitly and commit the diff:

    .venv/bin/python benchmarks/extract_quality.py --pin            # raises floors only
    .venv/bin/python benchmarks/extract_quality.py --pin --allow-lower

so a lower floor or an edited corpus is always a visible, reviewed change, never a silent one.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from config import realworld_corpora
from score.evaluation import (
    Report,
    evaluate_corpus,
    fingerprint,
    load_corpus,
)

HERE = Path(__file__).parent
SYNTHETIC = HERE / "corpus"
REALWORLD = realworld_corpora(HERE.parents[1])
PINNED_SYNTHETIC = json.loads((HERE / "quality_floors.json").read_text())
PINNED_REALWORLD = json.loads((HERE / "realworld_floors.json").read_text())
HOW = "re-pin with `.venv/bin/python benchmarks/extract_quality.py --pin` (see this module)"


def _corpus(name: str) -> Path:
    path = SYNTHETIC if name == "synthetic" else REALWORLD[name]
    if not path.is_dir():
        pytest.skip(f"the {name} corpus is not on this machine ({path})")
    return path


@pytest.fixture(scope="module")
def reports() -> dict[str, Report]:
    found = {}
    for name in ("synthetic", *REALWORLD):
        path = SYNTHETIC if name == "synthetic" else REALWORLD[name]
        if path.is_dir():
            found[name] = evaluate_corpus(load_corpus(path))
    return found


def _pinned(name: str) -> dict:
    return PINNED_SYNTHETIC if name == "synthetic" else PINNED_REALWORLD[name]


def _figure(report: Report, name: str) -> float:
    measure, slice_ = name.split(".", 1)
    if measure == "page_type":
        return report.get("page_type", slice_).recall
    if measure == "vocabulary_recall":
        return report.get("vocabulary", slice_).recall
    stance, figure = measure.split("_")
    counts = report.get(f"condition:{stance}", slice_)
    return counts.f1 if figure == "f1" else counts.recall


def _floors() -> list[tuple[str, str]]:
    pairs = [("synthetic", k) for k in sorted(PINNED_SYNTHETIC["floors"])]
    for corpus in REALWORLD:
        pairs += [(corpus, k) for k in sorted(PINNED_REALWORLD[corpus]["floors"])]
    return pairs


@pytest.mark.parametrize("corpus", ["synthetic", *REALWORLD])
def test_corpus_is_the_pinned_one(corpus: str) -> None:
    assert fingerprint(_corpus(corpus)) == _pinned(corpus)["corpus_sha256"], (
        f"the {corpus} corpus changed: {HOW}"
    )


def test_realworld_corpora_are_large_bilingual_and_varied() -> None:
    cases = load_corpus(_corpus("own")) + load_corpus(_corpus("shared"))
    assert len(cases) >= 150
    by_language = {lang: sum(c.language == lang for c in cases) for lang in ("en", "es")}
    assert min(by_language.values()) >= 40, by_language
    assert sum(not c.expected["is_clinic"] for c in cases) >= 30  # news, regulators, advocacy


def test_synthetic_corpus_is_large_and_bilingual() -> None:
    cases = load_corpus(_corpus("synthetic"))
    assert len(cases) >= 80
    by_language = {lang: sum(c.language == lang for c in cases) for lang in ("en", "es")}
    assert min(by_language.values()) >= 30, by_language


@pytest.mark.parametrize(("corpus", "name"), _floors())
def test_figure_stays_above_its_floor(reports: dict[str, Report], corpus: str, name: str) -> None:
    _corpus(corpus)
    report = reports[corpus]
    value = _figure(report, name)
    floor = _pinned(corpus)["floors"][name]
    errors = "\n".join([*report.page_type_errors, *map(str, report.errors)])
    assert value >= floor, f"{corpus} {name} = {value:.3f} < {floor}; fix it or {HOW}\n{errors}"


@pytest.mark.parametrize("corpus", ["synthetic", *REALWORLD])
def test_claims_on_pages_that_sell_nothing_stay_pinned(
    reports: dict[str, Report], corpus: str
) -> None:
    _corpus(corpus)
    assert reports[corpus].nonclinic_claims <= _pinned(corpus)["max_nonclinic_claims"]
