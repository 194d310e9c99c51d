"""Exports for analysts: one CSV or Parquet file per table, written chunk by chunk."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from pandas.api.types import is_datetime64_any_dtype

from evidence import update_manifest

FORMATS = ("csv", "parquet")


def write_tables(
    tables: Mapping[str, Iterable[pd.DataFrame]], out_dir: Path, fmt: str
) -> list[Path]:
    """Write each table, given as its chunks of rows (the same columns and types in each, at
    least one), as ``<name>.<fmt>`` into ``out_dir``, update the folder's SHA-256 manifest
    (``manifest.sha256``); return the paths written, the manifest last.

    Only one chunk is in memory at a time, and the files do not depend on how the rows were cut.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}: choose one of {', '.join(FORMATS)}")
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, chunks in tables.items():
        path = out_dir / f"{name}.{fmt}"
        if fmt == "csv":
            _write_csv(chunks, path)
        else:
            _write_parquet(chunks, path)
        paths.append(path)
    return [*paths, update_manifest(out_dir, paths)]


def _write_csv(chunks: Iterable[pd.DataFrame], path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as out:
        for index, chunk in enumerate(chunks):
            _times_as_text(chunk).to_csv(out, index=False, header=index == 0)


def _times_as_text(chunk: pd.DataFrame) -> pd.DataFrame:
    """``chunk`` with its times written out each in full (``2026-11-02 10:45:27.083161``).

    pandas would pick one format per column from all of its values (dates alone when every
    time is midnight), so a chunk's times could be written unlike another chunk's.
    """
    times = [name for name, dtype in chunk.dtypes.items() if is_datetime64_any_dtype(dtype)]
    if not times:
        return chunk
    written = chunk.copy()
    for name in times:
        written[name] = chunk[name].map(
            lambda t: t.isoformat(sep=" ", timespec="microseconds"), na_action="ignore"
        )
    return written


def _write_parquet(chunks: Iterable[pd.DataFrame], path: Path) -> None:
    writer: pq.ParquetWriter | None = None
    try:
        for chunk in chunks:
            schema = writer.schema if writer else None
            table = pa.Table.from_pandas(chunk, schema=schema, preserve_index=False)
            if writer is None:
                writer = pq.ParquetWriter(path, table.schema)
            writer.write_table(table)
    finally:
        if writer is not None:
            writer.close()
