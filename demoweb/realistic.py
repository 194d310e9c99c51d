"""The realistic profile: a web of long prose-heavy sites, each on its own loopback address.

``python -m demoweb --realistic --sites N`` serves it; ``benchmarks/e2e.py`` audits it. Unlike
the default demo web (short pages from templates, dispatched on the Host header, with ground
truth), each site here is

- on its own address in 127.77.0.0/16 (site 0 on 127.77.0.1, site 254 on 127.77.1.1...), all
  on one port, so a crawler opens connections to 1,000 different hosts as it would on the web;
- 15 pages of 30-60 KB, most of each page prose drawn from the real-world corpora
  (:mod:`demoweb.prose`), with FAQ blocks, a price table naming conditions, menus and scripts;
- described by a robots.txt (with a ``Sitemap:`` line and one disallowed folder) and a
  sitemap.xml listing its pages.

Nothing is generated up front: a page is built when it is asked for, from (seed, site, path),
so the same request always gets the same bytes and 1,000 sites cost no more memory than one.
There is no ground truth: the profile measures throughput, not accuracy.
"""

from __future__ import annotations

import csv
import io
import ipaddress
import random
from dataclasses import dataclass
from functools import cached_property

from demoweb import prose
from demoweb.model import Page

#: Site ``i`` listens on FIRST_ADDRESS + offset(i); each /24 uses .1 to .254.
FIRST_ADDRESS = ipaddress.IPv4Address("127.77.0.0")
ADDRESSES_PER_BLOCK = 254
MAX_SITES = ADDRESSES_PER_BLOCK * 256
#: Drawn in characters; Spanish pages' accents and the last paragraph can add 1-2 KB in bytes.
PAGE_SIZE = (31_000, 57_000)
#: Paragraph characters as a share of the page's size. Headings, FAQ answers, the table and
#: the lists add more text on top, and menus, the footer and the inline script fill the rest.
PROSE_SHARE = (0.45, 0.55)
PAGE_PATHS = ("/", "/about", "/treatments", "/conditions", "/faq", "/prices", "/team")
PAGE_PATHS_AFTER = ("/testimonials", "/contact")
CONDITION_PAGES = 4
BLOG_POSTS = 2
COUNTRIES = {"en": ("US", "GB", "AU"), "es": ("MX", "ES", "CO")}


def slugify(name: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in name.lower()).split())


@dataclass(frozen=True)
class RealisticSite:
    index: int
    address: str
    name: str
    country: str
    language: str
    paths: tuple[str, ...]


class RealisticWeb:
    """``n_sites`` sites of :data:`PAGE_PATHS`-like pages; pages are built on request."""

    def __init__(self, n_sites: int, seed: int = 7) -> None:
        if not 0 <= n_sites <= MAX_SITES:
            raise ValueError(f"n_sites must be between 0 and {MAX_SITES}")
        self.n_sites = n_sites
        self.seed = seed

    @cached_property
    def text(self) -> prose.CorpusText:
        return prose.corpus_text()

    @cached_property
    def languages(self) -> list[str]:
        return prose.prose_languages(self.text)

    @staticmethod
    def address(index: int) -> str:
        block, host = divmod(index, ADDRESSES_PER_BLOCK)
        return str(FIRST_ADDRESS + block * 256 + host + 1)

    def site_at(self, address: str) -> RealisticSite | None:
        """The site listening on ``address``, or None."""
        try:
            offset = int(ipaddress.IPv4Address(address)) - int(FIRST_ADDRESS)
        except ValueError:
            return None
        block, host = divmod(offset, 256)
        index = block * ADDRESSES_PER_BLOCK + host - 1
        if not 1 <= host <= ADDRESSES_PER_BLOCK or not 0 <= index < self.n_sites:
            return None
        return self.site(index)

    def site(self, index: int) -> RealisticSite:
        rng = random.Random(f"{self.seed}/site/{index}")
        language = self.languages[index % len(self.languages)]
        conditions = [slugify(en) for en, _ in rng.sample(prose.PRICED, CONDITION_PAGES)]
        paths = (
            *PAGE_PATHS,
            *(f"/conditions/{slug}" for slug in conditions),
            *(f"/blog/stem-cells-and-{slug}" for slug in conditions[:BLOG_POSTS]),
            *PAGE_PATHS_AFTER,
        )
        return RealisticSite(
            index,
            self.address(index),
            f"Regenerative Clinic {index + 1:05d}",
            rng.choice(COUNTRIES.get(language, ("US",))),
            language,
            paths,
        )

    def sites(self) -> list[RealisticSite]:
        return [self.site(index) for index in range(self.n_sites)]

    def render(self, site: RealisticSite, path: str, port: int) -> Page | None:
        """The response body for ``path`` of ``site`` served on ``port``, or None (404)."""
        origin = f"http://{site.address}:{port}"
        if path == "/robots.txt":
            robots = f"User-agent: *\nDisallow: /wp-admin/\n\nSitemap: {origin}/sitemap.xml\n"
            return Page(robots.encode(), "text/plain; charset=utf-8")
        if path == "/sitemap.xml":
            urls = "".join(f"<url><loc>{origin}{p}</loc></url>" for p in site.paths)
            sitemap = (
                '<?xml version="1.0" encoding="UTF-8"?>\n'
                f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>\n'
            )
            return Page(sitemap.encode(), "application/xml")
        if path not in site.paths:
            return None
        rng = random.Random(f"{self.seed}/page/{site.index}{path}")
        size = rng.randint(*PAGE_SIZE)
        html = prose.long_page(
            rng,
            self.text,
            site.language,
            size,
            int(size * rng.uniform(*PROSE_SHARE)),
            site.paths,
        )
        return Page(html.encode(), "text/html; charset=utf-8")

    def seeds_csv(self, port: int) -> str:
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(["url", "name", "country"])
        for site in self.sites():
            writer.writerow([f"http://{site.address}:{port}/", site.name, site.country])
        return buf.getvalue()
