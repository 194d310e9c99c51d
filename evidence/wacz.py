"""A run's evidence as one WACZ 1.1.1 file, the package any web-archive tool opens.

The WACZ is written by webrecorder's own ``py-wacz`` (the ``wacz`` package): it indexes the
WARC files (a sorted CDXJ index, ``indexes/index.cdx.gz`` with its ``index.idx``), stores
them under ``archive/``, and lists every file with its ``sha256:<hex>`` in
``datapackage.json``, whose own digest is in ``datapackage-digest.json``. We give it the WARC
files and ``pages/pages.jsonl``, the pages the audit read.

py-wacz names each WARC inside the package by its file name alone, and a run's pages may
point into an earlier run's files (a revisit refers to the copy first archived), so a file
``run-3/crawl-X.warc.gz`` of the archive is ``archive/run-3-crawl-X.warc.gz`` in the package
(:func:`packaged_name`).
"""

from __future__ import annotations

import io
import json
import os
import tempfile
from collections.abc import Iterable, Sequence
from contextlib import redirect_stdout
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from wacz.main import main as wacz_main


class PackageError(RuntimeError):
    """The package could not be written (a WARC file is missing, py-wacz failed)."""


@dataclass(frozen=True)
class PackagedPage:
    """A page of the run, for ``pages/pages.jsonl``."""

    url: str
    fetched_at: datetime
    title: str | None


def packaged_name(warc_file: str) -> str:
    """The name inside the package of ``warc_file`` (a path relative to the archive folder)."""
    return Path(warc_file).as_posix().replace("/", "-")


def _utc(moment: datetime) -> datetime:
    """``moment`` in UTC (the database may hand back naive UTC or an aware time)."""
    return moment.astimezone(UTC) if moment.tzinfo else moment


def _pages_jsonl(pages: Iterable[PackagedPage], title: str) -> str:
    lines = [{"format": "json-pages-1.0", "id": "pages", "title": title}]
    lines += [
        {
            "id": f"page-{number}",
            "url": page.url,
            # The WARC-Date of the page's record: replay looks the capture up by it.
            "ts": _utc(page.fetched_at).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            "title": page.title or page.url,
        }
        for number, page in enumerate(pages, 1)
    ]
    return "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines)


def write_wacz(
    root: Path,
    warc_files: Sequence[str],
    pages: Sequence[PackagedPage],
    out: Path,
    *,
    title: str,
    description: str,
) -> Path:
    """Write the WACZ of ``warc_files`` (relative to ``root``) and ``pages`` to ``out``.

    The file appears complete or not at all (written beside ``out``, then renamed).

    Raises:
        PackageError: a WARC file is missing, or py-wacz could not write the package.
    """
    missing = [name for name in warc_files if not (root / name).is_file()]
    if missing:
        raise PackageError(f"WARC file(s) missing from {root}: {', '.join(missing)}")
    if not warc_files:
        raise PackageError("no WARC file to package")
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(f".{out.name}.{os.getpid()}.partial")
    with tempfile.TemporaryDirectory(prefix="clinic-audit-wacz-") as tmp:
        inputs = []
        for name in sorted(set(warc_files)):
            link = Path(tmp) / packaged_name(name)
            link.symlink_to((root / name).resolve())
            inputs.append(str(link))
        pages_file = Path(tmp) / "pages.jsonl"
        pages_file.write_text(_pages_jsonl(pages, title), encoding="utf-8")
        # py-wacz is a command-line tool: it reports progress on stdout, kept for errors.
        log = io.StringIO()
        try:
            with redirect_stdout(log):
                code = wacz_main(
                    [
                        "create",
                        "--output",
                        str(partial),
                        "--pages",
                        str(pages_file),
                        "--copy-pages",
                        "--hash-type",
                        "sha256",
                        "--title",
                        title,
                        "--desc",
                        description,
                        *inputs,
                    ]
                )
        except Exception as exc:
            partial.unlink(missing_ok=True)
            raise PackageError(f"py-wacz failed: {exc}\n{log.getvalue()}") from exc
        if code != 0:
            partial.unlink(missing_ok=True)
            raise PackageError(f"py-wacz failed:\n{log.getvalue()}")
    partial.replace(out)
    return out
