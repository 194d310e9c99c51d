"""The crawler's one way into storage: record each archived page in the pages table.

The WARC records are written by :class:`crawler.evidence.EvidenceMiddleware` as responses
arrive; this pipeline commits the rows that point into them in small batches, after forcing
the WARC file to disk. A page's progress line is printed once its row is committed, so
whatever the parent saw reported survives the crawler being killed.
"""

from __future__ import annotations

import json
import sys
from collections import Counter, defaultdict
from typing import Any, Self

from scrapy import Spider
from scrapy.crawler import Crawler
from sqlalchemy.orm import Session

import storage
from crawler.archive import WarcArchive
from crawler.evidence import crawl_archive
from storage.writes import record_pages, record_site_crawl

#: Pages per database commit.
COMMIT_EVERY = 25
#: Errors kept per site (a spider trap can produce thousands of identical ones).
MAX_ERRORS_PER_SITE = 50


class ArchivePipeline:
    def __init__(self, run_id: int, db_url: str, archive: WarcArchive) -> None:
        self.run_id = run_id
        self.engine = storage.connect(db_url)
        self.session: Session = storage.sessions(self.engine)()
        self.archive = archive
        self.pages: Counter[int] = Counter()
        self.errors: defaultdict[int, list[dict[str, str]]] = defaultdict(list)
        self.site_ids: set[int] = set()
        self.pending: list[dict[str, Any]] = []

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        s = crawler.settings
        run_id, db_url = s.getint("CLINIC_AUDIT_RUN_ID"), s["CLINIC_AUDIT_DB_URL"]
        return cls(run_id, db_url, crawl_archive(crawler))

    def open_spider(self, spider: Spider | None = None) -> None:
        self.site_ids = {site.site_id for site in getattr(spider, "sites", [])}

    def process_item(self, item: dict[str, Any], spider: Spider | None = None) -> dict[str, Any]:
        site_id = item["site_id"]
        if item["kind"] == "error":
            reason = item["reason"]
            known = self.errors[site_id]
            if len(known) < MAX_ERRORS_PER_SITE and (item["url"], reason) not in {
                (e["url"], e["reason"]) for e in known
            }:
                known.append({"url": item["url"], "reason": reason})
            _progress("error", site_id=site_id, url=item["url"], reason=reason)
            return {"kind": "error", "url": item["url"]}
        self.pages[site_id] += 1
        if item["replayed"]:  # a resumed crawl met a page this run already stored
            return {"kind": "page", "url": item["url"]}
        self.pending.append(
            {
                "run_id": self.run_id,
                "site_id": site_id,
                "url": item["url"],
                "status": item["status"],
                "content_type": item["content_type"],
                "depth": item["depth"],
                **item["evidence"],
            }
        )
        if len(self.pending) >= COMMIT_EVERY:
            self._commit()
        return {"kind": "page", "url": item["url"]}

    def _commit(self) -> None:
        self.archive.sync()
        record_pages(self.session, self.pending)
        self.session.commit()
        for page in self.pending:
            _progress("page", site_id=page["site_id"], url=page["url"])
        self.pending.clear()

    def close_spider(self, spider: Spider | None = None) -> None:
        for site_id in sorted(self.site_ids | set(self.pages) | set(self.errors)):
            pages, errors = self.pages[site_id], self.errors[site_id]
            status = "ok" if pages and not errors else "partial" if pages else "failed"
            record_site_crawl(self.session, self.run_id, site_id, status, pages, errors)
        self._commit()
        self.session.close()
        self.engine.dispose()


def _progress(event: str, **fields: Any) -> None:
    """One JSON line on stdout per event: the parent process turns them into progress."""
    sys.stdout.write(json.dumps({"event": event, **fields}) + "\n")
    sys.stdout.flush()
