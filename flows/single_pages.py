"""``clinic-audit extract`` on single inputs: files (.html, .txt) and http(s) URLs."""

from __future__ import annotations

import os
import socket
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from rich.table import Table

from crawler.safety import address_refusal
from crawler.settings import MAX_RESPONSE_BYTES, USER_AGENT
from extract import decode_html, extract_document, extract_text
from flows.console import console


class InputError(ValueError):
    """An input that cannot be read: missing file, unsupported type, refused or dead URL."""


def extract_source(source: str) -> dict[str, Any]:
    """The ``extract --format jsonl`` object for one file path or URL."""
    if urlsplit(source).scheme in ("http", "https"):
        html = fetch(source)
        return extract_document(html, source).to_contract(source)
    path = Path(source)
    if not path.is_file():
        raise InputError("no such file")
    body = path.read_bytes()
    if path.suffix.lower() == ".txt":
        text = body.decode("utf-8", errors="replace")
        return extract_text(text).to_contract(source)
    if path.suffix.lower() not in (".html", ".htm", ".xhtml"):
        raise InputError("unsupported file type: give .html or .txt files")
    return extract_document(decode_html(body)).to_contract(source)


def fetch(url: str, timeout: float = 30) -> str:
    """GET one page with the crawler's User-Agent and address policy."""
    host = urlsplit(url).hostname or ""
    allow_loopback = os.environ.get("CLINIC_AUDIT_ALLOW_LOOPBACK") == "1"
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except OSError as exc:
        raise InputError(f"cannot resolve {host}: {exc}") from exc
    for address in addresses:
        refusal = address_refusal(str(address), allow_loopback)
        if refusal:
            raise InputError(f"{host} resolves to {address}: {refusal}")
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read(MAX_RESPONSE_BYTES + 1)
            content_type = response.headers.get("Content-Type")
    except OSError as exc:
        raise InputError(f"cannot fetch: {exc}") from exc
    if len(body) > MAX_RESPONSE_BYTES:
        raise InputError(f"larger than {MAX_RESPONSE_BYTES} bytes")
    return decode_html(body, content_type)


def print_table(record: dict[str, Any]) -> None:
    """A readable table of one input's conditions, with their quotes."""
    table = Table(
        title=f"{record['source']} ({record['language']}, "
        f"{'clinic' if record['is_clinic'] else 'not a clinic'})",
        show_lines=True,
    )
    for column in ("condition", "tier", "stance", "quote"):
        table.add_column(column, overflow="fold")
    for c in record["conditions"]:
        table.add_row(c["slug"], c["tier"], c["stance"], c["quote"])
    console.print(table)
    flags = [name for name, on in record["flags"].items() if on]
    console.print(
        f"cell sources: {', '.join(record['cell_sources']) or '-'} · "
        f"regulators: {', '.join(record['regulators']) or '-'} · "
        f"flags: {', '.join(flags) or '-'}"
    )
