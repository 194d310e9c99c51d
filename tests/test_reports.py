"""Reports: scraped text is escaped, links are only http(s)."""

from __future__ import annotations

from datetime import UTC, datetime

from reports import Report, render_report, safe_href
from storage.queries import ClaimRow, RunInfo, SiteRow

PAYLOAD = '<script>alert(1)</script><img src=x onerror="alert(2)">{{ 7*7 }}'


def test_scraped_strings_are_escaped_and_javascript_links_are_not_links() -> None:
    site = SiteRow(1, "https://c.test/", PAYLOAD, "CO", "ok", 2, [{"url": "u", "reason": PAYLOAD}],
                   True, 80, "F",
                   [{"rule": "cure-or-guarantee", "points": 15, "description": "d",
                     "evidence": [{"quote": PAYLOAD, "url": "javascript:alert(3)"}]}])
    claims = [ClaimRow(1, "condition", "autism", "claimed", "unproven", PAYLOAD,
                       "javascript:alert(4)"),
              ClaimRow(1, "flag", "testimonials", None, None, PAYLOAD, "https://c.test/t")]
    run = RunInfo(1, datetime.now(UTC), None, "finished", PAYLOAD, PAYLOAD, "abc")
    html = render_report(Report("run 1", [run], "seed", [site], claims))
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert 'href="javascript:' not in html
    assert "{{ 7*7 }}" in html  # rendered as text, not evaluated
    assert "autism" in html and ">F<" in html


def test_safe_href() -> None:
    assert safe_href("https://a.test/x") == "https://a.test/x"
    assert safe_href("http://a.test/") == "http://a.test/"
    for bad in ("javascript:alert(1)", "data:text/html,x", "vbscript:x", "//a.test"):
        assert safe_href(bad) is None
