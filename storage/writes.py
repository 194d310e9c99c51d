"""Idempotent writes: every stage can run again over the same run without duplicating rows.

Rows with a natural key (a site's seed URL, a page's (run, URL), a score's (run, site, rubric))
are upserted; the rows a stage derives from one input (a page's claims, a site's flags) are
replaced as a set inside the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, delete, insert, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from storage.database import StorageError
from storage.tables import (
    Base,
    Claim,
    ClaimChange,
    CrawlRun,
    Page,
    Site,
    SiteCrawl,
    SiteFlag,
    SiteScore,
    utcnow,
)

_INSERTS: dict[str, Callable[[Table], Any]] = {
    "sqlite": sqlite_insert,
    "postgresql": postgresql_insert,
}


def upsert(
    session: Session, model: type[Base], values: Mapping[str, Any], key: list[str]
) -> int | None:
    """Insert ``values`` or update the row with the same ``key``; return the row's id if any
    (SQLite and PostgreSQL: ``INSERT ... ON CONFLICT``)."""
    dialect = session.get_bind().dialect.name
    try:
        insert = _INSERTS[dialect]
    except KeyError:
        raise StorageError(f"unsupported database {dialect!r}: use SQLite or PostgreSQL") from None
    table = cast(Table, model.__table__)
    stmt = insert(table).values(**values)
    changed = {name: stmt.excluded[name] for name in values if name not in key}
    stmt = (
        stmt.on_conflict_do_update(index_elements=key, set_=changed)
        if changed
        else stmt.on_conflict_do_nothing(index_elements=key)
    )
    if "id" in table.c:
        stmt = stmt.returning(table.c.id)
        row_id = session.execute(stmt).scalar()
        if row_id is None:  # do-nothing conflict: the row exists, fetch its id
            where = [table.c[name] == values[name] for name in key]
            row_id = session.execute(select(table.c.id).where(*where)).scalar_one()
        return int(row_id)
    session.execute(stmt)
    return None


def record_pages(session: Session, pages: Sequence[Mapping[str, Any]]) -> None:
    """Upsert many fetched pages by (run_id, url) in one statement (all with the same keys).

    The crawler's batch write: one executemany instead of a statement built per page.
    """
    if not pages:
        return
    dialect = session.get_bind().dialect.name
    try:
        insert = _INSERTS[dialect]
    except KeyError:
        raise StorageError(f"unsupported database {dialect!r}: use SQLite or PostgreSQL") from None
    key = ["run_id", "url"]
    stmt = insert(cast(Table, Page.__table__))
    changed = {name: stmt.excluded[name] for name in pages[0] if name not in key}
    session.execute(stmt.on_conflict_do_update(index_elements=key, set_=changed), list(pages))


def start_run(session: Session, seeds_source: str, settings: Mapping[str, Any]) -> CrawlRun:
    """Open a new run row and return it (its ``id`` names the run everywhere)."""
    run = CrawlRun(seeds_source=seeds_source, settings=dict(settings), status="running")
    session.add(run)
    session.flush()
    return run


def finish_run(
    session: Session, run_id: int, status: str, summary: Mapping[str, Any] | None = None
) -> None:
    run = session.get(CrawlRun, run_id)
    if run is None:
        raise StorageError(f"no run {run_id}")
    run.status = status
    run.finished_at = utcnow()
    if summary is not None:
        run.summary = dict(summary)


def upsert_site(
    session: Session,
    seed_url: str,
    host: str,
    name: str | None,
    country: str | None,
    render_js: bool = False,
    kind: str | None = None,
    domain: str | None = None,
) -> int:
    """The id of the site with this seed URL, created or its name, country, render_js and
    kind refreshed (from the latest seed file: a kind no longer given is cleared).

    ``domain`` is the seed URL's registrable domain (:func:`crawler.site_domain`), which
    reviews are keyed by; None leaves a stored one as it is.
    """
    values = {
        "seed_url": seed_url,
        "host": host,
        "name": name,
        "country": country,
        "render_js": render_js,
        "kind": kind,
    }
    if domain is not None:
        values["domain"] = domain
    row_id = upsert(session, Site, values, ["seed_url"])
    assert row_id is not None
    return row_id


def record_site_crawl(
    session: Session, run_id: int, site_id: int, status: str, pages: int, errors: list[Any]
) -> None:
    values = {
        "run_id": run_id,
        "site_id": site_id,
        "status": status,
        "pages": pages,
        "errors": errors,
    }
    upsert(session, SiteCrawl, values, ["run_id", "site_id"])


def record_page(session: Session, **fields: Any) -> int:
    """Upsert a fetched page by (run_id, url) and return its id."""
    row_id = upsert(session, Page, fields, ["run_id", "url"])
    assert row_id is not None
    return row_id


def replace_page_claims(
    session: Session,
    page: Page,
    claims: Iterable[Mapping[str, Any]],
    *,
    language: str,
    is_clinic: bool,
    title: str,
    page_cues: Sequence[Sequence[Any]] = (),
    extracted_at: datetime | None = None,
) -> int:
    """Replace everything extracted from ``page`` with ``claims``; return how many were stored.

    ``page_cues`` is the page's page-type evidence (``[side, phrase, weight]`` each), which the
    site verdict weighs with its other pages' at scoring; ``is_clinic`` the page's own lean.
    """
    session.execute(delete(Claim).where(Claim.page_id == page.id))
    owner = {"run_id": page.run_id, "site_id": page.site_id, "page_id": page.id}
    rows = [{**owner, **claim} for claim in claims]
    if rows:  # one executemany, not an ORM object per claim: extraction's hottest write
        session.execute(insert(Claim), rows)
    page.language = language
    page.is_clinic = is_clinic
    page.page_cues = [list(cue) for cue in page_cues]
    page.title = title
    page.extracted_at = extracted_at or utcnow()
    return len(rows)


def replace_site_assessment(
    session: Session,
    *,
    run_id: int,
    site_id: int,
    rubric: str,
    kb_hash: str,
    sells_treatment: bool,
    risk_score: int | None,
    grade: str | None,
    reasons: list[dict[str, Any]],
    verdict_reasons: Sequence[str],
    flags: Iterable[Mapping[str, Any]],
) -> None:
    """Store a site's verdict and score under ``rubric`` and its flags, replacing any earlier
    scoring (a site that sells no treatment has no risk score and no grade: None)."""
    upsert(
        session,
        SiteScore,
        {
            "run_id": run_id,
            "site_id": site_id,
            "rubric": rubric,
            "kb_hash": kb_hash,
            "sells_treatment": sells_treatment,
            "risk_score": risk_score,
            "grade": grade,
            "reasons": reasons,
            "verdict_reasons": list(verdict_reasons),
            "scored_at": utcnow(),
        },
        ["run_id", "site_id", "rubric"],
    )
    session.execute(delete(SiteFlag).where(SiteFlag.run_id == run_id, SiteFlag.site_id == site_id))
    session.add_all(SiteFlag(run_id=run_id, site_id=site_id, **flag) for flag in flags)


def replace_claim_changes(
    session: Session,
    *,
    run_id: int,
    site_id: int,
    previous_run_id: int | None,
    changes: Iterable[Mapping[str, Any]],
) -> int:
    """Store a site's changes since ``previous_run_id``, replacing any computed before."""
    session.execute(
        delete(ClaimChange).where(ClaimChange.run_id == run_id, ClaimChange.site_id == site_id)
    )
    if previous_run_id is None:
        return 0
    rows = [
        ClaimChange(run_id=run_id, site_id=site_id, previous_run_id=previous_run_id, **change)
        for change in changes
    ]
    session.add_all(rows)
    return len(rows)


def replace_claims_of_page(
    session: Session,
    page_id: int,
    claims: Iterable[Mapping[str, Any]],
    *,
    language: str,
    is_clinic: bool,
    title: str,
    page_cues: Sequence[Sequence[Any]] = (),
) -> int:
    """:func:`replace_page_claims` for the page with id ``page_id`` (a page just recorded)."""
    page = session.get(Page, page_id)
    if page is None:
        raise StorageError(f"no page {page_id}")
    return replace_page_claims(
        session,
        page,
        claims,
        language=language,
        is_clinic=is_clinic,
        title=title,
        page_cues=page_cues,
    )
