"""The review page end to end: ``clinic-audit review`` on a free port over a stored run whose
pages are real WARC records, driven by keyboard in the system Chromium through Playwright.

One archived page is hostile: a script that would rewrite the page and call out, a frame and
an image and a stylesheet from a second loopback server that counts what it is asked for.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, expect, sync_playwright
from sqlalchemy import Engine, select

import storage
from evidence.chromium import CHROMIUM
from flows import stages
from storage import Review, SiteScore
from tests.local_web import LocalWeb, html, serve
from tests.review_data import CLAIMS, store_run

pytestmark = pytest.mark.js

#: Seconds a plain request may take: the first view weighs the queue, on a busy machine too.
WAIT = 60.0

#: The hostile page's quote: markup as text, which must stay text everywhere.
QUOTE = "Guaranteed results. <b>no risk</b>"


def hostile_page(port: int) -> str:
    out = f"http://127.0.0.1:{port}"
    return (
        "<html lang='en'><head><title>FAQ</title>"
        f"<link rel='stylesheet' href='{out}/style.css'>"
        f"<meta http-equiv='refresh' content='0; url={out}/refresh'></head>"
        f"<body style=\"background:url('{out}/bg.png')\">"
        "<p id='target'>original text</p>"
        "<p>Guaranteed results. &lt;b&gt;no risk&lt;/b&gt;</p>"
        "<script>document.getElementById('target').textContent = 'rewritten';"
        f"fetch('{out}/fetch');</script>"
        f"<img src='{out}/img.png' onerror=\"document.body.dataset.ran = 'yes'\">"
        f"<iframe src='{out}/frame'></iframe>"
        f"<object data='{out}/object'></object>"
        "</body></html>"
    )


@dataclass
class Served:
    url: str  # the printed URL, with its token
    base: str
    engine: Engine
    run_id: int
    counter: LocalWeb


@contextmanager
def review_server(home: Path, *options: str) -> Iterator[Served]:
    """``clinic-audit review --port 0 OPTIONS`` over a stored run of one clinic whose FAQ page
    is hostile; stopped on leaving."""
    engine = storage.connect()  # the home fixture's database
    storage.upgrade(engine)
    counted = {"127.0.0.1": lambda path: html("counted")}
    with serve(counted) as counter:
        claims = {"": CLAIMS[""], "faq": [dict(CLAIMS["faq"][0], quote=QUOTE)]}
        run_id = store_run(
            engine, "https://clinica.test/", claims, {"faq": hostile_page(counter.port)}
        )
        stages.score(engine, run_id)
        command = [sys.executable, "-c", "from flows.cli import app; app()", "review"]
        server = subprocess.Popen(
            [*command, "--port", "0", "--run", str(run_id), *options],
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            assert server.stdout is not None
            line = server.stdout.readline()
            assert "/?token=" in line, line
            url = line.split(": ", 1)[1].strip()
            yield Served(url, url.split("/?")[0], engine, run_id, counter)
        finally:
            server.terminate()
            server.wait(timeout=30)


@pytest.fixture
def served(home: Path) -> Iterator[Served]:
    with review_server(home) as running:
        yield running


def grade(engine: Engine, run_id: int) -> tuple[str | None, int | None]:
    with storage.sessions(engine)() as session:
        score = session.scalars(select(SiteScore).where(SiteScore.run_id == run_id)).one()
        return score.grade, score.risk_score


def decide_by_key(page: Page, key: str) -> None:
    with page.expect_navigation():
        page.keyboard.press(key)


def test_findings_reviewed_by_keyboard_stay_decided_and_move_the_grade(served: Served) -> None:
    before = grade(served.engine, served.run_id)
    requested: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.on("request", lambda request: requested.append(request.url))
        page.goto(served.url)
        assert "token" not in page.url  # the token became a cookie
        page.fill("#name", "Ana")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        expect(page.locator("#reviewer")).to_have_text("Ana")
        total = int(page.locator("#progress").inner_text().split(" of ")[1].split()[0])
        expect(page.locator("#progress")).to_have_text(f"0 of {total} reviewed")
        # the heaviest first: whether the site sells treatment takes its whole grade away
        expect(page.locator("#finding")).to_have_text("site sells_treatment")
        expect(page.locator("#grade")).to_have_text(f"grade {before[0]}")
        expect(page.locator("aside dl")).to_contain_text("Verdict")  # the verdict's reasons
        decide_by_key(page, "c")

        # next the cure promise, on the hostile page: inert, fetching nothing, quote marked
        expect(page.locator("#finding")).to_have_text("flag cure_or_guarantee")
        page.wait_for_load_state("networkidle")
        frame = page.frame_locator("iframe")
        expect(frame.locator("mark#quote")).to_have_text(QUOTE)
        expect(frame.locator("#target")).to_have_text("original text")
        assert frame.locator("script, iframe, object").count() == 0
        assert page.frames[1].evaluate("document.body.dataset.ran || ''") == ""
        expect(page.locator("aside .quote")).to_have_text(QUOTE)  # markup stays text
        assert page.locator("aside .quote b").count() == 0
        page.keyboard.press("n")
        page.keyboard.type("cure promise; r typed here is text")
        page.keyboard.press("Escape")
        decide_by_key(page, "r")

        # the queue weighs again after each decision; the conditions, through their filter
        for slug, key in (("autism", "r"), ("copd", "2")):  # 2: disclaimed
            page.goto(f"{served.base}/?condition={slug}")
            expect(page.locator("#progress")).to_have_text("0 of 1 reviewed")
            expect(page.locator("#finding")).to_have_text(f"condition {slug}")
            decide_by_key(page, key)
            expect(page.locator("#progress")).to_have_text("1 of 1 reviewed")
            expect(page.locator(".empty")).to_contain_text("Nothing left to review")
        page.goto(served.base + "/")
        page.reload()
        expect(page.locator("#progress")).to_have_text(f"4 of {total} reviewed")
        after = grade(served.engine, served.run_id)
        assert after[1] is not None and before[1] is not None and after[1] < before[1]
        assert after[0] != before[0]
        expect(page.locator("#grade")).to_contain_text(f"grade {after[0]}")
        browser.close()
    assert served.counter.requests == []
    assert not [u for u in requested if f":{served.counter.port}" in u]
    with storage.sessions(served.engine)() as session:
        reviews = {
            (r.value, r.decision, r.reviewer, r.note) for r in session.scalars(select(Review))
        }
    assert reviews == {
        ("sells_treatment", "confirm", "Ana", ""),
        ("autism", "reject", "Ana", ""),
        ("copd", "disclaimed", "Ana", ""),
        ("cure_or_guarantee", "reject", "Ana", "cure promise; r typed here is text"),
    }


def test_requests_without_the_token_or_the_csrf_token_are_refused(served: Served) -> None:
    for path in ("/", "/?token=wrong", "/?token=é", "/archive/1/condition/autism"):
        assert httpx.get(served.base + path, timeout=WAIT).status_code == 403  # not a crash
    with httpx.Client(base_url=served.base, timeout=WAIT) as client:
        assert client.get(served.url).status_code == 303  # the token's URL logs in
        assert "Your name" in client.get("/").text
        session_csrf = client.get("/").text.split('name="csrf" value="')[1].split('"')[0]
        assert client.post("/reviewer", data={"name": "José"}).status_code == 403
        client.post("/reviewer", data={"name": "José", "csrf": session_csrf})
        page = client.get("/")
        assert '<span id="reviewer">José</span>' in page.text
        assert page.status_code == 200
        policy = page.headers["content-security-policy"]
        assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
        assert page.headers["x-frame-options"] == "DENY"
        form: dict[str, Any] = {
            "site_url": "https://clinica.test/",
            "kind": "condition",
            "value": "autism",
            "decision": "reject",
        }
        assert client.post("/decide", data=form).status_code == 403
        assert client.post("/decide", data={**form, "csrf": "forgéd"}).status_code == 403
        archived = client.get("/archive/1/condition/autism")
        assert archived.status_code == 200
        policy = archived.headers["content-security-policy"]
        assert policy.startswith("default-src 'none'") and "script-src" not in policy
        assert '<mark id="quote">We treat autism with stem cells.</mark>' in archived.text
    with storage.sessions(served.engine)() as session:
        assert session.scalars(select(Review)).first() is None


@contextmanager
def logged_in(served: Served) -> Iterator[httpx.Client]:
    """A client past the token and the name form, as the reviewer José."""
    with httpx.Client(base_url=served.base, timeout=WAIT) as client:
        client.get(served.url)
        csrf = client.get("/").text.split('name="csrf" value="')[1].split('"')[0]
        client.post("/reviewer", data={"name": "José", "csrf": csrf})
        yield client


def test_the_queue_filters_by_site_country_and_condition_and_shows_the_cue(served: Served) -> None:
    with logged_in(served) as client:
        total = client.get("/").text.split("</progress> 0 of ")[1].split()[0]
        assert int(total) > 3
        for query, shown in (
            ("site=https://clinica.test/", total),
            ("country=MX", total),
            ("condition=copd", "1"),
            ("site=https://clinica.test/&country=MX&condition=autism", "1"),
            ("site=https://other.test/", "0"),
            ("country=FR", "0"),
            ("country=MX&condition=als", "0"),
        ):
            page = client.get("/?" + query).text
            assert f"</progress> 0 of {shown} reviewed" in page, query
            assert ("Nothing left to review with these filters" in page) == (shown == "0")
        assert '<option value="MX" selected>MX</option>' in client.get("/?country=MX").text
        # beside the quote, the machine's reason: its stance and the words that decided it
        autism = client.get("/?condition=autism").text
        assert '<dd id="machine">claimed</dd>' in autism
        assert '<dd id="cue">We treat</dd>' in autism
        assert '<dd id="cue">(none recorded)</dd>' in client.get("/?condition=copd").text


def test_another_address_takes_host_and_still_the_token(home: Path) -> None:
    with review_server(home, "--host", "127.0.0.2") as served:
        assert served.base.startswith("http://127.0.0.2:")
        assert httpx.get(served.base + "/", timeout=WAIT).status_code == 403
        with httpx.Client(base_url=served.base, timeout=WAIT) as client:
            assert client.get(served.url).status_code == 303
            assert "Your name" in client.get("/").text
        port = served.base.rsplit(":", 1)[1]
        with pytest.raises(httpx.ConnectError):  # bound to that address only
            httpx.get(f"http://127.0.0.1:{port}/", timeout=WAIT)
