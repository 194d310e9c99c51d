"""Review use cases: the findings of a run with their decisions, the review spreadsheet (CSV
out and in), agreement between machine and reviewers, and reviewed pages as a labelled corpus.

A web page or the CLI calls these; SQL stays in :mod:`storage`, what a decision means in
:mod:`score.review`, and which decision applies to which finding in :mod:`flows.findings`.
"""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import Engine

import storage
from crawler import read_response
from extract import readable_html, selling_points
from flows.assessment import site_claims, stored_verdict
from flows.findings import Finding, site_findings
from reports import Report
from score import Agreement, agreement_table, resolve
from score.review import (
    ABSENT,
    NEEDS_REREVIEW,
    NO,
    REVIEW_KINDS,
    REVIEWED,
    SELLS_TREATMENT,
    YES,
)
from storage import REVIEWER_LENGTH, RunSite, run_sites, utcnow
from storage.history import page_evidence
from storage.queries import claim_rows, export_frames, scored_site_ids, site_rows
from storage.reviews import any_reviews, record_reviews
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
#: The columns exports add to ``claims`` (``clinic-audit export``), documented in the data
#: dictionary.
EXPORT_REVIEW_COLUMNS = {
    "review": "reviewed (a reviewer's decision applies), needs re-review (the page the "
    "reviewer read has changed) or machine-only.",
    "reviewed_value": "While reviewed: the value the audit uses, a condition's stance or "
    "absent, yes or no for the other kinds; empty otherwise.",
}


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


# -- reports and exports ----------------------------------------------------------------------


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
    crawled it (the run a period report reads it from)."""
    wanted = {s.site_id for s in report.sites}
    latest: dict[int, int] = {}
    with storage.sessions(engine)() as session:
        for run in report.runs:
            for site in run_sites(session, run.run_id, sorted(wanted)):
                latest[site.id] = max(latest.get(site.id, 0), run.run_id)
    by_run: dict[int, list[int]] = defaultdict(list)
    for site_id, run_id in latest.items():
        by_run[run_id].append(site_id)
    found: list[Finding] = []
    for run_id, site_ids in sorted(by_run.items()):
        found += run_findings(engine, run_id, site_ids)
    return found


def export_tables(engine: Engine, run_id: int | None = None) -> dict[str, pd.DataFrame]:
    """:func:`storage.queries.export_frames` with the review columns added to ``claims``
    (:data:`EXPORT_REVIEW_COLUMNS`)."""
    frames = export_frames(engine, run_id)
    claims = frames["claims"]
    with storage.sessions(engine)() as session:
        any_review = any_reviews(session)
    marks: dict[tuple[int, str, str, str], tuple[str, str]] = {}
    if any_review:
        for run in sorted({int(r) for r in claims["run_id"]}):
            for f in run_findings(engine, run):
                marks[(run, f.site_url, f.kind, f.value)] = (f.status, f.value_used)
    keys = zip(claims["run_id"], claims["site_url"], claims["kind"], claims["value"], strict=True)
    found = [marks.get((int(r), u, k, v)) for r, u, k, v in keys]
    claims["review"] = [m[0] if m else "machine-only" for m in found]
    claims["reviewed_value"] = [m[1] if m and m[0] == REVIEWED else None for m in found]
    return frames


# -- reviewed pages as a labelled corpus -----------------------------------------------------


@dataclass(frozen=True)
class CorpusPage:
    folder: Path
    reviewed: int  # decisions that set its labels


def export_corpus(engine: Engine, run_id: int, out: Path) -> list[CorpusPage]:
    """Write each page a reviewer read (the first quote's page of a finding whose decision
    applies) as a folder of the extraction corpus: ``page.html`` (decoded from the archive),
    ``meta.json`` and ``expected.json``.

    ``expected.json`` holds the page's findings as the site's verdict reads them, with every
    reviewed finding of the page in the reviewer's value; ``meta.json`` lists which labels a
    person checked (``reviewed``): the rest are the machine's reading.
    """
    findings = [f for f in run_findings(engine, run_id) if f.status == REVIEWED]
    site_value = {f.site_id: f.value_used == YES for f in findings if f.kind == "site"}
    by_page: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        if f.page_url:
            by_page[f.page_url].append(f)
    written: list[CorpusPage] = []
    with storage.sessions(engine)() as session:
        sites = {s.site_id: s for s in site_rows(session, run_id, "seed")}
        rows = defaultdict(list)
        for claim in claim_rows(session, run_id):
            rows[claim.url].append(claim)
        for number, (url, reviewed) in enumerate(sorted(by_page.items()), start=1):
            site = sites.get(reviewed[0].site_id)
            evidence = page_evidence(session, url, run_id)
            if site is None or evidence is None:
                continue
            response = read_response(
                storage.archive_root(), evidence.warc_file, evidence.warc_offset
            )
            content_type = next(
                (v for k, v in response.headers if k.lower() == "content-type"), None
            )
            sells = site_value.get(site.site_id, bool(site.sells_treatment))
            expected = _expected(rows[url], reviewed, sells)
            folder = out / f"{expected['language']}-reviewed-run{run_id}-{number:04d}"
            folder.mkdir(parents=True, exist_ok=True)
            (folder / "page.html").write_text(
                readable_html(response.body, content_type), encoding="utf-8"
            )
            meta = {
                "models": f"a page of {site.domain or site.seed_url} read by a reviewer",
                "language": expected["language"],
                "country": site.country,
                "url": url,
                "run_id": run_id,
                "reviewed": sorted(f"{f.kind}:{f.value}" for f in reviewed),
            }
            for name, data in (("meta.json", meta), ("expected.json", expected)):
                (folder / name).write_text(
                    json.dumps(data, indent=1, ensure_ascii=False, sort_keys=True) + "\n",
                    encoding="utf-8",
                )
            written.append(CorpusPage(folder, len(reviewed)))
    return written


def _expected(claims: Sequence[Any], reviewed: Sequence[Finding], sells: bool) -> dict[str, Any]:
    """A page's labels in the corpus format: its claims, then the reviewer's values."""
    conditions: dict[str, str] = {}
    named: dict[str, set[str]] = {"cell_source": set(), "origin": set(), "regulator": set()}
    flags = {name: False for name in FLAG_NAMES}
    for claim in claims:
        if claim.kind == "condition":
            stance = claim.stance or "mentioned"
            conditions[claim.value] = "mentioned" if stance == "claimed" and not sells else stance
        elif claim.kind in named:
            named[claim.kind].add(claim.value)
        elif claim.kind == "flag" and claim.value in flags:
            # a site that sells nothing does not make the selling points its pages report
            flags[claim.value] = sells or claim.value not in selling_points()
    for f in reviewed:
        if f.kind == "condition":
            if f.value_used == ABSENT:
                conditions.pop(f.value, None)
            else:
                conditions[f.value] = f.value_used
        elif f.kind == "flag":
            flags[f.value] = f.value_used == YES
        elif f.kind in named:
            (named[f.kind].add if f.value_used == YES else named[f.kind].discard)(f.value)
    language = next((c.language for c in claims if c.language), None) or "und"
    return {
        "language": language,
        "is_clinic": sells,
        "conditions": dict(sorted(conditions.items())),
        "cell_sources": sorted(named["cell_source"]),
        "origin": sorted(named["origin"]),
        "regulators": sorted(named["regulator"]),
        "flags": flags,
    }
