"""Bytes of a page → text: HTML decoded right, a PDF's text pulled out.

Many small clinic sites are Latin-1/Windows-1252 files served without any charset; read as
UTF-8 their accents become U+FFFD and "esclerosis múltiple" no longer matches anything.
Extraction reads HTML, so a PDF (a brochure, a price list) is handed over as a plain HTML page
of its text; the archive keeps the PDF itself.
"""

from __future__ import annotations

import html
import logging
from io import BytesIO

from w3lib.encoding import html_to_unicode

HTML_TYPES = ("text/html", "application/xhtml+xml", "text/plain")
PDF_TYPES = ("application/pdf", "application/x-pdf")
#: Content types whose text extraction can read.
READABLE_TYPES = HTML_TYPES + PDF_TYPES
#: Pages of a PDF read at most: brochures are short, a 900-page report is no clinic's claim.
MAX_PDF_PAGES = 100


def _guess(body: bytes) -> str:
    """UTF-8 when the bytes are valid UTF-8, else Windows-1252 (a superset of Latin-1)."""
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8"


def decode_html(body: bytes, content_type: str | None = None) -> str:
    """Decode an HTML page: BOM, then the HTTP charset, then ``<meta>``, then a guess.

    Args:
        body: The raw bytes of the page.
        content_type: The ``Content-Type`` header, if the page came over HTTP.

    Returns:
        The page as text.
    """
    _, text = html_to_unicode(content_type, body, auto_detect_fun=_guess)
    return text


def media_type(content_type: str | None) -> str:
    return (content_type or "text/html").split(";")[0].strip().lower()


def pdf_text(body: bytes) -> str:
    """The text of a PDF, page after page.

    Raises:
        ValueError: the bytes are no readable PDF.
    """
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # broken PDFs are common, not news
    try:
        reader = PdfReader(BytesIO(body))
        pages = [page.extract_text() or "" for page in reader.pages[:MAX_PDF_PAGES]]
    except (PyPdfError, ValueError, KeyError, TypeError, OSError) as exc:
        raise ValueError(f"unreadable PDF: {exc}") from exc
    return "\n\n".join(pages)


def readable_html(body: bytes, content_type: str | None) -> str:
    """HTML for extraction: the page itself, or a PDF's text as paragraphs of a page.

    Raises:
        ValueError: a PDF that cannot be read.
    """
    if media_type(content_type) not in PDF_TYPES:
        return decode_html(body, content_type)
    paragraphs = [p.strip() for p in pdf_text(body).split("\n\n") if p.strip()]
    markup = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    return f"<html><body>{markup}</body></html>"
