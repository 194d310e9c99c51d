"""What scoring reads of a site in a run, and what it clears when there is nothing to judge.

The scores, flags and changes themselves are written by :mod:`storage.writes`.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from storage.tables import Claim, Page, SiteFlag, SiteScore
from storage.writes import replace_claim_changes


def site_was_read(session: Session, run_id: int, site_id: int) -> bool:
    """Whether any page of the site was extracted in the run."""
    extracted = select(Page.id).where(
        Page.run_id == run_id, Page.site_id == site_id, Page.extracted_at.is_not(None)
    )
    return session.scalar(extracted.limit(1)) is not None


def site_page_cues(session: Session, run_id: int, site_id: int) -> list[list[Any]]:
    """The stored page-type cues of each of the site's pages in the run, in page order (pages
    not extracted yet, or extracted before cues were stored, have none and are left out)."""
    cues = session.scalars(
        select(Page.page_cues)
        .where(Page.run_id == run_id, Page.site_id == site_id, Page.page_cues.is_not(None))
        .order_by(Page.id)
    )
    return [page for page in cues if page is not None]


def previous_claims_run(session: Session, site_id: int, run_id: int) -> int | None:
    """The latest run before ``run_id`` with claims of the site (what its changes are against)."""
    return session.scalar(
        select(func.max(Claim.run_id)).where(Claim.site_id == site_id, Claim.run_id < run_id)
    )


def forget_assessment(session: Session, run_id: int, site_id: int, rubric: str) -> None:
    """Drop what an earlier scoring stored for a site that now has nothing to judge."""
    session.execute(
        delete(SiteScore).where(
            SiteScore.run_id == run_id, SiteScore.site_id == site_id, SiteScore.rubric == rubric
        )
    )
    session.execute(delete(SiteFlag).where(SiteFlag.run_id == run_id, SiteFlag.site_id == site_id))
    replace_claim_changes(session, run_id=run_id, site_id=site_id, previous_run_id=None, changes=[])
