"""Recompute every digest of a WARC file, a WACZ package or a report folder; name what changed.

- A WARC file: each record's ``WARC-Block-Digest`` and ``WARC-Payload-Digest`` (warcio reads
  hex, base32 and base64 digests alike, so files written before :mod:`evidence.digests`
  chose ``sha256:<hex>`` are checked too), and, for a ``.warc.gz``, every gzip member's own
  CRC: warcio only warns on stderr about a damaged member and reads on as if the file ended
  there, so a changed compressed byte would otherwise pass unseen.
- A WACZ: ``datapackage-digest.json``'s hash of ``datapackage.json``, the hash and size of
  every file ``datapackage.json`` lists, any file it does not list, and the records of each
  WARC file inside.
- A folder: every file its ``manifest.sha256`` lists, and the records of the WARC files in it
  (a run's folder of the archive has no manifest, only WARC files).
"""

from __future__ import annotations

import io
import json
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import redirect_stderr
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from evidence.digests import PREFIX, file_sha256_hex, sha256_hex, stream_sha256_hex, written
from evidence.manifest import MANIFEST, entries

_WARC_SUFFIXES = (".warc", ".warc.gz")
_BLOCK = 1 << 20
_PACKAGE_FILES = ("datapackage.json", "datapackage-digest.json")
#: Where the WARC files are inside a WACZ (WACZ 1.1.1).
_ARCHIVE_DIR = "archive/"


class NotEvidence(ValueError):
    """The path is not a WARC file, a WACZ or a folder with a manifest or WARC files."""


@dataclass
class Verification:
    """What was checked, and each thing found changed (``where: what``)."""

    path: Path
    kind: str
    #: Files and WARC records whose digests were recomputed and compared.
    checked: int = 0
    changed: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.changed


def verify(path: Path) -> Verification:
    """Recompute every digest under ``path`` (a WARC file, a WACZ or a folder).

    Raises:
        NotEvidence: ``path`` is none of those, or a WACZ without a readable datapackage.json.
    """
    if path.is_dir():
        return _verify_folder(path)
    if not path.is_file():
        raise NotEvidence(f"{path} does not exist")
    if path.name.endswith(_WARC_SUFFIXES):
        result = Verification(path, "WARC file")
        _verify_warc(path, path.name, result)
        return result
    if zipfile.is_zipfile(path):
        return _verify_wacz(path)
    raise NotEvidence(f"{path} is not a WARC file (.warc, .warc.gz), a WACZ or a folder")


#: A WARC file: on disk, or a file inside a WACZ.
WarcSource = Path | tuple[zipfile.ZipFile, str]


def _open(source: WarcSource) -> IO[bytes]:
    if isinstance(source, Path):
        return source.open("rb")
    package, name = source
    return package.open(name)


def _verify_warc(source: WarcSource, name: str, result: Verification) -> None:
    """Check every gzip member's CRC and every record's digests."""
    if name.endswith(".gz"):
        with _open(source) as stream:
            _check_gzip(stream, name, result)
    with _open(source) as stream, redirect_stderr(io.StringIO()):  # warcio's warnings: see above
        _check_records(stream, name, result)


def _check_gzip(stream: IO[bytes], name: str, result: Verification) -> None:
    """Inflate every gzip member (zlib checks its CRC and length); name the first bad one by
    the offset it starts at, which is its record's (each record is a member of its own)."""
    start = base = 0  # file offsets: where the current member starts, where ``data`` starts
    data = b""
    inflater = zlib.decompressobj(zlib.MAX_WBITS | 16)
    while True:
        if not data:
            data = stream.read(_BLOCK)
            if not data:
                if base > start:  # a member began and never ended
                    result.changed.append(f"{name}@{start}: gzip member cut short")
                return
        try:
            inflater.decompress(data, _BLOCK)  # bounded output: a bomb costs no memory
        except zlib.error as exc:
            result.changed.append(f"{name}@{start}: gzip member damaged ({exc})")
            return
        rest = inflater.unused_data if inflater.eof else inflater.unconsumed_tail
        base += len(data) - len(rest)
        data = rest
        if inflater.eof:
            start = base
            inflater = zlib.decompressobj(zlib.MAX_WBITS | 16)


def _check_records(stream: IO[bytes], name: str, result: Verification) -> None:
    """Check every record's digests; a file unreadable from some offset on is named there."""
    records = ArchiveIterator(stream, check_digests=True)
    offset = 0
    try:
        for record in records:
            # The raw stream is what the digests cover (no Content-Encoding undone).
            while record.raw_stream.read(_BLOCK):
                pass
            offset = records.get_record_offset()
            checker = record.digest_checker
            if checker.passed is False:
                uri = record.rec_headers.get_header("WARC-Target-URI") or ""
                problems = "; ".join(checker.problems)
                result.changed.append(f"{name}@{offset} {record.rec_type} {uri}: {problems}")
            elif checker.passed:
                result.checked += 1
    except (ArchiveLoadFailed, zlib.error, EOFError, OSError, ValueError) as exc:
        # A damaged record: nothing after it can be trusted to be what it was.
        result.changed.append(f"{name}: unreadable after offset {offset}: {_brief(exc)}")


def _brief(exc: Exception) -> str:
    """The first line of an error, printable: warcio quotes the damaged bytes it met."""
    line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return "".join(c if c.isprintable() and c.isascii() else "?" for c in line)[:120]


def _verify_folder(folder: Path) -> Verification:
    listed = entries(folder)
    warcs = sorted(p for p in folder.iterdir() if p.is_file() and p.name.endswith(_WARC_SUFFIXES))
    if not listed and not warcs:
        raise NotEvidence(f"{folder} has neither a {MANIFEST} nor WARC files")
    result = Verification(folder, "folder")
    for name, hex_value in sorted(listed.items()):
        path = folder / name
        if not path.is_file():
            result.changed.append(f"{name}: missing (listed in {MANIFEST})")
            continue
        result.checked += 1
        actual = file_sha256_hex(path)
        if actual != hex_value:
            result.changed.append(
                f"{name}: {written(actual)}, but {MANIFEST} lists {written(hex_value)}"
            )
    for warc in warcs:
        _verify_warc(warc, warc.name, result)
    return result


def _resources(package: zipfile.ZipFile, path: Path) -> tuple[bytes, list[dict[str, object]]]:
    try:
        raw = package.read("datapackage.json")
        resources = json.loads(raw)["resources"]
    except (KeyError, ValueError, TypeError, zipfile.BadZipFile) as exc:
        raise NotEvidence(f"{path} is not a WACZ: no readable datapackage.json ({exc})") from None
    if not isinstance(resources, list):
        raise NotEvidence(f"{path} is not a WACZ: datapackage.json lists no resources")
    return raw, resources


def _verify_wacz(path: Path) -> Verification:
    result = Verification(path, "WACZ")
    with zipfile.ZipFile(path) as package:
        raw, resources = _resources(package, path)
        _check_datapackage_digest(package, raw, result)
        names = set(package.namelist())
        listed = set()
        for resource in resources:
            name = str(resource.get("path", ""))
            listed.add(name)
            _check_resource(package, names, name, resource, result)
        for name in sorted(names - listed - set(_PACKAGE_FILES)):
            if not name.endswith("/"):
                result.changed.append(f"{name}: not listed in datapackage.json")
        for name in sorted(n for n in names if n.startswith(_ARCHIVE_DIR)):
            if name.endswith(_WARC_SUFFIXES):
                try:
                    _verify_warc((package, name), name, result)
                except zipfile.BadZipFile as exc:  # the zip's CRC: named already, by its hash
                    result.changed.append(f"{name}: {exc}")
    return result


def _check_datapackage_digest(package: zipfile.ZipFile, raw: bytes, result: Verification) -> None:
    try:
        declared = json.loads(package.read("datapackage-digest.json"))["hash"]
    except (KeyError, ValueError, TypeError):
        result.changed.append("datapackage-digest.json: missing or unreadable")
        return
    result.checked += 1
    if declared != written(sha256_hex(raw)):
        result.changed.append(
            f"datapackage.json: {written(sha256_hex(raw))}, but datapackage-digest.json "
            f"says {declared}"
        )


def _check_resource(
    package: zipfile.ZipFile,
    names: set[str],
    name: str,
    resource: dict[str, object],
    result: Verification,
) -> None:
    if name not in names:
        result.changed.append(f"{name}: missing (listed in datapackage.json)")
        return
    declared = str(resource.get("hash", ""))
    if not declared.startswith(PREFIX):
        result.changed.append(f"{name}: datapackage.json gives no SHA-256 ({declared or 'none'})")
        return
    try:
        with package.open(name) as f:
            actual, size = stream_sha256_hex(f)
    except zipfile.BadZipFile as exc:  # the zip's own CRC caught the change first
        result.changed.append(f"{name}: {exc}")
        return
    result.checked += 1
    if written(actual) != declared:
        result.changed.append(f"{name}: {written(actual)}, but datapackage.json lists {declared}")
    elif resource.get("bytes") not in (None, size):
        result.changed.append(
            f"{name}: {size} bytes, but datapackage.json lists {resource.get('bytes')}"
        )


def describe(result: Verification) -> Iterator[str]:
    """Lines for the terminal: each change, then the verdict."""
    for change in result.changed:
        yield f"CHANGED  {change}"
    verdict = "all match" if result.ok else f"{len(result.changed)} changed"
    yield f"{result.kind} {result.path}: {result.checked} files and records checked, {verdict}"
