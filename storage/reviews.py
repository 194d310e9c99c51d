"""Reviews: a person's decisions on findings, read and written by the site's domain."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import String, func, select
from sqlalchemy.orm import Session

from storage.tables import Review, Site, SiteCrawl
from storage.writes import upsert

#: The longest reviewer name the ``reviews`` table holds.
REVIEWER_LENGTH = cast(String, Review.__table__.c.reviewer.type).length or 128


@dataclass(frozen=True)
class ReviewRow:
    """One stored decision (see :class:`storage.Review` for what each field means)."""

    domain: str
    kind: str
    value: str
    machine: str
    decision: str
    reviewed: str
    reviewer: str
    note: str
    reviewed_at: datetime
    run_id: int | None
    page_url: str | None
    page_sha256: str | None
    language: str | None


def _row(review: Review) -> ReviewRow:
    return ReviewRow(
        review.domain,
        review.kind,
        review.value,
        review.machine,
        review.decision,
        review.reviewed,
        review.reviewer,
        review.note,
        review.reviewed_at,
        review.run_id,
        review.page_url,
        review.page_sha256,
        review.language,
    )


def record_reviews(session: Session, reviews: Iterable[Mapping[str, Any]]) -> int:
    """Store decisions, each replacing any earlier one on the same (domain, kind, value);
    return how many. All of them go in the caller's transaction, or none."""
    count = 0
    for review in reviews:
        upsert(session, Review, review, ["domain", "kind", "value"])
        count += 1
    return count


def any_reviews(session: Session) -> bool:
    """Whether any decision is stored (most audits have none: nothing to look up then)."""
    return session.scalar(select(Review.id).limit(1)) is not None


def reviewed_sites(session: Session, run_id: int) -> set[int]:
    """The sites of run ``run_id`` whose domain has a reviewer's decision: the only ones whose
    findings a decision can mark, so the others need not be read for reviews."""
    query = (
        select(SiteCrawl.site_id)
        .join(Site, Site.id == SiteCrawl.site_id)
        .where(SiteCrawl.run_id == run_id, Site.domain.in_(select(Review.domain)))
    )
    return set(session.scalars(query))


def reviews_stamp(session: Session) -> tuple[int, datetime | None]:
    """How many decisions are stored and when the latest was made: changes with any decision
    recorded (a reader that caches what decisions imply compares it)."""
    count, latest = session.execute(
        select(func.count(Review.id), func.max(Review.reviewed_at))
    ).one()
    return int(count), latest


def reviews_by_domain(
    session: Session, domains: Collection[str] | None = None
) -> dict[str, list[ReviewRow]]:
    """domain -> its decisions, by kind and value (only ``domains`` if given)."""
    query = select(Review).order_by(Review.domain, Review.kind, Review.value)
    if domains is not None:
        query = query.where(Review.domain.in_(sorted(domains)))
    found: dict[str, list[ReviewRow]] = defaultdict(list)
    for review in session.scalars(query):
        found[review.domain].append(_row(review))
    return dict(found)
