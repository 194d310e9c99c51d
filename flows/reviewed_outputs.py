"""Reports and exports as the reviews leave them: each claim marked reviewed, needs re-review
or machine-only, a reviewer's value in place of the machine's."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator

import pandas as pd
from sqlalchemy import Engine

import storage
from flows.findings import Finding
from flows.reviewing import run_agreement, run_findings
from reports import Report
from score.review import REVIEWED
from storage import run_sites
from storage.exports import CHUNK_ROWS, exported_tables
from storage.reviews import any_reviews, reviewed_sites

#: The columns exports add to ``claims`` (``clinic-audit export``), documented in the data
#: dictionary.
EXPORT_REVIEW_COLUMNS = {
    "review": "reviewed (a reviewer's decision applies), needs re-review (the page the "
    "reviewer read has changed) or machine-only.",
    "reviewed_value": "While reviewed: the value the audit uses, a condition's stance or "
    "absent, yes or no for the other kinds; empty otherwise.",
}


def reviewed_report(engine: Engine, report: Report, reviewed_only: bool = False) -> Report:
    """``report`` with each claim marked reviewed, needs re-review or machine-only (a
    reviewer's value in place of the machine's), the agreement of its runs, and with
    ``reviewed_only`` only the findings a reviewer confirmed."""
    from reports import with_reviews

    with storage.sessions(engine)() as session:
        any_review = any_reviews(session)
    findings = _report_findings(engine, report) if any_review else []
    marks = {(f.site_id, f.kind, f.value): (f.status, f.value_used) for f in findings}
    return with_reviews(report, marks, run_agreement(findings), reviewed_only)


def _report_findings(engine: Engine, report: Report) -> list[Finding]:
    """The findings of each site of the report in the latest of the report's runs that
    crawled it (the run a period report reads it from); only of the sites a reviewer decided
    something on (the others' findings are all the machine's)."""
    wanted = {s.site_id for s in report.sites}
    latest: dict[int, int] = {}
    with storage.sessions(engine)() as session:
        for run in report.runs:
            for site in run_sites(session, run.run_id, sorted(wanted)):
                latest[site.id] = max(latest.get(site.id, 0), run.run_id)
        reviewed = {run.run_id: reviewed_sites(session, run.run_id) for run in report.runs}
    by_run: dict[int, list[int]] = defaultdict(list)
    for site_id, run_id in latest.items():
        if site_id in reviewed[run_id]:
            by_run[run_id].append(site_id)
    found: list[Finding] = []
    for run_id, site_ids in sorted(by_run.items()):
        found += run_findings(engine, run_id, site_ids)
    return found


def export_tables(
    engine: Engine, run_id: int | None = None, chunk_rows: int = CHUNK_ROWS
) -> dict[str, Iterator[pd.DataFrame]]:
    """The tables of :func:`storage.exports.exported_tables` (all runs, or only ``run_id``),
    each as its chunks of at most ``chunk_rows`` rows, read as they are written; ``claims``
    with the review columns added (:data:`EXPORT_REVIEW_COLUMNS`)."""
    tables = {table.name: table.chunks(engine, chunk_rows) for table in exported_tables(run_id)}
    with storage.sessions(engine)() as session:
        any_review = any_reviews(session)
    tables["claims"] = _marked_claims(engine, tables["claims"], any_review)
    return tables


def _marked_claims(
    engine: Engine, chunks: Iterable[pd.DataFrame], any_review: bool
) -> Iterator[pd.DataFrame]:
    """The claims' chunks with each claim's review status and reviewed value."""
    marks: dict[tuple[str, str, str], tuple[str, str]] = {}
    marked_run = None  # the run ``marks`` are of: chunks come in run order
    for claims in chunks:
        keys = zip(
            claims["run_id"], claims["site_url"], claims["kind"], claims["value"], strict=True
        )
        found = []
        for run, url, kind, value in keys:
            if any_review and run != marked_run:
                with storage.sessions(engine)() as session:
                    reviewed = reviewed_sites(session, int(run))
                marks = {
                    (f.site_url, f.kind, f.value): (f.status, f.value_used)
                    for f in run_findings(engine, int(run), reviewed)
                }
                marked_run = run
            found.append(marks.get((url, kind, value)))
        # Typed, not inferred: a chunk without a reviewed claim has the same columns' types.
        claims["review"] = pd.Series(
            [m[0] if m else "machine-only" for m in found], index=claims.index, dtype="str"
        )
        claims["reviewed_value"] = pd.Series(
            [m[1] if m and m[0] == REVIEWED else None for m in found],
            index=claims.index,
            dtype="str",
        )
        yield claims
