"""Bytes of a page → text, for pages whose charset is wrong or missing.

Many small clinic sites are Latin-1/Windows-1252 files served without any charset; read as
UTF-8 their accents become U+FFFD and "esclerosis múltiple" no longer matches anything.
"""

from __future__ import annotations

from w3lib.encoding import html_to_unicode


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
