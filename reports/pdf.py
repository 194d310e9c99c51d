"""The PDF report: the HTML report laid out for print by WeasyPrint, part by part.

WeasyPrint keeps a whole document's layout in memory and uses one core: a thousand sites'
dossiers as one document took half an hour and more than 8 GB. So the report is rendered as
parts (the front matter, runs of dossiers, the appendix; ``reports.html.render_parts``), each
laid out in a pool of processes, and ``reports.pdf_assembly`` joins them, numbers the pages
and restores the links and outline that cross parts. Memory is bounded by a part, and every
core works.

WeasyPrint needs Pango and HarfBuzz from the system (the Makefile's ``system-deps`` target
installs them on Debian); importing it lazily keeps the HTML report working without them.
"""

from __future__ import annotations

import multiprocessing
import os
import tempfile
from collections.abc import Iterable
from concurrent.futures import Future, ProcessPoolExecutor, wait
from pathlib import Path

from reports.pdf_assembly import Layout, assemble


class PdfUnavailable(RuntimeError):
    """WeasyPrint or the system libraries it needs are missing."""


def _weasyprint() -> None:
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError) as exc:
        raise PdfUnavailable(
            f"PDF output needs WeasyPrint and Pango ({exc}); run `make system-deps` "
            "and install the package's dependencies"
        ) from exc


def render_part(html: str, path: Path) -> Layout:
    """Lay out one part's ``html`` into ``path``; return where its anchors, links and headings
    are, which the part's PDF leaves to the assembly (``reports.pdf_assembly``)."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    # The report is self-contained: only its embedded charts (data: URIs) may be loaded, so a
    # scraped URL is never fetched while printing.
    fetcher = URLFetcher(allowed_protocols=["data"])
    document = HTML(string=html, base_url=None, url_fetcher=fetcher).render()
    layout = Layout.take(document.pages)
    document.write_pdf(path)
    return layout


def write_pdf(parts: Iterable[str], path: Path, workers: int | None = None) -> Path:
    """Render the HTML ``parts`` in order as one PDF at ``path`` and return the path.

    Args:
        parts: Self-contained HTML documents, the report's parts in reading order.
        path: Where the PDF goes; it appears there whole or not at all.
        workers: Processes laying out parts at once (default: one per core).

    Raises:
        PdfUnavailable: WeasyPrint cannot be imported (the message says what to install).
    """
    _weasyprint()
    path.parent.mkdir(parents=True, exist_ok=True)
    workers = workers or os.cpu_count() or 1
    with (
        tempfile.TemporaryDirectory(prefix=".pdf-parts-", dir=path.parent) as folder,
        ProcessPoolExecutor(
            max_workers=workers,
            # spawn: the caller may run threads (Prefect), which do not survive a fork
            mp_context=multiprocessing.get_context("spawn"),
            # No max_tasks_per_child: Python 3.11's pool can hang replacing a worker, and a
            # worker's memory stays flat from one part to the next (measured).
        ) as pool,
    ):
        futures: list[tuple[Path, Future[Layout]]] = []
        for index, html in enumerate(parts):
            # A part waiting in the pool holds its HTML: two per worker keep the workers busy,
            # and the rest of the report is rendered only as the pool takes parts.
            if index >= 2 * workers:
                wait([futures[index - 2 * workers][1]])
            part = Path(folder) / f"part-{index:04d}.pdf"
            futures.append((part, pool.submit(render_part, html, part)))
        partial = Path(folder) / "report.pdf"
        assemble([(part, future.result()) for part, future in futures], partial)
        partial.replace(path)
    return path
