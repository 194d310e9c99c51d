"""The analysts' exports are written in chunks: any chunk size writes the same files."""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
from sqlalchemy import Engine

import demoweb
import storage
from flows.demo_runs import store_demo_run
from flows.reviewed_outputs import export_tables
from flows.reviewing import record_decisions, run_findings
from reports import write_tables
from storage.exports import exported_tables


@pytest.fixture
def engine(db_url: str) -> Engine:
    """Two stored runs of four demo sites, the second with a reviewer's decision."""
    engine = storage.connect(db_url)
    storage.upgrade(engine)
    web = demoweb.generate(n_sites=4, seed=7)
    store_demo_run(engine, web, datetime(2026, 8, 3, tzinfo=UTC), pages_per_site=2)
    # A time with microseconds beside the first run's midnight: one format for both.
    second = store_demo_run(
        engine, web, datetime(2026, 11, 2, 10, 4, 5, 123, tzinfo=UTC), pages_per_site=4
    )
    claimed = next(f for f in run_findings(engine, second) if f.kind == "condition")
    row = {"site_url": claimed.site_url, "kind": "condition", "value": claimed.value}
    record_decisions(engine, second, [(1, {**row, "decision": "mentioned", "reviewer": "ana"})])
    return engine


def written(engine: Engine, out: Path, fmt: str, chunk_rows: int) -> dict[str, Path]:
    paths = write_tables(export_tables(engine, chunk_rows=chunk_rows), out, fmt)
    return {path.name: path for path in paths}


def test_a_chunked_export_writes_the_files_of_a_whole_one(engine: Engine, tmp_path: Path) -> None:
    for fmt in ("csv", "parquet"):
        whole = written(engine, tmp_path / f"whole-{fmt}", fmt, 1_000_000)
        chunked = written(engine, tmp_path / f"chunked-{fmt}", fmt, 7)
        assert whole.keys() == chunked.keys()
        for name, path in whole.items():
            if fmt == "csv":
                assert chunked[name].read_bytes() == path.read_bytes(), name
            elif name != "manifest.sha256":  # row groups differ; the table read back does not
                pd.testing.assert_frame_equal(pd.read_parquet(chunked[name]), pd.read_parquet(path))
    claims = list(csv.DictReader((tmp_path / "whole-csv" / "claims.csv").open()))
    assert {c["run_id"] for c in claims} == {"1", "2"}  # the chunks crossed from run to run
    reviewed = [c for c in claims if c["review"] == "reviewed"]
    assert reviewed and {c["reviewed_value"] for c in reviewed} == {"mentioned"}


def test_rows_are_in_the_order_of_every_column(engine: Engine, tmp_path: Path) -> None:
    """Sorted in SQL by each table's unique leading columns, which is a sort on every column
    (text by code point, an empty cell first): the order exports have always had."""
    for path in written(engine, tmp_path, "csv", 5).values():
        if path.suffix != ".csv":
            continue
        # Numbers as numbers, an empty cell as the empty text.
        frame = pd.read_csv(path, keep_default_na=False)
        rows = list(frame.itertuples(index=False, name=None))
        assert rows == sorted(rows), path.name
    assert len(pd.read_csv(tmp_path / "claims.csv")) > 5  # more than a chunk
    runs = pd.read_csv(tmp_path / "crawl_runs.csv")
    # Times in full whatever the chunk: not a bare date for a run backdated to midnight.
    assert (
        runs["started_at"]
        .str.startswith(("2026-08-03 00:00:00.000000", "2026-11-02 10:04:05.000123"))
        .all()
    )


def test_a_chunk_of_one_row_writes_each_row_and_every_column_type(
    engine: Engine, tmp_path: Path
) -> None:
    whole = written(engine, tmp_path / "whole", "parquet", 1_000_000)
    tiny = written(engine, tmp_path / "tiny", "parquet", 1)
    pages = pq.ParquetFile(tiny["pages.parquet"])
    assert pages.metadata.num_row_groups == pages.metadata.num_rows > 1  # one write per row
    assert pages.schema_arrow == pq.ParquetFile(whole["pages.parquet"]).schema_arrow
    # A table without rows (no run 99) is one empty chunk: its columns, typed.
    write_tables(export_tables(engine, 99, chunk_rows=1), tmp_path / "none", "parquet")
    changes = pq.ParquetFile(tmp_path / "none" / "claim_changes.parquet")
    assert changes.metadata.num_rows == 0
    assert str(changes.schema_arrow.field("run_started_at").type).startswith("timestamp")
    for table in exported_tables():
        chunks = list(table.chunks(engine, 3))
        assert all(len(chunk) <= 3 for chunk in chunks)
        assert len({tuple(chunk.dtypes.astype(str)) for chunk in chunks}) == 1, table.name
