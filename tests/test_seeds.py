"""Seed files: bad rows are reported and skipped, a bad file is a clear error."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler import SeedFileError, parse_seeds, read_seeds


def test_bad_rows_are_skipped_with_their_line_and_reason() -> None:
    text = (
        "url,name,country\n"
        "https://good.example/,Good,CO\n"
        "ftp://files.example/,Bad scheme,CO\n"
        ",Empty,MX\n"
        "https://good.example/,Duplicate,CO\n"
        "clinic.example,Bare host,Mexico\n"
        "bare-host.example,Bare,mx\n"
    )
    seeds, problems = parse_seeds(text)
    assert [s.url for s in seeds] == ["https://good.example/", "https://bare-host.example/"]
    assert seeds[1].country == "MX"
    assert [(p.line, p.reason.split(" ")[0]) for p in problems] == [
        (3, "unsupported"),
        (4, "empty"),
        (5, "duplicate"),
        (6, "country"),
    ]


def test_missing_file_and_missing_url_column_are_errors(tmp_path: Path) -> None:
    with pytest.raises(SeedFileError, match="not found"):
        read_seeds(tmp_path / "nope.csv")
    bad = tmp_path / "bad.csv"
    bad.write_text("name,country\nA,CO\n")
    with pytest.raises(SeedFileError, match="'url' column"):
        read_seeds(bad)
    binary = tmp_path / "binary.csv"
    binary.write_bytes(b"\xff\xfe\x00\x00garbage\x80")
    with pytest.raises(SeedFileError):
        read_seeds(binary)


def test_render_js_column() -> None:
    seeds, problems = parse_seeds(
        "url,render_js\nhttps://a.example/,yes\nhttps://b.example/,\nhttps://c.example/,maybe\n"
    )
    assert [(s.url, s.render_js) for s in seeds] == [
        ("https://a.example/", True),
        ("https://b.example/", False),
    ]
    assert problems[0].line == 4 and "render_js" in problems[0].reason


def test_kind_column_is_case_insensitive_and_a_bad_kind_skips_its_row() -> None:
    text = (
        "url,name,kind\n"
        "https://a.example/,A,Clinic\n"
        "https://b.example/,B, news \n"
        "https://c.example/,C,\n"
        "https://d.example/,D,hospital\n"
        "https://e.example/,E,FACILITATOR\n"
    )
    seeds, problems = parse_seeds(text)
    assert [(s.url, s.kind) for s in seeds] == [
        ("https://a.example/", "clinic"),
        ("https://b.example/", "news"),
        ("https://c.example/", None),
        ("https://e.example/", "facilitator"),
    ]
    [problem] = problems
    assert problem.line == 5 and "kind 'hospital'" in problem.reason
    assert "clinic, facilitator, news, other, seller" in problem.reason
