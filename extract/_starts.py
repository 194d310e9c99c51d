"""Where a joined regex can start, so that it is tried there only.

The flag regexes that need a digit are joined into one pattern with an alternative per regex
(see ``knowledge._flag_regex``). Most alternatives open with ``\\b``, so Python's re finds no
literal or character set to skip ahead with and tries the whole alternation at every position
of the text it is given. Each alternative opens instead with a literal ("pmid", "$", "price")
or a digit: one Aho-Corasick pass over the page finds the literals, the page's numbers give the
digits, and the pattern is matched at those places alone. The matches are those of
``pattern.finditer(text, start, end)``: a match can only start where one of its alternatives
can, and at such a place ``match`` tries the alternatives in the order ``search`` would.

The same holds for the coordination pattern and for the flag regexes that open with words: one
pass of :class:`Openings` finds the literals of all of them and the page's digits together.
"""

from __future__ import annotations

import re
import sys
from bisect import bisect_left
from collections.abc import Hashable, Iterable, Iterator
from dataclasses import dataclass
from typing import NamedTuple

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


@dataclass(frozen=True, eq=False)  # a key of Opened.starts: hashed by identity, in O(1)
class Anchored:
    """A joined regex and the openings of its alternatives (see the module docstring)."""

    pattern: re.Pattern[str]
    literals: frozenset[str]  # the literals alternatives open with
    digits: bool  # some alternative opens with a digit
    known: bool  # every alternative's opening is known (else it is searched everywhere)

    @classmethod
    def build(cls, pattern: re.Pattern[str], alternatives: Iterable[str]) -> Anchored:
        """``pattern`` with the openings of its ``alternatives`` (regexes, "\\b" stripped)."""
        found = [_opening(rx) for rx in alternatives]
        literals = frozenset(opening for opening in found if opening)
        return cls(pattern, literals, "" in found, None not in found)

    def starts(self, opened: Opened) -> list[int] | None:
        """Every place in the text where a match can start, sorted (None: anywhere), from
        where :class:`Openings` found this pattern's literals and the text's numbers."""
        if not self.known:
            return None
        found = set(opened.starts[self])
        if self.digits:
            found.update(i for start, end in opened.numbers for i in range(start, end))
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


# Every character that the regex \\d matches in a str pattern (Unicode's decimal digits).
_DIGITS = [c for c in map(chr, range(sys.maxunicode + 1)) if c.isdecimal()]


class Opened(NamedTuple):
    """What :meth:`Openings.find` found in a text."""

    starts: dict[Hashable, list[int]]  # per pattern, where its opening literals are, sorted
    numbers: list[tuple[int, int]]  # the spans of the text's digit runs (of re's \\d\\d*)


@dataclass(frozen=True)
class Openings:
    """Where each of several patterns' opening literals are, and the text's numbers, in one
    Aho-Corasick pass: a regex search, or a scan of the page for digits, is a pass over the
    whole page of its own.
    """

    automaton: AhoCorasick
    owners: tuple[tuple[int, ...], ...]  # per literal, the patterns (indexes) that open with it
    patterns: tuple[Hashable, ...]

    @classmethod
    def build(cls, openings: dict[Hashable, Iterable[str]]) -> Openings:
        """``openings``: each pattern's opening literals."""
        owners: dict[str, list[int]] = {digit: [] for digit in _DIGITS}  # digits first
        for pattern, literals in enumerate(openings.values()):
            for literal in literals:
                owners.setdefault(literal, []).append(pattern)
        return cls(AhoCorasick(list(owners)), tuple(map(tuple, owners.values())), tuple(openings))

    def find(self, text: str) -> Opened:
        """Where the patterns' literals are in ``text``, and its numbers."""
        places: list[list[int]] = [[] for _ in self.patterns]
        digits: list[int] = []
        first_literal, owners = len(_DIGITS), self.owners
        for index, start, _ in self.automaton.find_matches_as_indexes(text, True):
            if index < first_literal:
                digits.append(start)
            for pattern in owners[index]:
                places[pattern].append(start)
        numbers: list[tuple[int, int]] = []
        for at in sorted(digits):
            if numbers and numbers[-1][1] == at:
                numbers[-1] = (numbers[-1][0], at + 1)
            else:
                numbers.append((at, at + 1))
        return Opened({p: sorted(at) for p, at in zip(self.patterns, places, strict=True)}, numbers)
