"""The PDF laid out in parts: every dossier in it, pages numbered, links and outline whole."""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime
from pathlib import Path

from pypdf import PdfReader
from pypdf.generic import Destination

import demoweb
import storage
from flows.demo_runs import store_demo_run
from reports import parse_period, period_report
from reports.html import render_parts
from reports.pdf import write_pdf


def page_texts(pdf: Path) -> list[str]:
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return text.split("\f")[:-1]  # pdftotext ends every page with a form feed


def test_a_pdf_laid_out_in_parts_holds_every_dossier_numbered_linked_and_outlined(
    tmp_path: Path,
) -> None:
    engine = storage.connect(f"sqlite:///{tmp_path / 'audit.db'}")
    storage.upgrade(engine)
    store_demo_run(
        engine,
        demoweb.generate(n_sites=6, seed=5),
        datetime(2026, 11, 10, tzinfo=UTC),
        pages_per_site=3,
    )
    report = period_report(engine, parse_period("2026-Q4"), "seed")
    parts = list(render_parts(report, claims_per_part=60))
    assert len(parts) >= 4  # the front matter and at least three runs of dossiers

    pdf = write_pdf(parts, tmp_path / "report.pdf", workers=2)

    texts = page_texts(pdf)
    reader = PdfReader(pdf)
    total = len(reader.pages)
    assert len(texts) == total
    for number, text in enumerate(texts, start=1):
        assert f"{number} / {total}" in text  # numbered across parts
    first_dossier = next(i for i, text in enumerate(texts) if "Site dossiers\n" in text)
    dossiers = "".join(texts[first_dossier:])
    for site in report.sites:
        assert f"{site.seed_url} · {site.country}" in dossiers
    flat = "".join(dossiers.split())  # digests and URLs may wrap
    for claim in (c for site in report.sites for c in report.claims_of(site.site_id)):
        assert claim.sha256 in flat and claim.warc_file in flat and claim.url in flat
    engine.dispose()
    assert "not legal or medical advice" in texts[-1]  # the appendix closes the report

    # The front matter's links reach the dossiers, which are in other parts.
    page_index = {page.indirect_reference.idnum: i for i, page in enumerate(reader.pages)}
    names = {site.name for site in report.sites}
    targets = []
    for page in reader.pages[:first_dossier]:
        for annotation in page.get("/Annots") or []:
            dest = annotation.get_object().get("/Dest")
            if isinstance(dest, list):
                targets.append(page_index[dest[0].idnum])
    assert len(targets) >= len(report.sites)  # each site from "sites by risk", more from riskiest
    for target in targets:
        assert target >= first_dossier
        assert any(f"{name}\n" in texts[target] for name in names)
    # Links inside a dossier (the points' quotes) work too, and every anchor can be opened by
    # name (report.pdf#site-3).
    assert any(
        annotation.get_object().get("/Dest")
        for page in reader.pages[first_dossier:]
        for annotation in page.get("/Annots") or []
    )
    assert {f"site-{site.site_id}" for site in report.sites} <= set(reader.named_destinations)

    outline = reader.outline
    top = outline[0]
    assert isinstance(top, Destination) and top.title.startswith("Stem-cell clinic audit")
    sections = [item.title for item in outline[1] if isinstance(item, Destination)]
    assert sections[-2:] == ["Site dossiers", "Appendix: method"]
    dossier_index = outline[1].index(
        next(item for item in outline[1] if getattr(item, "title", "") == "Site dossiers")
    )
    site_items = outline[1][dossier_index + 1]
    assert len(site_items) == len(report.sites)  # one tree although the sites span parts
