"""demoweb: a seeded generator of realistic stem-cell clinic websites with ground truth.

    web = generate(24, seed=7)
    with serve(web) as server:
        csv_text = seeds_csv(web, server.port)

See docs/architecture.md ("The demo web").
"""

from demoweb.model import DemoSite, DemoWeb, Page, SiteTruth, generate
from demoweb.server import DemoServer, seeds_csv, serve, serve_in_process

__all__ = [
    "DemoServer",
    "DemoSite",
    "DemoWeb",
    "Page",
    "SiteTruth",
    "generate",
    "seeds_csv",
    "serve",
    "serve_in_process",
]
