"""What the crawler needs to know of earlier fetches: copies to revisit, pages to resume past.

Kept apart from :mod:`storage.queries` so the crawler process does not import pandas.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, tuple_
from sqlalchemy.orm import Session

from storage.tables import CrawlRun, Page


@dataclass(frozen=True)
class StoredCopy:
    """An archived page: its payload digest, status and the record holding its bytes."""

    site_id: int
    url: str
    status: int
    sha256: str
    warc_file: str
    warc_offset: int


def _copy(page: Page) -> StoredCopy:
    return StoredCopy(
        page.site_id, page.url, page.status, page.sha256, page.warc_file, page.warc_offset
    )


def previous_copies(session: Session, run_id: int, site_ids: Iterable[int]) -> list[StoredCopy]:
    """The pages of each site's latest run before ``run_id`` (the copies a revisit refers to)."""
    site_ids = list(site_ids)
    if not site_ids:
        return []
    latest = session.execute(
        select(Page.site_id, func.max(Page.run_id))
        .where(Page.site_id.in_(site_ids), Page.run_id < run_id)
        .group_by(Page.site_id)
    ).all()
    if not latest:
        return []
    pairs = [(site_id, run) for site_id, run in latest]
    pages = session.scalars(select(Page).where(tuple_(Page.site_id, Page.run_id).in_(pairs)))
    return [_copy(page) for page in pages]


def stored_pages(session: Session, run_id: int) -> list[StoredCopy]:
    """The pages a run already holds (what a resumed crawl must not fetch again)."""
    return [_copy(page) for page in session.scalars(select(Page).where(Page.run_id == run_id))]


@dataclass(frozen=True)
class PageEvidence:
    """Where the archived copy of a page fetched in one run is, and when it was fetched."""

    run_id: int
    url: str
    fetched_at: datetime
    warc_file: str
    warc_offset: int
    revisit_file: str | None
    revisit_offset: int | None
    sha256: str


def page_evidence(session: Session, url: str, run_id: int | None = None) -> PageEvidence | None:
    """The page row of ``url`` in run ``run_id`` (default: the latest run that fetched it)."""
    query = select(Page).where(Page.url == url)
    if run_id is not None:
        query = query.where(Page.run_id == run_id)
    page = session.scalars(query.order_by(Page.run_id.desc()).limit(1)).first()
    if page is None:
        return None
    return PageEvidence(
        page.run_id,
        page.url,
        page.fetched_at,
        page.warc_file,
        page.warc_offset,
        page.revisit_file,
        page.revisit_offset,
        page.sha256,
    )


@dataclass(frozen=True)
class ArchivedPage:
    """A page of a run as its evidence package lists it, with the WARC files it needs."""

    url: str
    status: int
    fetched_at: datetime
    title: str | None
    warc_file: str
    revisit_file: str | None


def archived_pages(session: Session, run_id: int) -> list[ArchivedPage]:
    """Every page run ``run_id`` stored, in the order it fetched them."""
    query = select(Page).where(Page.run_id == run_id).order_by(Page.fetched_at, Page.id)
    return [
        ArchivedPage(p.url, p.status, p.fetched_at, p.title, p.warc_file, p.revisit_file)
        for p in session.scalars(query)
    ]


def latest_unfinished_run(session: Session) -> int | None:
    """The newest run whose crawl never finished (still 'running', or 'failed')."""
    query = select(func.max(CrawlRun.id)).where(CrawlRun.status.in_(("running", "failed")))
    return session.scalar(query)
