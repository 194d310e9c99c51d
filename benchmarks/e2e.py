"""End-to-end audit benchmark: webs of 100 and 1,000 realistic sites, politeness off, full audit.

For each size it serves a fresh web from a process of its own, by default the realistic
profile (``python -m demoweb --realistic``: each site on its own loopback address 127.77.x.y,
15 pages of 30-60 KB, most of each page prose from the real-world corpora, FAQ blocks, price
tables, robots.txt and a sitemap; ``--web demo`` serves the short-page demo web instead), and
times, in the same run and against the same server:

- audit: ``clinic-audit run --fast --screenshot-budget 0`` (crawl, extract, score, tables,
  report: the Prefect flow in batches; the screenshots of cited pages, a browser's work that
  grows with the pages cited, are timed apart by ``tests/test_screenshots.py`` and the demo);
- bare: a minimal Scrapy spider (``benchmarks/crawl.py --bare``) fetching exactly the pages the
  audit stored, from a list, with the crawl's ``--fast`` concurrency (32 requests in flight, 8
  per host, no delay) and nothing else: no robots.txt, no link following, no archive, no
  database. The ratio of the audit's pages/s to this one's is the figure to watch;
- with ``--dask 2``, also the audit on a local Dask cluster of 2 processes (the ``dask`` extra:
  extraction and scoring on both cores), and its speed-up over the threaded audit.

Each row gives wall time, CPU seconds (the command and every process it started and waited
for, from this process's children's resource usage), cores used (CPU s / wall s), pages,
pages/s, wall and CPU milliseconds per page, peak RSS (the sum over the command's process tree,
read from /proc every 0.2 s, so a peak shorter than that can be missed), the database size, the
server's CPU seconds (the web's own cost, on the same cores); then the audit's pages/s and pages
per CPU second (the figure least moved by other load on the machine) as shares of the bare
spider's. Last, how time per page and the rest grow from the smallest size to the
largest (linear: time per page flat, pages/s and RSS flat).

Usage::

    .venv/bin/python benchmarks/e2e.py                      # 100 and 1,000 sites
    .venv/bin/python benchmarks/e2e.py --sizes 20 --no-baseline
    .venv/bin/python benchmarks/e2e.py --sizes 200 --dask 2     # threads against Dask
    .venv/bin/python benchmarks/e2e.py --web demo               # the short-page demo web
    .venv/bin/python benchmarks/e2e.py --db-url postgresql+psycopg://postgres@127.0.0.1/bench
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path

from crawl import process_cpu  # benchmarks/crawl.py, beside this script

import demoweb
import storage
from flows import BATCH_SIZE
from storage.history import stored_pages
from storage.queries import latest_run_id

CLI = str(Path(sys.executable).with_name("clinic-audit"))
BARE_SPIDER = [sys.executable, str(Path(__file__).with_name("crawl.py")), "--bare"]


@dataclass(frozen=True)
class Figures:
    seconds: float
    cpu_seconds: float  # the command and every process it waited for, user + system
    pages: int
    peak_rss_mb: float
    server_cpu_seconds: float  # the web server's, over the same time
    db_mb: float = 0.0

    @property
    def pages_per_second(self) -> float:
        return self.pages / self.seconds if self.seconds else 0.0

    @property
    def ms_per_page(self) -> float:
        return 1000 * self.seconds / self.pages if self.pages else 0.0

    @property
    def cpu_ms_per_page(self) -> float:
        return 1000 * self.cpu_seconds / self.pages if self.pages else 0.0

    def against(self, bare: Figures, label: str) -> str:
        """Pages/s and pages per CPU second as shares of ``bare``'s."""
        return (
            f"{'':>6} {label} / bare: x{self.pages_per_second / bare.pages_per_second:.2f} "
            f"pages/s, x{bare.cpu_ms_per_page / self.cpu_ms_per_page:.2f} pages per CPU second"
        )

    def line(self, sites: int, label: str, extra: str = "") -> str:
        """One row of the table :func:`main` prints (cores: CPU seconds per wall second)."""
        return (
            f"{sites:>6} {label:8} {self.seconds:8.1f} {self.cpu_seconds:7.1f} "
            f"{self.cpu_seconds / self.seconds:5.2f} {self.pages:7} "
            f"{self.pages_per_second:8.1f} {self.ms_per_page:7.1f} {self.cpu_ms_per_page:7.1f} "
            f"{self.peak_rss_mb:12.0f} "
            f"{self.db_mb:7.1f} {self.server_cpu_seconds:9.1f}{extra}"
        )


HEADER = (
    f"{'sites':>6} {'command':8} {'wall s':>8} {'CPU s':>7} {'cores':>5} {'pages':>7} "
    f"{'pages/s':>8} {'ms/page':>7} {'CPU ms':>7} {'peak RSS MB':>12} {'DB MB':>7} "
    f"{'server s':>9}"
)


def tree_rss_kb(pid: int) -> int:
    """Resident memory of ``pid`` and all its descendants, in KB (from /proc)."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(
                line.split(":", 1) for line in status.read_text().splitlines() if ":" in line
            )
        except OSError:
            continue
        proc = int(status.parent.name)
        parents[proc] = int(fields["PPid"])
        rss[proc] = int(fields.get("VmRSS", "0 kB").split()[0])
    tree, grew = {pid}, True
    while grew:  # add children of the tree until nothing new joins
        grew = False
        for proc, parent in parents.items():
            if parent in tree and proc not in tree:
                tree.add(proc)
                grew = True
    return sum(rss.get(proc, 0) for proc in tree)


def timed(args: list[str], env: dict[str, str], server: int, stdout: Path) -> Figures:
    """Run a command, its standard output into ``stdout``; return its figures but the pages.

    The CPU time counts every process of the tree that its parent waited for (crawlers, the
    temporary Prefect server), from this process's children's resource usage.
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    server_before = process_cpu(server)
    started = time.perf_counter()
    with stdout.open("wb") as out:
        process = subprocess.Popen(args, env=env, stdout=out, stderr=subprocess.PIPE)
        peak = 0
        while process.poll() is None:
            peak = max(peak, tree_rss_kb(process.pid))
            time.sleep(0.2)
    seconds = time.perf_counter() - started
    if process.returncode != 0:
        assert process.stderr is not None
        sys.exit(f"{' '.join(args)} failed:\n{process.stderr.read().decode()[-3000:]}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return Figures(seconds, cpu, 0, peak / 1024, process_cpu(server) - server_before)


def database_mb(db_url: str) -> float:
    engine = storage.connect(db_url)
    try:
        return storage.database_bytes(engine) / 2**20
    finally:
        engine.dispose()


def stored_urls(db_url: str) -> list[str]:
    engine = storage.connect(db_url)
    with storage.sessions(engine)() as session:
        run_id = latest_run_id(session)  # a fresh database: the audit's run
        urls = [page.url for page in stored_pages(session, run_id)] if run_id else []
    engine.dispose()
    return urls


@dataclass(frozen=True)
class Bench:
    """One size's web, served for every command measured on it."""

    tmp: Path
    seeds: Path
    server: int  # the web server's process id
    batch_size: int
    db_url: str | None

    def audit(self, name: str, dask_workers: int = 0) -> tuple[Figures, list[str]]:
        """The audit into a fresh database; its figures and the URLs of the pages it stored."""
        home = self.tmp / name
        url = self.db_url or f"sqlite:///{home / 'audit.db'}"
        env = {
            **os.environ,
            "CLINIC_AUDIT_HOME": str(home),
            "CLINIC_AUDIT_DB_URL": url,
            "CLINIC_AUDIT_ALLOW_LOOPBACK": "1",
            "CLINIC_AUDIT_RESOLVE": "*.test=127.0.0.1",  # the demo web's hosts
        }
        args = [CLI, "run", str(self.seeds), "--fast", "--screenshot-budget", "0"]
        args += ["--batch-size", str(self.batch_size), "--dask-workers", str(dask_workers)]
        figures = timed(args, env, self.server, self.tmp / f"{name}.out")
        urls = stored_urls(url)
        figures = replace(figures, pages=len(urls), db_mb=database_mb(url))
        if self.db_url:  # a shared server database: leave it empty for the next audit
            _drop_tables(self.db_url)
        return figures, urls

    def bare(self, urls: list[str]) -> Figures:
        """The bare Scrapy spider over ``urls``; it prints a line per page fetched."""
        listed, out = self.tmp / "urls.txt", self.tmp / "bare.out"
        listed.write_text("\n".join(urls))
        figures = timed([*BARE_SPIDER, str(listed)], dict(os.environ), self.server, out)
        return replace(figures, pages=len(out.read_bytes().splitlines()))


def _drop_tables(db_url: str) -> None:
    engine = storage.connect(db_url)
    storage.empty_schema(engine)
    engine.dispose()


def measure_size(n: int, args: argparse.Namespace) -> Figures:
    """Print the rows of one size; return the audit's figures."""
    with tempfile.TemporaryDirectory(prefix="e2e-") as tmp:
        seeds = Path(tmp) / "seeds.csv"
        realistic = args.web == "realistic"
        with demoweb.serve_in_process(n, seeds, seed=7, realistic=realistic) as server:
            bench = Bench(Path(tmp), seeds, server.pid, args.batch_size, args.db_url)
            audit, urls = bench.audit("audit")
            print(audit.line(n, "audit"), flush=True)
            dask = None
            if args.dask:
                dask, _ = bench.audit("dask", args.dask)
                speed_up = f"   speed-up over threads x{audit.seconds / dask.seconds:.2f}"
                print(dask.line(n, f"dask x{args.dask}", speed_up), flush=True)
            if not args.no_baseline:
                bare = bench.bare(urls)
                print(bare.line(n, "bare"), flush=True)
                print(audit.against(bare, "audit"), flush=True)
                if dask:
                    print(dask.against(bare, "dask"), flush=True)
    return audit


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000])
    parser.add_argument(
        "--web",
        choices=("realistic", "demo"),
        default="realistic",
        help="realistic: long pages, a loopback address per site (default); demo: short pages",
    )
    parser.add_argument("--batch-size", type=int, default=BATCH_SIZE)
    parser.add_argument("--db-url", help="an empty PostgreSQL database (default: SQLite)")
    parser.add_argument("--no-baseline", action="store_true", help="skip the bare spider")
    parser.add_argument(
        "--dask",
        type=int,
        default=0,
        metavar="WORKERS",
        help="also time the audit on a Dask cluster of WORKERS processes",
    )
    args = parser.parse_args(argv)
    load = os.getloadavg()[0]
    print(f"{args.web} web; {os.cpu_count()} cores, load average {load:.1f} at the start")
    print(HEADER)
    rows = {n: measure_size(n, args) for n in args.sizes}
    if len(rows) > 1:
        small, large = min(rows), max(rows)
        a, b = rows[small], rows[large]
        print(
            f"growth {small} -> {large} sites (x{large / small:.0f}): "
            f"time per page {a.ms_per_page:.1f} -> {b.ms_per_page:.1f} ms "
            f"(x{b.ms_per_page / a.ms_per_page:.2f}), CPU per page {a.cpu_ms_per_page:.1f} -> "
            f"{b.cpu_ms_per_page:.1f} ms (x{b.cpu_ms_per_page / a.cpu_ms_per_page:.2f}), "
            f"wall time x{b.seconds / a.seconds:.2f}, "
            f"pages x{b.pages / a.pages:.2f}, peak RSS x{b.peak_rss_mb / a.peak_rss_mb:.2f}, "
            f"database x{b.db_mb / a.db_mb:.2f}"
        )
    print(f"load average {os.getloadavg()[0]:.1f} at the end")
    return 0


if __name__ == "__main__":
    sys.exit(main())
