"""The seed list: a CSV with a header, ``url`` required; ``name``, ``country``, ``render_js``
(yes/no: the site's content needs JavaScript) and ``kind`` (what the researcher knows the site
is: clinic, facilitator, seller, news or other; see :func:`score.site_verdict`) optional.

Files come from spreadsheets: comma-, semicolon- (Excel in Spanish and most European locales)
or tab-separated, in UTF-8 (with or without a byte-order mark), UTF-16 or Windows-1252.
"""

from __future__ import annotations

import codecs
import csv
import io
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pycountry

from vocabulary import SITE_KINDS

#: Accepted values of the ``render_js`` column.
_FLAGS = {"": False, "no": False, "false": False, "0": False, "yes": True, "true": True, "1": True}


class SeedFileError(ValueError):
    """The seed file cannot be used at all (missing, unreadable, no ``url`` column)."""


@dataclass(frozen=True)
class Seed:
    url: str
    name: str | None = None
    country: str | None = None
    render_js: bool = False
    #: What the researcher says the site is (one of ``vocabulary.SITE_KINDS``, lower case); it
    #: decides whether the site sells treatment, whatever its pages read like.
    kind: str | None = None

    @property
    def host(self) -> str:
        return urlsplit(self.url).hostname or ""


@dataclass(frozen=True)
class SeedProblem:
    """A row that was skipped, with its line number in the file and why."""

    line: int
    reason: str


def parse_seed_url(raw: str) -> str:
    """Normalise one seed URL, or raise ValueError saying what is wrong with it."""
    url = raw.strip()
    if not url:
        raise ValueError("empty url")
    if "://" not in url:
        url = "https://" + url
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise ValueError(f"unsupported scheme {parts.scheme!r}: only http and https are crawled")
    try:
        port = parts.port
    except ValueError as exc:
        raise ValueError(f"bad port in {raw.strip()!r}") from exc
    host = parts.hostname
    if not host or " " in host or "." not in host.strip("."):
        raise ValueError(f"no valid host in {raw.strip()!r}")
    netloc = host if port is None else f"{host}:{port}"
    return f"{parts.scheme}://{netloc}{parts.path or '/'}" + (
        f"?{parts.query}" if parts.query else ""
    )


def read_seeds(path: Path | str) -> tuple[list[Seed], list[SeedProblem]]:
    """Read a seed CSV; bad rows are skipped and returned as problems, duplicates dropped.

    Raises:
        SeedFileError: the file is missing, not text, or has no ``url`` column.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise SeedFileError(f"seed file not found: {path}") from None
    except OSError as exc:
        raise SeedFileError(f"cannot read seed file {path}: {exc}") from exc
    return parse_seeds(_decode(data, path), source=str(path))


def _decode(data: bytes, path: Path) -> str:
    """The file's text: UTF-16 when it says so, else UTF-8, else Windows-1252 (what Excel
    writes as "CSV" on Windows in Western locales)."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings: tuple[str, ...] = ("utf-16",)
    elif b"\0" in data:
        raise SeedFileError(f"{path} is not a text file")
    else:
        encodings = ("utf-8-sig", "cp1252")
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SeedFileError(f"cannot read seed file {path}: not UTF-8, UTF-16 or Windows-1252 text")


def is_country_code(code: str) -> bool:
    """Whether ``code`` is an ISO 3166-1 alpha-2 country code (upper case, "CO")."""
    return len(code) == 2 and pycountry.countries.get(alpha_2=code) is not None


def _site_key(url: str) -> tuple[str, str]:
    """What makes two seed URLs the same site: ``www.x.com``, ``x.com`` and ``http://x.com/``
    are one."""
    parts = urlsplit(url)
    host = parts.netloc.removeprefix("www.")
    return host, (parts.path.rstrip("/") or "/") + (f"?{parts.query}" if parts.query else "")


def parse_seeds(text: str, source: str = "<seeds>") -> tuple[list[Seed], list[SeedProblem]]:
    # The header names the columns, so its most frequent separator is the file's.
    header = text.lstrip("\ufeff").split("\n", 1)[0]
    delimiter = max(",;\t", key=header.count)
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")), delimiter=delimiter)
    fields = [f.strip().lower() for f in reader.fieldnames or []]
    if "url" not in fields:
        raise SeedFileError(f"{source}: the header must have a 'url' column (found {fields})")
    reader.fieldnames = fields
    seeds: list[Seed] = []
    problems: list[SeedProblem] = []
    seen: dict[tuple[str, str], int] = {}  # site key -> line of its first row
    for row in reader:
        line = reader.line_num
        if None in row:
            problems.append(SeedProblem(line, "more columns than the header"))
            continue
        try:
            url = parse_seed_url(row.get("url") or "")
        except ValueError as exc:
            problems.append(SeedProblem(line, str(exc)))
            continue
        country = (row.get("country") or "").strip().upper() or None
        if country is not None and not is_country_code(country):
            problems.append(
                SeedProblem(line, f"country {country!r} is not an ISO 3166-1 code (such as CO)")
            )
            continue
        render_js = (row.get("render_js") or "").strip().lower()
        if render_js not in _FLAGS:
            problems.append(SeedProblem(line, f"render_js {render_js!r} is not yes or no"))
            continue
        kind = (row.get("kind") or "").strip().lower() or None
        if kind is not None and kind not in SITE_KINDS:
            kinds = ", ".join(sorted(SITE_KINDS))
            problems.append(SeedProblem(line, f"kind {kind!r} is not one of {kinds}"))
            continue
        key = _site_key(url)
        if key in seen:
            problems.append(SeedProblem(line, f"duplicate of line {seen[key]}: {url}"))
            continue
        seen[key] = line
        name = (row.get("name") or "").strip() or None
        seeds.append(
            Seed(url=url, name=name, country=country, render_js=_FLAGS[render_js], kind=kind)
        )
    return seeds, problems
