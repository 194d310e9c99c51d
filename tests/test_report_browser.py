"""Untrusted text in the reports, checked where it would run: headless Chromium and the PDF.

A clinic page carries script, event-handler, CSS and template-injection payloads as text (as a
scraped page would); the audit runs over real HTTP; the HTML report is opened in Chromium and
the PDF turned into text and a PNG. A control page holding the raw payload proves the checks
would see a payload that ran. First pages are saved as PNGs under the test's tmp dir.
"""

from __future__ import annotations

import csv
import html as html_lib
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from prefect.testing.utilities import prefect_test_harness
from typer.testing import CliRunner

from flows.audit import audit_flow
from flows.cli import app
from flows.stages import CrawlOptions
from tests.browser import chromium, screenshot
from tests.local_web import LocalWeb, html, serve

pytestmark = pytest.mark.e2e


def payload(port: int) -> str:
    beacon = f"http://127.0.0.1:{port}/beacon"
    return (
        "{{ 7*7 }}{% raw %}${7*7}"
        f"<script>document.title='PWNED';fetch('{beacon}-script')</script>"
        f"<img src=x onerror=\"document.body.id='pwned';new Image().src='{beacon}-img'\">"
        f"<style>body{{background:url({beacon}-css)}}</style>"
    )


def clinic_page(port: int) -> tuple[int, str, bytes]:
    text = html_lib.escape(payload(port))  # shown as text on the page, as scraped text is
    return html(
        "<h1>Stem cell therapy for autism</h1>"
        f"<p>Our stem cell treatment cures Parkinson's disease, guaranteed {text}.</p>"
        "<p>We use umbilical cord stem cells. Book your consultation: treatment costs $5,000.</p>",
        title=f"Miracle Cells {text}",
    )


def beacons(web: LocalWeb) -> list[str]:
    return [path for _, path in web.requests if path.startswith("/beacon")]


def no_payload_ran(dom: str) -> None:
    soup = BeautifulSoup(dom, "html.parser")
    assert soup.title is not None and soup.title.get_text() != "PWNED"
    assert soup.body is not None and soup.body.get("id") != "pwned"
    assert not soup.find_all("script") and not soup.find_all(attrs={"onerror": True})
    assert len(soup.find_all("style")) == 1  # the report's own
    text = soup.get_text()
    assert "<script>document.title='PWNED'" in text  # shown, as text
    assert "{{ 7*7 }}" in text and "${7*7}" in text


@pytest.fixture(scope="module")
def prefect() -> Iterator[None]:
    with prefect_test_harness(server_startup_timeout=120):
        yield


def test_payloads_in_scraped_text_never_run_in_the_html_or_pdf_report(
    prefect: None, home: Path, tmp_path: Path
) -> None:
    sites = {"payload.test": {}, "plain.test": {}}
    with serve(sites) as web:  # type: ignore[arg-type]
        sites["payload.test"]["/"] = clinic_page(web.port)
        sites["plain.test"]["/"] = html("<p>News: a study of stem cells in mice.</p>")
        seeds = tmp_path / "seeds.csv"
        with seeds.open("w", newline="") as f:
            csv.writer(f).writerows(
                [
                    ["url", "name", "country"],
                    [web.url("payload.test"), "Miracle " + payload(web.port), "PA"],
                    [web.url("plain.test"), "Plain news", "US"],
                ]
            )
        options = CrawlOptions(fast=True, allow_loopback=True, resolve=("*.test=127.0.0.1",))
        summary = audit_flow(str(seeds), "seed", options)
        out = tmp_path / "report"
        result = CliRunner().invoke(
            app,
            [
                "report",
                "--run",
                str(summary["run_id"]),
                "--format",
                "html",
                "--format",
                "pdf",
                "--out",
                str(out),
            ],
        )
        assert result.exit_code == 0, result.output
        report_html = out / f"run-{summary['run_id']}.html"
        report_pdf = report_html.with_suffix(".pdf")
        assert "Parkinson" in report_html.read_text()
        fetched_during_crawl = beacons(web)

        # Control: the raw payload in a page without escaping or CSP does run, and is seen.
        control = tmp_path / "control.html"
        control.write_text(
            f"<html><head><title>control</title></head><body>{payload(web.port)}</body></html>"
        )
        dom = chromium(tmp_path / "chromium-control", "--dump-dom", control.as_uri())
        assert "PWNED" in dom or "pwned" in dom
        assert beacons(web), "the control payload should have called the beacon"
        web.requests.clear()

        dom = chromium(tmp_path / "chromium", "--dump-dom", report_html.as_uri())
        no_payload_ran(dom)
        first_page = screenshot(
            report_html, tmp_path / "html-first-page.png", tmp_path / "chromium"
        )
        assert first_page.stat().st_size > 10_000
        assert beacons(web) == [] and fetched_during_crawl == []

    text = subprocess.run(
        ["pdftotext", "-layout", str(report_pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "<script>document.title='PWNED'" in text and "{{ 7*7 }}" in text
    assert "not legal or medical advice" in text
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "60",
            "-f",
            "1",
            "-l",
            "1",
            str(report_pdf),
            str(tmp_path / "pdf-page"),
        ],
        check=True,
    )
    assert next(tmp_path.glob("pdf-page*.png")).stat().st_size > 5_000
    listed = subprocess.run(
        ["sha256sum", "-c", "manifest.sha256"], cwd=out, check=True, capture_output=True, text=True
    ).stdout
    assert f"{report_html.name}: OK" in listed and f"{report_pdf.name}: OK" in listed
