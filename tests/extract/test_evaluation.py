"""The corpus scorer and the page decoder behind the quality benchmark and gate."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from extract import decode_html, extract_document
from extract.evaluation import Counts, evaluate_corpus, fingerprint, load_corpus


def test_latin1_page_without_charset_keeps_its_accents() -> None:
    body = "<p>Tratamos la esclerosis múltiple.</p>".encode("latin-1")
    text = decode_html(body)
    assert "múltiple" in text
    assert extract_document(text).conditions[0].slug == "multiple-sclerosis"
    assert decode_html("<p>múltiple</p>".encode(), "text/html; charset=utf-8") == "<p>múltiple</p>"


def test_counts_precision_recall_f1() -> None:
    c = Counts()
    c.add(["a", "b", "c"], ["a", "b", "d", "e"])
    assert (c.hits, c.predicted, c.expected) == (2, 3, 4)
    assert c.precision == pytest.approx(2 / 3)
    assert c.recall == pytest.approx(0.5)
    assert c.f1 == pytest.approx(2 * (2 / 3) * 0.5 / (2 / 3 + 0.5))


def _write_case(root: Path, name: str, html: str, expected: dict) -> None:
    folder = root / name
    folder.mkdir()
    (folder / "page.html").write_text(html, encoding="utf-8")
    (folder / "expected.json").write_text(json.dumps(expected))
    (folder / "meta.json").write_text(json.dumps({"language": "en", "models": "x"}))


def test_evaluate_scores_stances_and_the_fingerprint_sees_edits(tmp_path: Path) -> None:
    page = "<h2>Conditions we treat</h2><ul><li>Lupus</li></ul><p>Book a free consultation.</p>"
    _write_case(tmp_path, "a", page, {"is_clinic": True, "conditions": {"lupus": "disclaimed"}})
    report = evaluate_corpus(load_corpus(tmp_path))
    assert report.get("condition:claimed").predicted == 1
    assert report.get("condition:disclaimed", "en").recall == 0.0
    assert report.errors == [("a", "lupus", "disclaimed", "claimed")]
    before = fingerprint(tmp_path)
    (tmp_path / "a" / "expected.json").write_text("{}")
    assert fingerprint(tmp_path) != before


def test_a_folder_without_its_files_is_refused(tmp_path: Path) -> None:
    (tmp_path / "broken").mkdir()
    with pytest.raises(ValueError, match="broken"):
        load_corpus(tmp_path)
