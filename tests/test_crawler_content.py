"""Content: charsets declared in the header, in a meta tag or nowhere; PDF text; language."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

import storage
from crawler import read_response
from extract import readable_html
from flows import stages
from storage import Claim
from tests.crawling import crawl_run, database, pages
from tests.local_web import html, serve

ROBOTS = (200, "text/plain", b"User-agent: *\n")
SPANISH = "Tratamos la artrosis de rodilla con células madre. ¿Cuánto cuesta? Pregúntenos."


def spanish_page(meta: str = "") -> bytes:
    return (
        f"<html><head>{meta}<title>Clínica</title></head><body><p>{SPANISH}</p></body></html>"
    ).encode("cp1252")


def pdf(text: str) -> bytes:
    """A minimal one-page PDF showing ``text`` in Helvetica (Latin-1 text only)."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def test_charsets_pdf_text_and_language_per_page(home: Path) -> None:
    site = {
        "/robots.txt": ROBOTS,
        "/": html(
            '<a href="/header">h</a> <a href="/meta">m</a> <a href="/nowhere">n</a> '
            '<a href="/folleto.pdf">folleto</a> <a href="/en">en</a>'
        ),
        "/header": (200, "text/html; charset=windows-1252", spanish_page()),
        "/meta": (200, "text/html", spanish_page('<meta charset="iso-8859-1">')),
        "/nowhere": (200, "text/html", spanish_page()),
        "/folleto.pdf": (
            200,
            "application/pdf",
            pdf("Tratamiento de la artrosis de rodilla con celulas madre: 5.000 EUR"),
        ),
        "/en": html("We treat knee osteoarthritis with stem cells. What does it cost?"),
    }
    with serve({"clinica.test": site}) as web:
        run_id = crawl_run(web, [("clinica.test", "/")])
    stored = pages(web, run_id)
    assert set(stored) == {"/", "/header", "/meta", "/nowhere", "/folleto.pdf", "/en"}
    for path in ("/header", "/meta", "/nowhere"):
        page = stored[path]
        archived = read_response(home / "warc", page.warc_file, page.warc_offset)
        text = readable_html(archived.body, page.content_type)
        assert SPANISH in text, path
    pdf_page = stored["/folleto.pdf"]
    archived = read_response(home / "warc", pdf_page.warc_file, pdf_page.warc_offset)
    pdf_html = readable_html(archived.body, pdf_page.content_type)
    assert "artrosis de rodilla" in pdf_html and "5.000 EUR" in pdf_html

    counts = stages.extract(database(), run_id)
    assert counts["pages"] == 6
    languages = {path: p.language for path, p in pages(web, run_id).items()}
    assert languages["/header"] == languages["/meta"] == languages["/nowhere"] == "es"
    assert languages["/folleto.pdf"] == "es" and languages["/en"] == "en"
    with storage.sessions(database())() as session:
        pdf_claims = session.scalars(select(Claim.kind).where(Claim.page_id == pdf_page.id))
        assert "condition" in set(pdf_claims)
