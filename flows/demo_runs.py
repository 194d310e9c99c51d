"""Store demo-web sites' claims without crawling: the database a report test or the report
benchmark needs.

Pages are rendered by demoweb, read by the real extractor and stored through storage.writes;
only the fetch and the WARC copy are skipped (the page rows name a WARC file that is not
written), so 1,000 sites take seconds, not a crawl.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy import Engine

import demoweb
import storage
from crawler import Seed
from extract import decode_html, extract_document
from flows import stages
from flows.page_extraction import claims_of
from score import cues_to_json, site_verdict
from storage import backdate_run, run_sites
from storage.writes import record_page, record_site_crawl, replace_claims_of_page

PORT = 8765  # the URLs only name it; nothing listens


def store_demo_run(
    engine: Engine,
    web: demoweb.DemoWeb,
    started_at: datetime,
    *,
    pages_per_site: int = 6,
    status: str = "finished",
    rubric: str = "seed",
) -> int:
    """Store a scored run of ``web`` that started at ``started_at``; return its id."""
    seeds = [Seed(f"http://{s.host}:{PORT}/", s.name, s.country) for s in web.sites]
    run_id = stages.prepare_run(engine, seeds, "demo web (not crawled)", {"rubric": rubric})
    with storage.sessions(engine).begin() as session:
        backdate_run(session, run_id, started_at)
        site_ids = {s.host: s.id for s in run_sites(session, run_id)}
        for site in web.sites:
            html_paths = [p for p in site.paths() if not p.endswith((".txt", ".xml"))]
            stored = 0
            for depth, path in enumerate(html_paths[:pages_per_site]):
                page = site.render(path)
                if page is None:
                    continue
                url = f"http://{site.host}:{PORT}{path}"
                page_id = record_page(
                    session,
                    run_id=run_id,
                    site_id=site_ids[site.host],
                    url=url,
                    status=200,
                    content_type=page.content_type,
                    depth=min(depth, 1),
                    fetched_at=started_at,
                    size=len(page.body),
                    sha256=hashlib.sha256(page.body).hexdigest(),
                    warc_file=f"run-{run_id}/not-archived.warc.gz",
                    warc_offset=0,
                )
                doc = extract_document(decode_html(page.body, page.content_type), url)
                replace_claims_of_page(
                    session,
                    page_id,
                    claims_of(doc),
                    language=doc.language,
                    is_clinic=site_verdict([doc.page_cues]).sells_treatment,
                    title=doc.title,
                    page_cues=cues_to_json(doc.page_cues),
                )
                stored += 1
            record_site_crawl(session, run_id, site_ids[site.host], "ok", stored, [])
    stages.score(engine, run_id, rubric)
    stages.close_run(engine, run_id, status, {})
    return run_id
