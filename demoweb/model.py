"""The public objects: a DemoWeb of DemoSites, each with its ground truth and pages.

Sites keep only their profile and truth; the plan (pages and blocks) is rebuilt on demand
from (seed, profile) and cached for recently used sites, so a web of thousands of sites
stays small in memory and ``generate`` does not render a single page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from demoweb.plan import SitePlan, build_plan
from demoweb.profiles import Profile, profiles
from vocabulary import FLAG_NAMES

EXPECTED_GRADES = {"honest": "AB", "middling": "CD", "hype": "DF", "news": ""}


@dataclass(frozen=True)
class Page:
    body: bytes
    content_type: str


@dataclass(frozen=True)
class SiteTruth:
    conditions: dict[str, str]
    cell_sources: frozenset[str]
    origin: frozenset[str]
    regulators: frozenset[str]
    flags: dict[str, bool]
    expected_grades: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "conditions": dict(sorted(self.conditions.items())),
            "cell_sources": sorted(self.cell_sources),
            "origin": sorted(self.origin),
            "regulators": sorted(self.regulators),
            "flags": {f: self.flags[f] for f in FLAG_NAMES},
            "expected_grades": self.expected_grades,
        }


@lru_cache(maxsize=512)
def _plan(profile: Profile, seed: int) -> SitePlan:
    return build_plan(profile, seed)


def _truth(plan: SitePlan) -> SiteTruth:
    acc = plan.truth()
    return SiteTruth(
        conditions=dict(sorted(acc.conditions.items())),
        cell_sources=frozenset(acc.sources),
        origin=frozenset(acc.origin),
        regulators=frozenset(acc.regulators),
        flags=dict(acc.flags),
        expected_grades=EXPECTED_GRADES[plan.profile.kind],
    )


@dataclass(frozen=True)
class DemoSite:
    host: str
    name: str
    country: str
    language: str
    kind: str
    truth: SiteTruth
    seed: int = field(repr=False)
    profile: Profile = field(repr=False, compare=False)

    @property
    def plan(self) -> SitePlan:
        return _plan(self.profile, self.seed)

    def paths(self) -> list[str]:
        """Every crawlable path: public pages plus robots.txt and sitemap.xml."""
        return [s.path for s in self.plan.pages if s.public] + ["/robots.txt", "/sitemap.xml"]

    def private_paths(self) -> list[str]:
        """Pages that exist but sit behind ``Disallow`` (their claims are not in the truth)."""
        return [s.path for s in self.plan.pages if not s.public]

    def render(self, path: str) -> Page | None:
        from demoweb.layout import render_page
        from demoweb.render import robots_txt, sitemap_xml

        plan = self.plan
        if path == "/robots.txt":
            return Page(robots_txt(plan).encode(), "text/plain; charset=utf-8")
        if path == "/sitemap.xml":
            return Page(sitemap_xml(plan).encode(), "application/xml")
        spec = plan.page(path)
        if spec is None:
            return None
        text = render_page(plan, self.seed, spec)
        if self.profile.charset == "utf-8":
            return Page(text.encode("utf-8"), "text/html; charset=utf-8")
        # Legacy sites: bytes in cp1252, charset declared only in the <meta> tag.
        return Page(text.encode(self.profile.charset, errors="xmlcharrefreplace"), "text/html")


class DemoWeb:
    def __init__(self, sites: list[DemoSite], seed: int) -> None:
        self.sites = sites
        self.seed = seed
        self._by_host = {s.host: s for s in sites}

    def site_for_host(self, host: str) -> DemoSite | None:
        """Look a site up by ``Host``; "www.x.test", "x.test" and a ":port" all work."""
        host = host.strip().lower().rstrip(".")
        if host.startswith("["):
            return None
        host = host.rsplit(":", 1)[0] if ":" in host else host
        return self._by_host.get(host) or self._by_host.get(f"www.{host}")

    def __len__(self) -> int:
        return len(self.sites)

    def __repr__(self) -> str:
        return f"DemoWeb(n_sites={len(self.sites)}, seed={self.seed})"


def generate(n_sites: int = 24, seed: int = 7) -> DemoWeb:
    """Build the demo web: profiles and truth for every site, no page rendered."""
    if n_sites < 0:
        raise ValueError("n_sites must be >= 0")
    out = []
    for prof in profiles(n_sites, seed):
        plan = build_plan(prof, seed)
        out.append(
            DemoSite(
                prof.host,
                prof.name,
                prof.country,
                prof.language,
                prof.kind,
                _truth(plan),
                seed,
                prof,
            )
        )
    return DemoWeb(out, seed)
