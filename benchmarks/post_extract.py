"""Memory and time of the stages after extraction (score, tables, report) as a run grows.

For each size it stores a synthetic run of N sites without crawling or extracting it: a few
realistic sites (``demoweb.realistic``: 15 pages of 30-60 KB of real-world prose) are read by
the real extractor once, and their pages' claims (about 40 a page), cues and languages are
copied to every site of the run, each under its own address. Then it runs, each in a process
of its own as an operator would, the commands that follow extraction in a run:

- ``clinic-audit score --run 1``: the site verdicts, grades and claim changes;
- ``clinic-audit export --format csv --run 1``: the run's tables, what the flow's tables task
  writes;
- ``clinic-audit export --format parquet --run 1``;
- ``clinic-audit report --run 1``: the run's HTML report, what the flow's report task writes.

Each row gives wall seconds, seconds per site and the peak RSS of the command's process tree
(read from /proc every 0.1 s) and the kernel's peak of the command's own process; the
last rows say how seconds per site and peak RSS grow from the smallest size to the largest.
Bounded memory shows as a peak RSS that stays flat while the run grows.

Usage::

    .venv/bin/python benchmarks/post_extract.py                 # 100 and 1,000 sites
    .venv/bin/python benchmarks/post_extract.py --sites 20
    .venv/bin/python benchmarks/post_extract.py --db-url postgresql+psycopg://postgres@127.0.0.1/bench
"""

from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from e2e import tree_rss_kb  # benchmarks/e2e.py, beside this script
from sqlalchemy import Engine

import storage
from crawler import Seed
from demoweb.realistic import RealisticWeb
from extract import decode_html, extract_document
from flows import stages
from flows.page_extraction import claims_of
from score import cues_to_json, site_verdict
from storage.extractions import ArchivedPage, PageExtraction, pages_to_extract, store_extractions
from storage.writes import record_pages, record_site_crawl

CLI = str(Path(sys.executable).with_name("clinic-audit"))
PORT = 8765  # the URLs only name it; nothing listens
SITES_PER_WRITE = 50  # sites stored per transaction while building the run
COMMANDS = {
    "score": ["score", "--run", "{run}"],
    "tables csv": ["export", "--format", "csv", "--run", "{run}", "--out", "{out}/csv"],
    "parquet": ["export", "--format", "parquet", "--run", "{run}", "--out", "{out}/parquet"],
    "report html": ["report", "--run", "{run}", "--out", "{out}/report"],
}


@dataclass(frozen=True)
class TemplatePage:
    """A realistic page as extraction read it, to be copied onto the synthetic sites."""

    path: str
    size: int
    language: str
    title: str
    is_clinic: bool
    page_cues: list[list[Any]]
    claims: list[dict[str, Any]]

    def stored_as(self, page: ArchivedPage) -> PageExtraction:
        return PageExtraction(
            page, self.language, self.title, self.is_clinic, self.page_cues, self.claims
        )


def template_pages(sample_sites: int) -> list[list[TemplatePage]]:
    """The pages of ``sample_sites`` realistic sites, each read by the real extractor."""
    web = RealisticWeb(sample_sites)
    sites = []
    for site in web.sites():
        pages = []
        for path in site.paths:
            page = web.render(site, path, PORT)
            assert page is not None
            url = f"http://{site.address}:{PORT}{path}"
            doc = extract_document(decode_html(page.body, page.content_type), url)
            pages.append(
                TemplatePage(
                    path,
                    len(page.body),
                    doc.language,
                    doc.title,
                    site_verdict([doc.page_cues]).sells_treatment,
                    cues_to_json(doc.page_cues),
                    claims_of(doc),
                )
            )
        sites.append(pages)
    return sites


def store_run(engine: Engine, n_sites: int, templates: list[list[TemplatePage]]) -> tuple[int, int]:
    """Store a run of ``n_sites`` sites, site i a copy of template ``i % len(templates)``;
    return its id and how many claims were stored."""
    hosts = [f"{RealisticWeb.address(i)}:{PORT}" for i in range(n_sites)]
    seeds = [Seed(f"http://{h}/", f"Synthetic Clinic {i + 1:05d}") for i, h in enumerate(hosts)]
    run_id = stages.prepare_run(engine, seeds, "synthetic (not crawled)", {"rubric": "seed"})
    fetched = datetime.now(UTC)
    claims = 0
    with storage.sessions(engine)() as session:
        site_ids = {site.host: site.id for site in storage.run_sites(session, run_id)}
    for start in range(0, n_sites, SITES_PER_WRITE):
        chunk = range(start, min(n_sites, start + SITES_PER_WRITE))
        with storage.sessions(engine).begin() as session:
            rows = [
                {
                    "run_id": run_id,
                    "site_id": site_ids[hosts[i].split(":")[0]],
                    "url": f"http://{hosts[i]}{page.path}",
                    "status": 200,
                    "content_type": "text/html; charset=utf-8",
                    "depth": 0 if page.path == "/" else 1,
                    "fetched_at": fetched,
                    "size": page.size,
                    "sha256": hashlib.sha256(f"{i}{page.path}".encode()).hexdigest(),
                    "warc_file": f"run-{run_id}/not-archived.warc.gz",
                    "warc_offset": 0,
                }
                for i in chunk
                for page in templates[i % len(templates)]
            ]
            record_pages(session, rows)
            ids = [site_ids[hosts[i].split(":")[0]] for i in chunk]
            stored = {p.url: p for p in pages_to_extract(session, run_id, ids)}
            extractions = [
                page.stored_as(stored[f"http://{hosts[i]}{page.path}"])
                for i in chunk
                for page in templates[i % len(templates)]
            ]
            claims += store_extractions(session, extractions)
            for i in chunk:
                pages = len(templates[i % len(templates)])
                record_site_crawl(session, run_id, ids[i - start], "ok", pages, [])
    stages.close_run(engine, run_id, "finished", {})
    return run_id, claims


@dataclass(frozen=True)
class Figures:
    seconds: float
    peak_tree_mb: float  # sampled from /proc: the command and all its processes together
    peak_own_mb: float  # the kernel's peak of the command's own process (VmHWM), last read

    def line(self, sites: int, label: str) -> str:
        return (
            f"{sites:>6} {label:12} {self.seconds:8.1f} {1000 * self.seconds / sites:9.1f} "
            f"{self.peak_tree_mb:10.0f} {self.peak_own_mb:10.0f}"
        )


HEADER = f"{'sites':>6} {'stage':12} {'wall s':>8} {'ms/site':>9} {'tree MB':>10} {'own MB':>10}"


def high_water_kb(pid: int) -> int:
    """The peak resident memory of process ``pid`` so far (VmHWM), in KB; 0 once it is gone.

    Not ``ru_maxrss`` from ``wait4``: Linux carries the parent's peak at fork time into the
    child's, so every command would report at least this script's own size.
    """
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def measured(args: list[str], env: dict[str, str], log: Path) -> Figures:
    """Run a command to its end; its wall time and peak memory."""
    started = time.perf_counter()
    with log.open("wb") as out:
        process = subprocess.Popen(args, env=env, stdout=out, stderr=subprocess.STDOUT)
        tree = own = 0
        while process.poll() is None:
            own = max(own, high_water_kb(process.pid))
            tree = max(tree, tree_rss_kb(process.pid))
            time.sleep(0.1)
    seconds = time.perf_counter() - started
    if process.returncode != 0:
        sys.exit(f"{' '.join(args)} failed:\n{log.read_text(errors='replace')[-3000:]}")
    return Figures(seconds, max(tree, own) / 1024, own / 1024)


def measure_size(
    n: int, templates: list[list[TemplatePage]], db_url: str | None
) -> dict[str, Figures]:
    with tempfile.TemporaryDirectory(prefix="post-extract-") as tmp:
        url = db_url or f"sqlite:///{tmp}/run.db"
        engine = storage.connect(url)
        storage.upgrade(engine)
        started = time.perf_counter()
        run_id, claims = store_run(engine, n, templates)
        pages = sum(len(templates[i % len(templates)]) for i in range(n))
        print(
            f"{n:>6} {'(stored)':12} {time.perf_counter() - started:8.1f} {'':>9} "
            f"{pages} pages, {claims} claims ({claims / pages:.1f} a page)",
            flush=True,
        )
        env = {**os.environ, "CLINIC_AUDIT_HOME": tmp, "CLINIC_AUDIT_DB_URL": url}
        figures = {}
        for label, command in COMMANDS.items():
            args = [CLI, *(part.format(out=tmp, run=run_id) for part in command)]
            figures[label] = measured(args, env, Path(tmp) / "command.log")
            print(figures[label].line(n, label), flush=True)
        if db_url:  # a shared server database: leave it empty for the next size
            storage.empty_schema(engine)
        engine.dispose()
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, nargs="+", default=[100, 1000])
    parser.add_argument(
        "--sample-sites", type=int, default=6, help="realistic sites read by the extractor"
    )
    parser.add_argument("--db-url", help="an empty PostgreSQL database (default: SQLite)")
    args = parser.parse_args(argv)
    print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the start")
    templates = template_pages(args.sample_sites)
    print(HEADER)
    rows = {n: measure_size(n, templates, args.db_url) for n in args.sites}
    if len(rows) > 1:
        small, large = min(rows), max(rows)
        for label in COMMANDS:
            a, b = rows[small][label], rows[large][label]
            print(
                f"growth {small} -> {large} sites, {label}: time per site "
                f"x{(b.seconds / large) / (a.seconds / small):.2f}, "
                f"peak RSS {a.peak_tree_mb:.0f} -> {b.peak_tree_mb:.0f} MB "
                f"(x{b.peak_tree_mb / a.peak_tree_mb:.2f})"
            )
    print(f"load average {os.getloadavg()[0]:.1f} at the end")
    return 0


if __name__ == "__main__":
    sys.exit(main())
