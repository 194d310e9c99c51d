"""The corpus scorer and the page decoder behind the quality benchmark and gate."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from extract import decode_html, extract_document
from score.evaluation import Counts, StanceError, evaluate_corpus, fingerprint, load_corpus


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
    assert report.errors == [StanceError("a", "lupus", "disclaimed", "claimed", "Lupus")]
    assert report.get("vocabulary").recall == 1.0  # found, if with the wrong stance
    before = fingerprint(tmp_path)
    (tmp_path / "a" / "expected.json").write_text("{}")
    assert fingerprint(tmp_path) != before


def test_a_folder_without_its_files_is_refused(tmp_path: Path) -> None:
    (tmp_path / "broken").mkdir()
    with pytest.raises(ValueError, match="broken"):
        load_corpus(tmp_path)


def test_a_labelled_set_is_read_and_sliced_by_language_and_kind(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "1.html").write_text(
        "<nav><ul><li>World</li><li>Opinion</li></ul></nav>"
        "<p>Clinics sell cells for autism. There is no evidence that they work.</p>"
    )
    (tmp_path / "docs" / "2.html").write_text("<h1>Tratamos la artrosis de rodilla</h1>")
    labels = [
        {"doc": "1.html", "kind": "news", "language": "en", "is_clinic": False,
         "conditions": {"autism": "disclaimed"}},
        {"doc": "2.html", "kind": "clinic", "language": "es", "is_clinic": True,
         "conditions": {"knee-osteoarthritis": "claimed", "lupus": "claimed"}},
    ]  # fmt: skip
    (tmp_path / "labels.jsonl").write_text("\n".join(json.dumps(x) for x in labels) + "\n")
    report = evaluate_corpus(load_corpus(tmp_path))
    assert report.page_type_right == 2
    assert report.get("condition:disclaimed", "kind:news").recall == 1.0
    assert report.get("condition:claimed", "es").recall == 0.5
    assert report.get("vocabulary", "es").recall == 0.5
    assert [str(e).split(":")[0] for e in report.errors] == ["2.html"]


def test_a_label_without_its_page_is_refused(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "labels.jsonl").write_text(json.dumps({"doc": "gone.html", "language": "en"}))
    with pytest.raises(ValueError, match=r"gone\.html"):
        load_corpus(tmp_path)
