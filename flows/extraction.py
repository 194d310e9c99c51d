"""Extraction of a run's archived pages on every core, while the crawl is still running.

Pages are read and extracted in a :class:`~concurrent.futures.ProcessPoolExecutor` of this
process (one worker per core available, ``CLINIC_AUDIT_EXTRACT_WORKERS`` to override; 0:
in this process). A worker reads the page's WARC record and runs
:func:`extract.extract_document`, and returns plain rows (:class:`storage.extractions.
PageExtraction`); this process, the only writer, stores them :data:`WRITE_EVERY` pages per
transaction. A page that cannot be read or extracted, or whose worker dies, is counted and
noted, and the others go on.

The flow extracts each batch's pages as they land (:func:`extracting_while_crawling`, beside
the batch's crawl) and then what is left of the batch (:func:`extract_batch`).
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy import Engine

import config
import storage
from flows.page_extraction import Outcome, extract_archived
from flows.progress import reporter
from storage.extractions import (
    ArchivedPage,
    PageExtraction,
    extraction_counts,
    pages_to_extract,
    store_extractions,
)

#: Pages stored per write transaction (short: on SQLite it locks the file, and the crawl
#: processes of this and the next batches commit their pages into it meanwhile).
WRITE_EVERY = 50
#: Seconds between looks for pages a running crawl has stored.
POLL_SECONDS = 1.0


def extract_workers() -> int:
    """Pool workers: ``CLINIC_AUDIT_EXTRACT_WORKERS``, else the cores this process may use."""
    workers = config.settings().extract_workers
    return len(os.sched_getaffinity(0)) if workers is None else workers


class _Pool:
    """This process's one extraction pool, shared by the flow's task threads, started when
    first used and replaced when a dying worker breaks it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._executor: ProcessPoolExecutor | None = None

    def executor(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._executor is None:
                # spawn: this process's threads (Prefect's) must not be forked; and unlike a
                # forkserver's, spawned workers are this process's children, whose CPU time
                # counts as its own when it exits.
                context = multiprocessing.get_context("spawn")
                self._executor = ProcessPoolExecutor(extract_workers(), mp_context=context)
            return self._executor

    def replace(self, broken: ProcessPoolExecutor) -> None:
        with self._lock:
            if self._executor is broken:
                self._executor = None
        broken.shutdown(wait=False, cancel_futures=True)


_pool = _Pool()


def _in_this_process() -> bool:
    """Whether to extract here: asked to (0 workers), or in a daemon process (a Dask worker),
    which may not start processes of its own."""
    return extract_workers() == 0 or multiprocessing.current_process().daemon


#: What a worker does with one page (:func:`extract_archived`, or a test's stand-in).
Work = Callable[[Path, ArchivedPage], Outcome]


def outcomes(
    pages: Iterable[ArchivedPage],
    work: Work = extract_archived,
    root: Path | None = None,
    stop: threading.Event | None = None,
) -> Iterator[Outcome]:
    """Each page's outcome, as the pool's workers finish them (``work(root, page)`` each);
    once ``stop`` is set, only those of the pages already given to a worker.

    When a worker dies (a crash, the kernel's OOM killer), every page then in flight fails
    with the pool; those are tried again one at a time in a new pool, and a page that breaks
    that one too is counted as failed.
    """
    root = root or storage.archive_root()
    stop = stop or threading.Event()
    if _in_this_process():
        for page in pages:
            if stop.is_set():
                return
            yield work(root, page)
        return
    queue, suspects = list(pages), []
    queue.reverse()
    in_flight: dict[Future[Outcome], ArchivedPage] = {}
    limit = 4 * extract_workers()
    while queue or in_flight:
        executor = _pool.executor()
        if stop.is_set():
            queue.clear()
        while queue and len(in_flight) < limit:
            page = queue.pop()
            try:
                in_flight[executor.submit(work, root, page)] = page
            except BrokenProcessPool:
                suspects.append(page)
                break
        done, _ = wait(in_flight, return_when=FIRST_COMPLETED) if in_flight else (set(), set())
        for future in done:
            page = in_flight.pop(future)
            try:
                yield future.result()
            except BrokenProcessPool:
                suspects.append(page)
            except Exception as exc:  # a result that cannot travel back: that page only
                yield Outcome(page, problem="failed", message=f"cannot extract {page.url}: {exc}")
        if suspects and not in_flight:
            _pool.replace(executor)
            yield from (_alone(page, work, root) for page in suspects)
            suspects.clear()


def _alone(page: ArchivedPage, work: Work, root: Path) -> Outcome:
    """Try a page whose worker died once more, on its own in a fresh pool."""
    executor = _pool.executor()
    try:
        return executor.submit(work, root, page).result()
    except BrokenProcessPool:
        _pool.replace(executor)
        message = f"cannot extract {page.url}: its extraction process died"
        return Outcome(page, problem="failed", message=message)


def extract_pages(
    engine: Engine, pages: list[ArchivedPage], stop: threading.Event | None = None
) -> Counter[str]:
    """Extract ``pages`` in the pool and store them; count pages, claims and problems.

    With ``stop`` (extraction beside a crawl): show no progress, note no problem (the page is
    left for a later pass), and once it is set, store the pages already extracted and go.
    """
    quiet = stop is not None
    counts: Counter[str] = Counter()
    show = reporter()
    factory = storage.sessions(engine)
    done: list[PageExtraction] = []

    def write() -> None:
        with factory.begin() as session:
            counts["claims"] += store_extractions(session, done)
        counts["pages"] += len(done)
        done.clear()

    for outcome in outcomes(pages, stop=stop):
        if outcome.extraction is not None:
            done.append(outcome.extraction)
        else:
            counts[outcome.problem] += 1
            if outcome.message and not quiet:
                show.note(outcome.message)
        if not quiet:
            show.advance("extract", urlsplit(outcome.page.url).netloc)
        if len(done) >= WRITE_EVERY:
            write()
    if done:
        write()
    return counts


def extract_run(
    engine: Engine, run_id: int, site_ids: Collection[int] | None = None, only_new: bool = False
) -> dict[str, int]:
    """Extract claims from the archived pages of the run (again, if already done).

    Args:
        engine: The database.
        run_id: The stored run.
        site_ids: Only the pages of these sites (a batch); default every site.
        only_new: Skip pages extracted before (a resumed run picks up where it stopped).
    """
    with storage.sessions(engine)() as session:
        pages = pages_to_extract(session, run_id, site_ids, only_new)
    show = reporter()
    show.start("extract", len(pages))
    counts = extract_pages(engine, pages)
    show.finish("extract")
    return dict(counts)


def extract_batch(engine: Engine, run_id: int, site_ids: Collection[int]) -> dict[str, int]:
    """Extract what is left of a crawled batch; count all its extracted pages and claims.

    Most pages were extracted while the batch was crawled; the counts are the database's, so
    they hold whichever pass stored a page. The problems are this pass's: it tries every page
    not stored yet, including those the earlier pass could not read.
    """
    counts = extract_run(engine, run_id, site_ids, only_new=True)
    with storage.sessions(engine)() as session:
        stored = extraction_counts(session, run_id, site_ids)
    return {**{k: n for k, n in counts.items() if k not in stored}, **stored}


@contextmanager
def extracting_while_crawling(
    engine: Engine, run_id: int, site_ids: Collection[int]
) -> Iterator[None]:
    """Extract the pages of ``site_ids`` as the crawl inside this block stores them.

    A thread looks for new pages every :data:`POLL_SECONDS` and extracts them in the pool; when
    the block ends, it stores the pages in the workers' hands and stops (the crawl's slot is
    not held up by the batch's extraction). It notes and counts nothing: a page it could not
    extract or did not reach is left to :func:`extract_batch`, which runs after the crawl.
    """
    stop = threading.Event()
    thread = threading.Thread(
        target=_follow, args=(engine, run_id, site_ids, stop), name="extract-while-crawling"
    )
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def _follow(engine: Engine, run_id: int, site_ids: Collection[int], stop: threading.Event) -> None:
    tried: set[int] = set()
    try:
        while not stop.is_set():
            with storage.sessions(engine)() as session:
                fresh = [
                    page
                    for page in pages_to_extract(session, run_id, site_ids, only_new=True)
                    if page.id not in tried
                ]
            if not fresh:
                stop.wait(POLL_SECONDS)
                continue
            tried.update(page.id for page in fresh)
            extract_pages(engine, fresh, stop)
    except Exception as exc:  # extraction after the crawl does the rest: not the crawl's failure
        reporter().note(f"extraction during the crawl of run {run_id} stopped: {exc}")
