"""Reviewed pages as a labelled corpus (``clinic-audit review export --corpus``): each page
a reviewer read, decoded from the archive, with its labels as the reviewer left them."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

import storage
from crawler import read_response
from extract import readable_html, selling_points
from flows.findings import Finding
from flows.reviewing import run_findings
from score.review import ABSENT, REVIEWED, YES
from storage.history import page_evidence
from storage.queries import claim_rows, site_rows
from vocabulary import FLAG_NAMES


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
