"""What extraction reads and writes: a run's archived pages to read, and what was read from
them, stored for many pages in one transaction.

Extraction itself runs in other processes (:mod:`flows.extraction`); these are its plain,
picklable inputs and outputs, so no ORM object crosses a process boundary.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import Table, delete, func, insert, select, update
from sqlalchemy.orm import Session

from storage.tables import Claim, Page, utcnow

#: A claim row's columns unset by its kind (a flag has no stance or tier): given to every row,
#: so that all rows of a write share one executemany statement.
_CLAIM_DEFAULTS = {"stance": None, "reported_stance": None, "tier": None, "quote": "", "cue": None}


@dataclass(frozen=True)
class ArchivedPage:
    """A stored page and where its archived copy is."""

    id: int
    run_id: int
    site_id: int
    url: str
    content_type: str | None
    warc_file: str
    warc_offset: int


@dataclass(frozen=True)
class PageExtraction:
    """What was read from one page: its claim rows (kind, value, quote ...) and page fields.

    ``page_cues`` is the page's page-type evidence (``[side, phrase, weight]`` each), which the
    site verdict weighs with its other pages' at scoring; ``is_clinic`` the page's own lean.
    """

    page: ArchivedPage
    language: str
    title: str
    is_clinic: bool
    page_cues: list[list[Any]] = field(default_factory=list)
    claims: list[dict[str, Any]] = field(default_factory=list)


def pages_to_extract(
    session: Session,
    run_id: int,
    site_ids: Collection[int] | None = None,
    only_new: bool = False,
) -> list[ArchivedPage]:
    """The run's pages in id order (of ``site_ids`` only, if given; not yet extracted only,
    if ``only_new``)."""
    query = (
        select(
            Page.id,
            Page.run_id,
            Page.site_id,
            Page.url,
            Page.content_type,
            Page.warc_file,
            Page.warc_offset,
        )
        .where(Page.run_id == run_id)
        .order_by(Page.id)
    )
    if site_ids is not None:
        query = query.where(Page.site_id.in_(list(site_ids)))
    if only_new:
        query = query.where(Page.extracted_at.is_(None))
    return [ArchivedPage(*row) for row in session.execute(query)]


def store_extractions(session: Session, extractions: Sequence[PageExtraction]) -> int:
    """Replace everything extracted from these pages; return how many claims were stored.

    Three statements whatever the number of pages: one delete of their earlier claims, one
    executemany insert of all their claims, one executemany update of the pages by id.
    """
    if not extractions:
        return 0
    now = utcnow()
    session.execute(delete(Claim).where(Claim.page_id.in_([e.page.id for e in extractions])))
    rows = [
        {
            "run_id": e.page.run_id,
            "site_id": e.page.site_id,
            "page_id": e.page.id,
            **_CLAIM_DEFAULTS,
            **claim,
        }
        for e in extractions
        for claim in e.claims
    ]
    if rows:
        session.execute(insert(cast(Table, Claim.__table__)), rows)
    session.execute(
        update(Page),
        [
            {
                "id": e.page.id,
                "language": e.language,
                "is_clinic": e.is_clinic,
                "page_cues": e.page_cues,
                "title": e.title,
                "extracted_at": now,
            }
            for e in extractions
        ],
    )
    return len(rows)


def extraction_counts(session: Session, run_id: int, site_ids: Collection[int]) -> dict[str, int]:
    """How many of these sites' pages in the run are extracted, and their claims."""
    pages = select(func.count()).where(
        Page.run_id == run_id, Page.site_id.in_(list(site_ids)), Page.extracted_at.is_not(None)
    )
    claims = select(func.count()).where(Claim.run_id == run_id, Claim.site_id.in_(list(site_ids)))
    return {"pages": session.scalar(pages) or 0, "claims": session.scalar(claims) or 0}
