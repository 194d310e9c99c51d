"""The screenshot step: a run's cited pages shot from the archive (:mod:`evidence.screenshots`).

This module only gathers from the database and the WARC files what the shooting needs, and
stores what came of it. A page is shot again only when its archived payload or its quotes
changed: a page already shot keeps its picture, and a page of a later run with the same URL,
payload and quotes shares the earlier run's PNG.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

import storage
from crawler import read_response, response_offsets
from evidence.screenshots import (
    FAILED,
    OK,
    ArchivedBody,
    Shot,
    ShotResult,
    ShotSettings,
    quotes_digest,
    shoot,
)
from flows.progress import reporter
from flows.stages import archive_root
from storage.screenshots import (
    CitedPage,
    ScreenshotRow,
    cited_pages,
    record_screenshots,
    screenshots_of,
    taken_shots,
)

#: The folder of a run's pictures inside its archive folder (warc/run-N/screenshots/).
FOLDER = "screenshots"


def shot_files(page: CitedPage) -> tuple[str, str]:
    """Where the PNG and the thumbnail of ``page`` go, relative to the archive folder."""
    stem = f"run-{page.run_id}/{FOLDER}/page-{page.page_id}"
    return f"{stem}.png", f"{stem}-thumb.jpg"


def take_screenshots(
    engine: Engine, run_id: int, settings: ShotSettings | None = None, again: bool = False
) -> Counter[str]:
    """Shoot run ``run_id``'s cited pages that have no current picture; store every outcome.

    Args:
        engine: The database.
        run_id: The stored run.
        settings: Budget, parallel pages and timeouts (default :class:`ShotSettings`).
        again: Shoot every cited page, even those whose picture is current.

    Returns:
        How many pages were ``shot``, ``kept`` (already current), ``reused`` (an earlier
        run's picture of the same payload), ``failed`` and ``skipped`` (over the budget).
    """
    root = archive_root()
    with storage.sessions(engine)() as session:
        pages = cited_pages(session, run_id)
        existing = screenshots_of(session, [p.page_id for p in pages])
        earlier = [] if again else taken_shots(session, {p.sha256 for p in pages})
    shared = {
        (row.url, row.page_sha256, row.quotes_sha256): row
        for row in earlier
        if row.file and (root / row.file).is_file()
    }
    counts: Counter[str] = Counter()
    rows: list[dict[str, Any]] = []
    wanted: list[tuple[CitedPage, Shot]] = []
    for page in pages:
        quotes = quotes_digest(page.quotes)
        mine = existing.get(page.page_id)
        if not again and mine is not None and _current(root, mine, page.sha256, quotes):
            counts["kept"] += 1
            continue
        same = shared.get((page.url, page.sha256, quotes))
        if same is not None:
            rows.append(_reused(page, same))
            counts["reused"] += 1
            continue
        try:
            copy = read_response(root, page.warc_file, page.warc_offset)
        except (OSError, LookupError, ValueError) as exc:
            result = ShotResult(page.page_id, FAILED, f"cannot read the archived copy: {exc}")
            rows.append(_stored(page, result, None))
            counts[FAILED] += 1
            continue
        png, thumbnail = shot_files(page)
        archived = ArchivedBody(
            copy.status, page.content_type or copy.header("Content-Type"), copy.body
        )
        shot = Shot(page.page_id, page.url, archived, page.quotes, root / png, root / thumbnail)
        wanted.append((page, shot))
    if wanted:
        show = reporter()
        show.start("screenshots", len(wanted))
        results = shoot(
            [shot for _, shot in wanted],
            archived_resources(root, {page.warc_file for page, _ in wanted}),
            settings,
            done=lambda result: show.advance("screenshots"),
        )
        show.finish("screenshots")
        for (page, _), result in zip(wanted, results, strict=True):
            rows.append(_stored(page, result, shot_files(page) if result.status == OK else None))
            counts["shot" if result.status == OK else result.status] += 1
    with storage.sessions(engine).begin() as session:
        record_screenshots(session, rows)
    return counts


def _current(root: Path, row: ScreenshotRow, payload: str, quotes: str) -> bool:
    """Whether ``row`` is a picture of this payload with these quotes, still on disk."""
    return (
        row.status == OK
        and row.page_sha256 == payload
        and row.quotes_sha256 == quotes
        and row.file is not None
        and (root / row.file).is_file()
    )


def archived_resources(root: Path, files: set[str]) -> Callable[[str], ArchivedBody | None]:
    """The archived copy of a URL among the response records of WARC ``files``, or None."""
    where: dict[str, tuple[str, int]] = {}
    for name in sorted(files):
        try:
            where.update({url: (name, at) for url, at in response_offsets(root, name).items()})
        except OSError as exc:  # a missing file: its pages fail on their own, with the reason
            reporter().note(f"cannot index {name}: {exc}")

    def resource(url: str) -> ArchivedBody | None:
        found = where.get(url)
        if found is None:
            return None
        copy = read_response(root, *found)
        return ArchivedBody(copy.status, copy.header("Content-Type"), copy.body)

    return resource


def _stored(page: CitedPage, result: ShotResult, files: tuple[str, str] | None) -> dict[str, Any]:
    return {
        "run_id": page.run_id,
        "page_id": page.page_id,
        "url": page.url,
        "page_sha256": page.sha256,
        "quotes_sha256": quotes_digest(page.quotes),
        "status": result.status,
        "reason": result.reason,
        "file": files[0] if files else None,
        "sha256": result.sha256,
        "size": result.size,
        "width": result.width,
        "height": result.height,
        "thumbnail": files[1] if files else None,
        "quotes": len(page.quotes),
        "highlighted": result.highlighted,
        "refused": result.refused[:100],
        "seconds": result.seconds,
        "taken_at": datetime.now(UTC),
    }


def _reused(page: CitedPage, earlier: ScreenshotRow) -> dict[str, Any]:
    return {
        "run_id": page.run_id,
        "page_id": page.page_id,
        "url": page.url,
        "page_sha256": page.sha256,
        "quotes_sha256": earlier.quotes_sha256,
        "status": OK,
        "reason": earlier.reason,
        "file": earlier.file,
        "sha256": earlier.sha256,
        "size": earlier.size,
        "width": earlier.width,
        "height": earlier.height,
        "thumbnail": earlier.thumbnail,
        "quotes": earlier.quotes,
        "highlighted": earlier.highlighted,
        "refused": earlier.refused,
        "seconds": 0.0,
        "taken_at": datetime.now(UTC),
    }
