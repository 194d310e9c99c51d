"""An archived page as the review page shows it: inert, with the finding's quote marked.

The copy is served under a policy that allows no script and no network (see
:mod:`flows.review_app`) inside an ``<iframe sandbox>``; on top of that, lxml's cleaner drops
scripts, event handlers, frames, objects and forms from it, and every link, image and
stylesheet address is replaced by an empty ``data:`` URL, so what a hostile page carries is
gone three times over and a click on a link goes nowhere. The quote is wrapped in
``<mark id="quote">`` by lxml (text stays text), so the frame's ``#quote`` scrolls to it
without a script.
"""

from __future__ import annotations

import re

from lxml import etree, html
from lxml_html_clean import Cleaner

#: What the cleaner keeps: the page's text, layout and inline styles; nothing that runs or
#: loads (external images stay in the markup but the served policy blocks them).
_CLEANER = Cleaner(
    scripts=True,
    javascript=True,
    comments=True,
    style=False,
    inline_style=False,
    links=True,
    meta=True,
    page_structure=False,
    processing_instructions=True,
    embedded=True,
    frames=True,
    forms=True,
    annoying_tags=True,
    remove_unknown_tags=False,
    safe_attrs_only=False,
)

#: Attributes holding addresses that lxml's link rewriting does not see.
_MORE_ADDRESSES = ("srcset", "imagesrcset", "poster", "ping", "background", "lowsrc", "dynsrc")
#: What an address becomes: fetches nothing, and the copy's policy allows it.
_NOWHERE = "data:,"

#: The marked quote's look, added to the copy's head; scrolled to a third of the way down, so
#: a page's sticky header does not cover it.
_STYLE = (
    "mark#quote{background:#ffe066!important;color:#000!important;"
    "outline:3px solid #d9480f!important;padding:0 2px;scroll-margin-top:35vh}"
)


def marked_copy(page: str, quote: str) -> tuple[str, bool]:
    """``page`` (decoded HTML) cleaned, with the first occurrence of ``quote`` marked; and
    whether the quote was found (words in the same order, whatever whitespace between them,
    within one run of text)."""
    try:
        root = html.document_fromstring(page)
    except (etree.ParserError, ValueError):
        root = html.document_fromstring("<html><body><p>(an empty page)</p></body></html>")
    root = _CLEANER.clean_html(root)
    root.rewrite_links(lambda link: link if link.startswith(("data:", "#")) else _NOWHERE)
    for element in root.iter(etree.Element):
        for name in _MORE_ADDRESSES:
            element.attrib.pop(name, None)
    found = bool(quote.strip()) and _mark(root, quote)
    head = root.find("head")
    if head is None:
        head = etree.Element("head")
        root.insert(0, head)
    style = etree.SubElement(head, "style")
    style.text = _STYLE
    return html.tostring(root, encoding="unicode", doctype="<!DOCTYPE html>"), found


def _mark(root: html.HtmlElement, quote: str) -> bool:
    # a quote extraction cut to a window ends in "…": the page has more there
    words = quote.strip().strip("…").split()
    if not words:
        return False
    pattern = re.compile(r"\s+".join(re.escape(word) for word in words), re.IGNORECASE)
    for node in root.iter():
        if not isinstance(node.tag, str):
            continue
        for attribute in ("text", "tail"):
            text = getattr(node, attribute)
            match = pattern.search(text) if text else None
            if match is None or (attribute == "tail" and node.getparent() is None):
                continue
            mark = etree.Element("mark", id="quote")
            mark.text = match.group(0)
            mark.tail = text[match.end() :]
            setattr(node, attribute, text[: match.start()])
            if attribute == "text":
                node.insert(0, mark)
            else:
                parent = node.getparent()
                parent.insert(parent.index(node) + 1, mark)
            return True
    return False
