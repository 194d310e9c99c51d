"""A run's life and its sites: opened, its sites listed and enrolled, its crawl followed,
reopened to resume, closed.

Sites come out as :class:`RunSite` rows, never as ORM objects, so a caller cannot write
through them by accident.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.tables import CrawlRun, Page, Site, SiteCrawl


@dataclass(frozen=True)
class RunSite:
    """A site as its latest seed file described it (see :class:`storage.Site`)."""

    id: int
    seed_url: str
    host: str
    name: str | None
    country: str | None
    render_js: bool
    kind: str | None
    domain: str | None


def enrol_site(session: Session, run_id: int, site_id: int) -> None:
    """Put a site on run ``run_id``'s list, its crawl pending."""
    session.merge(SiteCrawl(run_id=run_id, site_id=site_id, status="pending"))


def run_sites(
    session: Session, run_id: int, site_ids: Collection[int] | None = None, pending: bool = False
) -> list[RunSite]:
    """The sites of a run in id order (only ``site_ids`` if given; only uncrawled ones if
    ``pending``)."""
    query = select(Site).join(SiteCrawl).where(SiteCrawl.run_id == run_id).order_by(Site.id)
    if site_ids is not None:
        query = query.where(Site.id.in_(list(site_ids)))
    if pending:
        query = query.where(SiteCrawl.status == "pending")
    return [
        RunSite(s.id, s.seed_url, s.host, s.name, s.country, bool(s.render_js), s.kind, s.domain)
        for s in session.scalars(query)
    ]


def crawl_statuses(session: Session, run_id: int) -> Counter[str]:
    """How many of the run's sites are pending, ok, partial or failed."""
    query = (
        select(SiteCrawl.status, func.count())
        .where(SiteCrawl.run_id == run_id)
        .group_by(SiteCrawl.status)
    )
    return Counter({status: count for status, count in session.execute(query)})


def _run(session: Session, run_id: int) -> CrawlRun:
    run = session.get(CrawlRun, run_id)
    if run is None:
        raise LookupError(f"no run {run_id} in the database")
    return run


def reopen_run(session: Session, run_id: int) -> None:
    """Mark a stored run as running again (to resume it).

    Raises:
        LookupError: there is no run ``run_id``.
    """
    run = _run(session, run_id)
    run.status, run.finished_at = "running", None


def record_knowledge(session: Session, run_id: int, kb_name: str, kb_hash: str) -> None:
    """Note which knowledge base (name and hash of what was read) the run was scored with.

    Raises:
        LookupError: there is no run ``run_id``.
    """
    run = _run(session, run_id)
    run.kb_name, run.kb_hash = kb_name, kb_hash


def backdate_run(session: Session, run_id: int, started_at: datetime) -> None:
    """Give a run another start time (stored demo runs stand for earlier periods)."""
    _run(session, run_id).started_at = started_at


def stored_page_count(session: Session) -> int:
    """How many pages the database holds, over every run."""
    return int(session.scalar(select(func.count()).select_from(Page)) or 0)
