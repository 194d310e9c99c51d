"""Reports: scraped text is escaped, links are only http(s)."""

from __future__ import annotations

from datetime import UTC, datetime

from bs4 import BeautifulSoup, Tag

from reports import Report, render_report, safe_href
from reports.assemble import ClaimReader, judged_claims
from score import SiteVerdict, aggregate_site
from storage.queries import ClaimRow, RunInfo, SiteRow

PAYLOAD = '<script>alert(1)</script><img src=x onerror="alert(2)">{{ 7*7 }}'


def listed(claims: list[ClaimRow]) -> ClaimReader:
    """A report's claim reader over rows in memory, as the database would give them."""
    return lambda site_id: [c for c in claims if c.site_id == site_id]


def test_scraped_strings_are_escaped_and_javascript_links_are_not_links() -> None:
    site = SiteRow(
        1,
        "https://c.test/",
        PAYLOAD,
        "CO",
        "ok",
        2,
        [{"url": "u", "reason": PAYLOAD}],
        True,
        80,
        "F",
        [
            {
                "rule": "cure-or-guarantee",
                "points": 15,
                "description": "d",
                "evidence": [{"quote": PAYLOAD, "url": "javascript:alert(3)"}],
            }
        ],
    )
    claims = [
        ClaimRow(1, "condition", "autism", "claimed", "unproven", PAYLOAD, "javascript:alert(4)"),
        ClaimRow(1, "flag", "testimonials", None, None, PAYLOAD, "https://c.test/t"),
    ]
    run = RunInfo(1, datetime.now(UTC), None, "finished", PAYLOAD, PAYLOAD, "abc")
    news = SiteRow(
        2,
        "https://n.test/",
        "News",
        "CO",
        "ok",
        1,
        [],
        False,
        None,
        None,
        [],
        [f'reads like news, research or a regulator (weight 2): "{PAYLOAD}"'],
    )
    html = render_report(Report("run 1", [run], "seed", [site, news], listed(claims)))
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert 'href="javascript:' not in html
    assert "{{ 7*7 }}" in html  # rendered as text, not evaluated
    verdict = BeautifulSoup(html, "html.parser").select_one("#site-2 p.verdict")
    assert verdict is not None and PAYLOAD in verdict.get_text()  # the reason, as text
    assert "autism" in html and ">F<" in html


def test_safe_href() -> None:
    assert safe_href("https://a.test/x") == "https://a.test/x"
    assert safe_href("http://a.test/") == "http://a.test/"
    for bad in ("javascript:alert(1)", "data:text/html,x", "vbscript:x", "//a.test"):
        assert safe_href(bad) is None


QUOTE = "We treat autism and ALS with stem cells, as the stories of our patients show."


def five_page_site() -> Report:
    """A clinic whose menu sentence is on five pages; one claim of it on two of them only."""
    pages = [(f"https://c.test/p{i}", f"run-1/part-{i}.warc.gz", f"{i:064x}") for i in range(5)]
    claims = []
    for i, (url, warc, digest) in enumerate(pages):
        fetched = datetime(2026, 11, 2, 10, i, tzinfo=UTC)
        for kind, value, stance, tier in (
            ("condition", "autism", "claimed", "unproven"),
            ("condition", "als", "claimed", "unproven"),
        ):
            claims.append(
                ClaimRow(1, kind, value, stance, tier, QUOTE, url, fetched, warc, digest, 100 * i)
            )
        if i in (1, 3):
            claims.append(
                ClaimRow(
                    1,
                    "flag",
                    "testimonials",
                    None,
                    None,
                    QUOTE,
                    url,
                    fetched,
                    warc,
                    digest,
                    100 * i,
                )
            )
    evidence = [{"quote": QUOTE, "url": url} for url, _, _ in pages] * 2  # as the scorer repeats
    reasons = [
        {"rule": "base", "points": 30, "description": "every clinic starts here", "evidence": []},
        {
            "rule": "unproven-claims",
            "points": 16,
            "description": "offers unproven treatments",
            "detail": "autism, als",
            "evidence": evidence,
        },
        {
            "rule": "regulator-outside-its-country",
            "points": 6,
            "description": "names a regulator",
            "evidence": [{"quote": "Approved by COFEPRIS.", "url": "https://c.test/about"}],
        },
    ]
    site = SiteRow(
        1, "https://c.test/", "Repeating Clinic", "CO", "ok", 5, [], True, 52, "D", reasons
    )
    run = RunInfo(1, datetime.now(UTC), None, "finished", "seeds.csv", "kb", "abc")
    return Report("run 1", [run], "seed", [site], listed(claims))


def words(element: Tag) -> str:
    return " ".join(element.get_text().split())


def test_a_quote_on_five_pages_is_listed_once_with_every_page_and_its_archived_copy() -> None:
    html = render_report(five_page_site())
    dossier = BeautifulSoup(html, "html.parser").find("section", id="site-1")
    assert dossier is not None
    quotes = dossier.select('p[id^="s1-q"]')
    assert [words(q) for q in quotes] == [  # one entry, not 5 pages x 3 claims = 15 rows
        f"Q1 “{QUOTE}” — claimed, unproven: autism, als; flag: testimonials (only P2, P4)"
        " — P1, P2, P3, P4, P5"
    ]
    pages = dossier.select('p[id^="s1-p"]')
    assert [page["id"] for page in pages] == [f"s1-p{i}" for i in range(1, 6)]
    for i, page in enumerate(pages):
        assert words(page) == (
            f"P{i + 1} https://c.test/p{i} · 2026-11-02 10:0{i}:00 UTC · "
            f"run-1/part-{i}.warc.gz@{100 * i} · sha256:{i:064x}"
        )
    reasons = {
        entry.code.get_text(): entry
        for entry in dossier.select("div.reasons p.entry")
        if entry.code
    }
    assert list(reasons) == ["base", "unproven-claims", "regulator-outside-its-country"]
    assert words(reasons["unproven-claims"]) == (  # ten pieces of evidence, one quote
        f"+16 unproven-claims offers unproven treatments: autism, als — “{QUOTE}” Q1"
    )
    assert [a["href"] for a in reasons["unproven-claims"]("a")] == ["#s1-q1"]
    # Evidence the claims do not hold is shown in full, with its page.
    assert words(reasons["regulator-outside-its-country"]).endswith(
        "— “Approved by COFEPRIS.” https://c.test/about"
    )
    # Once in the riskiest sites' top reason, once in the points, once in the quotes.
    assert html.count(QUOTE) == 3
    assert html.count('href="#site-1"') == 2  # riskiest sites and sites by risk link here


def test_a_report_reads_a_non_sellers_claims_as_scoring_does() -> None:
    # A news site: one page presents a treatment as helping autism but refutes it (reported
    # stance: disclaimed), another reports testimonials, a selling point it does not carry.
    news = SiteRow(3, "https://n.test/", "News", "CO", "ok", 2, [], False, None, None, [], ["news"])
    rows = [
        ClaimRow(
            3,
            "condition",
            "autism",
            "claimed",
            "unproven",
            "q1",
            "https://n.test/a",
            reported_stance="disclaimed",
        ),
        ClaimRow(3, "condition", "copd", "claimed", "unproven", "q2", "https://n.test/b"),
        ClaimRow(3, "flag", "testimonials", None, None, "q3", "https://n.test/c"),
    ]
    report = Report("run 1", [], "seed", [news], listed(rows))
    assert report.claims_of(3) == judged_claims(rows, [news])  # read by the site's verdict
    as_reported = report.site_claims()[3]
    as_scored = aggregate_site(rows, SiteVerdict(False, ("news",)))  # flows.assessment's fold
    assert {s: c.stance for s, c in as_reported.conditions.items()} == {
        "autism": "disclaimed",
        "copd": "mentioned",
    }
    assert as_reported.named_values("flag") == []  # testimonials: not a news site's
    assert as_reported == as_scored
