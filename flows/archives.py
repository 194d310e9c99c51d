"""``clinic-audit evidence``: a page's archived copy, a run's WACZ package, their verification.

The packaging and the verifying live in :mod:`evidence`; this module only fetches from the
database what they need.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine

import storage
from crawler import ArchivedResponse, read_response
from evidence import written
from evidence.wacz import PackagedPage, write_wacz
from flows.stages import archive_root
from storage.history import PageEvidence, archived_pages, page_evidence


class EvidenceNotFound(LookupError):
    """No run holds the URL, or its archived record cannot be read."""


class ArchiveUnreadable(EvidenceNotFound):
    """The URL was fetched, but its archived record is missing or unreadable."""


@dataclass(frozen=True)
class Evidence:
    page: PageEvidence
    copy: ArchivedResponse
    revisit: ArchivedResponse | None

    def describe(self) -> list[str]:
        """Lines saying what the copy is: where, when, from which address, which digest."""
        page, copy = self.page, self.copy
        record = self.revisit or copy
        status = f"Status:     {copy.status}"
        if copy.record_type == "conversion":
            status = (
                "Rendered:   the DOM Chromium built after the page's scripts ran; the served "
                f"response is record {copy.refers_to or 'unknown'} of the same file"
            )
        lines = [
            f"URL:        {page.url}",
            f"Run:        {page.run_id}",
            f"Fetched:    {record.date}",
            status,
            f"Server IP:  {record.ip_address or 'unknown'}",
            f"Digest:     {written(page.sha256)}",
            f"Record:     {page.warc_file}@{page.warc_offset}",
        ]
        if self.revisit is not None:
            lines.append(
                f"Unchanged:  revisit record {page.revisit_file}@{page.revisit_offset}; the "
                f"bytes are those first archived on {copy.date}"
            )
        encoding = copy.header("Content-Encoding")
        if encoding:
            lines.append(f"Encoding:   {encoding} (as sent by the server)")
        return lines


def find_evidence(engine: Engine, url: str, run_id: int | None = None) -> Evidence:
    """The archived copy of ``url`` from run ``run_id`` (default: the latest that fetched it).

    Raises:
        EvidenceNotFound: no such page.
        ArchiveUnreadable: its WARC record is missing or unreadable.
    """
    with storage.sessions(engine)() as session:
        page = page_evidence(session, url, run_id)
    if page is None:
        where = f"run {run_id}" if run_id is not None else "any run"
        raise EvidenceNotFound(f"{url} was not fetched in {where}")
    root = archive_root()
    try:
        copy = read_response(root, page.warc_file, page.warc_offset)
        revisit = (
            read_response(root, page.revisit_file, page.revisit_offset)
            if page.revisit_file is not None and page.revisit_offset is not None
            else None
        )
    except (OSError, LookupError, ValueError) as exc:
        raise ArchiveUnreadable(f"cannot read the archived copy of {url}: {exc}") from exc
    return Evidence(page, copy, revisit)


def save(evidence: Evidence, out: Path, decoded: bool = False) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(evidence.copy.body if decoded else evidence.copy.raw)


def package_run(engine: Engine, run_id: int, out: Path) -> tuple[Path, int, int]:
    """Write run ``run_id``'s WACZ to ``out``; return it, its pages and its WARC files.

    The package holds every WARC file of the run's archive folder and every earlier one its
    pages point into (an unchanged page's bytes are in the run that first archived them).

    Raises:
        evidence.wacz.PackageError: the run stored no page, or a WARC file is missing.
    """
    from evidence.wacz import PackageError

    with storage.sessions(engine)() as session:
        pages = archived_pages(session, run_id)
    if not pages:
        raise PackageError(f"run {run_id} stored no page: nothing to package")
    root = archive_root()
    files = {p.warc_file for p in pages} | {p.revisit_file for p in pages if p.revisit_file}
    files |= {p.relative_to(root).as_posix() for p in (root / f"run-{run_id}").glob("*.warc.gz")}
    listed = [PackagedPage(p.url, p.fetched_at, p.title) for p in pages if 200 <= p.status < 300]
    write_wacz(
        root,
        sorted(files),
        listed,
        out,
        title=f"clinic-audit run {run_id}",
        description=f"Every response clinic-audit archived in run {run_id}, and the pages it read.",
    )
    return out, len(listed), len(files)
