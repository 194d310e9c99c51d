"""Report speed: the period report (HTML, PDF) for N demo sites, against the CSV export.

Builds a database of N demo-web sites without crawling (pages rendered by demoweb, read by the
real extractor, stored and scored through the real stages: ``flows/demo_runs.py``), then
times, in the same run:

- baseline: ``export_tables`` + CSV of every table (what ``clinic-audit export`` does);
- the period report's data assembly (``period_report``), its HTML, and its PDF (WeasyPrint,
  laid out in parts by a pool of processes, then assembled: ``reports.pdf``).

Usage::

    .venv/bin/python benchmarks/report.py                 # 1,000 sites, HTML and PDF
    .venv/bin/python benchmarks/report.py --sites 24      # the demo web's size
    .venv/bin/python benchmarks/report.py --no-pdf        # skip the (slow) PDF

It prints seconds for each step and the ratio of each to the CSV export, the PDF's pages,
and peak memory: of the PDF step (this process and its workers together, sampled from /proc)
and of the whole run (``getrusage``: this process, and the largest worker).
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

from e2e import tree_rss_kb  # benchmarks/e2e.py, beside this script
from pypdf import PdfReader

import demoweb
import storage
from flows.demo_runs import store_demo_run
from flows.reviewed_outputs import export_tables
from reports import parse_period, period_report, render_report, write_tables
from reports.html import render_parts
from reports.pdf import write_pdf


def peak_rss() -> str:
    """Peak resident memory of this process and of its largest child (Linux: ru_maxrss in KB)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return (
        f"{'peak RSS, whole run':<34} {own:8.0f} MB (this process), {child:.0f} MB (largest worker)"
    )


class TreePeak:
    """The peak RSS of this process and all its children together while the block runs."""

    def __init__(self) -> None:
        self.peak_kb = 0
        self._done = threading.Event()

    def _sample(self) -> None:
        while not self._done.wait(0.2):
            self.peak_kb = max(self.peak_kb, tree_rss_kb(os.getpid()))

    def __enter__(self) -> TreePeak:
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._done.set()
        self._thread.join()


def timed(label: str, baseline: float | None = None) -> _Timer:
    return _Timer(label, baseline)


class _Timer:
    def __init__(self, label: str, baseline: float | None) -> None:
        self.label, self.baseline, self.seconds = label, baseline, 0.0

    def __enter__(self) -> _Timer:
        self.started = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        self.seconds = time.perf_counter() - self.started
        ratio = f"  ({self.seconds / self.baseline:.1f}x the CSV export)" if self.baseline else ""
        print(f"{self.label:<34} {self.seconds:8.2f} s{ratio}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=1000)
    parser.add_argument("--pages-per-site", type=int, default=6)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-pdf", action="store_true")
    parser.add_argument("--workers", type=int, help="processes laying out the PDF (default: cores)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="report-bench-") as folder:
        out = Path(folder)
        engine = storage.connect(f"sqlite:///{out / 'bench.db'}")
        storage.upgrade(engine)
        web = demoweb.generate(n_sites=args.sites, seed=args.seed)
        with timed(f"store {args.sites} sites (no crawl)"):
            store_demo_run(
                engine,
                web,
                datetime(2026, 8, 3, tzinfo=UTC),
                pages_per_site=max(1, args.pages_per_site // 2),
            )
            store_demo_run(
                engine, web, datetime(2026, 11, 2, tzinfo=UTC), pages_per_site=args.pages_per_site
            )
        with timed("baseline: export every table, CSV") as export:
            write_tables(export_tables(engine), out / "csv", "csv")
        with timed("period report: assemble", export.seconds):
            report = period_report(engine, parse_period("2026-Q4"), "seed")
        with timed("period report: HTML", export.seconds):
            html = render_report(report)
        claims = sum(len(report.claims_of(site.site_id)) for site in report.sites)
        print(f"{'':<34} {len(html) / 1e6:8.1f} MB, {claims} claims")
        if not args.no_pdf:
            parts = list(render_parts(report))
            with TreePeak() as memory, timed("period report: PDF (WeasyPrint)", export.seconds):
                write_pdf(parts, out / "report.pdf", args.workers)
            pages = len(PdfReader(out / "report.pdf").pages)
            print(
                f"{'':<34} {(out / 'report.pdf').stat().st_size / 1e6:8.1f} MB, {pages} pages, "
                f"{len(parts)} parts, {args.workers or os.cpu_count()} workers"
            )
            print(
                f"{'peak RSS, PDF step':<34} {memory.peak_kb / 1024:8.0f} MB "
                "(this process and its workers together)"
            )
        print(peak_rss())
        engine.dispose()


if __name__ == "__main__":
    main()
