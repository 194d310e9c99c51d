"""A joined regex tried only where its alternatives can open finds what a full scan finds.

``extract._starts.Anchored`` stands in for ``pattern.finditer(text, start, end)`` on the flag
regexes that need a digit and on coordinations ("heart, lung and kidney diseases"); the
reference here is that scan itself, over crafted text and over real pages with the real lexicon.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from extract import decode_html
from extract._starts import Anchored, Openings, _opening
from extract._text import normalise
from extract.knowledge import lexicon
from extract.segment import html_to_page

ROOT = Path(__file__).parent


@pytest.mark.parametrize(
    ("rx", "opening"),
    [
        (r"pmid ?:? ?\d{5,9}\b", "pmid"),  # an optional character is not part of it
        (r"precios? (?:desde |de )?\d", "precio"),
        (r"cell count(?:s)? of \d", "cell count"),
        (r"us\$ ?\d", "us$"),  # an escaped character is a literal
        (r"\d+(?:[.,]\d+)? ?%", ""),  # "" for a digit
        (r"pmc\d{5,9}", "pmc"),
        (r"a|b\d", None),  # an alternation outside groups: its start says nothing
        (r"x[|]\d", "x"),  # a "|" inside a class is a character
        (r"[$€] ?\d", None),  # a class
        (r"(?:a|b)\d", None),  # a group (split by knowledge._literal_led before this)
        (r"x{2}\d", None),
    ],
)
def test_opening(rx: str, opening: str | None) -> None:
    assert _opening(rx) == opening


def _reference(pattern: re.Pattern[str], text: str, windows: list[tuple[int, int]]) -> list:
    return [
        (m.start(), m.end(), m.lastgroup) for s, e in windows for m in pattern.finditer(text, s, e)
    ]


def _anchored(anchored: Anchored, text: str, windows: list[tuple[int, int]]) -> list:
    opened = Openings.build({anchored: anchored.literals}).find(text)
    assert opened.numbers == [m.span() for m in re.finditer(r"\d+", text)]
    starts = anchored.starts(opened)
    return [
        (m.start(), m.end(), m.lastgroup)
        for s, e in windows
        for m in anchored.finditer(text, s, e, starts)
    ]


TEXTS = [
    "price 4500 usd; $ 3,500 or us$1200, pmid: 12345678 and pmc1234567, 10.1234/abc.",
    "precios desde $2.000 mxn; 50 millones de celulas; 1 x 10 6 cells/kg; 2 to 3 months",
    "open copy europe pen 12 cop 3 eur4 €5 ٣ million cells and ٣٤ usd",  # words inside words
    "the cost is 120, costs of 3 and starting at 999; from only $5k",
]


@pytest.mark.parametrize("text", TEXTS)
def test_the_real_numeric_flag_regexes_match_as_a_full_scan(text: str) -> None:
    anchored = lexicon().flag_regex_numeric
    assert anchored is not None and anchored.known
    windows = [(0, len(text)), (3, 40), (10, len(text) - 5)]
    for window in windows:
        assert _anchored(anchored, text, [window]) == _reference(anchored.pattern, text, [window])
    assert _reference(anchored.pattern, text, windows)  # the cases do match something


@pytest.mark.parametrize("name", ["flag_regex_numeric", "coordination"])
def test_real_pages_give_the_same_matches(name: str) -> None:
    anchored = getattr(lexicon(), name)
    assert isinstance(anchored, Anchored) and anchored.known
    pages = sorted((ROOT / "realworld" / "docs").glob("*.html"))[:60]
    assert pages
    found = 0
    for path in pages:
        page = html_to_page(decode_html(path.read_bytes()))
        text = normalise("\n".join(b.text for b in page.blocks))
        whole = [(0, len(text))]
        expected = _reference(anchored.pattern, text, whole)
        assert _anchored(anchored, text, whole) == expected
        found += len(expected)
    assert found  # the pages do hold such matches


def test_an_alternative_of_unknown_opening_falls_back_to_a_full_scan() -> None:
    pattern = re.compile(r"(?P<a>pmid \d+)|(?P<b>[#@]\d+)")
    anchored = Anchored.build(pattern, [r"pmid \d+", r"[#@]\d+"])
    assert not anchored.known
    text = "see pmid 123, #45 and @6"
    assert _anchored(anchored, text, [(0, len(text))]) == [
        (4, 12, "a"),
        (14, 17, "b"),
        (22, 24, "b"),
    ]


def _led_matches(text: str, openings: bool) -> list[tuple[str, int, int]]:
    lex = lexicon()
    opened = lex.openings.find(text)
    return [
        (led.flag, m.start(), m.end())
        for led in lex.flag_regexes
        for m in led.finditer(text, led.starts(opened) if openings else None)
    ]


def test_flag_regexes_tried_at_their_openings_match_as_a_search() -> None:
    # "my" inside "dummy" and "mi" inside "cami": no word starts there, the search goes on.
    text = (
        "dummy my knee pain is gone. after my second treatment i walk; journal of medicine. "
        "cami mi dolor de rodilla se fue tras dos sesiones; despues de mi sesion camino"
    )
    assert _led_matches(text, openings=True) == _led_matches(text, openings=False)
    assert len(_led_matches(text, openings=False)) >= 4
    pages = sorted((ROOT / "realworld" / "docs").glob("*.html"))[:60]
    for path in pages:
        page = html_to_page(decode_html(path.read_bytes()))
        text = normalise("\n".join(b.text for b in page.blocks))
        assert _led_matches(text, openings=True) == _led_matches(text, openings=False), path


def test_one_pass_finds_each_pattern_s_literals_and_the_numbers() -> None:
    openings = Openings.build({"a": ["pmid", "pmc"], "b": ["pmid: "], "c": []})
    text = "pmid 1, pmid: 23 pmc٣٤5 x²"  # Arabic-Indic digits are \d too; "²" is not
    opened = openings.find(text)
    assert opened.starts == {"a": [0, 8, 17], "b": [8], "c": []}
    assert opened.numbers == [m.span() for m in re.finditer(r"\d\d*", text)]
    assert opened.numbers == [(5, 6), (14, 16), (20, 23)]
