"""Crawl throughput: clinic-audit's crawler against a bare Scrapy spider on the same URLs.

    .venv/bin/python benchmarks/crawl.py [--sites 500]

Serves ``demoweb.generate(n_sites=N)`` from its own process on 127.0.0.1, then, in one run:

1. clinic-audit's crawl of every site with ``--fast`` (robots.txt, scope, traps, WARC with
   request records, pages table: everything on), as the real ``python -m crawler`` process;
2. a bare Scrapy spider (no robots.txt, no archive, no database, no link following) fetching
   exactly the pages the first crawl stored, with the same concurrency.

Prints pages/s, CPU seconds and peak RSS of each crawler process, the server's CPU share in
each phase (a server near 100% of a core would be the bottleneck), and the ratio of the two
throughputs. The crawls alternate ``--rounds`` times (each clinic-audit crawl into a fresh
database and archive) and the best of each counts, since other work on the machine slows
whichever crawl it meets; the ratio of pages per CPU second is printed too, as the figure
least moved by such noise. Goal (issue 3): ratio >= 0.8, clinic-audit's peak RSS < 600 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import demoweb
import storage
from crawler import read_seeds
from flows import stages
from flows.stages import CrawlOptions
from storage.history import stored_pages

RESOLVE = ("*.test=127.0.0.1",)
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Phase:
    name: str
    pages: int
    wall: float
    cpu: float
    peak_rss_mb: float
    server_cpu: float

    @property
    def pages_per_s(self) -> float:
        return self.pages / self.wall

    def line(self) -> str:
        return (
            f"{self.name:<13} {self.pages:>6} pages  {self.wall:7.1f} s  "
            f"{self.pages_per_s:7.1f} pages/s  cpu {self.cpu:6.1f} s  "
            f"peak RSS {self.peak_rss_mb:6.0f} MB  server cpu {self.server_cpu:5.1f} s "
            f"({100 * self.server_cpu / self.wall:3.0f}% of a core)"
        )


def process_cpu(pid: int) -> float:
    """User + system CPU seconds of a running process, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def run_measured(name: str, argv: list[str], server_pid: int, count_event: str | None) -> Phase:
    """Run ``argv`` to its end; count its stdout lines (JSON events of ``count_event``)."""
    server_before = process_cpu(server_pid)
    start = time.perf_counter()
    process = subprocess.Popen(argv, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    pages = 0
    for line in process.stdout:
        if count_event is None or json.loads(line).get("event") == count_event:
            pages += 1
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"{name} exited with {process.returncode}")
    return Phase(
        name,
        pages,
        wall,
        usage.ru_utime + usage.ru_stime,
        usage.ru_maxrss / 1024,
        process_cpu(server_pid) - server_before,
    )


def bare_spider(urls_file: str) -> None:
    """The baseline: fetch every URL of ``urls_file`` and count responses, nothing more."""
    from scrapy import Request, Spider
    from scrapy.crawler import CrawlerProcess

    class Bare(Spider):
        name = "bare"

        async def start(self):  # type: ignore[no-untyped-def]
            for url in Path(urls_file).read_text().split():
                yield Request(url, callback=self.parse)

        def parse(self, response):  # type: ignore[no-untyped-def]
            sys.stdout.write("1\n")

    process = CrawlerProcess(
        {
            "CONCURRENT_REQUESTS": 32,
            "CONCURRENT_REQUESTS_PER_DOMAIN": 8,
            "DOWNLOAD_DELAY": 0,
            "ROBOTSTXT_OBEY": False,
            "COOKIES_ENABLED": False,
            "LOG_LEVEL": "ERROR",
            "TELNETCONSOLE_ENABLED": False,
            # The same resolver rule as the crawl, so both find the *.test hosts on loopback.
            "TWISTED_DNS_RESOLVER": "crawler.safety.GuardedResolver",
            "CLINIC_AUDIT_RESOLVE": list(RESOLVE),
            "CLINIC_AUDIT_ALLOW_LOOPBACK": True,
        }
    )
    process.crawl(Bare)
    process.start()


def clinic_round(folder: Path, seeds_file: Path, server_pid: int) -> tuple[Phase, list[str]]:
    """One measured crawl by clinic-audit into a fresh database and archive under ``folder``."""
    os.environ["CLINIC_AUDIT_HOME"] = str(folder / "var")
    os.environ["CLINIC_AUDIT_DB_URL"] = f"sqlite:///{folder / 'audit.db'}"
    engine = storage.connect()
    storage.upgrade(engine)
    seeds, _ = read_seeds(seeds_file)
    run_id = stages.prepare_run(engine, seeds, str(seeds_file), {"benchmark": True})
    options = CrawlOptions(fast=True, allow_loopback=True, resolve=RESOLVE)
    written = stages.write_crawl_job(engine, run_id, options)
    assert written is not None, "the benchmark's run has sites to crawl"
    job_file, _ = written
    phase = run_measured(
        "clinic-audit", [sys.executable, "-m", "crawler", str(job_file)], server_pid, "page"
    )
    with storage.sessions(engine)() as session:
        urls = [page.url for page in stored_pages(session, run_id)]
    engine.dispose()
    return phase, urls


def best(phases: list[Phase]) -> Phase:
    return max(phases, key=lambda p: p.pages_per_s)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sites", type=int, default=500)
    ap.add_argument(
        "--rounds",
        type=int,
        default=2,
        help="alternate the two crawls this often and keep each one's best",
    )
    ap.add_argument("--bare", help=argparse.SUPPRESS)  # internal: run the baseline spider
    args = ap.parse_args()
    if args.bare:
        bare_spider(args.bare)
        return 0
    clinic: list[Phase] = []
    bare: list[Phase] = []
    with tempfile.TemporaryDirectory(prefix="clinic-audit-bench-") as tmp:
        folder = Path(tmp)
        seeds_file = folder / "seeds.csv"
        with demoweb.serve_in_process(args.sites, seeds_file) as server:
            for number in range(args.rounds):
                phase, urls = clinic_round(folder / f"round-{number}", seeds_file, server.pid)
                clinic.append(phase)
                urls_file = folder / "urls.txt"
                urls_file.write_text("\n".join(urls))
                bare.append(
                    run_measured(
                        "bare scrapy",
                        [sys.executable, __file__, "--bare", str(urls_file)],
                        server.pid,
                        None,
                    )
                )
            warc_mb = sum(f.stat().st_size for f in folder.rglob("*.warc.gz")) / 2**20
    print(
        f"demo web: {args.sites} sites, {len(urls)} pages stored per crawl, "
        f"WARC {warc_mb / args.rounds:.1f} MB per crawl; machine load {os.getloadavg()[0]:.1f}"
    )
    for phase in clinic + bare:
        print(phase.line())
    top_clinic, top_bare = best(clinic), best(bare)
    ratio = top_clinic.pages_per_s / top_bare.pages_per_s
    cpu_ratio = (top_clinic.pages / top_clinic.cpu) / (top_bare.pages / top_bare.cpu)
    print(
        f"ratio clinic-audit / bare, best of {args.rounds}: {ratio:.2f} pages/s "
        f"(goal >= 0.80), {cpu_ratio:.2f} pages per CPU second; "
        f"clinic-audit peak RSS {max(p.peak_rss_mb for p in clinic):.0f} MB (goal < 600 MB)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
