"""One archived page read and extracted into plain rows: the work of an extraction process.

It runs in a pool worker (:mod:`flows.extraction`), so it imports no Prefect and returns only
picklable values; a page that cannot be read or extracted comes back with its problem, never
as an exception.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from crawler import read_response
from extract import READABLE_TYPES, DocumentExtraction, extract_document, media_type, readable_html
from score import cues_to_json, site_verdict
from storage.extractions import ArchivedPage, PageExtraction


@dataclass(frozen=True)
class Outcome:
    """What became of one page: its extraction, or why there is none."""

    page: ArchivedPage
    extraction: PageExtraction | None = None
    #: skipped (not HTML or PDF), unreadable (its archived copy) or failed (extraction)
    problem: str = ""
    message: str = ""


def claims_of(doc: DocumentExtraction) -> list[dict[str, Any]]:
    """Claim rows for the claims table from one page's extraction."""
    reported = doc.stances(sells_treatment=False)
    rows = [
        {
            "kind": "condition",
            "value": c.slug,
            "stance": c.stance,
            "reported_stance": reported[c.slug],
            "tier": c.tier,
            "quote": c.quote,
            "cue": c.cue,
        }
        for c in doc.conditions
    ]
    named = (
        ("cell_source", doc.cell_sources),
        ("origin", doc.origin),
        ("regulator", doc.regulators),
        ("flag", [name for name, on in doc.flags.items() if on]),
        ("signal", sorted(doc.signals)),
    )
    for kind, values in named:
        rows.extend(
            {"kind": kind, "value": v, "quote": doc.evidence.get(f"{kind}:{v}", "")} for v in values
        )
    return rows


def extract_archived(root: Path, page: ArchivedPage) -> Outcome:
    """Read ``page``'s archived copy under ``root`` and extract it (in a pool worker)."""
    # Extraction reads HTML and PDF; anything else is archived but not parsed.
    if media_type(page.content_type) not in READABLE_TYPES:
        return Outcome(page, problem="skipped")
    try:
        response = read_response(root, page.warc_file, page.warc_offset)
    except Exception as exc:  # a missing file, no record there, a corrupt one (warcio's own)
        message = f"cannot read the archived copy of {page.url}: {exc}"
        return Outcome(page, problem="unreadable", message=message)
    try:
        doc = extract_document(readable_html(response.body, page.content_type), page.url)
    except Exception as exc:  # one unparseable page must not sink the run
        message = f"cannot extract {page.url}: {type(exc).__name__}: {exc}"
        return Outcome(page, problem="failed", message=message)
    extraction = PageExtraction(
        page,
        language=doc.language,
        title=doc.title,
        # The page's own lean; the site's verdict weighs all its pages' cues.
        is_clinic=site_verdict([doc.page_cues]).sells_treatment,
        page_cues=[list(cue) for cue in cues_to_json(doc.page_cues)],
        claims=claims_of(doc),
    )
    return Outcome(page, extraction)
