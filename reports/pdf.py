"""The PDF report: the HTML report laid out for print by WeasyPrint.

WeasyPrint needs Pango and HarfBuzz from the system (the Makefile's ``system-deps`` target
installs them on Debian); importing it lazily keeps the HTML report working without them.
"""

from __future__ import annotations

from pathlib import Path


class PdfUnavailable(RuntimeError):
    """WeasyPrint or the system libraries it needs are missing."""


def write_pdf(html: str, path: Path) -> Path:
    """Render ``html`` to ``path`` as PDF and return the path.

    Raises:
        PdfUnavailable: WeasyPrint cannot be imported (the message says what to install).
    """
    try:
        from weasyprint import HTML
        from weasyprint.urls import URLFetcher
    except (ImportError, OSError) as exc:
        raise PdfUnavailable(
            f"PDF output needs WeasyPrint and Pango ({exc}); run `make system-deps` "
            "and install the package's dependencies"
        ) from exc
    # The report is self-contained: only its embedded charts (data: URIs) may be loaded, so a
    # scraped URL is never fetched while printing.
    fetcher = URLFetcher(allowed_protocols=["data"])
    HTML(string=html, base_url=None, url_fetcher=fetcher).write_pdf(path)
    return path
