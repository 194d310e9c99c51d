"""``python -m crawler JOB.json``: run one crawl job in this process, then exit."""

from __future__ import annotations

import sys
from pathlib import Path

from scrapy.crawler import CrawlerProcess

from crawler.job import CrawlJob
from crawler.spider import ClinicSpider


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m crawler JOB.json", file=sys.stderr)
        return 2
    job = CrawlJob.read(Path(argv[0]))
    process = CrawlerProcess(job.scrapy_settings(), install_root_handler=True)
    process.crawl(ClinicSpider, sites=job.sites)
    process.start()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
