"""The Aho-Corasick PhraseMatcher finds exactly what the regex trie it replaced found.

The reference below is the former implementation, kept verbatim: one regex per table, shaped
like a trie, ``(?<!\\w)(phrase)(?:e?s)?(?!\\w)`` (or, for tables with punctuation phrases such
as ";", boundaries only where a phrase starts or ends with a word character), scanned with
``finditer``. The cases cover word boundaries, plural endings, acronyms against their lower
case, overlapping phrases, phrases that are prefixes of others, punctuation, non-ASCII text;
hypothesis then draws phrase lists and texts from a small alphabet where such collisions are
frequent, and the real lexicon is run over real pages.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extract._text import (
    Hit,
    PhraseMatcher,
    PhraseScan,
    expand,
    is_acronym,
    normalise,
    normalise_raw,
)
from extract.knowledge import lexicon

_WORDY = re.compile(r"\w")


def _trie_pattern(words: Iterable[str]) -> str:
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


def _compile(table: dict[str, tuple[str, ...]], plurals: bool) -> re.Pattern[str] | None:
    if not table:
        return None
    body = "(" + _trie_pattern(table) + ")" + ("(?:e?s)?" if plurals else "")
    if all(_WORDY.match(k) and _WORDY.match(k[-1]) for k in table):
        return re.compile(r"(?<!\w)" + body + r"(?!\w)")
    return re.compile(r"(?:(?<!\w)|(?=\W))" + body + r"(?:(?!\w)|(?<=\W))")


class RegexPhraseMatcher:
    """The former PhraseMatcher (regex trie), the reference."""

    def __init__(self, phrases: Iterable[tuple[str, str]], *, plurals: bool = False) -> None:
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

    def finditer(self, folded: str, cased: str | None = None) -> list[Hit]:
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
            kept: list[Hit] = []
            for hit in hits:
                if not (kept and hit.start < kept[-1].end):
                    kept.append(hit)
            hits = kept
        return hits


def _texts(text: str) -> tuple[str, str]:
    cased = normalise_raw(text)
    return cased.lower(), cased


def _same(phrases: list[tuple[str, str]], text: str, plurals: bool) -> list[Hit]:
    folded, cased = _texts(text)
    new = list(PhraseMatcher(phrases, plurals=plurals).finditer(folded, cased))
    old = RegexPhraseMatcher(phrases, plurals=plurals).finditer(folded, cased)
    assert new == old
    # Without the case-kept text only the lower-case phrases are searched, in both.
    new_folded = list(PhraseMatcher(phrases, plurals=plurals).finditer(folded))
    assert new_folded == RegexPhraseMatcher(phrases, plurals=plurals).finditer(folded)
    return new


CASES = [
    # word boundaries: no hit inside a word, at either end
    (["pain"], "painful pain spain pain.", False, ["pain", "pain"]),
    (["als"], "vitals als, ALS", False, ["als", "als"]),
    (["cell"], "cells cell_x cell2 cellx cell", False, ["cell", "cell"]),  # "_" is a space
    # plurals: s and es, but not other endings; the longest phrase wins a tie
    (["lesion", "cuff"], "lesiones cuffs cuffes cuffed lesions", True, None),
    (["ab", "abe"], "abes abs abees ab abe", True, None),
    (["knee", "knee pain"], "knee pains knees kneess", True, None),
    (["ACL"], "ACLs ACLes acls ACL ACLS", True, None),
    # acronyms match case-kept text only, and lose to an overlapping longer lower-case hit
    (["MS", "ms clinic"], "MS ms Ms. ms clinic MS clinic", False, None),
    (["ELA", "HCT/P"], "ela ELA HCT/P hct/p HCT/Ps", True, None),
    # overlaps and prefixes: leftmost first, then longest, then resume at its end
    (["stem cell", "cell therapy", "stem"], "stem cell therapy", False, ["stem cell"]),
    (["a b", "b c", "a b c d"], "a b c e a b c d", False, None),
    (["rheumatoid arthritis", "arthritis"], "rheumatoid arthritiss arthritis", True, None),
    # punctuation phrases: no boundary needed where the phrase has a punctuation edge
    ([";", "but"], "pain;but ; but;x", False, None),
    (["dr.", "dr", "& therapy"], "dr.s dr. dr.x dr &therapy & therapy", True, None),
    ([".", "e.g"], "e.g. e.gs x.y", True, None),
    # accents are folded on both sides; non-ASCII characters keep offsets in code points
    (["esclerosis múltiple"], "Esclerosis Múltiple 😀 esclerosis multiples", True, None),
    (["über"], "überall über Über", False, None),
]


@pytest.mark.parametrize(("phrases", "text", "plurals", "expected"), CASES)
def test_table(phrases: list[str], text: str, plurals: bool, expected: list[str] | None) -> None:
    hits = _same([(p, f"v:{p}") for p in phrases], text, plurals)
    if expected is not None:
        assert [h.text for h in hits] == expected


def test_values_of_a_phrase_listed_twice_are_kept_in_order() -> None:
    phrases = [("no (tratamos|ofrecemos)", "negation:forward"), ("no tratamos", "x:backward")]
    hits = _same(phrases, "No tratamos eso; no ofrecemos", False)
    assert [h.values for h in hits] == [("negation:forward", "x:backward"), ("negation:forward",)]


_ALPHABET = "abes .;/&-'AB\u00e9\u0130_1"
_phrase = st.text(_ALPHABET, min_size=1, max_size=5)


@settings(max_examples=400, deadline=None)
@given(
    phrases=st.lists(_phrase, min_size=1, max_size=8),
    text=st.text(_ALPHABET, max_size=40),
    plurals=st.booleans(),
)
def test_random_phrases_and_texts(phrases: list[str], text: str, plurals: bool) -> None:
    _same([(p, str(i % 3)) for i, p in enumerate(phrases)], text, plurals)


def _pairs(table: object) -> list[tuple[str, str]]:
    forms = table._forms  # type: ignore[attr-defined]
    return list(dict.fromkeys((phrase, v) for phrase, values in forms for v in values))


@pytest.mark.parametrize(
    "name",
    [
        "condition_matcher",
        "cue_matcher",
        "heading_matcher",
        "terminator_matcher",
        "entity_matcher",
        "origin_matcher",
        "flag_matcher",
        "clinic_matcher",
    ],
)
def test_lexicon_matchers_on_real_pages(name: str) -> None:
    matcher = getattr(lexicon(), name)
    phrases = _pairs(matcher._folded) + _pairs(matcher._cased)
    plurals = name == "condition_matcher"
    reference = RegexPhraseMatcher(phrases, plurals=plurals)
    docs = sorted((Path(__file__).parent / "realworld" / "docs").glob("*.html"))[:40]
    assert docs
    for path in docs:
        folded, cased = _texts(" ".join(path.read_text(encoding="utf-8", errors="replace").split()))
        assert list(matcher.finditer(folded, cased)) == reference.finditer(folded, cased), path


@settings(max_examples=200, deadline=None)
@given(
    tables=st.lists(
        st.lists(st.tuples(_phrase, st.sampled_from("xyz")), min_size=1, max_size=6),
        min_size=1,
        max_size=4,
    ),
    text=st.text(_ALPHABET, max_size=40),
)
def test_a_joined_scan_finds_what_each_matcher_finds(
    tables: list[list[tuple[str, str]]], text: str
) -> None:
    # Tables sharing phrases ("abe" in two of them) and phrases that are one another's prefixes.
    folded, cased = _texts(text)
    matchers = [PhraseMatcher(phrases) for phrases in tables]
    found = PhraseScan(matchers).hits(folded, cased)
    assert [found[m] for m in matchers] == [list(m.finditer(folded, cased)) for m in matchers]


def test_the_page_scan_on_real_pages() -> None:
    scan = lexicon().page_scan
    matchers = scan._matchers  # type: ignore[attr-defined]
    docs = sorted((Path(__file__).parent / "realworld" / "docs").glob("*.html"))[:40]
    for path in docs:
        folded, cased = _texts(" ".join(path.read_text(encoding="utf-8", errors="replace").split()))
        found = scan.hits(folded, cased)
        assert [found[m] for m in matchers] == [list(m.finditer(folded, cased)) for m in matchers]
