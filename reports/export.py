"""Exports for analysts: one CSV or Parquet file per table."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from evidence import update_manifest

FORMATS = ("csv", "parquet")


def write_tables(frames: dict[str, pd.DataFrame], out_dir: Path, fmt: str) -> list[Path]:
    """Write each frame as ``<name>.<fmt>`` into ``out_dir``, update the folder's SHA-256
    manifest (``manifest.sha256``); return the paths written, the manifest last."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}: choose one of {', '.join(FORMATS)}")
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, frame in frames.items():
        path = out_dir / f"{name}.{fmt}"
        if fmt == "csv":
            frame.to_csv(path, index=False)
        else:
            frame.to_parquet(path, index=False)
        paths.append(path)
    return [*paths, update_manifest(out_dir, paths)]
