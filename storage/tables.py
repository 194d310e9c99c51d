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

    id: Mapped[int] = mapped_column(
        primary_key=True, doc="Run id; names the run everywhere (`--run ID`)."
    )
    started_at: Mapped[datetime] = mapped_column(
        default=utcnow, doc="When the run started (UTC); decides which report period it belongs to."
    )
    finished_at: Mapped[datetime | None] = mapped_column(
        doc="When the run ended (UTC); empty while running."
    )
    status: Mapped[str] = mapped_column(
        String(16),
        default="running",
        doc="running, crawled (crawl only), finished or failed; period reports use finished runs.",
    )
    seeds_source: Mapped[str] = mapped_column(Text, doc="Path of the seed file the run read.")
    settings: Mapped[dict[str, Any]] = mapped_column(
        default=dict, doc="The run's options (rubric, crawl politeness and caps) as JSON."
    )
    kb_name: Mapped[str | None] = mapped_column(
        String(64), doc="Name of the evidence knowledge base the run was scored with."
    )
    kb_hash: Mapped[str | None] = mapped_column(
        String(64), doc="SHA-256 over the rubric and knowledge files used to score the run."
    )
    summary: Mapped[dict[str, Any] | None] = mapped_column(
        doc="Counts of the run's stages (pages, claims, grades) as JSON."
    )


class Site(Base):
    """A clinic (or other) website, identified by the seed URL researchers gave."""

    __tablename__ = "sites"

    id: Mapped[int] = mapped_column(primary_key=True, doc="Site id.")
    seed_url: Mapped[str] = mapped_column(
        String(2048),
        unique=True,
        doc="The seed URL researchers gave; a site's identity across runs.",
    )
    host: Mapped[str] = mapped_column(String(255), index=True, doc="Host name of the seed URL.")
    domain: Mapped[str | None] = mapped_column(
        String(255),
        index=True,
        doc="Registrable domain of the seed URL (with the port for an IP address): what "
        "reviews are keyed by, so a decision carries over to later runs and seed lists.",
    )
    name: Mapped[str | None] = mapped_column(String(255), doc="Name from the seed file (if given).")
    country: Mapped[str | None] = mapped_column(
        String(2), doc="ISO 3166 country code from the seed file (if given)."
    )
    render_js: Mapped[bool | None] = mapped_column(
        doc="Render the site's pages in a browser (content only appears after scripts run)."
    )
    kind: Mapped[str | None] = mapped_column(
        String(16),
        doc="What the seed file says the site is (clinic, facilitator, seller, news or other); "
        "when given it decides whether the site sells treatment, whatever its pages read like.",
    )
    first_seen_at: Mapped[datetime] = mapped_column(
        default=utcnow, doc="When a run first listed the site (UTC)."
    )


class SiteCrawl(Base):
    """How the crawl of one site went in one run: pages fetched, or why it failed."""

    __tablename__ = "site_crawls"

    run_id: Mapped[int] = mapped_column(
        ForeignKey("crawl_runs.id"), primary_key=True, doc="The run."
    )
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), primary_key=True, doc="The site.")
    status: Mapped[str] = mapped_column(
        String(16), default="pending", doc="pending, ok, partial or failed."
    )
    pages: Mapped[int] = mapped_column(default=0, doc="Pages fetched and archived.")
    errors: Mapped[list[Any]] = mapped_column(
        default=list, doc="Fetch problems as JSON: [{url, reason}]."
    )


class Page(Base):
    """A fetched URL; its bytes live in the WARC archive at (warc_file, warc_offset).

    ``sha256`` is the digest of the payload exactly as the server sent it (before any
    Content-Encoding is undone), the same bytes as the record's WARC-Payload-Digest. A page
    rendered in Chromium points at a ``conversion`` record instead: the DOM after the page's
    scripts ran, which extraction reads and ``sha256`` and ``size`` describe; the served
    response and what the browser fetched for it are archived beside it.
    """

    __tablename__ = "pages"
    __table_args__ = (UniqueConstraint("run_id", "url", name="uq_pages_run_url"),)

    id: Mapped[int] = mapped_column(primary_key=True, doc="Page id.")
    run_id: Mapped[int] = mapped_column(
        ForeignKey("crawl_runs.id"), index=True, doc="The run that fetched the page."
    )
    site_id: Mapped[int] = mapped_column(
        ForeignKey("sites.id"), index=True, doc="The site the page belongs to."
    )
    url: Mapped[str] = mapped_column(String(2048), doc="The URL fetched (after redirects).")
    status: Mapped[int] = mapped_column(doc="HTTP status code.")
    content_type: Mapped[str | None] = mapped_column(String(255), doc="The Content-Type header.")
    depth: Mapped[int] = mapped_column(
        default=0, doc="Link depth from the seed page (0 = the seed)."
    )
    fetched_at: Mapped[datetime] = mapped_column(doc="When the page was fetched (UTC).")
    size: Mapped[int] = mapped_column(doc="Body size in bytes.")
    sha256: Mapped[str] = mapped_column(
        String(64),
        doc="SHA-256 of the payload as received (before Content-Encoding is undone), or of "
        "the DOM of a page rendered in Chromium; checks the WARC copy.",
    )
    warc_file: Mapped[str] = mapped_column(
        String(1024), doc="WARC file holding the archived copy, relative to the archive folder."
    )
    warc_offset: Mapped[int] = mapped_column(
        doc="Byte offset of the response record in the WARC file (for a rendered page, of "
        "the conversion record holding its DOM)."
    )
    ip_address: Mapped[str | None] = mapped_column(
        String(64), doc="The server's IP address (also the record's WARC-IP-Address)."
    )
    revisit_file: Mapped[str | None] = mapped_column(
        String(1024),
        doc="When the page was unchanged since the site's previous run: this run's revisit "
        "record (warc_file/warc_offset then point at the earlier record holding the bytes).",
    )
    revisit_offset: Mapped[int | None] = mapped_column(
        doc="Byte offset of the revisit record in revisit_file."
    )
    title: Mapped[str | None] = mapped_column(
        Text, doc="The page's title (scraped text, untrusted)."
    )
    language: Mapped[str | None] = mapped_column(
        String(8), doc="Language the extractor detected (en, es, ...)."
    )
    is_clinic: Mapped[bool | None] = mapped_column(
        doc="The page's own lean: whether its cues alone read like a seller's page (as "
        "`clinic-audit extract` judges a single page). Not the site's verdict: that is "
        "`site_scores.sells_treatment`, weighed over all of the site's pages.",
    )
    page_cues: Mapped[list[Any] | None] = mapped_column(
        doc="The page-type evidence extraction found, as JSON: [[side, phrase, weight]], side "
        "`seller` (offers, prices, first-person clinic talk) or `other` (bylines, reported "
        "speech, journal or regulator apparatus); phrases are scraped text, untrusted. Empty "
        "until the page is extracted.",
    )
    extracted_at: Mapped[datetime | None] = mapped_column(
        doc="When claims were last extracted from the page (UTC)."
    )


class Claim(Base):
    """Something one page says: a condition with its stance, a cell source, a regulator, a flag.

    ``kind`` is one of ``condition``, ``cell_source``, ``origin``, ``regulator``, ``flag`` or
    ``signal``; ``value`` is the vocabulary slug, flag name or signal name. A signal is a
    page-level cue the rubrics read beyond the eight flags of the extraction contract
    (``everyone_qualifies``, ``ranged_outcomes``, ``cell_viability``; see
    ``extract/patterns/flags.yaml``). Only conditions carry a stance and tier.
    """

    __tablename__ = "claims"
    __table_args__ = (
        UniqueConstraint("page_id", "kind", "value", name="uq_claims_page_kind_value"),
        Index("ix_claims_run_site", "run_id", "site_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, doc="Claim id.")
    run_id: Mapped[int] = mapped_column(ForeignKey("crawl_runs.id"), doc="The run.")
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), doc="The site.")
    page_id: Mapped[int] = mapped_column(
        ForeignKey("pages.id", ondelete="CASCADE"), doc="The page the claim was read from."
    )
    kind: Mapped[str] = mapped_column(
        String(16), doc="condition, cell_source, origin, regulator, flag or signal."
    )
    value: Mapped[str] = mapped_column(
        String(64), doc="Vocabulary slug (condition, cell source, ...) or flag name."
    )
    stance: Mapped[str | None] = mapped_column(
        String(16),
        doc="Conditions only: claimed, disclaimed or mentioned on this page (the page's own "
        "stance). A site that sells no treatment (`site_scores.sells_treatment` false) claims "
        "nothing: the audit reads its pages' claimed as mentioned.",
    )
    reported_stance: Mapped[str | None] = mapped_column(
        String(16),
        doc="Conditions only: the stance on a site that sells no treatment: disclaimed where "
        "the page refutes the promise it reports (a consumer alert), else mentioned for a claim.",
    )
    tier: Mapped[str | None] = mapped_column(
        String(16), doc="Conditions only: evidence tier (supported, preliminary, unproven)."
    )
    quote: Mapped[str] = mapped_column(
        Text, default="", doc="The sentence the claim was read from (scraped text, untrusted)."
    )
    cue: Mapped[str | None] = mapped_column(Text, doc="The words that decided the stance or flag.")


class SiteScore(Base):
    """A site's verdict and grade in one run under one rubric, with a reason for every point.

    Whether the site sells treatment is decided once per site, over all of its pages' cues (or
    by the seed file's ``kind``); a site that sells no treatment has no risk score and no
    grade, and its pages' claims count as mentions.
    """

    __tablename__ = "site_scores"
    __table_args__ = (
        UniqueConstraint("run_id", "site_id", "rubric", name="uq_site_scores_run_site_rubric"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, doc="Score id.")
    run_id: Mapped[int] = mapped_column(ForeignKey("crawl_runs.id"), index=True, doc="The run.")
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), doc="The site.")
    rubric: Mapped[str] = mapped_column(
        String(32), doc="Rubric name (seed, strict or a file's name)."
    )
    kb_hash: Mapped[str] = mapped_column(
        String(64), doc="SHA-256 of the rubric and knowledge files used."
    )
    sells_treatment: Mapped[bool] = mapped_column(
        doc="The site verdict: whether the site sells treatment (clinic, facilitator, seller) "
        "and is graded; news, research and other sites are not."
    )
    risk_score: Mapped[int | None] = mapped_column(
        doc="Risk points 0–100 (higher is riskier); empty for a site that sells no treatment."
    )
    grade: Mapped[str | None] = mapped_column(
        String(1), doc="A (best) to F (worst); empty for a site that sells no treatment."
    )
    reasons: Mapped[list[Any]] = mapped_column(
        default=list, doc="Every rule that fired, with points and evidence quotes, as JSON."
    )
    verdict_reasons: Mapped[list[Any] | None] = mapped_column(
        default=list,
        doc="Why the site does or does not sell treatment, as a JSON list of sentences (the "
        "seed file's kind, or the strongest cues of each side; scraped text, untrusted). "
        "Empty for scores stored before the verdict was.",
    )
    scored_at: Mapped[datetime] = mapped_column(
        default=utcnow, doc="When the site was scored (UTC)."
    )


class SiteFlag(Base):
    """A site-level flag (true if any page sets it), with the quote and page behind it."""

    __tablename__ = "site_flags"
    __table_args__ = (
        UniqueConstraint("run_id", "site_id", "flag", name="uq_site_flags_run_site_flag"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, doc="Flag id.")
    run_id: Mapped[int] = mapped_column(ForeignKey("crawl_runs.id"), index=True, doc="The run.")
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), doc="The site.")
    flag: Mapped[str] = mapped_column(String(32), doc="Flag name (testimonials, guarantee, ...).")
    value: Mapped[bool] = mapped_column(doc="Whether any page of the site sets the flag.")
    quote: Mapped[str | None] = mapped_column(
        Text, doc="The quote behind the flag (scraped text, untrusted)."
    )
    url: Mapped[str | None] = mapped_column(String(2048), doc="The page the quote is from.")


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

    id: Mapped[int] = mapped_column(primary_key=True, doc="Change id.")
    run_id: Mapped[int] = mapped_column(
        ForeignKey("crawl_runs.id"), index=True, doc="The run in which the change was seen."
    )
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), doc="The site.")
    previous_run_id: Mapped[int] = mapped_column(
        ForeignKey("crawl_runs.id"), doc="The site's previous run with claims, compared against."
    )
    change: Mapped[str] = mapped_column(String(8), doc="added or removed.")  # added | removed
    kind: Mapped[str] = mapped_column(
        String(16), doc="condition (claimed only), cell_source or regulator."
    )
    value: Mapped[str] = mapped_column(String(64), doc="Vocabulary slug.")
    quote: Mapped[str] = mapped_column(
        Text, default="", doc="Quote from the run that has the claim (scraped text, untrusted)."
    )
    url: Mapped[str | None] = mapped_column(String(2048), doc="Page of that quote.")


class Review(Base):
    """A person's decision on one finding of a site, kept across runs.

    A finding is a condition the site claims, disclaims or mentions (or does not name), a
    flag, a cell source, a regulator, or the site's verdict (``kind`` ``site``, ``value``
    ``sells_treatment``). The key is the site's registrable domain, the kind and the value,
    so a later run of the same site meets the decision again; it applies only while the page
    the reviewer read (``page_sha256``) is still among the finding's evidence, else the
    finding needs re-review.
    """

    __tablename__ = "reviews"
    __table_args__ = (
        UniqueConstraint("domain", "kind", "value", name="uq_reviews_domain_kind_value"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, doc="Review id.")
    domain: Mapped[str] = mapped_column(
        String(255), doc="The site's registrable domain (`sites.domain`)."
    )
    kind: Mapped[str] = mapped_column(
        String(16), doc="condition, flag, cell_source, regulator or site."
    )
    value: Mapped[str] = mapped_column(
        String(64), doc="Condition slug, flag name, cell source, regulator, or sells_treatment."
    )
    machine: Mapped[str] = mapped_column(
        String(16),
        doc="What the machine said when the finding was reviewed: a condition's stance "
        "(claimed, disclaimed, mentioned) or absent; yes or no for the other kinds.",
    )
    decision: Mapped[str] = mapped_column(
        String(16),
        doc="The reviewer's decision: confirm, reject, or for a condition the stance "
        "(claimed, disclaimed, mentioned).",
    )
    reviewed: Mapped[str] = mapped_column(
        String(16),
        doc="The value the audit uses instead of the machine's: a stance or absent for a "
        "condition, yes or no for the other kinds.",
    )
    reviewer: Mapped[str] = mapped_column(String(128), doc="Who decided.")
    note: Mapped[str] = mapped_column(Text, default="", doc="The reviewer's note.")
    reviewed_at: Mapped[datetime] = mapped_column(
        default=utcnow, doc="When the decision was recorded (UTC)."
    )
    run_id: Mapped[int | None] = mapped_column(
        ForeignKey("crawl_runs.id"), doc="The run whose finding was reviewed."
    )
    page_url: Mapped[str | None] = mapped_column(
        String(2048), doc="The page of the quote the reviewer read (empty: no evidence)."
    )
    page_sha256: Mapped[str | None] = mapped_column(
        String(64),
        doc="SHA-256 of that page's payload; when no page of a later run has it, the "
        "finding needs re-review. Empty for a finding with no evidence page.",
    )
    language: Mapped[str | None] = mapped_column(
        String(8), doc="The site's language when reviewed, for agreement per language."
    )


class Screenshot(Base):
    """A full-page picture of a cited page, rendered from its archived bytes.

    Only pages with claims are shot, after scoring: the page's archived payload (never the
    live site) in Chromium with the network and the page's scripts off, the quoted sentences
    highlighted. The PNG lies beside the run's WARC files; a page whose payload and quotes are
    unchanged since an earlier shot keeps (or shares) that PNG instead of being shot again.
    """

    __tablename__ = "screenshots"

    id: Mapped[int] = mapped_column(primary_key=True, doc="Screenshot id.")
    run_id: Mapped[int] = mapped_column(
        ForeignKey("crawl_runs.id"), index=True, doc="The run of the page."
    )
    page_id: Mapped[int] = mapped_column(
        ForeignKey("pages.id", ondelete="CASCADE"),
        unique=True,
        doc="The page shot (one screenshot row per page row).",
    )
    url: Mapped[str] = mapped_column(String(2048), doc="The page's URL.")
    page_sha256: Mapped[str] = mapped_column(
        String(64),
        index=True,
        doc="SHA-256 of the archived payload the picture was rendered from.",
    )
    quotes_sha256: Mapped[str] = mapped_column(
        String(64), doc="SHA-256 of the quotes highlighted (sorted, one per line)."
    )
    status: Mapped[str] = mapped_column(
        String(16),
        doc="ok, failed (could not be rendered: see reason) or skipped (the time budget ran "
        "out first; a later run or `clinic-audit evidence screenshots` shoots it).",
    )
    reason: Mapped[str | None] = mapped_column(
        Text, doc="Why it failed or was skipped, or a note on a picture taken (cut, no quote)."
    )
    file: Mapped[str | None] = mapped_column(
        String(1024), doc="The PNG, relative to the archive folder (warc/)."
    )
    sha256: Mapped[str | None] = mapped_column(String(64), doc="SHA-256 of the PNG file.")
    size: Mapped[int | None] = mapped_column(doc="Size of the PNG in bytes.")
    width: Mapped[int | None] = mapped_column(doc="Width of the PNG in pixels.")
    height: Mapped[int | None] = mapped_column(doc="Height of the PNG in pixels.")
    thumbnail: Mapped[str | None] = mapped_column(
        String(1024),
        doc="A small JPEG around the first highlight, relative to the archive folder.",
    )
    quotes: Mapped[int] = mapped_column(default=0, doc="Distinct quotes to highlight.")
    highlighted: Mapped[int] = mapped_column(
        default=0, doc="Quotes found in the rendered page and highlighted."
    )
    refused: Mapped[list[Any]] = mapped_column(
        default=list,
        doc="The sub-resources the page asked for that the archive does not hold, as JSON: "
        "not loaded (nothing is fetched), so the picture lacks them.",
    )
    seconds: Mapped[float | None] = mapped_column(doc="Time taken to render and shoot.")
    taken_at: Mapped[datetime] = mapped_column(
        default=utcnow, doc="When the screenshot row was written (UTC)."
    )
