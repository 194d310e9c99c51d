"""Extraction in a pool of processes (flows/extraction.py) over pages really crawled from
127.0.0.1: the same results as in this process, a bad page or a dying worker counted and the
rest stored, and pages extracted while their crawl is still running."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

import demoweb
import storage
from crawler import read_seeds
from flows import extraction, progress, stages
from flows.extraction import extracting_while_crawling, outcomes
from flows.page_extraction import Outcome, extract_archived
from flows.progress import SilentReporter
from flows.stages import CrawlOptions
from storage import Claim, Page
from storage.extractions import ArchivedPage, pages_to_extract
from tests.crawling import RESOLVE, crawl_run, database
from tests.local_web import html, serve

WORKERS = "CLINIC_AUDIT_EXTRACT_WORKERS"
OPTIONS = CrawlOptions(fast=True, allow_loopback=True, resolve=RESOLVE)


@pytest.fixture
def demo_run(home: Path) -> int:
    """A run of three demo sites, crawled (not extracted)."""
    web = demoweb.generate(n_sites=3, seed=11)
    with demoweb.serve(web) as server:
        seeds_file = home.parent / "seeds.csv"
        seeds_file.write_text(demoweb.seeds_csv(web, server.port))
        seeds, _ = read_seeds(seeds_file)
        run_id = stages.prepare_run(database(), seeds, "test", {})
        stages.crawl(database(), run_id, OPTIONS)
    return run_id


def stored_pages(run_id: int) -> list[ArchivedPage]:
    with storage.sessions(database())() as session:
        return pages_to_extract(session, run_id)


def extract_noting_the_process(root: Path, page: ArchivedPage) -> Outcome:
    """The real work, saying which process did it."""
    return replace(extract_archived(root, page), message=str(os.getpid()))


def die_on_every_third_page(root: Path, page: ArchivedPage) -> Outcome:
    """The real work, except that the worker process dies on some pages (a crash, OOM)."""
    if page.id % 3 == 0:
        os._exit(3)
    return extract_archived(root, page)


def stored_claims(run_id: int) -> list[tuple[object, ...]]:
    with storage.sessions(database())() as session:
        claims = session.execute(
            select(Claim.page_id, Claim.kind, Claim.value, Claim.stance, Claim.quote, Claim.cue)
            .where(Claim.run_id == run_id)
            .order_by(Claim.page_id, Claim.kind, Claim.value)
        )
        pages = session.execute(
            select(Page.id, Page.language, Page.title, Page.is_clinic, Page.page_cues)
            .where(Page.run_id == run_id)
            .order_by(Page.id)
        )
        return [tuple(row) for row in [*claims, *pages]]


def test_the_pool_extracts_and_stores_what_this_process_would(
    demo_run: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    pages = stored_pages(demo_run)
    monkeypatch.setenv(WORKERS, "0")
    here = list(outcomes(pages, extract_noting_the_process))
    assert stages.extract(database(), demo_run)["pages"] == len(pages)
    stored_here = stored_claims(demo_run)
    monkeypatch.setenv(WORKERS, "2")
    pooled = list(outcomes(pages, extract_noting_the_process))
    counts = stages.extract(database(), demo_run)

    assert {o.message for o in here} == {str(os.getpid())}
    assert str(os.getpid()) not in {o.message for o in pooled}, "not extracted in the pool"
    assert len(pages) >= 3 * 4 and counts["pages"] == len(pages)
    by_page = {o.page.id: o.extraction for o in pooled}
    assert [by_page[o.page.id] for o in here] == [o.extraction for o in here]
    assert sum(len(o.extraction.claims) for o in here if o.extraction) == counts["claims"] > 0
    assert stored_claims(demo_run) == stored_here


class Notes(SilentReporter):
    def __init__(self) -> None:
        self.notes: list[str] = []

    def note(self, message: str) -> None:
        self.notes.append(message)


def test_an_unreadable_page_is_counted_and_noted_and_the_others_stored(
    demo_run: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(WORKERS, "2")
    notes = Notes()
    monkeypatch.setattr(progress, "_current", notes)
    bad, *good = stored_pages(demo_run)
    with storage.sessions(database()).begin() as session:
        session.execute(update(Page).where(Page.id == bad.id).values(warc_offset=1))

    counts = stages.extract(database(), demo_run)

    assert counts["unreadable"] == 1 and counts["pages"] == len(good)
    assert notes.notes == [notes.notes[0]] and bad.url in notes.notes[0]


def test_a_dying_worker_fails_its_page_only(demo_run: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(WORKERS, "2")
    pages = stored_pages(demo_run)

    results = {o.page.id: o for o in outcomes(pages, die_on_every_third_page)}

    assert sorted(results) == [p.id for p in pages]
    for page_id, outcome in results.items():
        if page_id % 3 == 0:
            assert outcome.problem == "failed" and "process died" in outcome.message
        else:
            assert outcome.extraction is not None, outcome
    # ... and the pool works again afterwards.
    assert all(o.extraction for o in outcomes(pages[:3], extract_archived) if o.page.id % 3)


def test_pages_are_extracted_while_their_crawl_still_runs(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The last page of the site is answered only once the pages before it are extracted:
    the crawl can only finish if extraction overlaps it."""
    monkeypatch.setenv(WORKERS, "2")
    engine = database()
    run_ids: list[int] = []
    overlapped = threading.Event()

    def extracted_so_far() -> int:
        with storage.sessions(engine)() as session:
            query = select(func.count()).where(Page.extracted_at.is_not(None))
            return int(session.scalar(query) or 0)

    def last(path: str) -> tuple[int, str, bytes]:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not overlapped.is_set():
            if extracted_so_far():
                overlapped.set()
            else:
                overlapped.wait(0.1)
        return html("The end.")

    pages = {
        f"/treatment-{n}": html(f"We treat knee osteoarthritis with stem cells, visit {n}.")
        for n in range(30)
    }
    links = "".join(f"<a href='{path}'>{path}</a>" for path in [*pages, "/last"])
    site = {"/": html(links), **pages, "/last": last}
    with serve({"clinic.test": site}) as web, extracting_while_crawling(engine, 1, [1]):
        run_ids.append(crawl_run(web, [("clinic.test", "/")], download_timeout=180))

    assert run_ids == [1] and overlapped.is_set()
    left = extraction.extract_batch(engine, 1, [1])
    assert left["pages"] == 32 and left["claims"] > 0


def test_a_pool_worker_imports_neither_scrapy_nor_prefect() -> None:
    """A spawned worker imports the command's own module (the ``clinic-audit`` script: flows.cli)
    and the page extraction; reading an archived response must not cost it Scrapy and Twisted
    (crawler's lazy names), nor Prefect."""
    probe = (
        "import sys, flows.cli, flows.page_extraction, flows.extraction\n"
        "print(sorted(m for m in ('scrapy', 'twisted', 'prefect') if m in sys.modules))"
    )
    found = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert found == "[]"
