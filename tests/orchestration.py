"""Helpers for the tests that run the audit in real processes and kill them midway."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Engine, func, select

import storage
from storage import Page, SiteCrawl, SiteScore

CLI = str(Path(sys.executable).with_name("clinic-audit"))


def audit_env(home: Path, db_url: str, **more: str) -> dict[str, str]:
    """The environment of a CLI or worker process auditing the demo web into ``db_url``."""
    return {
        **os.environ,
        "CLINIC_AUDIT_HOME": str(home),
        "CLINIC_AUDIT_DB_URL": db_url,
        "CLINIC_AUDIT_ALLOW_LOOPBACK": "1",
        "CLINIC_AUDIT_RESOLVE": "*.test=127.0.0.1",
        **more,
    }


def start(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """Start a process in its own session, so killing its group takes its children too."""
    with log.open("ab") as out:
        return subprocess.Popen(
            args, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )


def kill_group(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL a process and everything it started (crawler, Prefect's child processes)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)


def wait_until(condition: Callable[[], bool], seconds: float, what: str) -> None:
    """Poll ``condition`` until it holds; fail after ``seconds`` saying what never happened."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {seconds:.0f}s waiting for {what}")
        time.sleep(0.1)


def crawl_statuses(engine: Engine, run_id: int) -> dict[int, str]:
    """site id -> crawl status in the run."""
    with storage.sessions(engine)() as session:
        rows = session.execute(
            select(SiteCrawl.site_id, SiteCrawl.status).where(SiteCrawl.run_id == run_id)
        ).all()
    return dict(rows)  # type: ignore[arg-type]


def fetched_pages(engine: Engine, run_id: int, site_ids: set[int]) -> set[tuple[int, str, str]]:
    """(page id, url, fetched_at) of the given sites' pages."""
    with storage.sessions(engine)() as session:
        rows = session.execute(
            select(Page.id, Page.url, Page.fetched_at).where(
                Page.run_id == run_id, Page.site_id.in_(site_ids)
            )
        ).all()
    return {(page_id, url, str(at)) for page_id, url, at in rows}


def check_each_site_once(engine: Engine, run_id: int, n_sites: int) -> None:
    """Every site crawled and scored exactly once; no page stored twice."""
    with storage.sessions(engine)() as session:
        statuses = session.scalars(select(SiteCrawl.status).where(SiteCrawl.run_id == run_id)).all()
        assert len(statuses) == n_sites and "pending" not in statuses
        scored = session.execute(
            select(SiteScore.site_id, func.count())
            .where(SiteScore.run_id == run_id)
            .group_by(SiteScore.site_id)
        ).all()
        assert len(scored) == n_sites and all(count == 1 for _, count in scored)
        pages = session.scalar(select(func.count()).where(Page.run_id == run_id))
        urls = session.scalar(
            select(func.count(func.distinct(Page.url))).where(Page.run_id == run_id)
        )
        assert pages == urls and pages >= n_sites


def descendants(pid: int) -> list[int]:
    """Every process started under ``pid``, however it detached (read from /proc)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def kill_tree(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL a process and all its descendants, as a machine failure would."""
    for pid in [process.pid, *descendants(process.pid)]:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    process.wait(timeout=30)
