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


def test_spreadsheet_exports_in_semicolons_and_windows_1252_are_read(tmp_path: Path) -> None:
    # What Excel writes as "CSV" in a Spanish locale: semicolons, Windows-1252, a comma in a name.
    rows = (
        "url;name;country\r\nhttps://a.example/;Clínica Bogotá, S.A.S.;CO\r\nb.example;Niños;mx\r\n"
    )
    excel = tmp_path / "excel.csv"
    excel.write_bytes(rows.encode("cp1252"))
    seeds, problems = read_seeds(excel)
    assert problems == []
    assert [(s.url, s.name, s.country) for s in seeds] == [
        ("https://a.example/", "Clínica Bogotá, S.A.S.", "CO"),
        ("https://b.example/", "Niños", "MX"),
    ]
    unicode_text = tmp_path / "unicode.csv"  # Excel's "Unicode text": UTF-16 with tabs
    unicode_text.write_bytes(rows.replace(";", "\t").encode("utf-16"))
    assert [s.name for s in read_seeds(unicode_text)[0]] == ["Clínica Bogotá, S.A.S.", "Niños"]


def test_one_site_written_three_ways_is_one_seed() -> None:
    seeds, problems = parse_seeds(
        "url\nwww.clinic.example\nclinic.example\nhttp://clinic.example/\nclinic.example/es\n"
    )
    assert [s.url for s in seeds] == ["https://www.clinic.example/", "https://clinic.example/es"]
    assert [(p.line, p.reason) for p in problems] == [
        (3, "duplicate of line 2: https://clinic.example/"),
        (4, "duplicate of line 2: http://clinic.example/"),
    ]


def test_a_country_must_be_an_iso_3166_code() -> None:
    seeds, problems = parse_seeds("url,country\na.example,XX\nb.example,co\nc.example,ZZ\n")
    assert [(s.url, s.country) for s in seeds] == [("https://b.example/", "CO")]
    assert [p.line for p in problems] == [2, 4]
    assert "not an ISO 3166-1 code" in problems[0].reason
