"""Text normalisation and phrase matching shared by every extractor.

All matching happens on a *normalised* copy of the text: NFKD, combining marks stripped,
apostrophes dropped, hyphens and dashes turned into spaces, whitespace collapsed. Patterns from
the data files are normalised the same way, so "Parkinson's", "Parkinsons" and "parkinson’s"
are one term, and "esclerosis múltiple" matches "esclerosis multiple".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

_COMBINING = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_APOSTROPHES = re.compile(r"[\u2019\u2018'`\u02bc\u00b4]")
_DASHES = re.compile(r"[\-\u2010\u2011\u2012\u2013\u2014\u2015\u2212_]")
_SPACES = re.compile(r"\s+")
_WORDY = re.compile(r"\w")
_ALT_GROUP = re.compile(r"\(([^()]*\|[^()]*)\)")


def normalise(text: str, *, lower: bool = True) -> str:
    """Return the matching form of ``text`` (see module docstring).

    Args:
        text: Any text.
        lower: Also lower-case it; ``False`` keeps case for acronym matching.

    Returns:
        The normalised text.
    """
    text = normalise_raw(text).strip()
    return text.lower() if lower else text


def normalise_raw(text: str) -> str:
    """Case-kept :func:`normalise` without the final strip (NUL characters survive it)."""
    if not text.isascii():
        text = _COMBINING.sub("", unicodedata.normalize("NFKD", text))
    text = _APOSTROPHES.sub("", text)
    text = _DASHES.sub(" ", text)
    return _SPACES.sub(" ", text)


def expand(term: str) -> list[str]:
    """Expand "(a|b|)" groups (nested too) in a data-file term into every alternative."""
    m = _ALT_GROUP.search(term)
    if m is None:
        return [term]
    head, tail = term[: m.start()], term[m.end() :]
    out: list[str] = []
    for alt in m.group(1).split("|"):  # innermost group first; recurse for the rest
        for variant in expand(head + alt + tail):
            if variant not in out:
                out.append(variant)
    return out


def is_acronym(term: str) -> bool:
    """True for ALL-CAPS terms ("MS", "ELA", "HCT/P"), which match case-sensitively."""
    letters = [c for c in term if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters)


def _trie_pattern(words: Iterable[str]) -> str:
    """Build a regex alternation shaped like a trie.

    A flat ``a|b|c`` over thousands of phrases makes Python's backtracking engine try every
    alternative at every position; a trie shares prefixes, so each position costs one walk.
    Optional tails are greedy, which gives the longest match at a position.
    """
    trie: dict[str, dict] = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict[str, dict]) -> str:
        branches = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return "(?:" + body + ")?" if "" in node else body

    return build(trie)


@dataclass(frozen=True)
class Hit:
    """One phrase match: offsets in the normalised text and the values the phrase maps to."""

    start: int
    end: int
    text: str
    values: tuple[str, ...]


class PhraseMatcher:
    """Leftmost-longest, word-bounded matcher over many phrases with attached values.

    Lower-case phrases match the lower-cased normalised text; ALL-CAPS acronyms match the
    case-kept normalised text, so "MS" does not fire on "Ms." or "ms".
    """

    def __init__(self, phrases: Iterable[tuple[str, str]], *, plurals: bool = False) -> None:
        """Compile ``(term, value)`` pairs; terms may use "(a|b|)" expansion.

        With ``plurals``, every term also matches with an English or Spanish plural ending
        ("rotator cuffs", "ACLs", "lesiones"), so data files list each name once.
        """
        folded: dict[str, list[str]] = {}
        cased: dict[str, list[str]] = {}
        for term, value in phrases:
            for variant in expand(term):
                if is_acronym(variant):
                    table, key = cased, normalise(variant, lower=False)
                else:
                    table, key = folded, normalise(variant)
                if key and value not in table.setdefault(key, []):
                    table[key].append(value)
        self._folded = {k: tuple(v) for k, v in folded.items()}
        self._cased = {k: tuple(v) for k, v in cased.items()}
        self._re_folded = _compile(self._folded, plurals)
        self._re_cased = _compile(self._cased, plurals)

    def finditer(self, folded: str, cased: str | None = None) -> Iterator[Hit]:
        """Yield hits in ``folded`` (and acronym hits in ``cased``, same offsets), by start."""
        hits: list[Hit] = []
        if self._re_folded is not None:
            hits.extend(
                Hit(m.start(), m.end(), m.group(), self._folded[m.group(1)])
                for m in self._re_folded.finditer(folded)
            )
        if self._re_cased is not None and cased is not None:
            hits.extend(
                Hit(m.start(), m.end(), m.group(), self._cased[m.group(1)])
                for m in self._re_cased.finditer(cased)
            )
            hits.sort(key=lambda h: (h.start, -h.end))
            hits = _drop_overlaps(hits)
        return iter(hits)


def _compile(table: dict[str, tuple[str, ...]], plurals: bool) -> re.Pattern[str] | None:
    """One regex for the table; group 1 is the table key a match stands for."""
    if not table:
        return None
    body = "(" + _trie_pattern(table) + ")" + ("(?:e?s)?" if plurals else "")
    if all(_WORDY.match(k) and _WORDY.match(k[-1]) for k in table):
        return re.compile(r"(?<!\w)" + body + r"(?!\w)")
    # Punctuation phrases (";") must match right after a word: boundaries only at word ends.
    return re.compile(r"(?:(?<!\w)|(?=\W))" + body + r"(?:(?!\w)|(?<=\W))")


def _drop_overlaps(hits: list[Hit]) -> list[Hit]:
    """Keep leftmost-longest hits when the folded and acronym passes overlap."""
    kept: list[Hit] = []
    for hit in hits:
        if kept and hit.start < kept[-1].end:
            continue
        kept.append(hit)
    return kept
