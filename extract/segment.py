"""HTML or plain text → visible blocks → sentences, with character offsets.

lxml is used directly (trafilatura's boilerplate removal is too slow for every page and drops
exactly what matters here: navigation menus and bare lists of conditions).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from html import unescape

import lxml.etree as etree

DROP_TAGS = ("script", "style", "noscript", "template", "svg", "iframe", "object", "head")
BLOCK_TAGS = frozenset(
    [
        "p",
        "div",
        "section",
        "article",
        "main",
        "aside",
        "header",
        "footer",
        "nav",
        "ul",
        "ol",
        "li",
        "dl",
        "dt",
        "dd",
        "table",
        "thead",
        "tbody",
        "tr",
        "td",
        "th",
        "caption",
        "figcaption",
        "figure",
        "blockquote",
        "pre",
        "address",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "title",
        "form",
        "fieldset",
        "legend",
        "label",
        "option",
        "button",
        "summary",
        "details",
        "body",
        "html",
    ]
)
HEADINGS = {f"h{i}": i for i in range(1, 7)}
MENU_KINDS = frozenset(
    {"li", "td", "th", "dt", "dd", "option", "a", "button", "summary", "caption"}
)
# A list item or cell longer than this that ends like a sentence reads as prose, not a label.
_MAX_ITEM_WORDS = 12
_NAV_HINT = re.compile(r"\b(?:nav|menu|navbar|sidebar|breadcrumb)", re.I)


@dataclass
class Block:
    """A run of visible text from one block-level element (paragraph, list item, cell…)."""

    text: str
    kind: str  # the element: "p", "li", "h2", "td", "title", "meta", "line"…
    in_nav: bool = False
    heading_level: int = 0  # 1-6 for h1-h6, 7 for "Label:" lines that introduce a list
    column_header: str | None = None  # for table cells: the header of their column
    start: int = 0  # offset in the document text (blocks joined by "\n")

    @property
    def menu_like(self) -> bool:
        """Bare labels (menu items, list items, cells, headings, short captions)."""
        if self.in_nav or self.heading_level or self.kind == "title":
            return True
        text = self.text
        prose_end = text.rstrip().endswith((".", "!", "?"))
        # Words are counted only when needed, and only up to one past the limit.
        if self.kind in MENU_KINDS:  # a list item or cell, unless it is a whole sentence
            return not prose_end or len(text.split(None, _MAX_ITEM_WORDS + 1)) <= _MAX_ITEM_WORDS
        return not prose_end and len(text.split(None, 7)) <= 6


@dataclass
class Sentence:
    """A sentence of a block; ``start``/``end`` are offsets in the document text."""

    text: str
    block: int
    start: int
    end: int


@dataclass
class Page:
    """The visible text of one page and the bits of markup that matter for classification."""

    title: str = ""
    blocks: list[Block] = field(default_factory=list)
    jsonld_types: set[str] = field(default_factory=set)
    # (schema.org type, name or description) of every typed JSON-LD node: what a clinic's
    # structured data says it offers ("MedicalProcedure: Stem cell therapy for knee pain").
    jsonld_texts: list[tuple[str, str]] = field(default_factory=list)

    def add_blocks(self, texts: list[str], kind: str) -> None:
        """Append blocks after the existing ones, keeping document offsets consistent."""
        pos = self.blocks[-1].start + len(self.blocks[-1].text) + 1 if self.blocks else 0
        for text in texts:
            self.blocks.append(Block(text, kind, start=pos))
            pos += len(text) + 1


def _clean(text: str) -> str:
    return " ".join(text.replace("\0", " ").split())  # NUL separates sentences internally


# lxml.html's parser with plain elements: lxml.html looks up a Python element class for every
# element it hands out, which costs more than the walk over them needs.
_PARSER = etree.HTMLParser()
_OG_TITLE = etree.XPath("string(//meta[@property='og:title']/@content)")
_DESCRIPTION = etree.XPath("string(//meta[@name='description']/@content)")
_JSONLD = etree.XPath("//script[@type='application/ld+json']")


def _parse(html: str | bytes) -> etree._Element:
    """``lxml.html.document_fromstring(html)`` without lxml.html's element classes."""
    root = etree.fromstring(html, _PARSER)
    if root is None:
        raise etree.ParserError("Document is empty")
    return root


def html_to_page(html: str) -> Page:
    """Parse HTML into visible blocks (script/style/noscript/template dropped).

    Args:
        html: The page markup, already decoded.

    Returns:
        A :class:`Page` with title, meta description and body blocks in document order.
    """
    page = Page()
    if not html.strip():
        return page
    try:
        root = _parse(html)
    except (etree.ParserError, ValueError):
        # str input with an XML encoding declaration is refused by lxml: hand it bytes.
        try:
            root = _parse(html.encode("utf-8", "replace"))
        except etree.ParserError:
            return page
    page.jsonld_types, page.jsonld_texts = _jsonld(root)
    title = root.findtext(".//title") or ""
    page.title = _clean(title) or _clean(str(_OG_TITLE(root)))
    if page.title:
        page.blocks.append(Block(page.title, "title"))
    desc = _clean(str(_DESCRIPTION(root)))
    if desc:
        page.blocks.append(Block(desc, "meta"))
    etree.strip_elements(
        root, *DROP_TAGS, etree.Comment, etree.ProcessingInstruction, with_tail=False
    )
    body = root.find("body")
    before = len(page.blocks)
    _walk(body if body is not None else root, page.blocks)
    if len(page.blocks) == before:
        # libxml2 gives up on absurdly deep nesting (thousands of unclosed tags) and returns an
        # empty body; fall back to stripping tags so such pages are not silently empty.
        page.blocks.extend(_strip_tags(html))
    if not page.title:
        page.title = next((b.text for b in page.blocks if b.heading_level == 1), "")
    _finish(page.blocks)
    return page


_DROP_RE = re.compile(r"<(script|style|noscript|template)\b.*?</\1\s*>", re.I | re.S)
_BLOCK_RE = re.compile(
    r"<(?:/?(?:p|div|li|h[1-6]|tr|td|th|br|section|article|ul|ol|nav)\b)[^>]*>", re.I
)
_TAG_RE = re.compile(r"<[^>]*>")


def _strip_tags(html: str) -> list[Block]:
    """Crude text of a page lxml could not build a tree for: block tags become line breaks."""
    text = _BLOCK_RE.sub("\n", _DROP_RE.sub(" ", html))
    text = unescape(_TAG_RE.sub(" ", text))
    return [Block(_clean(line), "p") for line in text.splitlines() if line.strip()]


def _jsonld(root: etree._Element) -> tuple[set[str], list[tuple[str, str]]]:
    """Every schema.org ``@type`` in JSON-LD scripts (NewsArticle, MedicalClinic…), and the
    name and description of each typed node."""
    types: set[str] = set()
    texts: list[tuple[str, str]] = []

    def visit(node: object) -> None:
        if isinstance(node, dict):
            kind = node.get("@type")
            for t in kind if isinstance(kind, list) else [kind]:
                if isinstance(t, str):
                    types.add(t)
                    texts.extend(
                        (t, _clean(node[key]))
                        for key in ("name", "description")
                        if isinstance(node.get(key), str) and node[key].strip()
                    )
            for value in node.values():
                visit(value)
        elif isinstance(node, list):
            for item in node:
                visit(item)

    for script in _JSONLD(root):
        try:
            visit(json.loads(script.text or ""))
        except ValueError:
            continue
    return types, texts


def _walk(root: etree._Element, out: list[Block]) -> None:
    """Flatten the tree into blocks without recursion (broken HTML can nest very deep)."""
    buf: list[str] = []
    append = buf.append
    stack: list[tuple[str, bool]] = [("body", False)]  # (block tag, inside navigation)
    col_headers: list[list[str]] = []  # per open table: header texts by column
    col_index: list[int] = []

    def flush(kind: str, in_nav: bool, header: str | None = None) -> None:
        text = _clean("".join(buf))
        buf.clear()
        if text:
            out.append(Block(text, kind, in_nav, HEADINGS.get(kind, 0), header))

    for event, el in etree.iterwalk(root, events=("start", "end")):
        tag = el.tag
        if not isinstance(tag, str):
            tag = ""
        if event == "start":
            if tag in BLOCK_TAGS:
                parent, in_nav = stack[-1]
                if buf:
                    flush(parent, in_nav)
                nav = (
                    in_nav
                    or tag in ("nav", "header")
                    or (
                        len(el.attrib) > 0  # most blocks have no attributes at all
                        and _NAV_HINT.search(
                            f"{el.get('class', '')} {el.get('id', '')} {el.get('role', '')}"
                        )
                        is not None
                    )
                )
                stack.append((tag, nav))
                if tag == "table":
                    col_headers.append([])
                    col_index.append(0)
                elif tag == "tr" and col_index:
                    col_index[-1] = 0
            elif tag == "br":
                if buf:
                    flush(*stack[-1])
                continue  # a <br>'s own text (broken markup) is not shown
            elif tag == "a" and stack[-1][1]:  # a navigation link is an entry of its own
                if buf:
                    flush(*stack[-1])
                stack.append(("a", True))
            elif tag == "sup":  # a footnote mark is not part of the word: "Stroke<sup>10</sup>"
                append(" ")
            if text := el.text:  # lxml builds a new string at each read: read it once
                append(text)
        else:
            if tag in BLOCK_TAGS or (tag == "a" and len(stack) > 1 and stack[-1][0] == "a"):
                header = None
                if tag in ("td", "th") and col_index:
                    col = col_index[-1]
                    headers = col_headers[-1]
                    if tag == "th" and len(headers) <= col:
                        headers.append(_clean("".join(buf)))
                    elif tag == "td" and col < len(headers):
                        header = headers[col]
                    col_index[-1] += 1
                flush(tag, stack[-1][1], header)
                if tag == "table" and col_headers:
                    col_headers.pop()
                    col_index.pop()
                if len(stack) > 1:
                    stack.pop()
            else:
                append(" ")
            if tail := el.tail:
                append(tail)
    flush(*stack[-1])


_BULLET = re.compile(r"^\s*(?:[-*•·▪‣◦]|\d{1,2}[.)])\s+")
_MD_HEADING = re.compile(r"^\s*#{1,6}\s+")


def text_to_page(text: str) -> Page:
    """Split plain text into blocks: lines, bullets as list items, "|" rows as table cells.

    Args:
        text: A plain-text page (e.g. a ``.txt`` input).

    Returns:
        A :class:`Page` whose title is the first non-empty line.
    """
    page = Page()
    headers: list[str] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            headers = []
            continue
        if line.startswith("|"):
            cells = [_clean(c) for c in line.strip("|").split("|")]
            if all(set(c) <= set("-: ") for c in cells):
                continue  # markdown separator row
            if not headers:
                headers = cells
                page.blocks.extend(Block(c, "th") for c in cells if c)
            else:
                page.blocks.extend(
                    Block(c, "td", column_header=headers[i] if i < len(headers) else None)
                    for i, c in enumerate(cells)
                    if c
                )
            continue
        headers = []
        if _MD_HEADING.match(line):
            page.blocks.append(Block(_clean(_MD_HEADING.sub("", line)), "h2", heading_level=2))
        elif _BULLET.match(line):
            page.blocks.append(Block(_clean(_BULLET.sub("", line)), "li"))
        else:
            words = line.split()
            # A short line without final punctuation reads as a heading in plain text.
            short = len(words) <= 10 and not line.endswith((".", "!", "?", ",", ";", '"', "”"))
            page.blocks.append(Block(_clean(line), "h3" if short else "p", heading_level=3 * short))
    page.title = page.blocks[0].text if page.blocks else ""
    _finish(page.blocks)
    return page


def _finish(blocks: list[Block]) -> None:
    """Mark "Label:" lines as list headings and assign document offsets (blocks joined by \\n)."""
    pos = 0
    for block in blocks:
        if not block.heading_level and block.text.endswith(":") and len(block.text.split()) <= 12:
            block.heading_level = 7
        block.start = pos
        pos += len(block.text) + 1


# Words whose final "." does not end a sentence. Matched case-sensitively in lower and Title
# case only, so "Ms." is an abbreviation while "MS." (multiple sclerosis) ends a sentence.
_ABBREV_WORDS = "dr mr mrs ms prof st vs etc e.g i.e fig approx al inc ltd sr sra dra u.s u.k ee.uu"
_ABBREV = frozenset(w for base in _ABBREV_WORDS.split() for w in (base, base.capitalize()))
# A sentence ends at final punctuation (and closing quotes) before a space and a capital, or at a
# spaced "|", "·" or "•". The two are separate patterns: the first starts with a one-character
# class, which lets the regex engine skip to the next punctuation mark in C, and the second is
# run only on blocks with such a separator. Their matches never overlap.
_SENT_END = re.compile(r"([.!?…][.!?…]*[\"'”’)\]]*)\s+(?=[\"'“‘(\[¿¡]?[A-ZÁÉÍÓÚÑ0-9])")
_SEPARATOR = re.compile(r"\s+[|·•]\s+")


def split_sentences(blocks: list[Block]) -> list[Sentence]:
    """Split each block into sentences (abbreviation-aware), keeping document offsets."""
    sentences: list[Sentence] = []
    for index, block in enumerate(blocks):
        text, start = block.text, 0
        ends: Iterable[re.Match[str]] = _SENT_END.finditer(text)
        if "|" in text or "·" in text or "•" in text:
            ends = sorted([*ends, *_SEPARATOR.finditer(text)], key=lambda m: m.start())
        for m in ends:
            end = m.group(1) if m.lastindex else None  # the punctuation, not a separator
            cut = m.start() + len(end or "")
            if end and end.startswith("."):
                before = text[start:cut].rstrip(".!?…\"'”’)]").rsplit(" ", 1)[-1]
                if before in _ABBREV:
                    continue
            _add(sentences, text, start, cut, index, block.start)
            start = m.end()
        _add(sentences, text, start, len(text), index, block.start)
    return sentences


def _add(out: list[Sentence], text: str, start: int, end: int, block: int, offset: int) -> None:
    raw = text[start:end]
    piece = raw.strip()
    if piece:
        lead = len(raw) - len(raw.lstrip())
        s = offset + start + lead
        out.append(Sentence(piece, block, s, s + len(piece)))
