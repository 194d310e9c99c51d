"""Where a site ends, which of its pages come first, and which URLs are traps.

A site is its seed's registrable domain: ``www.clinic.es``, ``clinic.es`` and
``blog.clinic.es`` are one site, ``clinic.com`` is another. The public suffix list is
tldextract's bundled snapshot (never fetched), and names under the reserved test TLDs, which
that list does not know, count their last two labels as the registrable domain.
"""

from __future__ import annotations

import ipaddress
import re
from collections import Counter, defaultdict
from functools import cache
from importlib import resources
from urllib.parse import urlsplit

import tldextract
import yaml

from crawler.safety import RESERVED_SUFFIXES

#: Longest URL followed; longer ones are generated, not written by people.
MAX_URL_LENGTH = 1024
#: A path segment seen this often in one path means a relative link loops (/a/b/a/b/a/...).
MAX_SEGMENT_REPEATS = 3
#: Distinct query strings followed per path: sort and filter combinations explode.
MAX_QUERIES_PER_PATH = 10
#: URLs followed per date-like URL shape (two or more numbers, their digits ignored): an
#: endless calendar is one shape (/events/2026/11, ?year=2026&month=11, /2026-11-21).
MAX_URLS_PER_SHAPE = 25

_EXTRACT = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)
_DIGITS = re.compile(r"\d+")


@cache
def registrable_domain(host: str) -> str:
    """The registrable domain of ``host`` (e.g. ``clinic.co.uk`` for ``www.clinic.co.uk``)."""
    host = host.lower().rstrip(".")
    try:
        ipaddress.ip_address(host.strip("[]"))
        return host
    except ValueError:
        pass
    if ("." + host).endswith(RESERVED_SUFFIXES):
        return ".".join(host.split(".")[-2:])
    parts = _EXTRACT(host)
    return parts.top_domain_under_public_suffix or host


def url_domain(url: str) -> str:
    return registrable_domain(urlsplit(url).hostname or "")


def site_domain(url: str) -> str:
    """The name a site keeps across runs and seed lists: its seed URL's registrable domain
    (``http://clinica.es`` and ``https://www.clinica.es/es/`` are one site), with the port
    for an IP address, where many test servers share one host."""
    parts = urlsplit(url)
    domain = registrable_domain(parts.hostname or "")
    try:
        ipaddress.ip_address(domain.strip("[]"))
    except ValueError:
        return domain
    return f"{domain}:{parts.port}" if parts.port else domain


@cache
def _claim_words() -> tuple[int, tuple[str, ...]]:
    text = resources.files("crawler").joinpath("claim_paths.yaml").read_text("utf-8")
    data = yaml.safe_load(text)
    return int(data["boost"]), tuple(str(w).lower() for w in data["words"])


def claim_priority(url: str, link_text: str = "") -> int:
    """Scheduler priority boost for a URL likely to hold claims (0 for any other)."""
    boost, words = _claim_words()
    haystack = f"{urlsplit(url).path} {link_text}".lower()
    return boost if any(word in haystack for word in words) else 0


class TrapGuard:
    """Per-site budgets that stop spider traps; :meth:`check` says why a URL is refused."""

    def __init__(self) -> None:
        self.queries: defaultdict[tuple[int, str], set[str]] = defaultdict(set)
        self.shapes: Counter[tuple[int, str]] = Counter()

    def check(self, site_id: int, url: str) -> str | None:
        """None if ``url`` may be followed (and count it), else the kind of trap."""
        if len(url) > MAX_URL_LENGTH:
            return "spider trap: URL longer than 1024 characters"
        parts = urlsplit(url)
        segments = [s for s in parts.path.split("/") if s]
        if segments and max(Counter(segments).values()) >= MAX_SEGMENT_REPEATS:
            return "spider trap: repeating path segments"
        if parts.query:
            seen = self.queries[(site_id, parts.path)]
            if parts.query not in seen and len(seen) >= MAX_QUERIES_PER_PATH:
                return "spider trap: query-parameter explosion"
            seen.add(parts.query)
        shape = (site_id, _DIGITS.sub("#", f"{parts.path}?{parts.query}"))
        if shape[1].count("#") >= 2:
            if self.shapes[shape] >= MAX_URLS_PER_SHAPE:
                return "spider trap: endless calendar (date-numbered pages)"
            self.shapes[shape] += 1
        return None
