"""A stored run of one clinic whose pages are archived in real WARC files: what the review
tests (spreadsheet, agreement, review page) decide on."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine

import storage
from crawler import site_domain
from crawler.archive import Exchange, WarcArchive
from storage import Page, SiteCrawl
from storage.writes import record_page, replace_page_claims, start_run, upsert_site

HOME_PAGE = "<html lang='en'><body><h1>Clínica Regenera</h1><p>{}</p></body></html>"
CLAIMS: dict[str, list[dict[str, Any]]] = {
    "": [
        {
            "kind": "condition",
            "value": "autism",
            "stance": "claimed",
            "tier": "unproven",
            "quote": "We treat autism with stem cells.",
            "cue": "We treat",
        },
        {
            "kind": "condition",
            "value": "copd",
            "stance": "claimed",
            "tier": "unproven",
            "quote": "Breathe again: COPD therapy.",
        },
        {"kind": "regulator", "value": "cofepris", "quote": "Licensed by COFEPRIS."},
        {"kind": "cell_source", "value": "umbilical-cord", "quote": "Umbilical cord cells."},
    ],
    "faq": [
        {
            "kind": "flag",
            "value": "cure_or_guarantee",
            "quote": "Guaranteed results.",
        },
    ],
}


def store_run(
    engine: Engine,
    seed_url: str,
    claims: dict[str, list[dict[str, Any]]],
    pages: Mapping[str, str] | None = None,
) -> int:
    """A stored run of one clinic: each page archived in a real WARC file (so its digest is
    its bytes') with the given claims, the way extraction leaves them. A page's HTML is
    ``pages[path]`` if given, else a page that holds its claims' quotes."""
    root = storage.home() / "warc"
    with storage.sessions(engine).begin() as session:
        run_id = start_run(session, "seeds.csv", {}).id
        site_id = upsert_site(
            session, seed_url, "clinica.test", "Clínica", "MX", domain=site_domain(seed_url)
        )
        session.merge(SiteCrawl(run_id=run_id, site_id=site_id, status="ok", pages=len(claims)))
        archive = WarcArchive(root, f"run-{run_id}.warc.gz")
        for path, rows in claims.items():
            url = seed_url + path
            html = (pages or {}).get(path) or HOME_PAGE.format(" ".join(r["quote"] for r in rows))
            fetched = datetime(2026, 11, 2, tzinfo=UTC)
            stored = archive.write_exchange(
                Exchange(
                    url, "GET", [], 200, [("Content-Type", "text/html")], html.encode(), fetched
                )
            )
            page_id = record_page(
                session,
                run_id=run_id,
                site_id=site_id,
                url=url,
                status=200,
                content_type="text/html",
                depth=0,
                fetched_at=fetched,
                size=stored.size,
                sha256=stored.sha256,
                warc_file=stored.warc_file,
                warc_offset=stored.warc_offset,
            )
            page = session.get(Page, page_id)
            assert page is not None
            replace_page_claims(
                session, page, rows, language="en", is_clinic=True, title=path, extracted_at=fetched
            )
        archive.close()
    return run_id
