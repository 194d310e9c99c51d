"""Where a joined regex can start, so that it is tried there only.

The flag regexes that need a digit are joined into one pattern with an alternative per regex
(see ``knowledge._flag_regex``). Most alternatives open with ``\\b``, so Python's re finds no
literal or character set to skip ahead with and tries the whole alternation at every position
of the text it is given. Each alternative opens instead with a literal ("pmid", "$", "price")
or a digit: one Aho-Corasick pass over the page finds the literals, the page's numbers give the
digits, and the pattern is matched at those places alone. The matches are those of
``pattern.finditer(text, start, end)``: a match can only start where one of its alternatives
can, and at such a place ``match`` tries the alternatives in the order ``search`` would.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from ahocorasick_rs import AhoCorasick

_SPECIAL = frozenset(".^$*+?{}[]|()")
_QUANTIFIERS = ("?", "*", "{")


def _opening(rx: str) -> str | None:
    """The literal every match of ``rx`` opens with ("" for a digit), or None when unknown.

    Reads ``rx`` up to its first special character; a character that a quantifier makes
    optional ("prices?") is not part of it.
    """
    if _alternates(rx):
        return None
    literal: list[str] = []
    i = 0
    while i < len(rx):
        char = rx[i]
        if char == "\\":
            escaped = rx[i + 1 : i + 2]
            if escaped == "d" and not literal:
                return ""
            if not escaped or escaped.isalnum():
                break  # a class (\w, \s) or an assertion: no longer literal
            char, i = escaped, i + 1
        elif char in _SPECIAL:
            break
        literal.append(char)
        i += 1
    if literal and rx.startswith(_QUANTIFIERS, i):
        literal.pop()
    return "".join(literal) or None


def _alternates(rx: str) -> bool:
    """Whether ``rx`` has a "|" outside its groups and classes (then its start says nothing)."""
    depth, i, in_class = 0, 0, False
    while i < len(rx):
        char = rx[i]
        if char == "\\":
            i += 1
        elif in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
            i += rx.startswith("^", i + 1)  # a "]" right after "[" or "[^" is a member
            i += rx.startswith("]", i + 1)
        elif char in "()":
            depth += 1 if char == "(" else -1
        elif char == "|" and depth == 0:
            return True
        i += 1
    return False


@dataclass(frozen=True)
class Anchored:
    """A joined regex and the openings of its alternatives (see the module docstring)."""

    pattern: re.Pattern[str]
    literals: AhoCorasick | None  # the literals alternatives open with
    digits: bool  # some alternative opens with a digit
    known: bool  # every alternative's opening is known (else it is searched everywhere)

    @classmethod
    def build(cls, pattern: re.Pattern[str], alternatives: Iterable[str]) -> Anchored:
        """``pattern`` with the openings of its ``alternatives`` (regexes, "\\b" stripped)."""
        found = [_opening(rx) for rx in alternatives]
        literals = sorted({opening for opening in found if opening})
        return cls(
            pattern,
            AhoCorasick(literals) if literals else None,
            "" in found,
            None not in found,
        )

    def starts(self, text: str, numbers: Iterable[tuple[int, int]]) -> list[int] | None:
        """Every place in ``text`` where a match can start, sorted (None: anywhere);
        ``numbers`` are the spans of its digit runs."""
        if not self.known:
            return None
        found: set[int] = set()
        if self.literals is not None:
            found.update(s for _, s, _ in self.literals.find_matches_as_indexes(text, True))
        if self.digits:
            found.update(i for start, end in numbers for i in range(start, end))
        return sorted(found)

    def finditer(
        self, text: str, start: int, end: int, starts: list[int] | None
    ) -> Iterator[re.Match[str]]:
        """``pattern.finditer(text, start, end)``, tried only at ``starts`` (of :meth:`starts`)."""
        if starts is None:
            yield from self.pattern.finditer(text, start, end)
            return
        match, pos = self.pattern.match, start
        for i in range(bisect_left(starts, start), len(starts)):
            at = starts[i]
            if at >= end:
                return
            if at < pos:
                continue
            m = match(text, at, end)
            if m is not None:
                yield m
                pos = max(m.end(), at + 1)


@dataclass(frozen=True)
class Openings:
    """Where each of several regexes can start, from one Aho-Corasick pass over the literals they
    open with, instead of a search per regex: each search is a pass over the whole text.
    """

    literals: AhoCorasick | None
    owners: tuple[tuple[int, ...], ...]  # per literal, the regexes that open with it
    unknown: tuple[int, ...]  # the regexes that open with no literal: searched everywhere
    size: int

    @classmethod
    def build(cls, regexes: Sequence[str]) -> Openings:
        """The openings of ``regexes`` (see :func:`_opening`)."""
        owners: dict[str, list[int]] = {}
        unknown = []
        for i, rx in enumerate(regexes):
            opening = _opening(rx)
            if opening:
                owners.setdefault(opening, []).append(i)
            else:
                unknown.append(i)
        return cls(
            AhoCorasick(list(owners)) if owners else None,
            tuple(tuple(regexes) for regexes in owners.values()),
            tuple(unknown),
            len(regexes),
        )

    def starts(self, text: str) -> list[list[int] | None]:
        """For each regex, every place in ``text`` where a match can start, sorted (None:
        anywhere)."""
        places: list[list[int]] = [[] for _ in range(self.size)]
        if self.literals is not None:
            for index, start, _ in self.literals.find_matches_as_indexes(text, True):
                for regex in self.owners[index]:
                    places[regex].append(start)
        return [None if regex in self.unknown else sorted(at) for regex, at in enumerate(places)]
