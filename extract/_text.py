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
from typing import NamedTuple

from ahocorasick_rs import AhoCorasick

_COMBINING = r"\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
_APOSTROPHES = r"\u2019\u2018'`\u02bc\u00b4"
# Combining marks and apostrophes are both dropped: one pass drops either (ASCII text has no
# combining marks, so there the apostrophes alone).
_DROPPED = re.compile(f"[{_COMBINING}{_APOSTROPHES}]")
_DROPPED_ASCII = re.compile(f"[{_APOSTROPHES}]")
# Dashes and whitespace become spaces and their runs collapse to one space, in two passes that
# each skip through the text in C: every dash or whitespace character other than " " becomes
# " " (the class leaves " " out, so the engine does not stop at each of a page's thousands of
# spaces), then runs of spaces collapse, searched by their literal opening "  ". U+3000 is the
# last whitespace character.
_WHITESPACE = "".join(c for c in map(chr, range(0x3001)) if c.isspace() and c != " ")
_DASH_OR_SPACE = re.compile(f"[{re.escape(_WHITESPACE)}\\-\u2010-\u2015\u2212_]")
_SPACES = re.compile("   *")
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
    if text.isascii():
        text = _DROPPED_ASCII.sub("", text)
    else:
        text = _DROPPED.sub("", unicodedata.normalize("NFKD", text))
    return _SPACES.sub(" ", _DASH_OR_SPACE.sub(" ", text))


def expand(term: str) -> list[str]:
    """Expand "(a|b|)" groups (nested too) in a data-file term into every alternative."""
    m = _ALT_GROUP.search(term)
    if m is None:
        return [term]
    head, tail = term[: m.start()], term[m.end() :]
    out: dict[str, None] = {}  # first-seen order, without a quadratic membership test
    for alt in m.group(1).split("|"):  # innermost group first; recurse for the rest
        out.update(dict.fromkeys(expand(head + alt + tail)))
    return list(out)


def is_acronym(term: str) -> bool:
    """True for ALL-CAPS terms ("MS", "ELA", "HCT/P"), which match case-sensitively."""
    if term.islower():  # a lower-case letter: the common case, decided in C
        return False
    letters = [c for c in term if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters)


class Hit(NamedTuple):
    """One phrase match: offsets in the normalised text and the values the phrase maps to.

    A named tuple (immutable, like a frozen dataclass) because a page makes hundreds of them
    and a tuple is built several times faster.
    """

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
        self._folded = _Table({k: tuple(v) for k, v in folded.items()}, plurals)
        self._cased = _Table({k: tuple(v) for k, v in cased.items()}, plurals)

    def finditer(self, folded: str, cased: str | None = None) -> Iterator[Hit]:
        """Yield hits in ``folded`` (and acronym hits in ``cased``, same offsets), by start."""
        acronyms = self._cased.hits(cased) if self._cased and cased is not None else []
        return iter(_with_acronyms(self._folded.hits(folded), acronyms))


class PhraseScan:
    """Several matchers searched together: one automaton pass over a text finds every one's hits.

    A scan of a long page costs about the same whatever the size of the table: the automaton
    walks every byte, and ahocorasick_rs maps the text's byte offsets to characters on every
    call. So small tables share one automaton (and their acronyms another), each form tagged
    with the tables it belongs to. Large tables (conditions, cues) are better left apart: joined,
    the automaton outgrows the CPU caches and scans slower than the two alone.
    """

    def __init__(self, matchers: Iterable[PhraseMatcher]) -> None:
        self._matchers = list(matchers)
        self._folded = _Joined([m._folded for m in self._matchers])
        self._cased = _Joined([m._cased for m in self._matchers])

    def hits(self, folded: str, cased: str) -> dict[PhraseMatcher, list[Hit]]:
        """Each matcher's hits, as its ``finditer(folded, cased)`` yields them."""
        return {
            matcher: _with_acronyms(hits, acronyms)
            for matcher, hits, acronyms in zip(
                self._matchers, self._folded.hits(folded), self._cased.hits(cased), strict=True
            )
        }


def _with_acronyms(hits: list[Hit], acronyms: list[Hit]) -> list[Hit]:
    """Folded hits and acronym hits together, leftmost-longest (folded hits never overlap)."""
    if not acronyms:
        return hits
    hits.extend(acronyms)
    hits.sort(key=lambda h: (h.start, -h.end))
    return _drop_overlaps(hits)


_PLURAL_ENDINGS = ("", "es", "s")


def _is_word(char: str) -> bool:
    """The regex ``\\w`` of one character (``str`` patterns): a letter, digit or "_"."""
    return char.isalnum() or char == "_"


class _Table:
    """Word-bounded, leftmost-longest search for one table's phrases, by Aho-Corasick.

    Semantics (those of the regex ``(?<!\\w)(phrase)(?:e?s)?(?!\\w)`` over a trie of the
    phrases, which this replaced): a match starts where the phrase's first character is not a
    word character or the text's previous one is not, and ends likewise; among the matches
    starting leftmost the longest wins (then the longest phrase, for "abe"+"s" against
    "ab"+"es"), and the search resumes at its end. The automaton finds every occurrence of
    every form in one pass in C; only the few occurrences it reports are checked here.
    """

    def __init__(self, table: dict[str, tuple[str, ...]], plurals: bool) -> None:
        forms: dict[str, str] = {}  # matched form -> the longest phrase it is a form of
        for phrase in table:
            for ending in _PLURAL_ENDINGS if plurals else ("",):
                form = phrase + ending
                old = forms.get(form)
                if old is None or len(phrase) > len(old):
                    forms[form] = phrase
        self._forms = [(phrase, table[phrase]) for phrase in forms.values()]
        self.forms = list(forms)  # in the order of _forms
        self._search = _Occurrences(self.forms)

    def __bool__(self) -> bool:
        return bool(self.forms)

    def hits(self, text: str) -> list[Hit]:
        """Leftmost-longest word-bounded hits in ``text``, by start."""
        return self.leftmost_longest(text, self._search.find(text))

    def leftmost_longest(self, text: str, found: list[tuple[int, int, int]]) -> list[Hit]:
        """The hits among ``found``, word-bounded occurrences ``(start, -end, form index)`` of
        this table's forms in ``text`` (every one of them, in any order)."""
        found.sort()
        hits: list[Hit] = []
        last = 0
        for start, neg_end, index in found:
            if start >= last:
                last = -neg_end
                hits.append(Hit(start, last, text[start:last], self._forms[index][1]))
        return hits


class _Occurrences:
    """Every word-bounded occurrence of some forms (overlapping ones too), by Aho-Corasick."""

    def __init__(self, forms: list[str]) -> None:
        # Whether a form needs a word boundary before / after it (it starts / ends a word).
        self._bounded = [(_is_word(form[0]), _is_word(form[-1])) for form in forms]
        # The library's own choice of automaton: a DFA for a few forms, a contiguous NFA for
        # many. A DFA scans large tables faster only while its much bigger transition tables
        # stay in the CPU caches, as in a loop over pages; extraction runs between other work
        # (the crawl, the database, trafilatura in the benchmark) that evicts them, and there
        # the NFA was 1-4% faster over a whole page's extraction.
        self._automaton = AhoCorasick(forms) if forms else None

    def find(self, text: str) -> list[tuple[int, int, int]]:
        """``(start, -end, form index)`` of each occurrence in ``text``, unsorted."""
        if self._automaton is None:
            return []
        found = []
        size, bounded = len(text), self._bounded
        for index, start, end in self._automaton.find_matches_as_indexes(text, overlapping=True):
            before, after = bounded[index]  # _is_word inlined: this loop runs for every match
            if before and start and ((c := text[start - 1]).isalnum() or c == "_"):
                continue
            if after and end < size and ((c := text[end]).isalnum() or c == "_"):
                continue
            found.append((start, -end, index))
        return found


class _Joined:
    """The forms of several tables in one automaton, each form tagged with the tables it is in
    and its index there; the hits are each table's own."""

    def __init__(self, tables: list[_Table]) -> None:
        self._tables = tables
        owners: dict[str, list[tuple[int, int]]] = {}  # form -> (table, form index in it)
        for t, table in enumerate(tables):
            for i, form in enumerate(table.forms):
                owners.setdefault(form, []).append((t, i))
        self._owners = list(owners.values())
        self._search = _Occurrences(list(owners))

    def hits(self, text: str) -> list[list[Hit]]:
        """Each table's :meth:`_Table.hits` in ``text``."""
        found: list[list[tuple[int, int, int]]] = [[] for _ in self._tables]
        for start, neg_end, index in self._search.find(text):
            for table, form in self._owners[index]:
                found[table].append((start, neg_end, form))
        return [
            table.leftmost_longest(text, f) for table, f in zip(self._tables, found, strict=True)
        ]


def _drop_overlaps(hits: list[Hit]) -> list[Hit]:
    """Keep leftmost-longest hits when the folded and acronym passes overlap."""
    kept: list[Hit] = []
    for hit in hits:
        if kept and hit.start < kept[-1].end:
            continue
        kept.append(hit)
    return kept
