"""What a link names: its canonical URL, and whether it is worth a request at all.

Every URL is put in one form before it is scheduled or compared with those already seen, so
``?b=2&a=1#top`` and ``?a=1&b=2`` are one page, and so are a post and its
``?replytocom=17&utm_source=x`` twin. w3lib does the work (the same canonical form Scrapy's
request fingerprints use, so its duplicate filter agrees with ours; Scrapy's ``strip_url``
drops credentials and default ports). ``url_rules.yaml`` says which query parameters go and
which links are never pages (feeds, APIs, site search, comment pagination, log-in); the rules
are read once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from urllib.parse import urlsplit

import yaml
from scrapy.utils.url import strip_url
from w3lib.url import canonicalize_url, url_query_cleaner


@dataclass(frozen=True)
class UrlRules:
    drop_parameters: tuple[str, ...]
    #: (kind, pattern) pairs; a link matching a pattern is skipped for that kind of reason.
    skip: tuple[tuple[str, re.Pattern[str]], ...]


@cache
def url_rules() -> UrlRules:
    """The rules of ``crawler/url_rules.yaml``."""
    text = resources.files("crawler").joinpath("url_rules.yaml").read_text("utf-8")
    data = yaml.safe_load(text)
    return UrlRules(
        drop_parameters=tuple(str(name) for name in data["drop_parameters"]),
        skip=tuple(
            (str(kind), re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE))
            for kind, patterns in data["skip"].items()
        ),
    )


@lru_cache(maxsize=1 << 16)  # every page repeats the menu: most links are seen many times
def canonical_url(url: str) -> str:
    """``url`` in canonical form, without tracking parameters, fragment or default port.

    Raises:
        ValueError: for a URL w3lib cannot parse (e.g. a malformed IPv6 host).
    """
    url = strip_url(canonicalize_url(url), strip_credentials=True, strip_default_port=True)
    # unique=False: a repeated parameter (?tag=a&tag=b) is a list, not a duplicate.
    return url_query_cleaner(url, url_rules().drop_parameters, remove=True, unique=False)


def skip_reason(url: str) -> str | None:
    """The kind of link ``url`` (canonical) is if it is never worth a request, else None."""
    parts = urlsplit(url)
    target = f"{parts.path or '/'}?{parts.query}" if parts.query else parts.path or "/"
    for kind, pattern in url_rules().skip:
        if pattern.search(target):
            return kind
    return None
