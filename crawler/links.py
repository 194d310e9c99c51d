"""The links of a page, found fast: every ``<a href>`` and ``<area href>``, made absolute;
and the page's ``<link rel="canonical">``.

Scrapy's LinkExtractor does the same with more generality (any tag, canonicalisation,
an extension test per link against 60-odd suffixes) and took a third of the crawler's CPU
on menu-heavy clinic sites; this walks the already-parsed tree once. Canonical forms are
the spider's business (:mod:`crawler.canonical`, once per distinct URL).
"""

from __future__ import annotations

from collections.abc import Container
from typing import Any
from urllib.parse import urljoin, urlsplit

from scrapy.http import Response, TextResponse
from scrapy.linkextractors import IGNORED_EXTENSIONS
from scrapy.selector import Selector
from scrapy.utils.response import get_base_url

#: Extensions of files that are never pages (images, archives, media, office files...).
#: PDFs are pages for us: brochures and price lists hold claims.
SKIPPED_EXTENSIONS = frozenset(f".{ext}" for ext in IGNORED_EXTENSIONS if ext != "pdf")
_MAX_TEXT = 200


def page_tree(response: Response) -> Any:
    """The page's parsed tree (lxml), or None if it is not HTML or XML after all.

    Parsed here, not through ``response.selector``: Scrapy caches that selector on the response
    and the selector points back at the response, a reference cycle that kept every page's body
    and lxml tree alive until the next full garbage collection, which a growing heap makes rare.
    That garbage was the crawl process's growth from ~100 MB of imports to ~230 MB.
    """
    if not isinstance(response, TextResponse):
        return None
    try:
        root = Selector(response).root
    except (ValueError, AttributeError):
        return None
    return root if hasattr(root, "iter") else None


def page_links(
    response: TextResponse, root: Any, skip: Container[str] = ()
) -> list[tuple[str, str]]:
    """(absolute URL without fragment, link text) for each http(s) link of the page, whose tree
    is ``root`` (:func:`page_tree`).

    URLs in ``skip`` (those already queued) are left out before their text is read.
    """
    base = get_base_url(response)
    parts = urlsplit(base)
    origin = f"{parts.scheme}://{parts.netloc}"
    links: list[tuple[str, str]] = []
    for element in root.iter("a", "area"):
        href = element.get("href")
        if not href:
            continue
        href = href.strip()
        if href.startswith("/") and not href.startswith("//"):
            url = origin + href  # the common case, without urljoin's cost
        elif href.startswith(("http://", "https://")):
            url = href
        else:
            url = urljoin(base, href)
            if not url.startswith(("http://", "https://")):
                continue  # mailto:, tel:, javascript:, data:
        url = url.split("#", 1)[0]
        if url in skip or _extension(url) in SKIPPED_EXTENSIONS:
            continue
        text = " ".join("".join(element.itertext())[:_MAX_TEXT].split())
        links.append((url, text))
    return links


def canonical_link(response: TextResponse, root: Any) -> str | None:
    """The absolute URL the page, whose tree is ``root``, names as its canonical one, if any."""
    for element in root.iter("link"):
        rel = (element.get("rel") or "").lower().split()
        href = (element.get("href") or "").strip()
        if "canonical" in rel and href:
            url = urljoin(get_base_url(response), href)
            return url if url.startswith(("http://", "https://")) else None
    return None


def _extension(url: str) -> str:
    """The lower-cased extension of the URL's last path segment ('' if none)."""
    start = url.find("/", url.find("://") + 3)
    if start < 0:
        return ""  # no path: the dot belongs to the host name (clinic.ps is no PostScript)
    path = url[start:].split("?", 1)[0]
    dot = path.rfind(".")
    return path[dot:].lower() if dot > path.rfind("/") else ""
