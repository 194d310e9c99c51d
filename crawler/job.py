"""A crawl job: what one Scrapy process is asked to do, handed over as a JSON file.

Scrapy's reactor cannot be restarted inside a process, so flows run every crawl as
``python -m crawler JOB.json``; this is the whole contract between the two, but for one thing:
the file stays on disk beside the crawl's log, so a database password is not written into it.
The process that starts the crawl passes the whole URL in ``CLINIC_AUDIT_DB_URL``.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

import storage
from crawler.settings import USER_AGENT, crawl_settings
from vocabulary import MAX_DEPTH, MAX_PAGES_PER_SITE


@dataclass(frozen=True)
class JobSite:
    site_id: int
    url: str
    render_js: bool = False


@dataclass(frozen=True)
class CrawlJob:
    run_id: int
    db_url: str
    archive_root: str
    sites: list[JobSite]
    fast: bool = False
    max_pages: int = MAX_PAGES_PER_SITE
    max_depth: int = MAX_DEPTH
    user_agent: str = USER_AGENT
    allow_loopback: bool = False
    resolve: list[str] = field(default_factory=list)
    log_file: str | None = None
    resume: bool = False
    download_timeout: float | None = None
    render_js: bool = False

    def write(self, path: Path) -> None:
        data = asdict(self) | {"db_url": _without_password(self.db_url)}
        path.write_text(json.dumps(data, indent=1), encoding="utf-8")

    @classmethod
    def read(cls, path: Path, whole_url: str | None = None) -> CrawlJob:
        """Load a job file; a database URL written without its password is taken whole from
        ``whole_url`` (default: the configured one, ``CLINIC_AUDIT_DB_URL``), which must name
        the same database.

        Raises:
            ValueError: the password is missing and the environment does not supply it.
        """
        data = json.loads(path.read_text(encoding="utf-8"))
        data["sites"] = [JobSite(**site) for site in data["sites"]]
        if make_url(data["db_url"]).password is not None:
            whole = storage.database_url() if whole_url is None else whole_url
            if _without_password(whole) != data["db_url"]:
                raise ValueError(
                    f"{path} names the database {data['db_url']} without its password: "
                    "set CLINIC_AUDIT_DB_URL to its whole URL"
                )
            data["db_url"] = whole
        return cls(**data)

    def scrapy_settings(self) -> dict[str, Any]:
        settings = crawl_settings(
            fast=self.fast,
            max_pages=self.max_pages,
            max_depth=self.max_depth,
            user_agent=self.user_agent,
            allow_loopback=self.allow_loopback,
            resolve=self.resolve,
            resume=self.resume,
            render_js=self.render_js or any(site.render_js for site in self.sites),
        )
        settings["CLINIC_AUDIT_RENDER_JS_ALL"] = self.render_js
        if self.download_timeout is not None:
            settings["DOWNLOAD_TIMEOUT"] = self.download_timeout
        settings.update(
            CLINIC_AUDIT_RUN_ID=self.run_id,
            CLINIC_AUDIT_DB_URL=self.db_url,
            CLINIC_AUDIT_ARCHIVE=self.archive_root,
        )
        if self.log_file:
            # Scrapy's own log (retries, tracebacks) goes to a file; stdout carries progress.
            settings.update(LOG_FILE=self.log_file, LOG_LEVEL="INFO")
        return settings


def _without_password(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)
