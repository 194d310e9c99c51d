"""Review use cases: the findings of a run with their decisions, the review spreadsheet (CSV
out and in), agreement between machine and reviewers. What reviews change in reports and
exports is in :mod:`flows.reviewed_outputs`, reviewed pages as a labelled corpus in
:mod:`flows.review_corpus`.

A web page or the CLI calls these; SQL stays in :mod:`storage`, what a decision means in
:mod:`score.review`, and which decision applies to which finding in :mod:`flows.findings`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import Engine

import storage
from flows.assessment import site_claims, stored_verdict
from flows.findings import Finding, site_findings
from score import Agreement, agreement_table, resolve
from score.review import (
    ABSENT,
    NEEDS_REREVIEW,
    NO,
    REVIEW_KINDS,
    REVIEWED,
    SELLS_TREATMENT,
)
from storage import REVIEWER_LENGTH, RunSite, run_sites, utcnow
from storage.queries import scored_site_ids
from storage.reviews import record_reviews
from vocabulary import FLAG_NAMES, load_conditions

#: The spreadsheet's contract: these columns first, in this order (more may follow).
CONTRACT_COLUMNS = ("site_url", "kind", "value", "machine", "decision", "reviewer", "note")
#: What follows them in an export; import reads only the contract columns.
CONTEXT_COLUMNS = (
    "status",
    "previous_decision",
    "quote",
    "page_url",
    "page_sha256",
    "language",
    "reviewed_at",
)


class ReviewImportError(ValueError):
    """A review sheet that cannot be imported; ``problems`` are ``(line, reason)``."""

    def __init__(self, problems: list[tuple[int, str]]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"line {line}: {reason}" for line, reason in problems))


def run_findings(
    engine: Engine, run_id: int, site_ids: Iterable[int] | None = None
) -> list[Finding]:
    """Every finding of every scored site of the run (or of ``site_ids``), with its decision."""
    with storage.sessions(engine)() as session:
        scored = scored_site_ids(session, run_id)
        wanted = scored if site_ids is None else scored & set(site_ids)
        found: list[Finding] = []
        for site in run_sites(session, run_id, sorted(wanted)):
            verdict = stored_verdict(session, run_id, site)
            claims = site_claims(session, run_id, site.id, verdict)
            found += site_findings(session, run_id, site, verdict, claims)
    return found


# -- the spreadsheet -----------------------------------------------------------------------


def findings_csv(findings: Sequence[Finding]) -> str:
    """The review sheet of ``findings``: contract columns, then context. A decision that
    applies is filled in (importing the sheet again changes nothing); one whose page has
    changed shows as ``needs re-review`` with an empty decision and the old one beside it."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow((*CONTRACT_COLUMNS, *CONTEXT_COLUMNS))
    for f in findings:
        current = f.review if f.status == REVIEWED else None
        outdated = f.review if f.status == NEEDS_REREVIEW else None
        writer.writerow(
            (
                f.site_url,
                f.kind,
                f.value,
                f.machine,
                current.decision if current else "",
                current.reviewer if current else "",
                current.note if current else "",
                f.status,
                f"{outdated.decision} ({outdated.reviewer})" if outdated else "",
                spreadsheet_safe(f.quote),
                spreadsheet_safe(f.page_url or ""),
                f.page_sha256 or "",
                f.language or "",
                current.reviewed_at.isoformat() if current else "",
            )
        )
    return out.getvalue()


def spreadsheet_safe(text: str) -> str:
    """Scraped ``text`` as a spreadsheet cell that stays text: one starting like a formula
    (``=``, ``+``, ``-``, ``@``, a tab or carriage return) is prefixed with an apostrophe,
    so a hostile page cannot put a formula into a reviewer's spreadsheet."""
    return "'" + text if text.startswith(("=", "+", "-", "@", "\t", "\r")) else text


def import_csv(engine: Engine, run_id: int, text: str) -> int:
    """Record the decisions of a review sheet against the findings of ``run_id``, all in one
    transaction; return how many were new or changed.

    Rows with an empty decision are skipped, and so are rows that repeat the decision that
    holds (same decision, reviewer and note: its time stays when it was made). The
    ``machine`` column must be what the run's machine says (the sheet was exported from this
    run), so a decision is never recorded against a finding the reviewer did not see.

    Raises:
        ReviewImportError: the header or any row is wrong; every problem is listed with its
            line number and nothing is recorded.
    """
    first_line = text.partition("\n")[0]
    # Spreadsheets in many locales save with semicolons.
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")), delimiter=delimiter)
    header = tuple(name.strip() for name in reader.fieldnames or ())
    if header[: len(CONTRACT_COLUMNS)] != CONTRACT_COLUMNS:
        expected, found = ",".join(CONTRACT_COLUMNS), ",".join(header)
        raise ReviewImportError([(1, f"the header must start with {expected}; it is {found}")])
    return record_decisions(engine, run_id, ((reader.line_num, row) for row in _stripped(reader)))


def _stripped(reader: csv.DictReader[str]) -> Iterable[dict[str, str]]:
    for raw in reader:
        yield {k.strip(): (v or "").strip() for k, v in raw.items() if k is not None}


def record_decisions(
    engine: Engine, run_id: int, decisions: Iterable[tuple[int, Mapping[str, str]]]
) -> int:
    """Record numbered decisions on findings of ``run_id``, all in one transaction, or none;
    return how many were new or changed. What a CLI, a sheet or a web page calls.

    Each decision is ``(number, row)``, the number naming it in errors (a sheet's line), the
    row the sheet's columns: ``site_url``, ``kind``, ``value``, ``decision``, ``reviewer``,
    ``note`` and, from a sheet, ``machine`` (what the machine said when the reviewer looked;
    without it, the run's). A row with an empty decision is skipped, and so is one that
    repeats the decision that holds (same decision, reviewer and note).

    Raises:
        ReviewImportError: every bad row, by number; nothing is recorded.
    """
    decisions = list(decisions)
    with storage.sessions(engine)() as session:
        scored = scored_site_ids(session, run_id)
        sites = {s.seed_url: s for s in run_sites(session, run_id) if s.id in scored}
    # Only the findings of the sites named: a web page's one decision reads one site.
    named = {sites[row["site_url"]].id for _, row in decisions if row.get("site_url") in sites}
    findings = {(f.site_url, f.kind, f.value): f for f in run_findings(engine, run_id, named)}
    rows: list[dict[str, Any]] = []
    problems: list[tuple[int, str]] = []
    seen: dict[tuple[str, str, str], int] = {}
    for line, row in decisions:
        if not row.get("decision"):
            continue
        try:
            values = _review_values(row, run_id, sites, findings)
        except ValueError as exc:
            problems.append((line, str(exc)))
            continue
        key = (row.get("site_url", ""), row.get("kind", ""), row.get("value", ""))
        if key in seen:
            problems.append((line, f"the same finding as line {seen[key]}"))
        seen.setdefault(key, line)
        if values is not None:
            rows.append(values)
    if problems:
        raise ReviewImportError(problems)
    with storage.sessions(engine).begin() as session:
        return record_reviews(session, rows)


def _review_values(
    row: Mapping[str, str],
    run_id: int,
    sites: Mapping[str, RunSite],
    findings: Mapping[tuple[str, str, str], Finding],
) -> dict[str, Any] | None:
    """The reviews row of one sheet row (None: the decision that holds, unchanged), or
    ValueError saying what is wrong with it."""
    url, kind, value = row.get("site_url", ""), row.get("kind", ""), row.get("value", "")
    site = sites.get(url)
    if site is None:
        raise ValueError(f"{url!r} is not a site judged in run {run_id}")
    if kind not in REVIEW_KINDS:
        raise ValueError(f"unknown kind {kind!r}: use {', '.join(REVIEW_KINDS)}")
    if not site.domain:  # stored by code that predates reviews: nothing to key a decision by
        raise ValueError(f"{url!r} has no domain recorded: run `clinic-audit db upgrade`")
    if not row.get("reviewer"):
        raise ValueError("no reviewer named")
    if len(row["reviewer"]) > REVIEWER_LENGTH:
        raise ValueError(f"a reviewer's name has at most {REVIEWER_LENGTH} characters")
    said = row.get("machine")  # None: the caller saw the run's own finding
    finding = findings.get((url, kind, value))
    if finding is None:
        _check_new_value(kind, value)
        machine = ABSENT if kind == "condition" else NO
        if said not in (None, "", machine):
            raise ValueError(f"the machine did not find {kind} {value!r} in run {run_id}")
    else:
        machine = finding.machine
        if said is not None and said != machine:
            raise ValueError(
                f"the machine says {machine!r} for {kind} {value!r} in run {run_id}, the sheet "
                f"{said!r}: export the sheet of this run again (or import with --run)"
            )
    reviewed = resolve(kind, machine, row["decision"])
    held = finding.review if finding and finding.status == REVIEWED else None
    if held and (held.decision, held.reviewer, held.note) == (
        row["decision"],
        row["reviewer"],
        row.get("note", ""),
    ):
        return None
    return {
        "domain": site.domain,
        "kind": kind,
        "value": value,
        "machine": machine,
        "decision": row["decision"],
        "reviewed": reviewed,
        "reviewer": row["reviewer"],
        "note": row.get("note", ""),
        "reviewed_at": utcnow(),
        "run_id": run_id,
        "page_url": finding.page_url if finding else None,
        "page_sha256": finding.page_sha256 if finding else None,
        "language": finding.language if finding else None,
    }


def _check_new_value(kind: str, value: str) -> None:
    """A finding the machine did not make must still name something the audit knows."""
    if kind == "condition" and value not in {c.slug for c in load_conditions()}:
        raise ValueError(f"{value!r} is not a condition of the vocabulary")
    if kind == "flag" and value not in FLAG_NAMES:
        raise ValueError(f"unknown flag {value!r}: use {', '.join(FLAG_NAMES)}")
    if kind == "site" and value != SELLS_TREATMENT:
        raise ValueError(f"a site finding is {SELLS_TREATMENT}, not {value!r}")
    if not value or len(value) > 64:
        raise ValueError("the value must be a slug of 1 to 64 characters")


# -- agreement -------------------------------------------------------------------------------


def run_agreement(findings: Iterable[Finding]) -> list[Agreement]:
    """Machine against reviewer over the findings whose decision applies, per field (kind)
    and per language (of the site's pages)."""
    return agreement_table(
        (f.kind, f.language, f.machine, f.review.reviewed)
        for f in findings
        if f.review is not None and f.status == REVIEWED
    )
