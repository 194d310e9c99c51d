"""Extraction is on the hot path of every crawl: a 50 KB page must stay cheap."""

from __future__ import annotations

import time

from extract import extract_document
from extract.knowledge import lexicon

PARAGRAPHS = [
    "We treat knee arthritis with ultrasound-guided injections of 50 million cells.",
    "We do not treat autism, ALS or anti-aging; not everyone is a candidate.",
    "A phase 1 trial of cord tissue cells in autism began at a university.",
    "Nuestra clínica trata la artrosis de rodilla con células de cordón umbilical.",
    "Strip-mall clinics promise to cure everything from autism to Alzheimer's.",
]


def _page(size: int) -> str:
    nav = "".join(f"<li><a href='/{i}'>Lupus {i}</a></li>" for i in range(20))
    parts = [f"<html><head><title>Clinic</title></head><body><nav><ul>{nav}</ul></nav>"]
    i = 0
    while sum(map(len, parts)) < size:
        parts.append(
            f"<div class='elementor-widget-container' data-id='{i:08x}'>"
            f"<p>{PARAGRAPHS[i % len(PARAGRAPHS)]}</p></div>"
        )
        i += 1
    return "".join(parts) + "<p>Book a consultation.</p></body></html>"


def test_a_50kb_page_is_fast() -> None:
    lexicon()  # compiled once per process, not per page
    html = _page(50_000)
    extract_document(html)
    runs = 5
    start = time.perf_counter()
    for _ in range(runs):
        doc = extract_document(html)
    per_page = (time.perf_counter() - start) / runs
    assert doc.conditions
    # ~15-40 ms on a laptop core depending on how much of the page is text; the bound only
    # catches accidental quadratic behaviour, not machine-to-machine noise.
    assert per_page < 0.5
