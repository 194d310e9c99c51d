"""Page language by py3langid: pages the extractor cannot read are kept but not audited."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from extract import decode_html, extract_document
from score.evaluation import load_corpus

REALWORLD = Path(__file__).parent / "realworld"
OTHERS = json.loads((REALWORLD / "other-languages" / "meta.json").read_text())


@pytest.mark.parametrize("name", sorted(OTHERS))
def test_a_real_page_in_another_language_is_not_audited(name: str) -> None:
    html = decode_html((REALWORLD / "other-languages" / name).read_bytes())
    doc = extract_document(html)
    assert doc.language == OTHERS[name]["language"]
    assert not doc.audited
    # Portuguese and French share words with Spanish ("artrose", "células"): none is read.
    assert doc.conditions == [] and not any(doc.flags.values()) and doc.cell_sources == []
    assert doc.text  # the page itself is kept


def test_every_labelled_real_page_is_read_in_its_language() -> None:
    cases = load_corpus(REALWORLD)
    wrong = [(c.name, c.language, lang) for c in cases
             if (lang := c.extract().language) != c.language]  # fmt: skip
    assert not wrong


def test_spanish_with_an_english_footer_and_short_quotes_stay_readable() -> None:
    mixed = extract_document(
        "<p>Dosis de 1 x 10^8 células por infusión.</p>"
        "<p>Book a free consultation with our medical team today.</p>"
    )
    assert mixed.audited and mixed.language in ("en", "es")
    assert mixed.flags["states_cell_count"]
    assert extract_document("<p>Knee OA</p>").language == "und"
