"""Readable text of an archived response: HTML decoded right, PDF text pulled out.

Extraction reads HTML, so a PDF (a brochure, a price list) is handed over as a plain HTML
page of its text; the archive keeps the PDF itself.
"""

from __future__ import annotations

import html
import logging
from io import BytesIO

from w3lib.encoding import html_to_unicode

from crawler.archive import ArchivedResponse

HTML_TYPES = ("text/html", "application/xhtml+xml", "text/plain")
PDF_TYPES = ("application/pdf", "application/x-pdf")
#: Content types whose text extraction can read.
READABLE_TYPES = HTML_TYPES + PDF_TYPES
#: Pages of a PDF read at most: brochures are short, a 900-page report is no clinic's claim.
MAX_PDF_PAGES = 100


def _guess_encoding(body: bytes) -> str:
    """For a page that declares no charset anywhere: UTF-8 if it is valid, else Windows-1252.

    Old Spanish and Latin American sites are mostly Windows-1252 (a superset of Latin-1), and
    bytes that are not UTF-8 almost never are by accident.
    """
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8"


def decode_html(response: ArchivedResponse) -> str:
    """The body as text, decoded as a browser would: header, BOM, meta tag, else a guess."""
    _, text = html_to_unicode(
        response.header("content-type"), response.body, auto_detect_fun=_guess_encoding
    )
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


def readable_html(response: ArchivedResponse, content_type: str | None) -> str:
    """HTML for extraction: the page itself, or a PDF's text as paragraphs of a page.

    Raises:
        ValueError: a PDF that cannot be read.
    """
    if media_type(content_type) not in PDF_TYPES:
        return decode_html(response)
    paragraphs = [p.strip() for p in pdf_text(response.body).split("\n\n") if p.strip()]
    body = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    return f"<html><body>{body}</body></html>"
