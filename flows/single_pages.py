"""``clinic-audit extract`` on single inputs: files (.html, .txt) and http(s) URLs."""

from __future__ import annotations

import socket
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

from rich.table import Table
from rich.text import Text

import config
from crawler import MAX_RESPONSE_BYTES, USER_AGENT, address_refusal
from extract import DocumentExtraction, decode_html, extract_document, extract_text
from flows.console import console
from score import SiteVerdict


class InputError(ValueError):
    """An input that cannot be read: missing file, unsupported type, refused or dead URL."""


def extract_source(source: str) -> DocumentExtraction:
    """Extract one file path or URL (``.to_contract(source)`` is its jsonl object)."""
    if urlsplit(source).scheme in ("http", "https"):
        html = fetch(source)
        return extract_document(html, source)
    path = Path(source)
    if not path.is_file():
        raise InputError("no such file")
    body = path.read_bytes()
    if path.suffix.lower() == ".txt":
        text = body.decode("utf-8", errors="replace")
        return extract_text(text)
    if path.suffix.lower() not in (".html", ".htm", ".xhtml"):
        raise InputError("unsupported file type: give .html or .txt files")
    return extract_document(decode_html(body))


def fetch(url: str, timeout: float = 30) -> str:
    """GET one page with the crawler's User-Agent and address policy."""
    host = urlsplit(url).hostname or ""
    allow_loopback = config.settings().allow_loopback
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


def print_table(doc: DocumentExtraction, source: str, verdict: SiteVerdict) -> None:
    """A readable table of one input's conditions with their quotes and the cue that set each
    stance, then the seller verdict's reasons, entities, flags and the mentions behind them."""
    seller = "sells treatment" if verdict.sells_treatment else "sells no treatment"
    table = Table(title=f"{source} ({doc.language}, {seller})", show_lines=True)
    for column in ("condition", "tier", "stance", "because of", "quote"):
        table.add_column(column, overflow="fold")
    stances = doc.stances(verdict.sells_treatment)
    for c in doc.conditions:
        cue = c.cue if stances[c.slug] == c.stance else "the page sells no treatment"
        # Text(), not str: scraped words like "[red]" must not be read as console markup.
        table.add_row(c.slug, c.tier, stances[c.slug], Text(cue or "-"), Text(c.quote))
    console.print(table)
    for reason in verdict.reasons:
        console.print(f"  {reason}", markup=False)
    flags = [name for name, on in doc.flags.items() if on]
    console.print(
        f"cell sources: {', '.join(doc.cell_sources) or '-'} · "
        f"regulators: {', '.join(doc.regulators) or '-'} · "
        f"flags: {', '.join(flags) or '-'}",
        markup=False,
    )
    for m in doc.mentions:
        console.print(f"  {m.kind}: {m.text}", markup=False)
