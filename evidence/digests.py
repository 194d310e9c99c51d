"""The one written form of a digest: ``sha256:`` and the lowercase hex of the SHA-256.

Reports, dossiers, ``clinic-audit evidence``, the WARC records' ``WARC-Payload-Digest`` and
``WARC-Block-Digest`` and the WACZ's ``datapackage.json`` all write a digest this way (the
form WACZ and webrecorder's tools use, and a valid WARC ``labelled-digest``). The database
keeps the bare hex (``pages.sha256``), and ``manifest.sha256`` keeps the bare hex too, because
that is the line format ``sha256sum -c`` checks; :func:`written` turns one into the other.
WARC files written before this form was chosen carry base32 digests: verification reads
either.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import IO

ALGORITHM = "sha256"
PREFIX = f"{ALGORITHM}:"
_BLOCK = 1 << 20


def sha256_hex(data: bytes) -> str:
    """The bare hex SHA-256 of ``data``, as the database stores it."""
    return hashlib.sha256(data).hexdigest()


def written(hex_value: str) -> str:
    """The written form of a bare hex SHA-256: ``sha256:<hex>``."""
    return PREFIX + hex_value.lower()


def digest_of(data: bytes) -> str:
    """The written digest of ``data``: ``sha256:<hex>``."""
    return written(sha256_hex(data))


def stream_sha256_hex(stream: IO[bytes]) -> tuple[str, int]:
    """The bare hex SHA-256 of what is left in ``stream``, and its size in bytes."""
    digest, size = hashlib.sha256(), 0
    for block in iter(lambda: stream.read(_BLOCK), b""):
        digest.update(block)
        size += len(block)
    return digest.hexdigest(), size


def file_sha256_hex(path: Path) -> str:
    """The bare hex SHA-256 of the file at ``path``, read in blocks."""
    with path.open("rb") as f:
        return stream_sha256_hex(f)[0]
