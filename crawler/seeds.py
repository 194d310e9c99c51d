"""The seed list: a CSV with a header, ``url`` required; ``name``, ``country``, ``render_js``
(yes/no: the site's content needs JavaScript) and ``kind`` (what the researcher knows the site
is: clinic, facilitator, seller, news or other; see :func:`score.site_verdict`) optional."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

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
    #: What the researcher says the site is (one of ``score.SITE_KINDS``, lower case); it
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
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise SeedFileError(f"seed file not found: {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SeedFileError(f"cannot read seed file {path}: {exc}") from exc
    return parse_seeds(text, source=str(path))


def parse_seeds(text: str, source: str = "<seeds>") -> tuple[list[Seed], list[SeedProblem]]:
    # Imported here, not at the top: every crawler process imports this package (never to
    # read seeds), and score brings extraction with it.
    from score import SITE_KINDS

    reader = csv.DictReader(io.StringIO(text))
    fields = [f.strip().lower() for f in reader.fieldnames or []]
    if "url" not in fields:
        raise SeedFileError(f"{source}: the header must have a 'url' column (found {fields})")
    reader.fieldnames = fields
    seeds: list[Seed] = []
    problems: list[SeedProblem] = []
    seen: set[str] = set()
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
        if country is not None and (len(country) != 2 or not country.isalpha()):
            problems.append(SeedProblem(line, f"country {country!r} is not an ISO 3166 code"))
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
        if url in seen:
            problems.append(SeedProblem(line, f"duplicate of an earlier row: {url}"))
            continue
        seen.add(url)
        name = (row.get("name") or "").strip() or None
        seeds.append(
            Seed(url=url, name=name, country=country, render_js=_FLAGS[render_js], kind=kind)
        )
    return seeds, problems
