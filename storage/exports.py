"""The tables analysts get (``clinic-audit export``, a run's tables), read in chunks.

A run of a thousand realistic sites holds over half a million claims: read whole into pandas
they took gigabytes. Each table is read instead as a stream of rows (a server-side cursor on
PostgreSQL; SQLite's cursor steps lazily anyway) and handed over in DataFrames of a bounded
number of rows, so an export holds one chunk at a time whatever the size of the run.

Two things a whole frame decided by looking at all of its rows are fixed up front instead, so
that the chunks of a table agree with each other and any chunk size writes the same file:

- the order: every table is sorted in SQL by a leading run of its columns that is unique (run,
  site URL, page URL, kind and value for claims...), text compared by code point (binary
  collation), which is the order a sort on every column gives;
- the column types, from the SQL column types: a nullable integer is ``Int64`` (35, not 35.0),
  a nullable flag ``boolean``, a time ``datetime64[us]`` (in UTC on PostgreSQL, which stores
  the zone), JSON its sorted JSON text, any other text ``str``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import JSON, Boolean, DateTime, Engine, Integer, Select, String, select
from sqlalchemy.sql.elements import ColumnElement

from storage.tables import (
    Claim,
    ClaimChange,
    CrawlRun,
    Page,
    Review,
    Site,
    SiteCrawl,
    SiteFlag,
    SiteScore,
)

#: Rows read, converted and written at a time: what bounds an export's memory (a chunk of
#: claims, the widest rows, takes some tens of MB in pandas).
CHUNK_ROWS = 5_000


@dataclass(frozen=True)
class ExportTable:
    """One exported table: its rows in a fixed order, as DataFrames of fixed column types."""

    name: str
    query: Select[Any]
    #: How many of the query's leading columns identify a row (its order, see the module).
    key_columns: int

    def chunks(self, engine: Engine, rows: int = CHUNK_ROWS) -> Iterator[pd.DataFrame]:
        """The table's rows, at most ``rows`` per DataFrame; at least one DataFrame (empty
        for an empty table), so a writer always learns the columns."""
        columns = list(self.query.selected_columns)
        names = [str(column.key) for column in columns]
        aware = engine.dialect.name != "sqlite"  # SQLite stores times without their zone
        dtypes = {name: _dtype(c, aware) for name, c in zip(names, columns, strict=True)}
        as_json = {name for name, c in zip(names, columns, strict=True) if isinstance(c.type, JSON)}
        query = self.query.order_by(*(_binary(engine, c) for c in columns[: self.key_columns]))
        wrote = False
        with engine.connect() as conn:
            result = conn.execution_options(stream_results=True, max_row_buffer=rows).execute(query)
            for part in result.partitions(rows):
                wrote = True
                yield _frame(part, names, dtypes, as_json)
        if not wrote:
            yield _frame([], names, dtypes, as_json)


def exported_tables(run_id: int | None = None) -> list[ExportTable]:
    """The tables analysts get, in the order they are written (all runs, or only ``run_id``)."""

    def where(column: Any, query: Select[Any]) -> Select[Any]:
        return query if run_id is None else query.where(column == run_id)

    return [
        ExportTable(
            "crawl_runs",
            where(
                CrawlRun.id,
                select(
                    CrawlRun.id.label("run_id"),
                    CrawlRun.started_at,
                    CrawlRun.finished_at,
                    CrawlRun.status,
                    CrawlRun.seeds_source,
                    CrawlRun.kb_name,
                    CrawlRun.kb_hash,
                ),
            ),
            1,
        ),
        ExportTable(
            "sites",
            select(
                Site.id.label("site_id"),
                Site.seed_url.label("url"),
                Site.host,
                Site.name,
                Site.country,
                Site.kind,
                Site.domain,
                Site.first_seen_at,
            ),
            1,
        ),
        ExportTable(
            "site_crawls",
            where(
                SiteCrawl.run_id,
                select(
                    SiteCrawl.run_id,
                    Site.seed_url.label("url"),
                    SiteCrawl.status,
                    SiteCrawl.pages,
                    SiteCrawl.errors,
                ).join(Site, Site.id == SiteCrawl.site_id),
            ),
            2,
        ),
        ExportTable(
            "pages",
            where(
                Page.run_id,
                select(
                    Page.id.label("page_id"),
                    Page.run_id,
                    Site.seed_url.label("site_url"),
                    Page.url,
                    Page.status,
                    Page.content_type,
                    Page.depth,
                    Page.fetched_at,
                    Page.size,
                    Page.sha256,
                    Page.warc_file,
                    Page.warc_offset,
                    Page.title,
                    Page.language,
                    Page.is_clinic,
                    Page.page_cues,
                ).join(Site, Site.id == Page.site_id),
            ),
            1,
        ),
        ExportTable(
            "claims",
            where(
                Claim.run_id,
                select(
                    Claim.run_id,
                    Site.seed_url.label("site_url"),
                    Page.url.label("page_url"),  # a page is (run, URL): unique with the run
                    Claim.kind,
                    Claim.value,
                    Claim.stance,
                    Claim.tier,
                    Claim.quote,
                    Claim.cue,
                )
                .join(Page, Page.id == Claim.page_id)
                .join(Site, Site.id == Claim.site_id),
            ),
            5,
        ),
        ExportTable(
            "site_scores",
            where(
                SiteScore.run_id,
                select(
                    Site.seed_url.label("url"),
                    SiteScore.run_id,
                    SiteScore.rubric,
                    SiteScore.sells_treatment,
                    SiteScore.risk_score,
                    SiteScore.grade,
                    SiteScore.reasons,
                    SiteScore.verdict_reasons,
                    SiteScore.kb_hash,
                ).join(Site, Site.id == SiteScore.site_id),
            ),
            3,
        ),
        ExportTable(
            "site_flags",
            where(
                SiteFlag.run_id,
                select(
                    SiteFlag.run_id,
                    Site.seed_url.label("url"),
                    SiteFlag.flag,
                    SiteFlag.value,
                    SiteFlag.quote,
                    SiteFlag.url.label("page_url"),
                ).join(Site, Site.id == SiteFlag.site_id),
            ),
            3,
        ),
        ExportTable(
            "claim_changes",
            where(
                ClaimChange.run_id,
                select(
                    ClaimChange.run_id,
                    Site.seed_url.label("url"),
                    ClaimChange.change,
                    ClaimChange.kind,
                    ClaimChange.value,
                    CrawlRun.started_at.label("run_started_at"),
                    ClaimChange.previous_run_id,
                    ClaimChange.quote,
                    ClaimChange.url.label("page_url"),
                )
                .join(Site, Site.id == ClaimChange.site_id)
                .join(CrawlRun, CrawlRun.id == ClaimChange.run_id),
            ),
            5,
        ),
        # Decisions outlive runs: every one is exported, whatever the run.
        ExportTable(
            "reviews",
            select(
                Review.domain,
                Review.kind,
                Review.value,
                Review.machine,
                Review.decision,
                Review.reviewed,
                Review.reviewer,
                Review.note,
                Review.reviewed_at,
                Review.run_id,
                Review.page_url,
                Review.page_sha256,
                Review.language,
            ),
            3,
        ),
    ]


def _binary(engine: Engine, column: ColumnElement[Any]) -> ColumnElement[Any]:
    """``column`` for ORDER BY, text compared by code point whatever the database's locale
    (SQLite compares UTF-8 bytes already; PostgreSQL's "C" collation does the same)."""
    if engine.dialect.name == "postgresql" and isinstance(column.type, String):
        return column.collate("C")
    return column


def _dtype(column: ColumnElement[Any], aware: bool) -> str:
    """The pandas type of an exported column, from its SQL type and whether it may be empty."""
    nullable = getattr(getattr(column, "element", column), "nullable", True)
    if isinstance(column.type, Boolean):
        return "boolean" if nullable else "bool"
    if isinstance(column.type, Integer):
        return "Int64" if nullable else "int64"
    if isinstance(column.type, DateTime):
        return "datetime64[us, UTC]" if aware else "datetime64[us]"
    return "str"  # text, and JSON as its text


def _frame(
    rows: Sequence[Any], names: list[str], dtypes: dict[str, str], as_json: set[str]
) -> pd.DataFrame:
    frame = pd.DataFrame.from_records([tuple(row) for row in rows], columns=names)
    for name, dtype in dtypes.items():
        column = frame[name]
        if name in as_json:
            column = column.map(_as_json, na_action="ignore")
        if dtype.startswith("datetime64"):
            frame[name] = pd.to_datetime(column, utc="UTC" in dtype).astype(dtype)
        else:
            frame[name] = column.astype(dtype)
    return frame


def _as_json(value: Any) -> str:
    """A JSON column's value as its JSON text, keys sorted (a JSON string stays as it is)."""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)
