"""The evidence: raw bytes in WARC with request records, IP, digests, revisits, the command."""

from __future__ import annotations

import gzip
import hashlib
from pathlib import Path

from typer.testing import CliRunner
from warcio.archiveiterator import ArchiveIterator

from crawler import read_response
from evidence.digests import digest_of
from flows.cli import app
from tests.crawling import crawl_run, pages
from tests.local_web import html, serve

ROBOTS = (200, "text/plain", b"User-agent: *\nDisallow: /private/\n")
PAGE = b"<html><body><h1>Tratamientos</h1><p>Tratamos la artrosis de rodilla.</p></body></html>"
GZIPPED = gzip.compress(PAGE, mtime=0)


def gzip_site() -> dict[str, object]:
    return {
        "/robots.txt": ROBOTS,
        "/": html('<a href="/tratamientos">T</a>'),
        "/tratamientos": (200, "text/html", GZIPPED, {"Content-Encoding": "gzip"}),
    }


def records(path: Path) -> list[tuple[str, str, object]]:
    with path.open("rb") as f:
        return [
            (r.rec_type, r.rec_headers.get_header("WARC-Target-URI"), r.rec_headers)
            for r in ArchiveIterator(f)
        ]


def test_the_archive_holds_the_bytes_as_received_with_request_records(home: Path) -> None:
    with serve({"clinica.test": gzip_site()}) as web:
        run_id = crawl_run(web, [("clinica.test", "/")])
    page = pages(web, run_id)["/tratamientos"]
    archived = read_response(home / "warc", page.warc_file, page.warc_offset)
    assert archived.raw == GZIPPED  # still gzip-encoded, as the server sent it
    assert archived.body == PAGE
    assert archived.header("Content-Encoding") == "gzip"
    assert page.sha256 == hashlib.sha256(GZIPPED).hexdigest() and page.size == len(GZIPPED)
    assert archived.payload_digest == digest_of(GZIPPED)
    assert archived.ip_address == "127.0.0.1" and page.ip_address == "127.0.0.1"
    assert archived.date.startswith(page.fetched_at.strftime("%Y-%m-%dT%H:%M"))

    found = records(home / "warc" / page.warc_file)
    assert found[0][0] == "warcinfo"  # the file says which tool wrote it, and how
    kinds = {(kind, uri.split(str(web.port))[-1]) for kind, uri, _ in found[1:]}
    assert {
        ("response", "/robots.txt"),
        ("request", "/tratamientos"),
        ("response", "/tratamientos"),
    } <= kinds
    response_id = next(
        h.get_header("WARC-Record-ID")
        for k, u, h in found  # type: ignore[attr-defined]
        if k == "response" and u.endswith("/tratamientos")
    )
    request = next(h for k, u, h in found if k == "request" and u.endswith("/tratamientos"))
    assert request.get_header("WARC-Concurrent-To") == response_id  # type: ignore[attr-defined]


def test_an_unchanged_page_is_a_revisit_record_a_changed_one_a_new_copy(home: Path) -> None:
    site = gzip_site()
    with serve({"clinica.test": site}) as web:
        first = crawl_run(web, [("clinica.test", "/")])
        site["/"] = html('<a href="/tratamientos">Tratamientos</a> ¡Nuevo!')
        second = crawl_run(web, [("clinica.test", "/")])
    before, after = pages(web, first), pages(web, second)
    unchanged = after["/tratamientos"]
    assert unchanged.revisit_file is not None and unchanged.revisit_file.startswith(
        f"run-{second}/"
    )
    assert (unchanged.warc_file, unchanged.warc_offset) == (
        before["/tratamientos"].warc_file,
        before["/tratamientos"].warc_offset,
    )
    revisit = read_response(home / "warc", unchanged.revisit_file, unchanged.revisit_offset or 0)
    assert revisit.record_type == "revisit" and revisit.raw == b""
    assert revisit.payload_digest == digest_of(GZIPPED)
    assert revisit.refers_to_date is not None
    changed = after["/"]
    assert changed.revisit_file is None and changed.warc_file.startswith(f"run-{second}/")


def test_evidence_command_gives_the_copy_exactly_as_fetched(home: Path, tmp_path: Path) -> None:
    with serve({"clinica.test": gzip_site()}) as web:
        first = crawl_run(web, [("clinica.test", "/")])
        crawl_run(web, [("clinica.test", "/")])
    url = web.url("clinica.test", "/tratamientos")
    runner = CliRunner()
    out = tmp_path / "copy.gz"
    result = runner.invoke(app, ["evidence", "show", url, "--run", str(first), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == GZIPPED
    assert "127.0.0.1" in result.output and digest_of(GZIPPED) in result.output

    latest = runner.invoke(app, ["evidence", "show", url, "--decoded"])
    assert latest.exit_code == 0, latest.output
    assert "Unchanged:" in latest.output and PAGE.decode() in latest.output

    missing = runner.invoke(app, ["evidence", "show", web.url("clinica.test", "/nowhere")])
    assert missing.exit_code == 2 and "was not fetched" in missing.output  # bad input
