"""A tiny multi-site web server for crawler tests: one loopback port, sites by Host header."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

Site = dict[str, tuple[int, str, bytes]]  # path -> (status, content type, body)


@dataclass
class LocalWeb:
    port: int
    requests: list[tuple[str, str]] = field(default_factory=list)  # (host, path)

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

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            host = (self.headers.get("Host") or "").split(":")[0]
            web.requests.append((host, self.path))
            status, content_type, body = sites.get(host, {}).get(
                self.path, (404, "text/plain", b"not found"))
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
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
        server.shutdown()
        server.server_close()
