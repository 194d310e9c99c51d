"""End-to-end audit benchmark: demo webs of 100 and 1,000 sites, politeness off, full audit.

For each size it serves a fresh demo web on 127.0.0.1 (from a process of its own) and times,
in the same run and on the same sites:

- baseline: ``clinic-audit crawl --fast`` (the bare Scrapy crawl into WARC and the pages table);
- audit: ``clinic-audit run --fast --screenshot-budget 0`` (crawl, extract, score, tables,
  report: the Prefect flow in batches, its tasks on threads of one process; the screenshots of
  cited pages, a browser's work that grows with the pages cited, are timed apart by
  ``tests/test_screenshots.py`` and the demo);
- with ``--dask 2``, also the audit on a local Dask cluster of 2 processes (the ``dask`` extra:
  extraction and scoring on both cores), and its speed-up over the threaded audit.

It prints wall time, pages/s, peak RSS (the sum over the command and every process it starts,
sampled every 0.2 s), the database size, the audit/crawl time ratio, and how each figure grows
from the smallest size to the largest (linear growth: time and database ratios close to the
size ratio; flat pages/s and RSS).

Usage::

    .venv/bin/python benchmarks/e2e.py                      # 100 and 1,000 sites (~6 min)
    .venv/bin/python benchmarks/e2e.py --sizes 20 --no-baseline
    .venv/bin/python benchmarks/e2e.py --sizes 200 --dask 2     # threads against Dask
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
from dataclasses import dataclass
from pathlib import Path

import demoweb
import storage
from flows import BATCH_SIZE
from storage import stored_page_count

CLI = str(Path(sys.executable).with_name("clinic-audit"))


@dataclass(frozen=True)
class Figures:
    seconds: float
    cpu_seconds: float  # the command and every process it started, user + system
    pages: int
    peak_rss_mb: float
    db_mb: float

    @property
    def pages_per_second(self) -> float:
        return self.pages / self.seconds if self.seconds else 0.0

    def line(self, sites: int, label: str, extra: str = "") -> str:
        """One row of the table :func:`main` prints (cores: CPU seconds per wall second)."""
        return (
            f"{sites:>6} {label:8} {self.seconds:8.1f} {self.cpu_seconds:7.1f} "
            f"{self.cpu_seconds / self.seconds:5.2f} {self.pages:7} "
            f"{self.pages_per_second:8.1f} {self.peak_rss_mb:12.0f} {self.db_mb:7.1f}{extra}"
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


def timed(args: list[str], env: dict[str, str]) -> tuple[float, float, float]:
    """Run a command; return its wall time (s), CPU time (s) and process tree's peak RSS (MB).

    The CPU time counts every process of the tree that its parent waited for (crawlers, the
    temporary Prefect server), from this process's children's resource usage.
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    process = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
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
    return seconds, cpu, peak / 1024


def database_mb(db_url: str) -> float:
    engine = storage.connect(db_url)
    try:
        return storage.database_bytes(engine) / 2**20
    finally:
        engine.dispose()


def stored_pages(db_url: str) -> int:
    engine = storage.connect(db_url)
    with storage.sessions(engine)() as session:
        count = stored_page_count(session)
    engine.dispose()
    return count


def measure(
    command: str, n_sites: int, batch_size: int, db_url: str | None, dask_workers: int = 0
) -> Figures:
    """One command over a fresh demo web of ``n_sites`` into a fresh database."""
    with tempfile.TemporaryDirectory(prefix="e2e-") as tmp:
        seeds = Path(tmp) / "seeds.csv"
        with demoweb.serve_in_process(n_sites, seeds, seed=7):
            return _measure_in(Path(tmp), seeds, command, batch_size, db_url, dask_workers)


def _measure_in(
    tmp: Path, seeds: Path, command: str, batch_size: int, db_url: str | None, dask_workers: int
) -> Figures:
    home = tmp / "var"
    url = db_url or f"sqlite:///{home / 'audit.db'}"
    env = {
        **os.environ,
        "CLINIC_AUDIT_HOME": str(home),
        "CLINIC_AUDIT_DB_URL": url,
        "CLINIC_AUDIT_ALLOW_LOOPBACK": "1",
        "CLINIC_AUDIT_RESOLVE": "*.test=127.0.0.1",
    }
    args = [CLI, command, str(seeds), "--fast"]
    if command == "run":
        args += ["--batch-size", str(batch_size), "--dask-workers", str(dask_workers)]
        args += ["--screenshot-budget", "0"]
    seconds, cpu, rss = timed(args, env)
    figures = Figures(seconds, cpu, stored_pages(url), rss, database_mb(url))
    if db_url:  # a shared server database: leave it empty for the next size
        _drop_tables(db_url)
    return figures


def _drop_tables(db_url: str) -> None:
    engine = storage.connect(db_url)
    storage.empty_schema(engine)
    engine.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000])
    parser.add_argument("--batch-size", type=int, default=BATCH_SIZE)
    parser.add_argument("--db-url", help="an empty PostgreSQL database (default: SQLite)")
    parser.add_argument("--no-baseline", action="store_true", help="skip the bare crawl")
    parser.add_argument(
        "--dask",
        type=int,
        default=0,
        metavar="WORKERS",
        help="also time the audit on a Dask cluster of WORKERS processes",
    )
    args = parser.parse_args(argv)
    rows: dict[int, Figures] = {}
    print(
        f"{'sites':>6} {'command':8} {'wall s':>8} {'CPU s':>7} {'cores':>5} {'pages':>7} "
        f"{'pages/s':>8} {'peak RSS MB':>12} {'DB MB':>7} {'audit/crawl':>12}"
    )
    for n in args.sizes:
        crawl = None if args.no_baseline else measure("crawl", n, args.batch_size, args.db_url)
        if crawl:
            print(crawl.line(n, "crawl"), flush=True)
        audit = rows[n] = measure("run", n, args.batch_size, args.db_url)
        ratio = f"{audit.seconds / crawl.seconds:12.2f}" if crawl else ""
        print(audit.line(n, "audit", ratio), flush=True)
        if args.dask:
            dask = measure("run", n, args.batch_size, args.db_url, args.dask)
            print(
                dask.line(
                    n,
                    f"dask x{args.dask}",
                    f"   speed-up over threads x{audit.seconds / dask.seconds:.2f}",
                ),
                flush=True,
            )
    if len(rows) > 1:
        small, large = min(rows), max(rows)
        a, b = rows[small], rows[large]
        print(
            f"growth {small} -> {large} sites (x{large / small:.0f}): "
            f"wall time x{b.seconds / a.seconds:.2f}, pages x{b.pages / a.pages:.2f}, "
            f"pages/s x{b.pages_per_second / a.pages_per_second:.2f}, "
            f"peak RSS x{b.peak_rss_mb / a.peak_rss_mb:.2f}, database x{b.db_mb / a.db_mb:.2f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
