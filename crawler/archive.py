"""The evidentiary record: every exchange with a site goes into a gzipped WARC file.

Each fetch is a ``response`` record holding the payload exactly as the server sent it (still
gzip- or brotli-encoded if it came so; only the transfer's chunking is undone by the HTTP
client) and a ``request`` record saying what we asked for. A page unchanged since the site's
previous run is a ``revisit`` record pointing at the earlier copy instead of a second one.
A page rendered in Chromium adds a ``conversion`` record, the DOM after its scripts ran,
referring to the served response, and a ``metadata`` record saying how it was rendered.

Each record is its own gzip member, so a record is reached by (file, offset) without reading
what comes before it. Digests are SHA-256 rather than warcio's default SHA-1, written in the
project's one form (``sha256:<hex>``, see :mod:`evidence.digests`). A new file starts with a
``warcinfo`` record naming the tool, its version and the crawl's settings.
"""

from __future__ import annotations

import os
import zlib
from dataclasses import dataclass
from datetime import datetime
from http import HTTPStatus
from io import BytesIO
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlsplit

from warcio.archiveiterator import ArchiveIterator
from warcio.bufferedreaders import BufferedReader
from warcio.recordloader import ArcWarcRecord
from warcio.statusandheaders import StatusAndHeaders
from warcio.utils import Digester
from warcio.warcwriter import WARCWriter

from evidence import ALGORITHM, digest_of, sha256_hex, written

# The HTTP client undoes chunking and Content-Length is rewritten for the stored payload;
# keeping the server's values would make the record lie about its own bytes.
_DROPPED_HEADERS = {"transfer-encoding", "content-length"}
# Each record is its own gzip member. Level 3 instead of zlib's default 6: on a 55 KB clinic page
# it compresses 2.5 times faster (1.3 ms against 3.3) for a member 6% larger, and the crawl
# process compresses every page it fetches.
_GZIP_LEVEL = 3


class _WrittenDigester(Digester):
    """warcio's digester, writing the project's form (``sha256:<hex>``) instead of base32."""

    def __init__(self) -> None:
        super().__init__(ALGORITHM)

    def __str__(self) -> str:
        return written(self.digester.hexdigest())


class _Sha256WARCWriter(WARCWriter):
    @staticmethod
    def _create_digester() -> Digester:
        return _WrittenDigester()


def warc_date(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass(frozen=True)
class Exchange:
    """One HTTP request and the response to it, as seen on the wire."""

    url: str
    method: str
    request_headers: list[tuple[str, str]]
    status: int
    headers: list[tuple[str, str]]
    payload: bytes
    fetched_at: datetime
    ip_address: str | None = None


@dataclass(frozen=True)
class Stored:
    """Where a fetch's record went: (file, offset), the payload's bare hex SHA-256, the record's
    id."""

    warc_file: str
    warc_offset: int
    sha256: str
    size: int
    record_id: str = ""


@dataclass(frozen=True)
class ArchivedResponse:
    """A response record read back. ``body`` has its Content-Encoding undone; ``raw`` not."""

    url: str
    date: str
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    raw: bytes
    record_type: str = "response"
    ip_address: str | None = None
    payload_digest: str | None = None
    refers_to_date: str | None = None
    #: The record a ``conversion`` (a rendered DOM) was made from: the served response's id.
    refers_to: str | None = None

    def header(self, name: str) -> str | None:
        name = name.lower()
        return next((v for k, v in self.headers if k.lower() == name), None)


class WarcArchive:
    """Appends records to one WARC file under ``root``.

    Every record is flushed to the operating system as soon as it is written, so a crawler
    killed with SIGKILL loses nothing it wrote; :meth:`sync` also forces it to disk, and is
    called before database rows that point into the file are committed.

    Args:
        root: the archive folder; record locations are relative to it.
        name: the file's name, e.g. ``run-3/crawl-20261121T101500-4242.warc.gz``.
        warcinfo: the fields of the ``warcinfo`` record a new file starts with (the tool,
            its version, the crawl's settings). A file that already holds records is
            appended to as it is: a ``warcinfo`` belongs at the start of a file only.
    """

    def __init__(self, root: Path, name: str, warcinfo: dict[str, str] | None = None) -> None:
        self.root = root
        self.name = name
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        self._file: BinaryIO = path.open("ab")
        # Records are serialised plain into a buffer and gzipped here, one member each, at
        # level 6: warcio's level 9 cost the crawler 5% of its CPU for 1% smaller files.
        # WARC 1.1: the records' dates carry microseconds, which WARC 1.0 does not allow.
        self._buffer = BytesIO()
        self._writer = _Sha256WARCWriter(self._buffer, gzip=False, warc_version="1.1")
        if warcinfo is not None and self._file.tell() == 0:
            self._write(self._writer.create_warcinfo_record(Path(name).name, warcinfo))

    def write_exchange(self, exchange: Exchange) -> Stored:
        """Append the response record and its request record; return the response's place."""
        kept = [(k, v) for k, v in exchange.headers if k.lower() not in _DROPPED_HEADERS]
        kept.append(("Content-Length", str(len(exchange.payload))))
        response = self._writer.create_warc_record(
            exchange.url,
            "response",
            payload=BytesIO(exchange.payload),
            length=len(exchange.payload),
            http_headers=_status_line(exchange.status, kept),
            warc_headers_dict=self._warc_headers(exchange),
        )
        offset = self._write(response)
        record_id = response.rec_headers.get_header("WARC-Record-ID")
        self._write_request(exchange, record_id)
        return Stored(
            self.name, offset, sha256_hex(exchange.payload), len(exchange.payload), record_id
        )

    def write_revisit(self, exchange: Exchange, original: ArchivedResponse) -> Stored:
        """Append a revisit record saying ``exchange`` brought the same payload as ``original``."""
        kept = [(k, v) for k, v in exchange.headers if k.lower() not in _DROPPED_HEADERS]
        # warcio adds WARC-Profile (WARC 1.1's identical-payload-digest) and the Refers-To
        # headers itself.
        record = self._writer.create_revisit_record(
            exchange.url,
            digest=digest_of(exchange.payload),
            refers_to_uri=original.url,
            refers_to_date=original.date,
            http_headers=_status_line(exchange.status, kept),
            warc_headers_dict=self._warc_headers(exchange),
        )
        offset = self._write(record)
        self._write_request(exchange, record.rec_headers.get_header("WARC-Record-ID"))
        return Stored(self.name, offset, sha256_hex(exchange.payload), len(exchange.payload))

    @staticmethod
    def _warc_headers(exchange: Exchange) -> dict[str, str]:
        headers = {"WARC-Date": warc_date(exchange.fetched_at)}
        if exchange.ip_address:
            headers["WARC-IP-Address"] = exchange.ip_address
        return headers

    def write_rendered_dom(
        self, url: str, dom: bytes, content_type: str, rendered_at: datetime, served_id: str | None
    ) -> Stored:
        """Append a ``conversion`` record: the DOM Chromium built from the served response.

        ``served_id`` is the record id of the served response it was made from (None if the
        browser could not hand its bytes over).
        """
        headers = {"WARC-Date": warc_date(rendered_at), "WARC-Rendered-By": "chromium"}
        if served_id:
            headers["WARC-Refers-To"] = served_id
        record = self._writer.create_warc_record(
            url,
            "conversion",
            payload=BytesIO(dom),
            length=len(dom),
            warc_content_type=content_type,
            warc_headers_dict=headers,
        )
        offset = self._write(record)
        record_id = record.rec_headers.get_header("WARC-Record-ID")
        return Stored(self.name, offset, sha256_hex(dom), len(dom), record_id)

    def write_metadata(
        self, url: str, fields: list[tuple[str, str]], moment: datetime, refers_to: str
    ) -> int:
        """Append a ``metadata`` record of ``name: value`` lines about record ``refers_to``."""
        payload = "".join(f"{name}: {value}\r\n" for name, value in fields).encode("utf-8")
        record = self._writer.create_warc_record(
            url,
            "metadata",
            payload=BytesIO(payload),
            length=len(payload),
            warc_content_type="application/warc-fields",
            warc_headers_dict={"WARC-Date": warc_date(moment), "WARC-Refers-To": refers_to},
        )
        return self._write(record)

    def _write_request(self, exchange: Exchange, response_id: str) -> None:
        parts = urlsplit(exchange.url)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        headers = [("Host", parts.netloc), *exchange.request_headers]
        http = StatusAndHeaders(
            f"{exchange.method} {target} HTTP/1.1", headers, is_http_request=True
        )
        warc_headers = self._warc_headers(exchange)
        warc_headers["WARC-Concurrent-To"] = response_id
        record = self._writer.create_warc_record(
            exchange.url,
            "request",
            payload=BytesIO(b""),
            length=0,
            http_headers=http,
            warc_headers_dict=warc_headers,
        )
        self._write(record)

    def _write(self, record: ArcWarcRecord) -> int:
        self._buffer.seek(0)
        self._buffer.truncate()
        self._writer.write_record(record)
        gzipper = zlib.compressobj(_GZIP_LEVEL, zlib.DEFLATED, zlib.MAX_WBITS + 16)
        member = gzipper.compress(self._buffer.getvalue()) + gzipper.flush()
        offset = self._file.tell()
        self._file.write(member)
        self._file.flush()
        return offset

    def sync(self) -> None:
        self._file.flush()
        os.fsync(self._file.fileno())

    def close(self) -> None:
        self.sync()
        self._file.close()


def _status_line(status: int, headers: list[tuple[str, str]]) -> StatusAndHeaders:
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = ""
    return StatusAndHeaders(f"{status} {phrase}".strip(), headers, protocol="HTTP/1.1")


def read_response(root: Path, name: str, offset: int) -> ArchivedResponse:
    """Read the response, revisit or conversion record at ``offset`` of WARC file ``name``.

    A conversion (a rendered DOM) has no HTTP status line: its status is 0 and its one header
    is its Content-Type.

    Raises:
        LookupError: no such record starts there.
    """
    with (root / name).open("rb") as f:
        f.seek(offset)
        for record in ArchiveIterator(f):
            if record.rec_type not in ("response", "revisit", "conversion"):
                continue
            warc = record.rec_headers
            raw = record.raw_stream.read()
            if record.rec_type == "conversion":
                http = None
                headers = [("Content-Type", warc.get_header("Content-Type"))]
                body = raw
            else:
                http = record.http_headers
                headers = list(http.headers) if http else []
                body = _decoded(raw, http) if record.rec_type == "response" else b""
            return ArchivedResponse(
                url=warc.get_header("WARC-Target-URI"),
                date=warc.get_header("WARC-Date"),
                status=int(http.get_statuscode()) if http else 0,
                headers=headers,
                body=body,
                raw=raw,
                record_type=record.rec_type,
                ip_address=warc.get_header("WARC-IP-Address"),
                payload_digest=warc.get_header("WARC-Payload-Digest"),
                refers_to_date=warc.get_header("WARC-Refers-To-Date"),
                refers_to=warc.get_header("WARC-Refers-To"),
            )
    raise LookupError(f"no response record at {name}@{offset}")


def _decoded(raw: bytes, http: StatusAndHeaders | None) -> bytes:
    """``raw`` with the Content-Encoding (gzip, deflate, br) undone, as warcio does it."""
    encoding = (http.get_header("Content-Encoding") if http else None) or ""
    encoding = encoding.strip().lower()
    if encoding not in ("gzip", "x-gzip", "deflate", "br"):
        return raw
    reader = BufferedReader(BytesIO(raw), decomp_type="gzip" if "gzip" in encoding else encoding)
    try:
        return reader.read()
    except Exception as exc:  # a server lying about its encoding: the raw bytes are the truth
        raise ValueError(f"payload is not valid {encoding}: {exc}") from exc


def response_offsets(root: Path, name: str) -> dict[str, int]:
    """URL -> offset of the last ``response`` record for it in WARC file ``name``: where the
    archived copy of anything the crawl fetched (a page, or a rendered page's stylesheet,
    script or image) is to be read with :func:`read_response`."""
    offsets: dict[str, int] = {}
    with (root / name).open("rb") as f:
        records = ArchiveIterator(f)
        for record in records:
            if record.rec_type == "response":
                offsets[record.rec_headers.get_header("WARC-Target-URI")] = (
                    records.get_record_offset()
                )
    return offsets
