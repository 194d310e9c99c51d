"""The SHA-256 manifest of an output folder, in the format ``sha256sum -c`` checks.

Each command that writes into a folder (a report, its PDF, a jurisdiction's report, the
exports) adds its files to the folder's ``manifest.sha256`` and hashes every listed file
again, so the manifest lists every output file there, not only the last command's, and a
file rewritten since is listed with its new digest. Only files our commands wrote are
listed: ``--out`` may name a folder that holds other things. The lines hold the bare hex of
the SHA-256 (``sha256sum``'s format); everywhere else it is written ``sha256:<hex>``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path

from evidence.digests import file_sha256_hex

MANIFEST = "manifest.sha256"
_LINE = re.compile(r"^(?P<hex>[0-9a-f]{64}) [ *](?P<name>.+)$")


def entries(folder: Path) -> dict[str, str]:
    """The files ``folder``'s manifest lists, each with its bare hex SHA-256 (none if no
    manifest)."""
    manifest = folder / MANIFEST
    if not manifest.is_file():
        return {}
    lines = manifest.read_text(encoding="utf-8").splitlines()
    return {m["name"]: m["hex"] for m in map(_LINE.match, lines) if m}


def update_manifest(folder: Path, written: Iterable[Path]) -> Path:
    """Add ``written`` (files in ``folder`` or its sub-folders) to ``folder``'s manifest;
    return its path.

    Files listed before that are gone are dropped; every file listed is hashed again.
    """
    names = {name for name in entries(folder) if (folder / name).is_file()}
    # Listed by their path inside the folder (``screenshots/page-7.png``), as sha256sum -c reads.
    names |= {path.resolve().relative_to(folder.resolve()).as_posix() for path in written}
    lines = "".join(f"{file_sha256_hex(folder / name)}  {name}\n" for name in sorted(names))
    manifest = folder / MANIFEST
    partial = folder / f".{MANIFEST}.{os.getpid()}"
    partial.write_text(lines, encoding="utf-8")
    partial.replace(manifest)  # atomic: a reader never sees half a manifest
    return manifest
