"""Extraction quality: precision, recall and F1 per field, stance, language and page kind.

Sources of truth, measured in one run:

- the real-world corpora, the quality gate that matters: ``../shared/corpus/realworld`` (read
  in place; set ``CLINIC_AUDIT_SHARED_CORPUS`` to move it) and the project's own collection
  ``tests/extract/realworld`` (faithful rewrites of real pages, sources in its ``meta.json``);
- the synthetic corpus (``tests/extract/corpus``, pages the project wrote against its own
  rules): a regression suite, not a measure of real-world quality;
- the demo web's ground truth: every public page of ``demoweb.generate()`` is rendered and
  extracted, findings are merged per site with the strongest stance (as the audit does), and
  compared to ``site.truth``.

Every page is judged as a one-page site by :func:`score.site_verdict`, as ``clinic-audit
extract FILE`` does.

Usage::

    .venv/bin/python benchmarks/extract_quality.py            # print the tables
    .venv/bin/python benchmarks/extract_quality.py --errors   # also list every error
    .venv/bin/python benchmarks/extract_quality.py --pin      # re-pin the gates' floors

``--pin`` rewrites ``tests/extract/quality_floors.json`` (synthetic corpus) and
``tests/extract/realworld_floors.json`` (real-world corpora) from the figures of this run and
the corpora's fingerprints. It refuses to lower a floor unless ``--allow-lower`` is given, so a
lower floor is always a deliberate, reviewable change.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import demoweb
from config import realworld_corpora
from extract import decode_html, extract_document, extract_text
from score import site_verdict
from score.evaluation import (
    SET_FIELDS,
    Case,
    Report,
    Summary,
    evaluate_corpus,
    fingerprint,
    load_corpus,
)
from vocabulary import FLAG_NAMES, STANCE_RANK, STANCES

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "extract" / "corpus"
FLOORS = ROOT / "tests" / "extract" / "quality_floors.json"
REALWORLD_FLOORS = ROOT / "tests" / "extract" / "realworld_floors.json"
# Floors sit this far under the measured figure, so harmless noise does not fail the gate.
PIN_MARGIN = 0.01


def evaluate_demo_web(n_sites: int = 24, seed: int = 7) -> Report:
    """Score the extractor, merged per site, against the demo web's ground truth."""
    report = Report()
    for site in demoweb.generate(n_sites, seed).sites:
        conditions: dict[str, str] = {}
        sets: dict[str, set[str]] = {"cell_sources": set(), "origin": set(), "regulators": set()}
        flags = dict.fromkeys(FLAG_NAMES, False)
        cues = []
        for path in site.paths():
            page = site.render(path)
            if page is None or not page.content_type.startswith("text/html"):
                continue
            doc = extract_document(
                decode_html(page.body, page.content_type), f"http://{site.host}{path}"
            )
            cues.append(doc.page_cues)
            for c in doc.conditions:
                if STANCE_RANK[c.stance] > STANCE_RANK.get(conditions.get(c.slug, ""), 0):
                    conditions[c.slug] = c.stance
            sets["cell_sources"].update(doc.cell_sources)
            sets["origin"].update(doc.origin)
            sets["regulators"].update(doc.regulators)
            for name, on in doc.flags.items():
                flags[name] = flags[name] or on
        sells = site_verdict(cues).sells_treatment
        if not sells:
            conditions = {s: "mentioned" if st == "claimed" else st for s, st in conditions.items()}
        found = Summary(conditions, {k: frozenset(v) for k, v in sets.items()}, flags, sells)
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
        report.score(site.host, (site.language,), found, truth)
    return report


def print_report(title: str, report: Report, errors: bool) -> None:
    slices = report.slices()
    print(
        f"\n== {title}: {report.units} units, sells-treatment verdict right on "
        f"{report.page_type_right}, claimed conditions on units that sell nothing: "
        f"{report.nonclinic_claims}"
    )
    print(f"{'field':34}" + "".join(f"{name[:20] + ' P/R/F1':>28}" for name in slices))
    quantities = [f"condition:{s}" for s in STANCES] + ["vocabulary", "page_type"]
    quantities += [*SET_FIELDS, *(f"flag:{f}" for f in FLAG_NAMES)]
    for quantity in quantities:
        row = f"{quantity:34}"
        for name in slices:
            c = report.get(quantity, name)
            row += (
                f"{c.precision:>10.3f}{c.recall:>9.3f}{c.f1:>9.3f}"
                if c.expected or c.predicted
                else f"{'-':>28}"
            )
        print(row)
    kinds = Counter((e.expected, e.found) for e in report.errors)
    print(
        "stance errors (expected -> found): "
        + ", ".join(f"{w}->{g} {n}" for (w, g), n in kinds.most_common())
    )
    if errors:
        for line in [*report.page_type_errors, *map(str, report.errors)]:
            print(f"  {line}")


def gate_figures(report: Report) -> dict[str, float]:
    """The figures a quality gate pins, per slice: claimed F1, disclaimed recall, page type
    accuracy and vocabulary recall (the last two only where pages carry page-type labels)."""
    figures = {}
    for name in report.slices():
        # a figure over no labelled cases says nothing (pages of non-sellers claim nothing:
        # max_nonclinic_claims pins that)
        if report.get("condition:claimed", name).expected:
            figures[f"claimed_f1.{name}"] = report.get("condition:claimed", name).f1
        if report.get("condition:disclaimed", name).expected:
            figures[f"disclaimed_recall.{name}"] = report.get("condition:disclaimed", name).recall
        if report.get("page_type", name).expected:
            figures[f"page_type.{name}"] = report.get("page_type", name).recall
        figures[f"vocabulary_recall.{name}"] = report.get("vocabulary", name).recall
    return figures


def floors_from(
    report: Report, fingerprint_: str, old: dict[str, Any], allow_lower: bool
) -> dict[str, Any]:
    """A gate's pinned data: floors just under this run's figures, and the corpus fingerprint."""
    floors = {k: round(max(0.0, v - PIN_MARGIN), 3) for k, v in gate_figures(report).items()}
    lowered = {k: (old["floors"][k], v) for k, v in floors.items() if v < old["floors"].get(k, 0)}
    if lowered and not allow_lower:
        sys.exit(f"refusing to lower floors {lowered}; pass --allow-lower if that is intended")
    return {
        "corpus_sha256": fingerprint_,
        "max_nonclinic_claims": report.nonclinic_claims,
        "floors": floors,
    }


def pin(path: Path, pinned: dict[str, Any]) -> None:
    path.write_text(json.dumps(pinned, indent=1, sort_keys=True) + "\n")
    print(f"pinned {path.relative_to(ROOT)}")


def present_corpora() -> dict[str, Path]:
    """The real-world corpora present here: ``shared`` (read in place) and ``own``."""
    corpora = realworld_corpora(ROOT)
    if not corpora["shared"].is_dir():
        print(f"note: no shared corpus at {corpora['shared']}; measuring the project's own only")
    return {name: path for name, path in corpora.items() if path.is_dir()}


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
    parser.add_argument("--errors", action="store_true", help="list every error")
    parser.add_argument("--pin", action="store_true", help="re-pin the gates' floors")
    parser.add_argument("--allow-lower", action="store_true", help="let --pin lower a floor")
    parser.add_argument("--no-demo", action="store_true", help="skip the demo web")
    args = parser.parse_args()
    corpora = present_corpora()
    reports = {name: evaluate_corpus(load_corpus(path)) for name, path in corpora.items()}
    together = evaluate_corpus([case for path in corpora.values() for case in load_corpus(path)])
    print_report(f"real-world corpora ({' + '.join(corpora)})", together, args.errors)
    for name, report in reports.items():
        print_report(f"real-world corpus {name} ({corpora[name]})", report, errors=False)
    cases = load_corpus(CORPUS)
    corpus = evaluate_corpus(cases)
    print_report(
        "synthetic corpus (written by the project: a regression suite)", corpus, args.errors
    )
    ours, only_theirs = trafilatura_only_conditions(cases)
    print(
        f"\nconditions on corpus pages: {ours} from our visible-text pass, {only_theirs} more "
        "that only trafilatura's main text (favor_recall) would give"
    )
    if not args.no_demo:
        print_report("demo web (per site, strongest stance)", evaluate_demo_web(), args.errors)
    if args.pin:
        old = json.loads(REALWORLD_FLOORS.read_text()) if REALWORLD_FLOORS.exists() else {}
        pinned = {
            name: floors_from(
                report, fingerprint(corpora[name]), old.get(name, {"floors": {}}), args.allow_lower
            )
            for name, report in reports.items()
        }
        pin(REALWORLD_FLOORS, {**old, **pinned})
        old = json.loads(FLOORS.read_text()) if FLOORS.exists() else {"floors": {}}
        pin(FLOORS, floors_from(corpus, fingerprint(CORPUS), old, args.allow_lower))


if __name__ == "__main__":
    main()
