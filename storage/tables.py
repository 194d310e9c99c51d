"""The audit's tables, as SQLAlchemy 2 typed ORM classes.

A *site* is a seed URL and outlives runs; everything else belongs to one crawl run, so a run can
be re-extracted or re-scored without touching another. Every table that a stage rewrites has a
natural unique key, which is what makes the writes in :mod:`storage.writes` idempotent.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import DateTime


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    type_annotation_map = {  # noqa: RUF012 (SQLAlchemy reads it off the class)
        datetime: DateTime(timezone=True),
        dict[str, Any]: JSON,
        list[Any]: JSON,
    }


class CrawlRun(Base):
    """One audit run: a crawl of a seed list and everything derived from it."""

    __tablename__ = "crawl_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(16), default="running")
    seeds_source: Mapped[str] = mapped_column(Text)
    settings: Mapped[dict[str, Any]] = mapped_column(default=dict)
    kb_name: Mapped[str | None] = mapped_column(String(64))
    kb_hash: Mapped[str | None] = mapped_column(String(64))
    summary: Mapped[dict[str, Any] | None]


class Site(Base):
    """A clinic (or other) website, identified by the seed URL researchers gave."""

    __tablename__ = "sites"

    id: Mapped[int] = mapped_column(primary_key=True)
    seed_url: Mapped[str] = mapped_column(String(2048), unique=True)
    host: Mapped[str] = mapped_column(String(255), index=True)
    name: Mapped[str | None] = mapped_column(String(255))
    country: Mapped[str | None] = mapped_column(String(2))
    #: Render the site's pages in a browser (its content only appears after scripts run).
    render_js: Mapped[bool | None]
    first_seen_at: Mapped[datetime] = mapped_column(default=utcnow)


class SiteCrawl(Base):
    """How the crawl of one site went in one run: pages fetched, or why it failed."""

    __tablename__ = "site_crawls"

    run_id: Mapped[int] = mapped_column(ForeignKey("crawl_runs.id"), primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), primary_key=True)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    pages: Mapped[int] = mapped_column(default=0)
    errors: Mapped[list[Any]] = mapped_column(default=list)


class Page(Base):
    """A fetched URL; its bytes live in the WARC archive at (warc_file, warc_offset).

    ``sha256`` is the digest of the payload exactly as the server sent it (before any
    Content-Encoding is undone), the same bytes as the record's WARC-Payload-Digest.
    """

    __tablename__ = "pages"
    __table_args__ = (UniqueConstraint("run_id", "url", name="uq_pages_run_url"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("crawl_runs.id"), index=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    url: Mapped[str] = mapped_column(String(2048))
    status: Mapped[int]
    content_type: Mapped[str | None] = mapped_column(String(255))
    depth: Mapped[int] = mapped_column(default=0)
    fetched_at: Mapped[datetime]
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    warc_file: Mapped[str] = mapped_column(String(1024))
    warc_offset: Mapped[int]
    #: The server's IP address the page came from (also the record's WARC-IP-Address).
    ip_address: Mapped[str | None] = mapped_column(String(64))
    #: When the page was unchanged since the site's previous run, this run's revisit record;
    #: ``warc_file``/``warc_offset`` then point at the earlier record that holds the bytes.
    revisit_file: Mapped[str | None] = mapped_column(String(1024))
    revisit_offset: Mapped[int | None]
    title: Mapped[str | None] = mapped_column(Text)
    language: Mapped[str | None] = mapped_column(String(8))
    is_clinic: Mapped[bool | None]
    extracted_at: Mapped[datetime | None]


class Claim(Base):
    """Something one page says: a condition with its stance, a cell source, a regulator, a flag.

    ``kind`` is one of ``condition``, ``cell_source``, ``origin``, ``regulator``, ``flag``;
    ``value`` is the vocabulary slug (or flag name). Only conditions carry a stance and tier.
    """

    __tablename__ = "claims"
    __table_args__ = (
        UniqueConstraint("page_id", "kind", "value", name="uq_claims_page_kind_value"),
        Index("ix_claims_run_site", "run_id", "site_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("crawl_runs.id"))
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    page_id: Mapped[int] = mapped_column(ForeignKey("pages.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    value: Mapped[str] = mapped_column(String(64))
    stance: Mapped[str | None] = mapped_column(String(16))
    tier: Mapped[str | None] = mapped_column(String(16))
    quote: Mapped[str] = mapped_column(Text, default="")
    cue: Mapped[str | None] = mapped_column(Text)


class SiteScore(Base):
    """A site's grade in one run under one rubric, with a reason for every point."""

    __tablename__ = "site_scores"
    __table_args__ = (
        UniqueConstraint("run_id", "site_id", "rubric", name="uq_site_scores_run_site_rubric"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("crawl_runs.id"), index=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    rubric: Mapped[str] = mapped_column(String(32))
    kb_hash: Mapped[str] = mapped_column(String(64))
    is_clinic: Mapped[bool]
    risk_score: Mapped[int]
    grade: Mapped[str] = mapped_column(String(1))
    reasons: Mapped[list[Any]] = mapped_column(default=list)
    scored_at: Mapped[datetime] = mapped_column(default=utcnow)


class SiteFlag(Base):
    """A site-level flag (true if any page sets it), with the quote and page behind it."""

    __tablename__ = "site_flags"
    __table_args__ = (
        UniqueConstraint("run_id", "site_id", "flag", name="uq_site_flags_run_site_flag"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("crawl_runs.id"), index=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    flag: Mapped[str] = mapped_column(String(32))
    value: Mapped[bool]
    quote: Mapped[str | None] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(String(2048))


class ClaimChange(Base):
    """A claim a site added or removed since its previous run with claims.

    ``kind`` is ``condition`` (claimed conditions only), ``cell_source`` or ``regulator``;
    the quote and page are from the run that has the claim (this run if added, the previous
    one if removed), so a report can say "added autism on 2026-11-02" and show where.
    """

    __tablename__ = "claim_changes"
    __table_args__ = (
        UniqueConstraint("run_id", "site_id", "kind", "value", name="uq_claim_changes_run_site"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("crawl_runs.id"), index=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    previous_run_id: Mapped[int] = mapped_column(ForeignKey("crawl_runs.id"))
    change: Mapped[str] = mapped_column(String(8))  # added | removed
    kind: Mapped[str] = mapped_column(String(16))
    value: Mapped[str] = mapped_column(String(64))
    quote: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str | None] = mapped_column(String(2048))
