"""``clinic-audit evidence``: the archived copy of a page, exactly as it was fetched."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine

import storage
from crawler import ArchivedResponse, read_response
from flows.stages import archive_root
from storage.history import PageEvidence, page_evidence


class EvidenceNotFound(LookupError):
    """No run holds the URL, or its archived record cannot be read."""


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
            f"Digest:     {copy.payload_digest}",
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
        EvidenceNotFound: no such page, or its WARC record is missing or unreadable.
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
        raise EvidenceNotFound(f"cannot read the archived copy of {url}: {exc}") from exc
    return Evidence(page, copy, revisit)


def save(evidence: Evidence, out: Path, decoded: bool = False) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(evidence.copy.body if decoded else evidence.copy.raw)
