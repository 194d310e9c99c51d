"""Serve a :class:`~demoweb.realistic.RealisticWeb`: one listening socket per site address.

Twisted's web server (Scrapy's own engine, already installed) runs every socket on one event
loop in one thread: 1,000 sites are 1,000 listening sockets on 127.77.x.y, all on one port, and
no thread per site. A request is answered for the site whose address it arrived on (the
socket's local address, whatever the Host header says), so a site is reachable only on its own
address, as on the web.
"""

from __future__ import annotations

from typing import Any

from twisted.internet import error, reactor
from twisted.web import http, resource, server

from demoweb.realistic import RealisticWeb

NOT_FOUND = b"<!DOCTYPE html><title>404</title><h1>Not found</h1>\n"
BIND_ATTEMPTS = 5
# Twisted's reactor module object: its zope interfaces do not type-check as methods.
REACTOR: Any = reactor


class _Pages(resource.Resource):
    isLeaf = True

    def __init__(self, web: RealisticWeb) -> None:
        super().__init__()
        self.web = web

    def render_GET(self, request: server.Request) -> bytes:  # HEAD is served from this too
        local = request.getHost()
        site = self.web.site_at(local.host)
        page = site and self.web.render(site, request.path.decode("latin-1"), local.port)
        if not page:
            request.setResponseCode(404)
            request.setHeader(b"content-type", b"text/html")
            return NOT_FOUND
        request.setHeader(b"content-type", page.content_type.encode())
        return page.body


class _QuietSite(server.Site):
    noisy = False

    def log(self, request: http.Request) -> None:
        """No access log: crawls make thousands of requests."""


def listen(web: RealisticWeb, port: int = 0) -> int:
    """Open one listening socket per site, all on ``port`` (0: one that is free on the first
    site's address and, after a few tries, on all of them); return the port.

    Raises:
        OSError: the sockets could not all be bound.
    """
    factory = _QuietSite(_Pages(web))
    failure: Exception | None = None
    for _ in range(BIND_ATTEMPTS if port == 0 else 1):
        chosen, listening = port, list[Any]()
        try:
            for index in range(web.n_sites):
                interface = web.address(index)
                listening.append(REACTOR.listenTCP(chosen, factory, 128, interface))
                chosen = chosen or listening[0].getHost().port
            return chosen
        except error.CannotListenError as exc:  # another process holds it on a later address
            for socket in listening:
                socket.stopListening()
            failure = exc
    raise OSError(f"cannot listen on all {web.n_sites} site addresses: {failure}")


def run() -> None:
    """Serve until interrupted."""
    REACTOR.run()
