"""Screenshots of cited pages: which pages a run cites, and the pictures taken of them."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.tables import Claim, Page, Screenshot
from storage.writes import upsert


@dataclass(frozen=True)
class CitedPage:
    """A page of a run that carries claims, where its archived copy is, and its quotes."""

    page_id: int
    run_id: int
    url: str
    content_type: str | None
    sha256: str
    warc_file: str
    warc_offset: int
    quotes: tuple[str, ...]  # distinct, in the order the claims were stored


def cited_pages(session: Session, run_id: int) -> list[CitedPage]:
    """Every page of run ``run_id`` a report can cite: those with a claim read from a quote."""
    query = (
        select(Page, Claim.quote)
        .join(Claim, Claim.page_id == Page.id)
        .where(Page.run_id == run_id, Claim.quote != "")
        .order_by(Page.id, Claim.id)
    )
    pages: dict[int, Page] = {}
    quotes: dict[int, dict[str, None]] = {}
    for page, quote in session.execute(query):
        pages.setdefault(page.id, page)
        quotes.setdefault(page.id, {})[quote] = None
    return [
        CitedPage(
            p.id,
            p.run_id,
            p.url,
            p.content_type,
            p.sha256,
            p.warc_file,
            p.warc_offset,
            tuple(quotes[p.id]),
        )
        for p in pages.values()
    ]


@dataclass(frozen=True)
class ScreenshotRow:
    """One stored screenshot (see :class:`storage.Screenshot` for what each field means)."""

    page_id: int
    run_id: int
    url: str
    page_sha256: str
    quotes_sha256: str
    status: str
    reason: str | None = None
    file: str | None = None
    sha256: str | None = None
    size: int | None = None
    width: int | None = None
    height: int | None = None
    thumbnail: str | None = None
    quotes: int = 0
    highlighted: int = 0
    refused: list[str] = field(default_factory=list)
    seconds: float | None = None
    taken_at: datetime | None = None


def _row(shot: Screenshot) -> ScreenshotRow:
    return ScreenshotRow(
        shot.page_id,
        shot.run_id,
        shot.url,
        shot.page_sha256,
        shot.quotes_sha256,
        shot.status,
        shot.reason,
        shot.file,
        shot.sha256,
        shot.size,
        shot.width,
        shot.height,
        shot.thumbnail,
        shot.quotes,
        shot.highlighted,
        [str(url) for url in shot.refused or []],
        shot.seconds,
        shot.taken_at,
    )


def screenshots_of(session: Session, page_ids: Collection[int]) -> dict[int, ScreenshotRow]:
    """page id -> its screenshot row, for those of ``page_ids`` that have one."""
    found: dict[int, ScreenshotRow] = {}
    ids = sorted(page_ids)
    for start in range(0, len(ids), 500):  # bounded IN lists
        query = select(Screenshot).where(Screenshot.page_id.in_(ids[start : start + 500]))
        found.update({s.page_id: _row(s) for s in session.scalars(query)})
    return found


def cited_screenshots(
    session: Session, run_id: int, site_ids: Collection[int]
) -> dict[int, ScreenshotRow]:
    """page id -> its screenshot row, for the pages of ``site_ids`` in run ``run_id`` that
    carry a claim and have one."""
    found: dict[int, ScreenshotRow] = {}
    ids = sorted(site_ids)
    cited = select(Claim.page_id).where(Claim.page_id == Screenshot.page_id).exists()
    for start in range(0, len(ids), 500):  # bounded IN lists
        query = (
            select(Screenshot)
            .join(Page, Page.id == Screenshot.page_id)
            .where(Page.run_id == run_id, Page.site_id.in_(ids[start : start + 500]), cited)
        )
        found.update({s.page_id: _row(s) for s in session.scalars(query)})
    return found


def taken_shots(session: Session, payloads: Collection[str]) -> list[ScreenshotRow]:
    """The pictures taken (status ok) of any page whose payload digest is in ``payloads``."""
    digests = sorted(payloads)
    rows: list[ScreenshotRow] = []
    for start in range(0, len(digests), 500):
        query = (
            select(Screenshot)
            .where(
                Screenshot.page_sha256.in_(digests[start : start + 500]),
                Screenshot.status == "ok",
            )
            .order_by(Screenshot.id)
        )
        rows += [_row(s) for s in session.scalars(query)]
    return rows


def record_screenshots(session: Session, rows: Iterable[Mapping[str, Any]]) -> int:
    """Store screenshot rows, each replacing the page's earlier one; return how many."""
    count = 0
    for row in rows:
        upsert(session, Screenshot, row, ["page_id"])
        count += 1
    return count
