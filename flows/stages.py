"""The stages of an audit run, each a plain function over the database.

The Prefect flow (:mod:`flows.audit`) and the CLI call these; each is idempotent for a run, so
a retried or repeated stage leaves the same rows behind.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import Engine
from sqlalchemy.orm import Session

import storage
from crawler import USER_AGENT, CrawlJob, JobSite, Seed, site_domain
from extract import (
    languages_read,
)
from flows.assessment import record_changes, record_score, reviewed_site
from flows.extraction import extract_run
from flows.progress import reporter
from score import load_rubric
from storage.queries import page_languages
from storage.writes import finish_run, start_run, upsert_site
from vocabulary import MAX_DEPTH, MAX_PAGES_PER_SITE

#: What :func:`score` counts a site that sells no treatment as, beside the grades.
NO_GRADE = "sells no treatment"
#: ... and a site none of whose pages was read (its crawl failed): there is nothing to judge.
NOT_SCORED = "not scored"
NOT_AUDITED = "not audited (language)"


class CrawlFailed(RuntimeError):
    """The crawler process itself failed (not one site: those are recorded per site)."""


@dataclass(frozen=True)
class CrawlOptions:
    fast: bool = False
    max_pages: int = MAX_PAGES_PER_SITE
    max_depth: int = MAX_DEPTH
    allow_loopback: bool = False
    resolve: tuple[str, ...] = ()
    timeout: float = 6 * 3600
    #: Continue the run's earlier, interrupted crawl instead of starting it afresh.
    resume: bool = False
    #: Seconds to wait for one response (None: the crawler's default).
    download_timeout: float | None = None
    #: Render every site's pages in Chromium (sites can also ask for it in the seed file).
    render_js: bool = False
    #: The User-Agent (None: the project's own, with its contact URL).
    user_agent: str | None = None


def archive_root() -> Path:
    return storage.archive_root()


def prepare_run(engine: Engine, seeds: list[Seed], source: str, settings: dict[str, Any]) -> int:
    """Create the run and its sites; return the run id."""
    with storage.sessions(engine).begin() as session:
        run = start_run(session, source, settings)
        for seed in seeds:
            site_id = upsert_site(
                session,
                seed.url,
                seed.host,
                seed.name,
                seed.country,
                seed.render_js,
                seed.kind,
                site_domain(seed.url),
            )
            storage.enrol_site(session, run.id, site_id)
        return run.id


def write_crawl_job(
    engine: Engine, run_id: int, options: CrawlOptions, site_ids: Collection[int] | None = None
) -> tuple[Path, CrawlJob] | None:
    """Write the job file of the run's crawl (or of one batch) under the run's folder.

    With ``site_ids`` (a batch), only those sites are crawled, and only those still pending: a
    site whose crawl already finished in this run (ok, partial or failed) is not fetched again,
    which is what lets a killed or retried run resume. Returns None when nothing is left.
    """
    with storage.sessions(engine)() as session:
        pending = site_ids is not None
        sites = [
            JobSite(s.id, s.seed_url, s.render_js)
            for s in storage.run_sites(session, run_id, site_ids, pending)
        ]
    if not sites:
        return None
    run_dir = storage.home() / "runs" / f"run-{run_id}"
    run_dir.mkdir(parents=True, exist_ok=True)
    # One job file and log per batch, so concurrent batches of one run never share them.
    label = "crawl" if site_ids is None else f"crawl-{sites[0].site_id}"
    job = CrawlJob(
        run_id=run_id,
        db_url=engine.url.render_as_string(hide_password=False),
        archive_root=str(archive_root()),
        sites=sites,
        fast=options.fast,
        max_pages=options.max_pages,
        max_depth=options.max_depth,
        allow_loopback=options.allow_loopback,
        resolve=list(options.resolve),
        log_file=str(run_dir / f"{label}.log"),
        resume=options.resume,
        download_timeout=options.download_timeout,
        render_js=options.render_js,
        user_agent=options.user_agent or USER_AGENT,
    )
    job_file = run_dir / f"{label}-job.json"
    job.write(job_file)
    return job_file, job


def crawl(
    engine: Engine, run_id: int, options: CrawlOptions, site_ids: Collection[int] | None = None
) -> dict[str, int]:
    """Crawl the run's sites (or the pending ones of a batch, see :func:`write_crawl_job`) in a
    Scrapy subprocess; return page and error counts."""
    written = write_crawl_job(engine, run_id, options, site_ids)
    if written is None:
        return {"pages": 0, "errors": 0}
    job_file, job = written
    counts: Counter[str] = Counter()
    show = reporter()
    show.start("crawl", None)
    stderr_path = job_file.with_name(job_file.name.replace("-job.json", ".stderr"))
    with (
        stderr_path.open("w") as stderr,
        subprocess.Popen(
            [sys.executable, "-m", "crawler", str(job_file)],
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
            env={**os.environ, "CLINIC_AUDIT_DB_URL": job.db_url},  # not in the file: see job
        ) as process,
    ):
        # The crawler reports as it goes; a timer, not the read loop, enforces the deadline.
        timed_out = threading.Event()

        def kill() -> None:
            timed_out.set()
            process.kill()

        deadline = threading.Timer(options.timeout, kill)
        deadline.start()
        assert process.stdout is not None
        for line in process.stdout:
            try:
                event = json.loads(line)
            except json.JSONDecodeError:
                continue
            counts[event["event"]] += 1
            show.advance("crawl", urlsplit(event.get("url", "")).netloc)
        process.wait()
        deadline.cancel()
    show.finish("crawl")
    if timed_out.is_set():
        raise CrawlFailed(f"crawl of run {run_id} timed out after {options.timeout:.0f}s")
    if process.returncode != 0:
        tail = "\n".join(stderr_path.read_text(errors="replace").strip().splitlines()[-15:])
        raise CrawlFailed(f"crawler exited with {process.returncode}; see {job.log_file}\n{tail}")
    return {"pages": counts["page"], "errors": counts["error"]}


def extract(
    engine: Engine, run_id: int, site_ids: Collection[int] | None = None, only_new: bool = False
) -> dict[str, int]:
    """Extract claims from the archived pages of the run (:func:`flows.extraction.extract_run`:
    in a pool of processes, stored in batches)."""
    return extract_run(engine, run_id, site_ids, only_new)


def score(
    engine: Engine,
    run_id: int,
    rubric_name: str = "seed",
    kb: str | Path | None = None,
    site_ids: Collection[int] | None = None,
) -> Counter[str]:
    """Grade every site of the run under ``rubric_name`` and record its claim changes.

    Args:
        engine: The database.
        run_id: The stored run to (re)score; earlier scores under the same rubric are replaced.
        rubric_name: A shipped rubric (``seed``, ``strict``) or a rubric YAML file.
        kb: An evidence file to use instead of the shipped ``evidence.yaml``.
        site_ids: Only these sites of the run (a batch); default every site.

    Returns:
        The count of each grade, of sites that sell no treatment (:data:`NO_GRADE`), of
        sites none of whose pages was extracted (:data:`NOT_SCORED`) and of sites whose pages
        are all in languages extraction does not read (:data:`NOT_AUDITED`); no score is
        stored for the last two, and no claim change, since nothing was read.
    """
    rubric = load_rubric(rubric_name, kb)
    grades: Counter[str] = Counter()
    with storage.sessions(engine).begin() as session:
        storage.record_knowledge(session, run_id, rubric.kb_name, rubric.kb_hash)
        for site in storage.run_sites(session, run_id, site_ids):
            if not storage.site_was_read(session, run_id, site.id):
                storage.forget_assessment(session, run_id, site.id, rubric.name)
                grades[NOT_SCORED] += 1
                continue
            if not _in_a_language_read(session, run_id, site.id):
                # Its pages are in languages the vocabulary does not cover: nothing was read
                # from them, and a site is never graded on pages nobody read.
                storage.forget_assessment(session, run_id, site.id, rubric.name)
                grades[NOT_AUDITED] += 1
                continue
            verdict, claims = reviewed_site(session, run_id, site)
            grades[record_score(session, run_id, site, claims, verdict, rubric) or NO_GRADE] += 1
            record_changes(session, run_id, site, claims)
    return grades


def _in_a_language_read(session: Session, run_id: int, site_id: int) -> bool:
    """Whether any extracted page of the site is in a language extraction reads."""
    languages = page_languages(session, run_id, site_id)
    return not languages or bool(languages & (languages_read() | {"und"}))


def site_batches(engine: Engine, run_id: int, size: int) -> list[list[int]]:
    """The run's site ids in id order, cut into batches of ``size`` (the same cut every time)."""
    if size < 1:
        raise ValueError(f"a batch holds at least one site, not {size}")
    with storage.sessions(engine)() as session:
        ids = [site.id for site in storage.run_sites(session, run_id)]
    return [ids[start : start + size] for start in range(0, len(ids), size)]


def crawl_statuses(engine: Engine, run_id: int) -> Counter[str]:
    """How many of the run's sites are pending, ok, partial or failed."""
    with storage.sessions(engine)() as session:
        return storage.crawl_statuses(session, run_id)


def reopen_run(engine: Engine, run_id: int) -> int:
    """Mark a stored run as running again (to resume it); return its id.

    Raises:
        LookupError: there is no run ``run_id``.
    """
    with storage.sessions(engine).begin() as session:
        storage.reopen_run(session, run_id)
    return run_id


def close_run(engine: Engine, run_id: int, status: str, summary: dict[str, Any]) -> None:
    with storage.sessions(engine).begin() as session:
        finish_run(session, run_id, status, summary)
