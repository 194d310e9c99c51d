"""``clinic-audit demo``: serve the bundled demo web, audit all of it, and grade ourselves.

The demo web knows what each of its sites really claims, so the demo ends by measuring the
extraction against that ground truth, the one number a newcomer should look at first.
"""

from __future__ import annotations

import json
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from rich.table import Table

import demoweb
import storage
from flows.console import console
from flows.findings import Finding
from flows.local_run import print_summary, run_audit
from flows.stages import NO_GRADE, CrawlOptions
from reports import run_report
from score.review import ABSENT, CONFIRM, NO, REJECT, YES
from storage.queries import site_rows


@dataclass(frozen=True)
class Agreement:
    """Precision and recall of one stance over (site, condition) pairs."""

    true_positives: int
    predicted: int
    expected: int

    @property
    def precision(self) -> float:
        return self.true_positives / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.true_positives / self.expected if self.expected else 1.0


def agreement(predicted: dict[str, set[str]], expected: dict[str, set[str]]) -> Agreement:
    """Compare per-site sets of condition slugs (keyed by host)."""
    hosts = predicted.keys() | expected.keys()
    hits = sum(len(predicted.get(h, set()) & expected.get(h, set())) for h in hosts)
    return Agreement(
        hits,
        sum(len(v) for v in predicted.values()),
        sum(len(v) for v in expected.values()),
    )


def site_stances(run_id: int) -> dict[str, dict[str, str]]:
    """host -> condition slug -> site-level stance, as the audit's report reads them (a site
    that sells no treatment claims nothing)."""
    report = run_report(storage.connect(), run_id, "seed")
    claims = report.site_claims()
    return {
        urlsplit(site.seed_url).hostname or "": {
            slug: cond.stance for slug, cond in claims[site.site_id].conditions.items()
        }
        for site in report.sites
    }


def run_demo(sites: int, seed: int, port: int, fast: bool) -> None:
    web = demoweb.generate(n_sites=sites, seed=seed)
    try:
        server = demoweb.serve(web, port=port)
    except OSError:
        console.print(f"[yellow]port {port} is busy; serving the demo web on a free port")
        server = demoweb.serve(web, port=0)
    demo_dir = storage.home() / "demo"
    demo_dir.mkdir(parents=True, exist_ok=True)
    seeds_file = demo_dir / "seeds.csv"
    seeds_file.write_text(demoweb.seeds_csv(web, server.port), encoding="utf-8")
    (demo_dir / "truth.json").write_text(
        json.dumps({s.host: s.truth.to_dict() for s in web.sites}, indent=1, sort_keys=True),
        encoding="utf-8",
    )
    console.print(
        f"Demo web: {len(web.sites)} sites on http://127.0.0.1:{server.port} "
        f"(seeds in {seeds_file})"
    )
    options = CrawlOptions(fast=fast, allow_loopback=True, resolve=("*.test=127.0.0.1",))
    started = time.monotonic()
    with server:
        summary = run_audit(str(seeds_file), "seed", options)
    elapsed = time.monotonic() - started
    review_from_truth(web, summary)
    print_demo_summary(web, summary, elapsed)
    write_demo_outputs()


#: Findings the demo's reviewer decides, from the demo web's ground truth.
DEMO_REVIEWS = 20
DEMO_REVIEWER = "demo (ground truth)"


def true_value(site: demoweb.DemoSite, kind: str, value: str) -> str:
    """What the demo web's ground truth says of a finding of ``site``, in the values a
    decision resolves to (:func:`score.review.resolve`): a condition's stance or ``absent``,
    ``yes`` or ``no`` for the other kinds."""
    if kind == "condition":
        return site.truth.conditions.get(value, ABSENT)
    present = {
        "site": site.kind != "news",
        "flag": site.truth.flags.get(value, False),
        "cell_source": value in site.truth.cell_sources,
        "regulator": value in site.truth.regulators,
    }[kind]
    return YES if present else NO


def truth_decision(machine: str, truth: str) -> str:
    """The decision that gives a finding whose machine value is ``machine`` its true value."""
    if truth == machine:
        return CONFIRM
    if truth in (ABSENT, NO, YES):
        return REJECT
    return truth  # the right stance


def truth_decisions(web: demoweb.DemoWeb, findings: list[Finding]) -> list[dict[str, str]]:
    """A reviewer who knows the demo web's ground truth decides :data:`DEMO_REVIEWS` findings:
    the news sites' verdicts, then one condition per site in turn, then a flag per site."""
    truth = {site.host: site for site in web.sites}
    picked: list[tuple[Finding, demoweb.DemoSite]] = []
    by_site: defaultdict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        by_site[f.site_url].append(f)
    for url, found in sorted(by_site.items()):
        site = truth.get(urlsplit(url).hostname or "")
        if site is None:
            continue
        for f in found:
            if f.kind == "site" and site.kind == "news":
                picked.append((f, site))
    for kind in ("condition", "flag"):
        for url, found in sorted(by_site.items()):
            site = truth.get(urlsplit(url).hostname or "")
            first = next((f for f in found if f.kind == kind), None)
            if site is None or first is None:
                continue
            picked.append((first, site))
    return [
        {
            "site_url": f.site_url,
            "kind": f.kind,
            "value": f.value,
            "decision": truth_decision(f.machine, true_value(site, f.kind, f.value)),
            "reviewer": DEMO_REVIEWER,
            "note": "",
        }
        for f, site in picked[:DEMO_REVIEWS]
    ]


def review_from_truth(web: demoweb.DemoWeb, summary: dict[str, Any]) -> None:
    """Record the demo reviewer's decisions, score the run again with them (its grades in
    ``summary`` too) and rewrite its report and tables, as a reviewer's import followed by
    `clinic-audit score` would."""
    run_id = int(summary["run_id"])
    from flows.reporting import write_report
    from flows.reviewed_outputs import export_tables
    from flows.reviewing import record_decisions, run_findings
    from flows.stages import score
    from reports import write_tables

    engine = storage.connect()
    decisions = truth_decisions(web, run_findings(engine, run_id))
    recorded = record_decisions(engine, run_id, enumerate(decisions, start=1))
    summary["grades"] = dict(score(engine, run_id))
    run_dir = storage.home() / "reports" / f"run-{run_id}"
    write_report(engine, run_id, "seed", run_dir)
    write_tables(export_tables(engine, run_id), run_dir / "tables", "csv")
    console.print(f"A reviewer who knows the demo web's truth decided {recorded} findings.")


def write_demo_outputs() -> None:
    """The quarter's report as HTML and PDF, and every table as CSV and Parquet."""
    from flows.reviewed_outputs import export_tables, reviewed_report
    from reports import SCREENSHOTS_FOLDER as SCREENSHOT_FOLDER
    from reports import NothingToReport, period_report, quarter_of, write_report_files, write_tables

    engine = storage.connect()
    quarter = quarter_of(datetime.now(UTC))
    out = storage.home() / "reports" / quarter.label
    try:
        report = reviewed_report(engine, period_report(engine, quarter, "seed"))
    except NothingToReport as exc:  # the run failed: its own summary said why
        console.print(f"[yellow]no period report: {exc}")
        return
    started = time.monotonic()
    paths = write_report_files(report, out, ("html", "pdf"))
    took = time.monotonic() - started
    pictures = [p for p in paths if p.parent.name == SCREENSHOT_FOLDER]
    console.print(f"Report {quarter.label} (HTML, PDF, manifest) written in {took:.1f}s:")
    for path in paths:
        if path not in pictures:
            console.print(f"  {path}")
    if pictures:
        console.print(
            f"  {out / SCREENSHOT_FOLDER}/: {len(pictures) // 2} screenshots of the cited "
            "pages (PNG, each with its thumbnail)"
        )
    for fmt in ("csv", "parquet"):
        folder = storage.home() / "exports" / fmt
        write_tables(export_tables(engine), folder, fmt)  # read again: the tables stream
        console.print(f"Exports ({fmt}): {folder}")


def print_demo_summary(web: demoweb.DemoWeb, summary: dict[str, object], elapsed: float) -> None:
    run_id = int(summary["run_id"])  # type: ignore[call-overload]
    found = site_stances(run_id)
    engine = storage.connect()
    with storage.sessions(engine)() as session:
        scored = {urlsplit(s.seed_url).hostname: s for s in site_rows(session, run_id, "seed")}

    table = Table(title="Sites by grade and by what the demo web says they are")
    table.add_column("kind")
    table.add_column("sites", justify="right")
    table.add_column("grades found")
    table.add_column("expected")
    by_kind: defaultdict[str, Counter[str]] = defaultdict(Counter)
    expected_bands: dict[str, str] = {}
    for site in web.sites:
        row = scored.get(site.host)
        if row is None or row.sells_treatment is None:
            grade = "?"  # not scored
        elif row.sells_treatment:
            grade = row.grade or "?"
        else:
            grade = NO_GRADE
        by_kind[site.kind][grade] += 1
        expected_bands[site.kind] = site.truth.expected_grades or NO_GRADE
    for kind, grades in sorted(by_kind.items()):
        table.add_row(
            kind,
            str(sum(grades.values())),
            ", ".join(f"{g} {n}" for g, n in sorted(grades.items())),
            " or ".join(expected_bands[kind]) if kind != "news" else NO_GRADE,
        )
    console.print(table)

    claimed = Counter(
        slug for stances in found.values() for slug, st in stances.items() if st == "claimed"
    )
    console.print(
        "Conditions most claimed: "
        + ", ".join(f"{slug} ({n})" for slug, n in claimed.most_common(8))
    )

    quality = Table(title="Extraction against the demo web's ground truth (site, condition) pairs")
    for column in ("stance", "precision", "recall", "found", "expected"):
        quality.add_column(column, justify="right" if column != "stance" else "left")
    for stance in ("claimed", "disclaimed"):
        predicted = {h: {s for s, st in v.items() if st == stance} for h, v in found.items()}
        expected = {
            site.host: {s for s, st in site.truth.conditions.items() if st == stance}
            for site in web.sites
        }
        score = agreement(predicted, expected)
        quality.add_row(
            stance,
            f"{score.precision:.3f}",
            f"{score.recall:.3f}",
            str(score.predicted),
            str(score.expected),
        )
    console.print(quality)
    from flows.cli_review import agreement_table
    from flows.reviewing import run_agreement, run_findings

    reviewed = run_agreement(run_findings(engine, run_id))
    if reviewed:
        console.print(agreement_table(reviewed, "Machine against the demo's reviewer"))
    print_summary(summary)
    console.print(f"Tables:   {storage.home() / 'reports' / f'run-{run_id}' / 'tables'}")
    console.print(f"Demo audit took {elapsed:.1f}s.")
