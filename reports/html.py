"""The run report: one self-contained HTML file per run.

Every string that came from a crawled page is untrusted. Jinja2's autoescaping is on for the
whole template, and links are only made from http(s) URLs, so a page cannot inject markup,
script or a ``javascript:`` link into the report.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from jinja2 import Environment, PackageLoader, select_autoescape

from score import ClaimRecord, SiteClaims, aggregate_site
from storage.queries import ChangeRow, ClaimRow, SiteRow

GRADES = ("A", "B", "C", "D", "F")


@dataclass(frozen=True)
class RunReport:
    run_id: int
    started_at: datetime | None
    finished_at: datetime | None
    seeds_source: str
    rubric: str
    kb_hash: str | None
    sites: list[SiteRow]
    claims: list[ClaimRow]
    extra: dict[str, Any] = field(default_factory=dict)
    changes: list[ChangeRow] = field(default_factory=list)


def safe_href(url: str) -> str | None:
    """``url`` if it may be a link target (http or https), else None."""
    return url if urlsplit(url).scheme in ("http", "https") else None


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("reports", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["safe_href"] = safe_href
    return env


def render_run_report(report: RunReport) -> str:
    """The report as an HTML string."""
    by_site: dict[int, list[ClaimRecord]] = {}
    for c in report.claims:
        by_site.setdefault(c.site_id, []).append(
            ClaimRecord(c.kind, c.value, c.url, c.quote, c.stance, c.tier)
        )
    site_claims: dict[int, SiteClaims] = {
        site.site_id: aggregate_site(by_site.get(site.site_id, [])) for site in report.sites
    }
    changes: dict[int, list[ChangeRow]] = {}
    for change in report.changes:
        changes.setdefault(change.site_id, []).append(change)
    clinics = [s for s in report.sites if s.is_clinic]
    grades = Counter(s.grade for s in clinics)
    claimed = Counter(
        slug
        for site in clinics
        for slug, condition in site_claims[site.site_id].conditions.items()
        if condition.stance == "claimed"
    )
    return _environment().get_template("run-report.html").render(
        report=report,
        clinics=clinics,
        others=[s for s in report.sites if s.is_clinic is False],
        unscored=[s for s in report.sites if s.is_clinic is None],
        grade_counts=[(g, grades.get(g, 0)) for g in GRADES],
        top_conditions=claimed.most_common(15),
        site_claims=site_claims,
        changes=changes,
    )


def write_run_report(report: RunReport, out_dir: Path) -> Path:
    """Write ``run-<id>.html`` into ``out_dir`` and return its path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"run-{report.run_id}.html"
    path.write_text(render_run_report(report), encoding="utf-8")
    return path
