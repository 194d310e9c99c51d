"""``python -m crawler JOB.json``: run one crawl job in this process, then exit."""

from __future__ import annotations

import sys
from pathlib import Path

from scrapy.crawler import CrawlerProcess

from crawler.job import CrawlJob
from crawler.spider import ClinicSpider

#: Exit status of a crawl stopped before its end (the run can be resumed).
INTERRUPTED = 3


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m crawler JOB.json", file=sys.stderr)
        return 2
    try:
        job = CrawlJob.read(Path(argv[0]))
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    process = CrawlerProcess(job.scrapy_settings(), install_root_handler=True)
    crawler = process.create_crawler(ClinicSpider)
    process.crawl(crawler, sites=job.sites)
    process.start()
    reason = crawler.stats.get_value("finish_reason") if crawler.stats else None
    if reason != "finished":
        # Stopped by SIGINT/SIGTERM: what was fetched is stored, the rest awaits --resume.
        print(f"crawl interrupted ({reason}); continue it with --resume", file=sys.stderr)
        return INTERRUPTED
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
