"""The evidentiary record: every fetched response goes into a gzipped WARC file.

Each record is its own gzip member, so a page is reached by (file, offset) without reading
what comes before it. Digests are SHA-256 rather than warcio's default SHA-1.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from datetime import datetime
from io import BytesIO
from pathlib import Path
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.utils import Digester
from warcio.warcwriter import WARCWriter

# Scrapy hands us the body already decompressed and de-chunked; keeping these headers would
# make the archived record lie about its own payload.
_DROPPED_HEADERS = {"content-encoding", "transfer-encoding", "content-length"}


class _Sha256WARCWriter(WARCWriter):
    @staticmethod
    def _create_digester() -> Digester:
        return Digester("sha256")


@dataclass(frozen=True)
class ArchivedResponse:
    url: str
    date: str
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str | None:
        name = name.lower()
        return next((v for k, v in self.headers if k.lower() == name), None)


class WarcArchive:
    """Appends response records to one WARC file under ``root``.

    Args:
        root: the archive folder; record locations are relative to it.
        name: the file's name, e.g. ``run-3/crawl-20261121T101500-4242.warc.gz``.
    """

    def __init__(self, root: Path, name: str) -> None:
        self.root = root
        self.name = name
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        self._file: BinaryIO = path.open("ab")
        self._writer = _Sha256WARCWriter(self._file, gzip=True)

    def write_response(
        self,
        url: str,
        status: int,
        headers: list[tuple[str, str]],
        body: bytes,
        fetched_at: datetime,
        ip_address: str | None = None,
    ) -> tuple[str, int, str]:
        """Append one response; return (file name, offset, hex SHA-256 of the body)."""
        kept = [(k, v) for k, v in headers if k.lower() not in _DROPPED_HEADERS]
        kept.append(("Content-Length", str(len(body))))
        http_headers = StatusAndHeaders(f"{status}", kept, protocol="HTTP/1.1")
        warc_headers = {"WARC-Date": fetched_at.strftime("%Y-%m-%dT%H:%M:%S.%fZ")}
        if ip_address:
            warc_headers["WARC-IP-Address"] = ip_address
        record = self._writer.create_warc_record(
            url,
            "response",
            payload=BytesIO(body),
            length=len(body),
            http_headers=http_headers,
            warc_headers_dict=warc_headers,
        )
        offset = self._file.tell()
        self._writer.write_record(record)
        return self.name, offset, hashlib.sha256(body).hexdigest()

    def flush(self) -> None:
        self._file.flush()
        os.fsync(self._file.fileno())

    def close(self) -> None:
        self.flush()
        self._file.close()


def read_response(root: Path, name: str, offset: int) -> ArchivedResponse:
    """Read the response record at ``offset`` of WARC file ``name`` under ``root``."""
    with (root / name).open("rb") as f:
        f.seek(offset)
        for record in ArchiveIterator(f):
            if record.rec_type != "response":
                continue
            http = record.http_headers
            return ArchivedResponse(
                url=record.rec_headers.get_header("WARC-Target-URI"),
                date=record.rec_headers.get_header("WARC-Date"),
                status=int(http.get_statuscode()) if http else 0,
                headers=list(http.headers) if http else [],
                body=record.content_stream().read(),
            )
    raise LookupError(f"no response record at {name}@{offset}")
