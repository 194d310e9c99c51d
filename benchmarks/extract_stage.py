"""The extract stage and the whole audit on a web of long pages, against another checkout.

Serves ``--sites`` sites of 15 long, prose-heavy pages each (30-60 KB, real-world corpus text;
``extract_speed.long_pages``) on 127.0.0.1 from this process, and times, in the same run and on
the same pages, each given ``clinic-audit`` command (ours, and ``--baseline`` such as another
checkout's, e.g. ``/work/main/.venv/bin/clinic-audit``):

- ``run --fast --screenshot-budget 0``: the whole audit (crawl, extract, score, tables, report);
- ``extract --run 1``: the extract stage alone, every page of that stored run again.

It prints wall time, CPU seconds (the command and every process it started), cores used (CPU
seconds per wall second) and pages per second of each.

Usage::

    .venv/bin/python benchmarks/extract_stage.py --sites 20
    .venv/bin/python benchmarks/extract_stage.py --sites 100 \\
        --baseline /work/main/.venv/bin/clinic-audit
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from e2e import CLI, stored_pages, timed
from extract_speed import long_pages

PAGES_PER_SITE = 15


def long_web(n_sites: int, seed: int) -> dict[str, dict[str, bytes]]:
    """Host -> path -> page: a home page linking to 14 more, every one a long page."""
    made = iter(long_pages(n_sites * PAGES_PER_SITE, seed))
    web = {}
    for n in range(n_sites):
        paths = ["/"] + [f"/page-{i}" for i in range(1, PAGES_PER_SITE)]
        links = "".join(f"<a href='{p}'>{p}</a> " for p in paths)
        web[f"clinic{n}.test"] = {
            path: next(made)[1].replace("</body>", f"<nav>{links}</nav></body>").encode()
            for path in paths
        }
    return web


@contextmanager
def serve(web: dict[str, dict[str, bytes]]) -> Iterator[int]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = web.get((self.headers.get("Host") or "").split(":")[0], {}).get(self.path)
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body or b"")))
            self.end_headers()
            self.wfile.write(body or b"")

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


def line(label: str, seconds: float, cpu: float, pages: int) -> str:
    return (
        f"{label:28} {seconds:8.1f} {cpu:7.1f} {cpu / seconds:5.2f} {pages:6} "
        f"{pages / seconds:8.1f}"
    )


def audit(cli: str, label: str, seeds: Path, tmp: Path) -> None:
    """The whole audit with ``cli`` into a fresh home, then its extract stage alone again."""
    home = tmp / label
    url = f"sqlite:///{home / 'audit.db'}"
    env = {
        **os.environ,
        "CLINIC_AUDIT_HOME": str(home),
        "CLINIC_AUDIT_DB_URL": url,
        "CLINIC_AUDIT_ALLOW_LOOPBACK": "1",
        "CLINIC_AUDIT_RESOLVE": "*.test=127.0.0.1",
    }
    run = [cli, "run", str(seeds), "--fast", "--screenshot-budget", "0"]
    seconds, cpu, _ = timed(run, env)
    pages = stored_pages(url)
    print(line(f"{label}: run", seconds, cpu, pages), flush=True)
    seconds, cpu, _ = timed([cli, "extract", "--run", "1"], env)
    print(line(f"{label}: extract --run 1", seconds, cpu, pages), flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=20)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--baseline", help="another clinic-audit command to time first")
    args = parser.parse_args()
    web = long_web(args.sites, args.seed)
    mean_kb = sum(len(p) for site in web.values() for p in site.values()) / len(web) / 15000
    print(
        f"{args.sites} sites x {PAGES_PER_SITE} long pages (mean {mean_kb:.0f} KB), "
        f"{len(os.sched_getaffinity(0))} cores, load average {os.getloadavg()[0]:.1f}"
    )
    print(f"{'command':28} {'wall s':>8} {'CPU s':>7} {'cores':>5} {'pages':>6} {'pages/s':>8}")
    with tempfile.TemporaryDirectory(prefix="extract-stage-") as tmp, serve(web) as port:
        seeds = Path(tmp) / "seeds.csv"
        seeds.write_text("url,name\n" + "".join(f"http://{host}:{port}/,{host}\n" for host in web))
        if args.baseline:
            audit(args.baseline, "baseline", seeds, Path(tmp))
        audit(CLI, "ours", seeds, Path(tmp))
    return 0


if __name__ == "__main__":
    sys.exit(main())
