"""A tiny multi-site web server for crawler tests: one loopback port, sites by Host header.

A site is a dict of path -> response, or a function of the path (for traps and endless
pages). A response is ``(status, content type, body)`` with optional extra headers, or a
function of the path returning one, or :data:`HANG` to never answer until the server stops.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Reply = tuple[Any, ...]  # (status, content type, body[, {header: value}])
Site = dict[str, Any] | Callable[[str], Reply | None]

#: A response that never comes (the handler waits until the server shuts down).
HANG = object()


@dataclass
class LocalWeb:
    port: int
    requests: list[tuple[str, str]] = field(default_factory=list)  # (host, path)
    times: list[tuple[str, str, float]] = field(default_factory=list)  # (host, path, monotonic)
    request_headers: list[dict[str, str]] = field(default_factory=list)

    def url(self, host: str, path: str = "/") -> str:
        return f"http://{host}:{self.port}{path}"

    def paths_requested(self, host: str) -> list[str]:
        return [p for h, p in self.requests if h == host]


def html(body: str, title: str = "page") -> tuple[int, str, bytes]:
    page = f"<html><head><title>{title}</title></head><body>{body}</body></html>"
    return 200, "text/html; charset=utf-8", page.encode()


@contextmanager
def serve(sites: dict[str, Site]) -> Iterator[LocalWeb]:
    web = LocalWeb(port=0)
    stopping = threading.Event()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            host = (self.headers.get("Host") or "").split(":")[0]
            web.requests.append((host, self.path))
            web.times.append((host, self.path, time.monotonic()))
            web.request_headers.append(dict(self.headers.items()))
            site = sites.get(host, {})
            reply = site(self.path) if callable(site) else site.get(self.path)
            if callable(reply):
                reply = reply(self.path)
            if reply is HANG:
                stopping.wait()
                return
            if reply is None:
                reply = (404, "text/plain", b"not found")
            status, content_type, body, *rest = reply
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for name, value in (rest[0] if rest else {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    web.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield web
    finally:
        stopping.set()
        server.shutdown()
        server.server_close()
