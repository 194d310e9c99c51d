"""Helpers for crawler tests: crawl a local web into the test's database, read what came."""

from __future__ import annotations

from typing import Any, Protocol

from sqlalchemy import Engine, select

import storage
from crawler import Seed
from flows import stages
from flows.stages import CrawlOptions
from storage import Page, SiteCrawl
from tests.local_web import LocalWeb

RESOLVE = ("*.test=127.0.0.1",)


def database() -> Engine:
    engine = storage.connect()
    storage.upgrade(engine)
    return engine


def crawl_run(web: LocalWeb, seeds: list[tuple[str, str]], **options: Any) -> int:
    """Crawl ``seeds`` ((host, path) pairs on ``web``) as a new run; return its id."""
    engine = database()
    run_id = stages.prepare_run(engine, [Seed(web.url(h, p)) for h, p in seeds], "test", {})
    crawl_again(run_id, **options)
    return run_id


def crawl_again(run_id: int, **options: Any) -> dict[str, int]:
    options = {"fast": True, "allow_loopback": True, "resolve": RESOLVE, **options}
    return stages.crawl(database(), run_id, CrawlOptions(**options))


class Served(Protocol):
    """A web served on one loopback port (a LocalWeb, the WordPress blog)."""

    @property
    def port(self) -> int: ...


def pages(web: Served, run_id: int) -> dict[str, Page]:
    """The run's pages by path (and query), host and port dropped."""
    with storage.sessions(database())() as session:
        rows = session.scalars(select(Page).where(Page.run_id == run_id))
        return {p.url.split(str(web.port), 1)[-1]: p for p in rows}


def site_crawls(run_id: int) -> dict[int, SiteCrawl]:
    with storage.sessions(database())() as session:
        rows = session.scalars(select(SiteCrawl).where(SiteCrawl.run_id == run_id))
        return {c.site_id: c for c in rows}


def reasons(run_id: int) -> list[str]:
    return [e["reason"] for c in site_crawls(run_id).values() for e in c.errors]
