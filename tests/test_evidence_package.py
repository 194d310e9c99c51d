"""A run's evidence as a WACZ that pywb replays byte for byte; every digest checked again."""

from __future__ import annotations

import gzip
import json
import zipfile
import zlib
from datetime import UTC, datetime
from pathlib import Path

from typer.testing import CliRunner
from warcio.archiveiterator import ArchiveIterator

from crawler import WarcArchive, read_response
from crawler.archive import Exchange
from evidence.digests import digest_of
from evidence.manifest import update_manifest
from flows.cli import app
from storage import Page
from tests.crawling import crawl_again, crawl_run, database, pages
from tests.local_web import LocalWeb, html, serve
from tests.replay import fetch, replay

runner = CliRunner()
ROBOTS = (200, "text/plain", b"User-agent: *\nAllow: /\n")
TREATMENTS = (
    b"<html><head><title>Tratamientos</title></head><body><h1>Tratamientos</h1>"
    b"<p>Tratamos la artrosis de rodilla con c\xc3\xa9lulas madre.</p></body></html>"
)
PRICES = gzip.compress(b"<html><body><p>Precio: 4.500 EUR por rodilla.</p></body></html>", mtime=0)


def clinic() -> dict[str, object]:
    return {
        "/robots.txt": ROBOTS,
        "/": html('<a href="/tratamientos">T</a> <a href="/precios">P</a>', "Inicio"),
        "/tratamientos": (200, "text/html; charset=utf-8", TREATMENTS),
        "/precios": (200, "text/html", PRICES, {"Content-Encoding": "gzip"}),
    }


def two_runs() -> tuple[LocalWeb, int, int]:
    """Two runs of one clinic; the second finds /tratamientos unchanged (a revisit record)."""
    site = clinic()
    with serve({"clinica.test": site}) as web:
        first = crawl_run(web, [("clinica.test", "/")])
        site["/"] = html('<a href="/tratamientos">T</a> <a href="/precios">P</a> ¡Nuevo!')
        second = crawl_run(web, [("clinica.test", "/")])
    return web, first, second


def warc_records(path: Path) -> list[tuple[int, str, dict[str, str], bytes]]:
    found = []
    with path.open("rb") as f:
        records = ArchiveIterator(f)
        for r in records:
            body = r.content_stream().read()  # before the offset, which reads to the end
            found.append(
                (records.get_record_offset(), r.rec_type, dict(r.rec_headers.headers), body)
            )
    return found


def package(run_id: int, out: Path) -> Path:
    result = runner.invoke(app, ["evidence", "package", "--run", str(run_id), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert str(out) in result.output
    return out


def verify(path: Path) -> tuple[int, str]:
    result = runner.invoke(app, ["evidence", "verify", str(path)], env={"COLUMNS": "300"})
    return result.exit_code, result.output


def test_each_warc_file_starts_with_a_warcinfo_naming_tool_version_and_settings(
    home: Path,
) -> None:
    with serve({"clinica.test": clinic()}) as web:
        run_id = crawl_run(web, [("clinica.test", "/")], max_pages=2)
        crawl_again(run_id, resume=True, max_pages=3)  # a resumed crawl writes its own file
    files = sorted((home / "warc" / f"run-{run_id}").glob("*.warc.gz"))
    assert len(files) == 2
    for path, (max_pages, resumed) in zip(files, [(2, False), (3, True)], strict=True):
        records = warc_records(path)
        kinds = [kind for _, kind, _, _ in records]
        assert kinds[0] == "warcinfo" and kinds.count("warcinfo") == 1
        offset, _, headers, body = records[0]
        fields = dict(line.split(": ", 1) for line in body.decode().splitlines() if line)
        assert offset == 0 and headers["WARC-Filename"] == path.name
        assert fields["software"].startswith("clinic-audit/0.1.0 ")
        assert fields["isPartOf"] == f"run-{run_id}" and fields["robots"] == "obey"
        settings = json.loads(fields["crawl-settings"])
        assert settings["CLINIC_AUDIT_MAX_PAGES"] == max_pages and settings["ROBOTSTXT_OBEY"]
        assert settings["CLINIC_AUDIT_RESUME"] is resumed
        # Every digest in the one written form, sha256:<hex>.
        digests = [
            h[name]
            for _, _, h, _ in records
            for name in ("WARC-Block-Digest", "WARC-Payload-Digest")
            if name in h
        ]
        assert digests and all(d.startswith("sha256:") and len(d) == 71 for d in digests)


def test_appending_to_a_file_that_holds_records_adds_no_warcinfo_in_the_middle(
    tmp_path: Path,
) -> None:
    when = datetime(2026, 12, 1, tzinfo=UTC)
    exchange = Exchange("http://c.test/", "GET", [], 200, [], b"<p>hola</p>", when)
    for _ in range(2):
        archive = WarcArchive(tmp_path, "run-1/crawl.warc.gz", {"software": "clinic-audit"})
        archive.write_exchange(exchange)
        archive.close()
    kinds = [kind for _, kind, _, _ in warc_records(tmp_path / "run-1" / "crawl.warc.gz")]
    assert kinds == ["warcinfo", "response", "request", "response", "request"]


def test_the_wacz_of_a_run_replays_in_pywb_byte_for_byte(home: Path, tmp_path: Path) -> None:
    web, first, second = two_runs()
    out = package(second, tmp_path / "run.wacz")

    with zipfile.ZipFile(out) as wacz:
        names = set(wacz.namelist())
        datapackage = json.loads(wacz.read("datapackage.json"))
        assert datapackage["wacz_version"] == "1.1.1"
        for resource in datapackage["resources"]:  # every file, with its sha256
            assert resource["hash"] == digest_of(wacz.read(resource["path"]))
        listed = {r["path"] for r in datapackage["resources"]}
        assert listed | {"datapackage.json", "datapackage-digest.json"} == names
        digest = json.loads(wacz.read("datapackage-digest.json"))["hash"]
        assert digest == digest_of(wacz.read("datapackage.json"))
        page_lines = wacz.read("pages/pages.jsonl").decode().splitlines()
    assert json.loads(page_lines[0])["format"] == "json-pages-1.0"
    base = web.url("clinica.test", "")
    assert {json.loads(line)["url"] for line in page_lines[1:]} == {
        f"{base}/",
        f"{base}/tratamientos",
        f"{base}/precios",
    }
    # The unchanged page's bytes are in the first run's file: the package holds both runs'.
    assert {n.split("/")[1].split("-crawl-")[0] for n in names if n.startswith("archive/")} == {
        f"run-{first}",
        f"run-{second}",
    }

    stored: dict[str, Page] = pages(web, second)
    assert stored["/tratamientos"].revisit_file is not None
    with replay(out, tmp_path) as collection:
        for path in ("/tratamientos", "/precios", "/"):
            page = stored[path]
            archived = read_response(home / "warc", page.warc_file, page.warc_offset)
            stamp = page.fetched_at.strftime("%Y%m%d%H%M%S")
            status, _, body = fetch(f"{collection}{stamp}id_/{base}{path}")
            assert status == 200, (path, body[:500])
            assert body == archived.raw, path  # byte for byte as the server sent it


def test_verify_names_the_one_byte_changed_in_a_wacz_a_warc_or_a_report_folder(
    home: Path, tmp_path: Path
) -> None:
    web, _, second = two_runs()
    out = package(second, tmp_path / "run.wacz")
    warc = home / "warc" / pages(web, second)["/"].warc_file
    assert verify(out)[0] == 0 and verify(warc)[0] == 0
    assert verify(warc.parent) == (0, verify(warc.parent)[1])

    # The WACZ: one byte of a stored WARC file flipped.
    with zipfile.ZipFile(out) as wacz:
        member = next(i for i in wacz.infolist() if i.filename.startswith("archive/"))
    data = bytearray(out.read_bytes())
    at = member.header_offset + 30 + len(member.filename) + member.file_size // 2
    data[at] ^= 0x01
    changed_wacz = tmp_path / "changed.wacz"
    changed_wacz.write_bytes(bytes(data))
    code, output = verify(changed_wacz)
    assert code == 1 and f"CHANGED  {member.filename}" in output, output

    # A WARC file: one byte of a page's payload flipped inside its (valid) gzip member...
    page = pages(web, second)["/"]
    original = warc.read_bytes()
    start = page.warc_offset
    inflater = zlib.decompressobj(zlib.MAX_WBITS | 16)
    record = bytearray(inflater.decompress(original[start:]))
    end = len(original) - len(inflater.unused_data)
    record[record.rindex(b"</body>")] ^= 0x20  # "<" becomes "\x1c"
    warc.write_bytes(original[:start] + gzip.compress(bytes(record)) + original[end:])
    code, output = verify(warc)
    assert code == 1, output
    assert f"CHANGED  {warc.name}@{start} response {page.url}: block digest failed" in output
    assert "payload digest failed" in output and "1 changed" in output
    # ... or one byte of the compressed file itself (warcio alone would only warn on stderr).
    damaged = bytearray(original)
    damaged[(start + end) // 2] ^= 0x01
    warc.write_bytes(bytes(damaged))
    code, output = verify(warc)
    assert code == 1 and f"CHANGED  {warc.name}@{start}: gzip member damaged" in output, output

    # A report folder: one byte of a listed file flipped.
    folder = tmp_path / "report"
    folder.mkdir()
    for name in ("report.html", "report.pdf"):
        (folder / name).write_bytes(b"%PDF-1.7 the report " + name.encode())
    update_manifest(folder, list(folder.iterdir()))
    assert verify(folder)[0] == 0
    pdf = bytearray((folder / "report.pdf").read_bytes())
    pdf[3] ^= 0x01
    (folder / "report.pdf").write_bytes(bytes(pdf))
    code, output = verify(folder)
    assert code == 1 and "CHANGED  report.pdf: sha256:" in output
    assert "report.html" not in output.replace("manifest", "")

    # Bad input: exit 2, with a clear message.
    (tmp_path / "notes.txt").write_text("not evidence")
    code, output = verify(tmp_path / "notes.txt")
    assert code == 2 and "is not a WARC file" in output
    assert verify(tmp_path / "missing.wacz")[0] == 2


def test_package_refuses_a_wrong_output_name_and_an_unknown_run(home: Path) -> None:
    database()
    wrong = runner.invoke(app, ["evidence", "package", "--out", str(home / "run.zip")])
    assert wrong.exit_code == 2 and "must name a .wacz file" in wrong.output
    unknown = runner.invoke(
        app, ["evidence", "package", "--run", "99", "--out", str(home / "run.wacz")]
    )
    assert unknown.exit_code == 2 and "99" in unknown.output
    assert not (home / "run.wacz").exists()
