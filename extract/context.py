"""Stance of a mention from the cues around it (a small ConText).

A cue governs a mention when both sit in the same clause (clauses end at "but", "pero", ";"…)
and the cue's direction reaches it: forward cues govern what follows them, backward cues what
precedes them. Among governing cues the highest priority wins, then the nearest one.
Headings ("Conditions we treat", "No tratamos") lend their stance to the bare list items under
them, and table column headers ("Red flag") to their cells; "Patient stories" headings lend
"claimed" to the prose under them too.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from typing import NamedTuple

from extract._text import normalise
from extract.knowledge import Lexicon
from extract.segment import Block

# Heading cues have no category of their own: they rank like the strongest category of their
# stance, and the longer (more specific) phrase wins a tie ("conditions we treat" > "we treat").
_HEADING_PRIORITY = {"disclaimed": 5.0, "mentioned": 4.0, "testimonial": 3.5, "claimed": 3.0}


class Cue(NamedTuple):
    """A stance cue found in the text (offsets in the normalised document).

    A named tuple (immutable, like a frozen dataclass): a long page makes a hundred or more, and
    a tuple is built several times faster.
    """

    start: int
    end: int
    text: str
    category: str
    direction: str  # "forward" | "backward" | "both"
    stance: str
    priority: float


@dataclass(frozen=True)
class Context:
    """A stance lent by a heading or a column header to the blocks under it."""

    stance: str
    cue: str
    category: str  # "heading" or the cue category that set it (e.g. "negation")


def governing(cues: list[Cue], ends: list[int], start: int, end: int) -> list[Cue]:
    """Cues of one sentence that govern the span ``start:end``.

    Args:
        cues: The sentence's cues.
        ends: Sorted offsets where the sentence's clauses break (terminator positions).
        start: Span start (normalised document offset).
        end: Span end.

    Returns:
        The governing cues.
    """
    clause = bisect_right(ends, start)
    found = []
    for cue in cues:
        if bisect_right(ends, cue.start) != clause:
            continue
        after, before = cue.end <= start, cue.start >= end
        overlap = not after and not before
        if (
            overlap
            or (after and cue.direction in ("forward", "both"))
            or (before and cue.direction in ("backward", "both"))
        ):
            found.append(cue)
    return found


def best_cue(cues: list[Cue], start: int, end: int) -> Cue | None:
    """The strongest governing cue: highest priority, then nearest to the span."""
    if not cues:
        return None
    return max(cues, key=lambda c: (c.priority, -max(c.start - end, start - c.end, 0)))


# heading_context by heading text, for one lexicon: a site's headings and column headers repeat
# from page to page, and a page's from table to table. Bounded; cleared when full.
_HEADINGS: dict[str, Context | None] = {}
_HEADINGS_LEXICON: list[Lexicon] = []
_HEADINGS_MAX = 20_000


def heading_context(text: str, lex: Lexicon) -> Context | None:
    """The stance a heading (or column header) states for what is listed under it, if any."""
    if not _HEADINGS_LEXICON or _HEADINGS_LEXICON[0] is not lex:
        _HEADINGS.clear()
        _HEADINGS_LEXICON[:] = [lex]
    try:
        return _HEADINGS[text]
    except KeyError:
        pass
    context = _heading_context(text, lex)
    if len(_HEADINGS) >= _HEADINGS_MAX:
        _HEADINGS.clear()
    _HEADINGS[text] = context
    return context


def _heading_context(text: str, lex: Lexicon) -> Context | None:
    folded = normalise(text)
    options: list[tuple[float, int, Context]] = []  # (priority, length, context)
    for hit in lex.heading_matcher.finditer(folded):
        group = hit.values[0]
        context = (
            Context("claimed", hit.text, "testimonial")
            if group == "testimonial"
            else Context(group, hit.text, "heading")
        )
        options.append((_HEADING_PRIORITY[group], len(hit.text), context))
    for hit in lex.cue_matcher.finditer(folded):
        category = lex.categories[hit.values[0].split(":")[0]]
        if category.name in ("therapy", "question"):
            continue  # too weak to speak for a whole list
        options.append(
            (category.priority, len(hit.text), Context(category.stance, hit.text, category.name))
        )
    if not options:
        return None
    return max(options, key=lambda o: (o[0], o[1]))[2]


# A reference list's entry: a year in brackets closing the authors ("Miao, C., Lei, M. (2015).")
# and a journal's volume(issue) after the title ("16(8), 1234"). A condition in a study's title
# is the study's subject, not the page's offer.
_REFERENCE = re.compile(r"\(\d{4}[a-z]?\)[.,:]? .*\d+ ?\(\d+\) ?[,:]")
_REFERENCE_CONTEXT = Context("mentioned", "reference", "research")


def block_contexts(blocks: list[Block], lex: Lexicon) -> list[Context | None]:
    """For each block, the stance lent to it by its heading or column header (menu-like only).

    Headings form a stack by level, so an "Orthopedic" h3 under a "Conditions we treat" h2
    keeps the h2's stance, while the next h2 replaces it. "Label:" lines (level 7) only last
    until the next prose paragraph.
    """
    stack: list[tuple[int, Context | None]] = []
    result: list[Context | None] = []
    for block in blocks:
        if block.kind == "jsonld":  # structured data sits outside the page's headings
            result.append(None)
            continue
        if not block.heading_level and _REFERENCE.search(block.text):
            result.append(_REFERENCE_CONTEXT)
            continue
        if block.heading_level:
            while stack and stack[-1][0] >= block.heading_level:
                stack.pop()
            # A sub-heading naming a condition is itself an item of the enclosing list.
            result.append(next((c for _, c in reversed(stack) if c is not None), None))
            stack.append((block.heading_level, heading_context(block.text, lex)))
            continue
        if not block.menu_like:
            while stack and stack[-1][0] == 7:
                stack.pop()
            above = next((c for _, c in reversed(stack) if c is not None), None)
            # Prose under "Patient stories" is the clinic's claim; under other headings not.
            result.append(above if above and above.category == "testimonial" else None)
            continue
        ctx = heading_context(block.column_header, lex) if block.column_header else None
        if ctx is None:
            ctx = next((c for _, c in reversed(stack) if c is not None), None)
        result.append(ctx)
    return result
