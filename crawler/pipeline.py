"""The crawler's one way into storage: archive each page in WARC, then record it.

Pages are committed in small batches so a crawl that dies loses at most a batch, and the WARC
file is flushed before the rows that point into it are committed.
"""

from __future__ import annotations

import json
import os
import sys
from collections import Counter, defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Self

from scrapy import Spider
from scrapy.crawler import Crawler
from sqlalchemy.orm import Session

import storage
from crawler.archive import WarcArchive
from storage.writes import record_page, record_site_crawl

#: Pages per database commit.
COMMIT_EVERY = 25
#: Errors kept per site (a spider trap can produce thousands of identical ones).
MAX_ERRORS_PER_SITE = 50


class ArchivePipeline:
    def __init__(self, run_id: int, db_url: str, archive_root: Path) -> None:
        self.run_id = run_id
        self.engine = storage.connect(db_url)
        self.session: Session = storage.sessions(self.engine)()
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        self.archive = WarcArchive(
            archive_root, f"run-{run_id}/crawl-{stamp}-{os.getpid()}.warc.gz"
        )
        self.pages: Counter[int] = Counter()
        self.errors: defaultdict[int, list[dict[str, str]]] = defaultdict(list)
        self.site_ids: set[int] = set()
        self.uncommitted = 0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        s = crawler.settings
        return cls(
            s.getint("CLINIC_AUDIT_RUN_ID"),
            s["CLINIC_AUDIT_DB_URL"],
            Path(s["CLINIC_AUDIT_ARCHIVE"]),
        )

    def open_spider(self, spider: Spider | None = None) -> None:
        self.site_ids = {site.site_id for site in getattr(spider, "sites", [])}

    def process_item(self, item: dict[str, Any], spider: Spider | None = None) -> dict[str, Any]:
        site_id = item["site_id"]
        if item["kind"] == "error":
            if len(self.errors[site_id]) < MAX_ERRORS_PER_SITE:
                self.errors[site_id].append({"url": item["url"], "reason": item["reason"]})
            _progress("error", site_id=site_id, url=item["url"], reason=item["reason"])
            return {"kind": "error", "url": item["url"]}
        warc_file, offset, sha256 = self.archive.write_response(
            item["url"],
            item["status"],
            item["headers"],
            item["body"],
            item["fetched_at"],
            item["ip_address"],
        )
        content_type = next((v for k, v in item["headers"] if k.lower() == "content-type"), None)
        record_page(
            self.session,
            run_id=self.run_id,
            site_id=site_id,
            url=item["url"],
            status=item["status"],
            content_type=content_type,
            depth=item["depth"],
            fetched_at=item["fetched_at"],
            size=len(item["body"]),
            sha256=sha256,
            warc_file=warc_file,
            warc_offset=offset,
        )
        self.pages[site_id] += 1
        self.uncommitted += 1
        if self.uncommitted >= COMMIT_EVERY:
            self._commit()
        _progress("page", site_id=site_id, url=item["url"])
        # Hand on a small item: the body is archived and would only bloat Scrapy's stats.
        return {"kind": "page", "url": item["url"]}

    def _commit(self) -> None:
        self.archive.flush()
        self.session.commit()
        self.uncommitted = 0

    def close_spider(self, spider: Spider | None = None) -> None:
        for site_id in sorted(self.site_ids | set(self.pages) | set(self.errors)):
            pages, errors = self.pages[site_id], self.errors[site_id]
            status = "ok" if pages and not errors else "partial" if pages else "failed"
            record_site_crawl(self.session, self.run_id, site_id, status, pages, errors)
        self._commit()
        self.archive.close()
        self.session.close()
        self.engine.dispose()


def _progress(event: str, **fields: Any) -> None:
    """One JSON line on stdout per event: the parent process turns them into progress."""
    sys.stdout.write(json.dumps({"event": event, **fields}) + "\n")
    sys.stdout.flush()
