"""Extraction quality: precision, recall and F1 per field, stance and language.

Two sources of truth, measured in one run:

- the labelled development corpus (``tests/extract/corpus``, one folder per page);
- the demo web's ground truth: every public page of ``demoweb.generate()`` is rendered and
  extracted, findings are merged per site with the strongest stance (as the audit does), and
  compared to ``site.truth``.

Usage::

    .venv/bin/python benchmarks/extract_quality.py            # print the tables
    .venv/bin/python benchmarks/extract_quality.py --errors   # also list every stance error
    .venv/bin/python benchmarks/extract_quality.py --pin      # re-pin the gate's floors

``--pin`` rewrites ``tests/extract/quality_floors.json`` (the floors of
``tests/extract/test_quality_gate.py``) from the figures of this run and the corpus's current
fingerprint. It refuses to lower a floor unless ``--allow-lower`` is given, so a lower floor is
always a deliberate, reviewable change.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

import demoweb
from extract import decode_html, extract_document, extract_text
from extract.evaluation import (
    Case,
    Report,
    Summary,
    evaluate_corpus,
    fingerprint,
    load_corpus,
)
from extract.models import FLAG_NAMES, STANCE_RANK, STANCES

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "extract" / "corpus"
FLOORS = ROOT / "tests" / "extract" / "quality_floors.json"
# Floors sit this far under the measured figure, so harmless noise does not fail the gate.
PIN_MARGIN = 0.01


def evaluate_demo_web(n_sites: int = 24, seed: int = 7) -> Report:
    """Score the extractor, merged per site, against the demo web's ground truth."""
    report = Report()
    for site in demoweb.generate(n_sites, seed).sites:
        conditions: dict[str, str] = {}
        sets: dict[str, set[str]] = {"cell_sources": set(), "origin": set(), "regulators": set()}
        flags = dict.fromkeys(FLAG_NAMES, False)
        clinic_pages = 0
        for path in site.paths():
            page = site.render(path)
            if page is None or not page.content_type.startswith("text/html"):
                continue
            doc = extract_document(
                decode_html(page.body, page.content_type), f"http://{site.host}{path}"
            )
            clinic_pages += doc.is_clinic
            for c in doc.conditions:
                if STANCE_RANK[c.stance] > STANCE_RANK.get(conditions.get(c.slug, ""), 0):
                    conditions[c.slug] = c.stance
            sets["cell_sources"].update(doc.cell_sources)
            sets["origin"].update(doc.origin)
            sets["regulators"].update(doc.regulators)
            for name, on in doc.flags.items():
                flags[name] = flags[name] or on
        found = Summary(
            conditions, {k: frozenset(v) for k, v in sets.items()}, flags, clinic_pages > 0
        )
        truth = Summary(
            dict(site.truth.conditions),
            {
                "cell_sources": site.truth.cell_sources,
                "origin": site.truth.origin,
                "regulators": site.truth.regulators,
            },
            dict(site.truth.flags),
            site.kind != "news",
        )
        report.score(site.host, site.language, found, truth)
    return report


def print_report(title: str, report: Report, errors: bool) -> None:
    languages = report.languages()
    print(
        f"\n== {title}: {report.units} units, is_clinic right on {report.clinic_right}, "
        f"claimed conditions on non-clinic units: {report.nonclinic_claims}"
    )
    header = f"{'field':34}" + "".join(f"{lang + ' P/R/F1':>22}" for lang in languages)
    print(header)
    quantities = [f"condition:{s}" for s in STANCES] + ["cell_sources", "origin", "regulators"]
    quantities += [f"flag:{f}" for f in FLAG_NAMES]
    for quantity in quantities:
        row = f"{quantity:34}"
        for lang in languages:
            c = report.get(quantity, lang)
            row += (
                f"{c.precision:>8.3f}{c.recall:>7.3f}{c.f1:>7.3f}"
                if c.expected or c.predicted
                else f"{'-':>22}"
            )
        print(row)
    kinds = Counter((want, got) for _, _, want, got in report.errors)
    print(
        "stance errors (expected -> found): "
        + ", ".join(f"{w}->{g} {n}" for (w, g), n in kinds.most_common())
    )
    if errors:
        for unit, slug, want, got in report.errors:
            print(f"  {unit:40} {slug:28} expected {want:10} found {got}")


def gate_figures(corpus: Report) -> dict[str, float]:
    """The figures the quality gate pins: claimed F1 and disclaimed recall per language."""
    figures = {}
    for lang in corpus.languages():
        figures[f"claimed_f1.{lang}"] = corpus.get("condition:claimed", lang).f1
        figures[f"disclaimed_recall.{lang}"] = corpus.get("condition:disclaimed", lang).recall
    return figures


def pin(corpus: Report, allow_lower: bool) -> None:
    old = json.loads(FLOORS.read_text()) if FLOORS.exists() else {"floors": {}}
    floors = {k: round(max(0.0, v - PIN_MARGIN), 3) for k, v in gate_figures(corpus).items()}
    lowered = {k: (old["floors"][k], v) for k, v in floors.items() if v < old["floors"].get(k, 0)}
    if lowered and not allow_lower:
        sys.exit(f"refusing to lower floors {lowered}; pass --allow-lower if that is intended")
    data = {
        "corpus_sha256": fingerprint(CORPUS),
        "max_nonclinic_claims": corpus.nonclinic_claims,
        "floors": floors,
    }
    FLOORS.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n")
    print(f"\npinned {FLOORS.relative_to(ROOT)}: {data}")


def trafilatura_only_conditions(cases: list[Case]) -> tuple[int, int]:
    """(conditions our visible-text pass finds, conditions only trafilatura's main text finds).

    The extractor reads every visible block itself instead of starting from trafilatura's main
    text; this is the measurement behind that choice: a condition that trafilatura's text
    (favor_recall) would surface and our pass misses counts here.
    """
    import trafilatura

    ours_total = only_theirs = 0
    for case in cases:
        if case.path.suffix == ".txt":
            continue
        html = decode_html(case.path.read_bytes())
        ours = {c.slug for c in extract_document(html).conditions}
        main_text = trafilatura.extract(html, favor_recall=True) or ""
        only_theirs += len({c.slug for c in extract_text(main_text).conditions} - ours)
        ours_total += len(ours)
    return ours_total, only_theirs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--errors", action="store_true", help="list every stance error")
    parser.add_argument("--pin", action="store_true", help="re-pin the gate's floors")
    parser.add_argument("--allow-lower", action="store_true", help="let --pin lower a floor")
    parser.add_argument("--no-demo", action="store_true", help="skip the demo web")
    args = parser.parse_args()
    cases = load_corpus(CORPUS)
    corpus = evaluate_corpus(cases)
    print_report("development corpus", corpus, args.errors)
    ours, only_theirs = trafilatura_only_conditions(cases)
    print(f"\nconditions on corpus pages: {ours} from our visible-text pass, {only_theirs} more "
          "that only trafilatura's main text (favor_recall) would give")
    if not args.no_demo:
        print_report("demo web (per site, strongest stance)", evaluate_demo_web(), args.errors)
    if args.pin:
        pin(corpus, args.allow_lower)


if __name__ == "__main__":
    main()
