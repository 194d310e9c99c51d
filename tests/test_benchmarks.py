"""The benchmark scripts run as the README says (small sizes here; figures are not checked)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _run(*args: str) -> str:
    done = subprocess.run(
        [sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_quality_benchmark_prints_per_language_and_kind_tables() -> None:
    out = _run("benchmarks/extract_quality.py", "--no-demo")
    assert "== real-world corpora (shared + own): " in out
    assert "== synthetic corpus" in out
    assert "condition:claimed" in out and "page_type" in out and "vocabulary" in out
    assert "es P/R/F1" in out and "en P/R/F1" in out and "kind:non-clinic-rewr P/R/F1" in out


def test_speed_benchmark_compares_with_trafilatura_on_both_page_sets() -> None:
    out = _run("benchmarks/extract_speed.py", "--pages", "20")
    assert "== long, prose-heavy pages (real-world corpus text): 20 pages, " in out
    assert "== boilerplate-heavy pages (demo web, wrapped): 20 pages, " in out
    assert out.count("ratio (extract_document / trafilatura.extract)") == 2


def test_report_benchmark_times_html_and_pdf_against_the_export() -> None:
    out = _run("benchmarks/report.py", "--sites", "2", "--pages-per-site", "2")
    assert "baseline: export every table, CSV" in out
    assert "period report: HTML" in out and "period report: PDF (WeasyPrint)" in out
    assert "x the CSV export" in out
    assert " pages, " in out and "peak RSS, PDF step" in out and "largest worker" in out


def test_end_to_end_benchmark_prints_its_figures() -> None:
    done = subprocess.run(
        [sys.executable, "benchmarks/e2e.py", "--sizes", "2"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=280,
    )
    assert done.returncode == 0, done.stderr
    web, header, audit, bare, ratios = done.stdout.splitlines()[:5]
    assert web.startswith("realistic web; ")
    assert "pages/s" in header and "peak RSS MB" in header and "CPU ms" in header
    assert audit.split()[:2] == ["2", "audit"] and bare.split()[:2] == ["2", "bare"]
    # Both fetched the 15 pages of each of the 2 realistic sites.
    assert bare.split()[5] == audit.split()[5] == "30"
    assert ratios.split()[:3] == ["audit", "/", "bare:"] and "pages per CPU second" in ratios


def test_post_extraction_benchmark_prints_time_and_memory_per_stage_and_size() -> None:
    done = subprocess.run(
        [sys.executable, "benchmarks/post_extract.py", "--sites", "1", "2", "--sample-sites", "1"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=280,
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "ms/site" in out and "tree MB" in out
    assert "     2 (stored)" in out and " 30 pages, " in out  # 15 realistic pages a site
    for stage in ("score", "tables csv", "parquet", "report html"):
        assert f"growth 1 -> 2 sites, {stage}: time per site x" in out


@pytest.mark.js
def test_review_benchmark_decides_by_keyboard_and_checks_what_the_page_stored() -> None:
    done = subprocess.run(
        [sys.executable, "benchmarks/review_keyboard.py", "--sites", "2", "--decisions", "3"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,  # a small demo is made first (crawl, extraction, screenshots)
    )
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    assert ": 3 findings decided by keyboard" in out
    assert "time per decision (key press to the next finding loaded): median " in out
    assert "stored: 3 of 3 decisions" in out
    assert "clinic-audit score --run 1 gives the grades the page left: yes" in out
