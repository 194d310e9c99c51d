"""The cited pages' screenshots in a report folder: copied in, checked, shown as thumbnails.

A report folder must stand on its own (a regulator receives the folder, not our archive), so
each picture a dossier links to is placed in its ``screenshots/`` sub-folder, hard-linked
from the archive when both are on one file system, else copied, and listed in the folder's
manifest with the report. A picture whose file no longer matches the SHA-256 stored when it
was taken is not placed: the dossier says so instead of showing it.

The HTML report shows each thumbnail from its file beside the report (its Content Security
Policy allows images of its own origin); the PDF embeds the thumbnails (``data:`` URIs, the
only URLs WeasyPrint may load) and links the full picture by the same relative path.
"""

from __future__ import annotations

import base64
import os
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from evidence import file_sha256_hex
from storage.screenshots import ScreenshotRow

#: The sub-folder of a report folder that holds the pictures.
SCREENSHOTS_FOLDER = "screenshots"


@dataclass(frozen=True)
class PlacedShot:
    """A picture placed in a report folder: paths relative to the folder, for links."""

    image: str
    thumbnail: str
    thumbnail_file: Path  # on disk, for embedding

    def thumbnail_uri(self) -> str:
        """The thumbnail as a ``data:`` URI (for the PDF, which loads no file)."""
        data = base64.b64encode(self.thumbnail_file.read_bytes()).decode("ascii")
        return f"data:image/jpeg;base64,{data}"


def place_screenshots(
    shots: Mapping[int, ScreenshotRow], archive: Path, out_dir: Path
) -> tuple[dict[int, PlacedShot], list[Path]]:
    """Place the pictures of ``shots`` (page id -> row) taken from ``archive`` in
    ``out_dir/screenshots/``; return page id -> where each is, and the files written."""
    placed: dict[int, PlacedShot] = {}
    written: list[Path] = []  # every file the report links, placed now or before
    checked: dict[str, bool] = {}  # a picture shared by pages of several runs: checked once
    for page_id, row in sorted(shots.items()):
        if row.status != "ok" or not row.file or not row.thumbnail or not row.sha256:
            continue
        source, thumb_source = archive / row.file, archive / row.thumbnail
        if row.file not in checked:
            checked[row.file] = (
                source.is_file()
                and thumb_source.is_file()
                and file_sha256_hex(source) == row.sha256
            )
        if not checked[row.file]:
            continue
        image = out_dir / SCREENSHOTS_FOLDER / source.name
        thumbnail = out_dir / SCREENSHOTS_FOLDER / thumb_source.name
        for origin, copy in ((source, image), (thumb_source, thumbnail)):
            _place(origin, copy)
            written.append(copy)
        placed[page_id] = PlacedShot(
            f"{SCREENSHOTS_FOLDER}/{image.name}",
            f"{SCREENSHOTS_FOLDER}/{thumbnail.name}",
            thumbnail,
        )
    return placed, written


def _place(origin: Path, copy: Path) -> None:
    """Hard-link (else copy) ``origin`` to ``copy``, unless it is linked there already."""
    if copy.exists() and os.path.samefile(origin, copy):
        return
    copy.parent.mkdir(parents=True, exist_ok=True)
    copy.unlink(missing_ok=True)
    try:
        os.link(origin, copy)
    except OSError:  # another file system, or links not allowed
        shutil.copyfile(origin, copy)
