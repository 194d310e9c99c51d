"""The HTML report (and its PDF twin): one self-contained file per run or per period.

The template renders a :class:`Part` of the report: the whole of it for the HTML file, or the
front matter, a run of dossiers, or the appendix for the PDF, which is laid out part by part
(``reports.pdf``) so that a report of a thousand sites never sits in memory laid out at once.

Every string that came from a crawled page is untrusted. Jinja2's autoescaping is on for the
whole template, links are only made from http(s) URLs, and the page's Content Security Policy
allows no script at all, so a page cannot inject markup, script or a ``javascript:`` link.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from jinja2 import Environment, PackageLoader, select_autoescape

from evidence import update_manifest, written
from reports import charts
from reports.assemble import PerSite, Report
from reports.dossier import Dossier, build_dossier
from reports.screenshots import PlacedShot, place_screenshots
from score import KnowledgeError, Rubric, SiteClaims, aggregate_site, load_rubric
from storage import archive_root
from storage.queries import ChangeRow, SiteRow
from vocabulary import TIERS

RISKIEST = 10  # sites in the "riskiest sites" section
TOP_REASONS = 3
REPORT_FORMATS = ("html", "pdf")
# Claims whose dossiers go into one PDF part: enough that parts are few (each embeds its own
# fonts), few enough that a part's layout stays within a few hundred MB.
CLAIMS_PER_PART = 2000


@dataclass(frozen=True)
class Part:
    """What one rendering of the template holds."""

    front: bool  # title, summary, charts and the overview tables
    sites: list[SiteRow]  # the dossiers, in report order
    heading: bool  # the dossiers' heading (the part with the first dossier)
    appendix: bool  # method and rubric


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
    env.filters["when"] = when
    env.filters["numbered"] = numbered
    env.filters["digest"] = written
    # The tiers' colours have one home, shared by the charts and the page's CSS.
    env.globals["tier_colours"] = charts.TIER_COLOURS
    return env


def numbered(numbers: list[int], prefix: str) -> str:
    """``[1, 4]`` as ``P1, P4`` (with prefix ``P``): the dossier's page and quote references."""
    return ", ".join(f"{prefix}{n}" for n in numbers)


def when(moment: datetime | None) -> str:
    """A stored time as ``2026-11-21 10:45:27 UTC`` (stored times are UTC, aware or not)."""
    return moment.strftime("%Y-%m-%d %H:%M:%S UTC") if moment else "?"


class _Sections:
    """Each site's claims, folded and as its dossier, made from one reading of its claims when
    the template reaches the site, and kept only until the next site: a report holds one
    site's claims at a time."""

    def __init__(self, report: Report) -> None:
        self._report = report
        self._reasons = {site.site_id: site.reasons for site in report.sites}
        self._site: int | None = None
        self._made: tuple[SiteClaims, Dossier] | None = None

    def _of(self, site_id: int) -> tuple[SiteClaims, Dossier]:
        if self._made is None or self._site != site_id:
            claims = self._report.claims_of(site_id)
            self._made = (aggregate_site(claims), build_dossier(claims, self._reasons[site_id]))
            self._site = site_id
        return self._made

    def claims(self) -> PerSite[SiteClaims]:
        return PerSite(list(self._reasons), lambda site_id: self._of(site_id)[0])

    def dossiers(self) -> PerSite[Dossier]:
        return PerSite(list(self._reasons), lambda site_id: self._of(site_id)[1])


def _context(report: Report, shots: Mapping[int, Shown] | None = None) -> dict[str, Any]:
    changes: dict[int, list[ChangeRow]] = defaultdict(list)
    for change in report.changes:
        changes[change.site_id].append(change)
    clinics = report.clinics
    # One pass over the sites' claims for the overview: what the clinics claim, and how many
    # claims each site's dossier holds (what the PDF's parts are cut by).
    claimed: Counter[tuple[str, str]] = Counter()
    claim_counts: dict[int, int] = {}
    for site in report.sites:
        claims = report.claims_of(site.site_id)
        claim_counts[site.site_id] = len(claims)
        if site.sells_treatment:
            claimed.update(
                (condition.tier or "unknown", condition.slug)
                for condition in aggregate_site(claims).claimed()
            )
    by_tier: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for (tier, slug), count in sorted(claimed.items(), key=lambda item: (-item[1], item[0])):
        by_tier[tier].append((slug, count))
    country_grades: dict[str, Counter[str]] = defaultdict(Counter)
    for site in clinics:
        country_grades[site.country or "?"][site.grade or "?"] += 1
    tier_totals = {tier: sum(n for _, n in rows) for tier, rows in by_tier.items()}
    sections = _Sections(report)
    figures = {
        "grades_by_country": charts.grades_by_country(country_grades),
        "conditions_by_tier": charts.conditions_by_tier(tier_totals),
    }
    if report.period and len(report.period.trend) > 1:  # one point is not a trend
        figures["grade_trend"] = charts.grade_trend(report.period.trend)
    return {
        "report": report,
        "clinics": clinics,
        "others": [s for s in report.sites if s.sells_treatment is False],
        "unscored": [s for s in report.sites if s.sells_treatment is None and not s.languages],
        # sites read but not audited: every page in a language the extractor does not read
        "unaudited": [s for s in report.sites if s.sells_treatment is None and s.languages],
        "unaudited_languages": sorted(
            {lang for s in report.sites if s.sells_treatment is None for lang in s.languages}
        ),
        "grade_counts": list(report.grade_counts().items()),
        "countries": Counter(s.country or "?" for s in report.sites).most_common(),
        "riskiest": [
            (site, sorted(_findings(site.reasons), key=lambda r: -int(r["points"]))[:TOP_REASONS])
            for site in clinics[:RISKIEST]
        ],
        "conditions_by_tier": [
            (t, by_tier[t])
            for t in (*reversed(TIERS), "unknown")  # the weakest evidence first
            if t in by_tier
        ],
        "site_claims": sections.claims(),
        "dossiers": sections.dossiers(),
        "claim_counts": claim_counts,
        "changes": changes,
        "names": {s.site_id: s.name or s.seed_url for s in report.sites},
        "charts": figures,
        "rubric": _rubric(report.rubric),
        "shots": shots or {},
    }


def _rubric(name: str) -> Rubric | None:
    """The rubric for the appendix; None if it cannot be loaded here (a moved rubric file)."""
    try:
        return load_rubric(name)
    except KnowledgeError:
        return None


def _findings(reasons: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The reasons that say something about the site (not the rubric's starting points)."""
    return [r for r in reasons if r.get("rule") != "base"]


@dataclass(frozen=True)
class Shown:
    """How a dossier shows a page's screenshot: the picture's link and the thumbnail's source."""

    image: str
    thumbnail: str


def render_report(report: Report, shots: Mapping[int, PlacedShot] | None = None) -> str:
    """The report as an HTML string; with ``shots`` (page id -> its screenshot placed beside
    the report), each cited page shows its thumbnail, linked to the picture."""
    return "".join(_html(report, shots))


def _html(report: Report, shots: Mapping[int, PlacedShot] | None) -> Iterator[str]:
    """The report's HTML in the pieces the template renders, site after site: a file is
    written from them without the whole document in memory."""
    whole = Part(front=True, sites=report.sites, heading=True, appendix=True)
    shown = {k: Shown(s.image, s.thumbnail) for k, s in (shots or {}).items()}
    template = _environment().get_template("report.html")
    return template.generate(**_context(report, shown), part=whole)


def render_parts(
    report: Report,
    claims_per_part: int = CLAIMS_PER_PART,
    shots: Mapping[int, PlacedShot] | None = None,
) -> Iterator[str]:
    """The report as a sequence of HTML documents, for a PDF laid out part by part.

    The front matter comes first, then the dossiers in runs of about ``claims_per_part``
    claims (a site is never split), the last run with the appendix. A screenshot's thumbnail
    is embedded (the PDF loads no file); its link to the picture stays relative.
    """
    template = _environment().get_template("report.html")
    shown = {k: Shown(s.image, s.thumbnail_uri()) for k, s in (shots or {}).items()}
    context = _context(report, shown)
    yield template.render(**context, part=Part(front=True, sites=[], heading=False, appendix=False))
    claims = context["claim_counts"]
    runs: list[list[SiteRow]] = [[]]
    weight = 0
    for site in report.sites:
        if runs[-1] and weight + claims[site.site_id] > claims_per_part:
            runs.append([])
            weight = 0
        runs[-1].append(site)
        weight += claims[site.site_id]
    for index, sites in enumerate(runs):
        last = index == len(runs) - 1
        part = Part(front=False, sites=sites, heading=index == 0, appendix=last)
        yield template.render(**context, part=part)


def report_stem(report: Report) -> str:
    """The file name (without suffix) of a report: ``run-7``, ``run-7-CO`` or
    ``report-2026-Q4-CO``."""
    country = f"-{report.jurisdiction}" if report.jurisdiction else ""
    if report.period is None:
        return f"run-{report.runs[0].run_id}{country}"
    return f"report-{report.period.label}{country}"


def write_report_files(
    report: Report, out_dir: Path, formats: tuple[str, ...] = ("html",)
) -> list[Path]:
    """Write the report in each of ``formats`` and update the folder's manifest; return every path.

    The screenshots of the cited pages are placed in ``out_dir/screenshots/``
    (:mod:`reports.screenshots`) and returned after the reports. The manifest
    (``manifest.sha256``, the format ``sha256sum -c`` checks) lists every report file and
    picture written into ``out_dir``, by this command and earlier ones, so a regulator can
    verify the whole folder they received.
    """
    unknown = set(formats) - set(REPORT_FORMATS)
    if unknown:
        raise ValueError(f"unknown report format {sorted(unknown)}: use html or pdf")
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = report_stem(report)
    shots, pictures = place_screenshots(report.screenshots, archive_root(), out_dir)
    written = []
    if "html" in formats:
        path = out_dir / f"{stem}.html"
        with path.open("w", encoding="utf-8") as out:
            out.writelines(_html(report, shots))
        written.append(path)
    if "pdf" in formats:
        from reports.pdf import write_pdf

        parts = render_parts(report, shots=shots)
        written.append(write_pdf(parts, out_dir / f"{stem}.pdf"))
    return [*written, *pictures, update_manifest(out_dir, [*written, *pictures])]
