"""The SHA-256 manifest of an output folder, in the format ``sha256sum -c`` checks.

Each command that writes into a folder (a report, its PDF, a jurisdiction's report, the
exports) adds its files to the folder's ``manifest.sha256`` and hashes every listed file
again, so the manifest lists every output file there, not only the last command's, and a
file rewritten since is listed with its new digest. Only files our commands wrote are
listed: ``--out`` may name a folder that holds other things.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterable
from pathlib import Path

MANIFEST = "manifest.sha256"
_LINE = re.compile(r"^[0-9a-f]{64} [ *](?P<name>.+)$")


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def listed(folder: Path) -> list[str]:
    """The names ``folder``'s manifest lists (none if it has no manifest)."""
    manifest = folder / MANIFEST
    if not manifest.is_file():
        return []
    lines = manifest.read_text(encoding="utf-8").splitlines()
    return [m["name"] for m in map(_LINE.match, lines) if m]


def update_manifest(folder: Path, written: Iterable[Path]) -> Path:
    """Add ``written`` (files in ``folder``) to ``folder``'s manifest; return its path.

    Files listed before that are gone are dropped; every file listed is hashed again.
    """
    names = {name for name in listed(folder) if (folder / name).is_file()}
    names |= {path.name for path in written}
    lines = "".join(f"{sha256_of(folder / name)}  {name}\n" for name in sorted(names))
    manifest = folder / MANIFEST
    partial = folder / f".{MANIFEST}.{os.getpid()}"
    partial.write_text(lines, encoding="utf-8")
    partial.replace(manifest)  # atomic: a reader never sees half a manifest
    return manifest
