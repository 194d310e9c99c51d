"""Read-side queries for reports and exports: rows out, no ORM objects escaping."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.tables import (
    Claim,
    ClaimChange,
    CrawlRun,
    Page,
    Site,
    SiteCrawl,
    SiteScore,
)


@dataclass(frozen=True)
class SiteRow:
    """A site of a run with its crawl outcome, its verdict and its score.

    ``sells_treatment`` is None for a site that was not scored (no page could be read);
    ``risk_score`` and ``grade`` are None for one that sells no treatment as well.
    """

    site_id: int
    seed_url: str
    name: str | None
    country: str | None
    crawl_status: str
    pages: int
    errors: list[dict[str, str]]
    sells_treatment: bool | None
    risk_score: int | None
    grade: str | None
    reasons: list[dict[str, Any]]
    verdict_reasons: list[str] = field(default_factory=list)
    kind: str | None = None  # the seed file's
    # The languages of the site's extracted pages (ISO 639-1): why a site that was read was not
    # scored when none of them is one extraction reads.
    languages: list[str] = field(default_factory=list)
    domain: str | None = None  # the seed URL's registrable domain, which reviews are keyed by


@dataclass(frozen=True)
class ClaimRow:
    site_id: int
    kind: str
    value: str
    stance: str | None
    tier: str | None
    quote: str
    url: str
    # Where the archived copy of the page is, so a reader can check the quote against it.
    fetched_at: datetime | None = None
    warc_file: str | None = None
    sha256: str | None = None
    warc_offset: int | None = None
    language: str | None = None  # the page's
    page_id: int | None = None  # the page the claim was read from (its screenshot's key)
    # The page's stance were the site not selling treatment (``claims.reported_stance``).
    reported_stance: str | None = None
    # Whether a person checked the finding: reviewed, needs re-review, or None (machine only).
    # Last: it is no column of :func:`claim_rows`, which builds rows from columns in field order.
    review: str | None = None


@dataclass(frozen=True)
class ChangeRow:
    site_id: int
    previous_run_id: int
    change: str  # added | removed
    kind: str
    value: str
    quote: str
    url: str | None
    run_id: int = 0


@dataclass(frozen=True)
class RunInfo:
    run_id: int
    started_at: datetime | None
    finished_at: datetime | None
    status: str
    seeds_source: str
    kb_name: str | None
    kb_hash: str | None


def latest_run_id(session: Session) -> int | None:
    return session.scalar(select(func.max(CrawlRun.id)))


def site_rows(session: Session, run_id: int, rubric: str) -> list[SiteRow]:
    """Every site of a run with its crawl outcome and score, riskiest first."""
    query = (
        select(Site, SiteCrawl, SiteScore)
        .join(SiteCrawl, SiteCrawl.site_id == Site.id)
        .outerjoin(
            SiteScore,
            (SiteScore.site_id == Site.id)
            & (SiteScore.run_id == run_id)
            & (SiteScore.rubric == rubric),
        )
        .where(SiteCrawl.run_id == run_id)
    )
    rows = [
        SiteRow(
            site.id,
            site.seed_url,
            site.name,
            site.country,
            crawl.status,
            crawl.pages,
            list(crawl.errors or []),
            score.sells_treatment if score else None,
            score.risk_score if score else None,
            score.grade if score else None,
            list(score.reasons or []) if score else [],
            [str(r) for r in score.verdict_reasons or []] if score else [],
            site.kind,
            sorted(page_languages(session, run_id, site.id)) if score is None else [],
            site.domain,
        )
        for site, crawl, score in session.execute(query)
    ]
    return sorted(rows, key=lambda r: (-(r.risk_score or -1), r.seed_url))


def page_languages(session: Session, run_id: int, site_id: int) -> set[str]:
    """The languages of a site's extracted pages in one run."""
    return set(
        session.scalars(
            select(Page.language)
            .where(Page.run_id == run_id, Page.site_id == site_id, Page.language.is_not(None))
            .distinct()
        )
    )


def scored_site_ids(session: Session, run_id: int) -> set[int]:
    """The sites of a run that have a stored score (under any rubric): the ones judged."""
    return set(session.scalars(select(SiteScore.site_id).where(SiteScore.run_id == run_id)))


def page_digests(session: Session, run_id: int, site_id: int) -> dict[str, str]:
    """page URL -> SHA-256 of its payload, for a site's pages in one run."""
    query = select(Page.url, Page.sha256).where(Page.run_id == run_id, Page.site_id == site_id)
    return {url: digest for url, digest in session.execute(query)}


def claim_cue(
    session: Session, run_id: int, site_id: int, kind: str, value: str, page_url: str, quote: str
) -> str | None:
    """The cue of one claim of a run (the words that decided its stance), found by its site,
    kind, value, page and quote; None when it has none or is not there."""
    query = (
        select(Claim.cue)
        .join(Page, Page.id == Claim.page_id)
        .where(
            Claim.run_id == run_id,
            Claim.site_id == site_id,
            Claim.kind == kind,
            Claim.value == value,
            Claim.quote == quote,
            Page.url == page_url,
        )
        .order_by(Claim.cue.is_(None), Claim.id)
        .limit(1)
    )
    return session.scalar(query)


def site_language(session: Session, run_id: int, site_id: int) -> str | None:
    """The language most of a site's extracted pages are in (the first by name on a tie)."""
    query = (
        select(Page.language, func.count())
        .where(Page.run_id == run_id, Page.site_id == site_id, Page.language.is_not(None))
        .group_by(Page.language)
    )
    counts = sorted(session.execute(query), key=lambda row: (-row[1], row[0]))
    return counts[0][0] if counts else None


def claim_rows(session: Session, run_id: int, site_id: int | None = None) -> list[ClaimRow]:
    """Every claim of a run (only site ``site_id``'s if given) with the page it was read from
    and that page's archived copy, in page order."""
    # Columns, not ``Claim`` entities: a run holds tens of claims per page, and building an ORM
    # instance (identity map, state) for each cost more than the scoring that reads them.
    query = (
        select(
            Claim.site_id,
            Claim.kind,
            Claim.value,
            Claim.stance,
            Claim.tier,
            Claim.quote,
            Page.url,
            Page.fetched_at,
            Page.warc_file,
            Page.sha256,
            Page.warc_offset,
            Page.language,
            Claim.page_id,
            Claim.reported_stance,
        )
        .join(Page, Claim.page_id == Page.id)
        .where(Claim.run_id == run_id)
        .order_by(Claim.site_id, Page.id, Claim.id)
    )
    if site_id is not None:
        query = query.where(Claim.site_id == site_id)
    # The columns are ClaimRow's fields in order: built by position, a run's hundreds of
    # thousands of rows skip a mapping and keyword matching each (a third of this call's cost).
    return [ClaimRow(*row) for row in session.execute(query)]


def change_rows(session: Session, run_id: int) -> list[ChangeRow]:
    """What each site of the run added or removed since its previous run."""
    query = (
        select(ClaimChange)
        .where(ClaimChange.run_id == run_id)
        .order_by(ClaimChange.site_id, ClaimChange.change, ClaimChange.kind, ClaimChange.value)
    )
    return [
        ChangeRow(c.site_id, c.previous_run_id, c.change, c.kind, c.value, c.quote, c.url, c.run_id)
        for c in session.scalars(query)
    ]


def run_info(session: Session, run_id: int) -> RunInfo | None:
    run = session.get(CrawlRun, run_id)
    if run is None:
        return None
    return RunInfo(
        run.id,
        run.started_at,
        run.finished_at,
        run.status,
        run.seeds_source,
        run.kb_name,
        run.kb_hash,
    )


def scored_rubrics(session: Session, run_id: int) -> set[str]:
    """The rubrics run ``run_id`` has scores under."""
    query = select(SiteScore.rubric).where(SiteScore.run_id == run_id).distinct()
    return set(session.scalars(query))


def finished_runs(session: Session) -> list[RunInfo]:
    """Every finished run, oldest first."""
    ids = session.scalars(
        select(CrawlRun.id).where(CrawlRun.status == "finished").order_by(CrawlRun.id)
    )
    return [info for info in (run_info(session, i) for i in ids) if info is not None]


def site_runs(session: Session, run_ids: list[int]) -> dict[int, int]:
    """site id -> the latest of ``run_ids`` that crawled it."""
    if not run_ids:
        return {}
    query = (
        select(SiteCrawl.site_id, func.max(SiteCrawl.run_id))
        .where(SiteCrawl.run_id.in_(run_ids))
        .group_by(SiteCrawl.site_id)
    )
    return {site_id: run_id for site_id, run_id in session.execute(query)}


def site_rows_of(session: Session, chosen: Mapping[int, int], rubric: str) -> list[SiteRow]:
    """Site rows for ``chosen`` (site id -> run id), riskiest site first."""
    rows: list[SiteRow] = []
    for run_id in sorted(set(chosen.values())):
        rows += [s for s in site_rows(session, run_id, rubric) if chosen[s.site_id] == run_id]
    return sorted(rows, key=lambda r: (-(r.risk_score or -1), r.seed_url))
