"""A loopback HTTP server for a DemoWeb, dispatching on the Host header."""

from __future__ import annotations

import csv
import io
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any

from demoweb.model import DemoSite, DemoWeb

# Links to any *.test host are written without a port; the server adds its own so that
# absolute links, robots.txt and sitemap.xml work whatever port the demo runs on.
_TEST_URL = re.compile(rb"(https?://[a-z0-9.-]+\.test)(?=[/\"'<\s])")


def seeds_csv(web: DemoWeb, port: int) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["url", "name", "country"])
    for site in web.sites:
        writer.writerow([f"http://{site.host}:{port}/", site.name, site.country])
    return buf.getvalue()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 1024
    allow_reuse_address = True
    web: DemoWeb


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"
    server_version = "demoweb/1.0"

    def log_message(self, format: str, *args: Any) -> None:
        """Silence per-request logging: crawls make thousands of requests."""

    def _respond(self, send_body: bool) -> None:
        host = self.headers.get("Host", "")
        site = self.server.web.site_for_host(host)
        path = self.path.split("?", 1)[0].split("#", 1)[0]
        if path.startswith(("http://", "https://")):  # absolute-form request target
            path = "/" + path.split("/", 3)[3] if path.count("/") >= 3 else "/"
        page = site.render(path) if site else None
        if page is None:
            body, ctype, status = (
                b"<!DOCTYPE html><title>404</title><h1>Not found</h1>\n",
                "text/html",
                404,
            )
        else:
            body, ctype, status = page.body, page.content_type, 200
            port = self.server.server_address[1]
            body = _TEST_URL.sub(rb"\1:" + str(port).encode(), body)
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if send_body:
            self.wfile.write(body)

    def do_GET(self) -> None:
        self._respond(True)

    def do_HEAD(self) -> None:
        self._respond(False)


class DemoServer:
    """A running server; use as a context manager or call :meth:`close`."""

    def __init__(self, web: DemoWeb, port: int = 0) -> None:
        self.web = web
        self._httpd = _Server(("127.0.0.1", port), _Handler)
        self._httpd.web = web
        self.port: int = self._httpd.server_address[1]
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, name="demoweb", daemon=True
        )
        self._thread.start()

    def url_for(self, site: DemoSite) -> str:
        return f"http://{site.host}:{self.port}/"

    def close(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> DemoServer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def serve(web: DemoWeb, port: int = 0) -> DemoServer:
    return DemoServer(web, port)


@contextmanager
def serve_in_process(
    n_sites: int, seeds_out: Path, seed: int = 7, realistic: bool = False
) -> Iterator[subprocess.Popen[str]]:
    """Serve a demo web of ``n_sites`` from a process of its own; its seed file is ``seeds_out``.
    ``realistic``: the long-page web, each site on its own address (:mod:`demoweb.realistic`).

    Benchmarks use this: a server thread in the measuring process would share its interpreter
    lock with the measurement (and a real web does not run on the crawler's CPU budget either).
    Yields the server process (for its CPU time); stops it on exit.
    """
    server = subprocess.Popen(
        [
            sys.executable,
            "-u",
            "-m",
            "demoweb",
            "--sites",
            str(n_sites),
            "--seed",
            str(seed),
            "--port",
            "0",
            "--seeds-out",
            str(seeds_out),
            *(["--realistic"] if realistic else []),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        for line in server.stdout:  # the server prints its seed file once it listens
            if line.startswith("seeds:"):
                break
        else:
            raise RuntimeError("the demo web server exited before it listened")
        yield server
    finally:
        server.terminate()
        server.wait(timeout=30)
