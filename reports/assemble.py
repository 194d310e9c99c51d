"""What a report shows, read from the database: one run's, or one period's.

Both reports are the same :class:`Report`, rendered by the same templates; a period report
adds what changed since the previous period and the trend across periods. A period uses, per
site, the latest finished run that started inside it.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from functools import cached_property
from typing import TypeVar

from sqlalchemy import Engine
from sqlalchemy.orm import Session

import storage
from reports.period import Period
from score import Agreement, SiteClaims, SiteVerdict, aggregate_site
from score.review import ABSENT, NEEDS_REREVIEW, NO, REVIEWED
from storage import queries
from storage.queries import ChangeRow, ClaimRow, RunInfo, SiteRow
from storage.screenshots import ScreenshotRow, cited_screenshots

GRADES = ("A", "B", "C", "D", "F")
TREND_PERIODS = 6  # periods shown in the trend chart, this one included


class NothingToReport(LookupError):
    """The run or period holds no audited site."""


@dataclass(frozen=True)
class PeriodComparison:
    """This period against the previous one."""

    label: str
    previous_label: str
    previous_sites: int
    previous_grades: dict[str, int]
    new_sites: int
    dropped_sites: int
    worse: int  # sites whose grade got worse
    better: int
    new_claims: list[ChangeRow]  # net additions since the previous period's run of each site
    trend: list[tuple[str, dict[str, int]]]  # (period, grade counts) of audited periods


#: A site's claims (by site id) with the pages they were read from, in page order.
ClaimReader = Callable[[int], list[ClaimRow]]


@dataclass(frozen=True)
class StoredClaims:
    """A report's claims, read from the database one site at a time when the report asks
    (each site's from its run), so that a report of any size holds one site's claims at once:
    a thousand realistic sites have over half a million."""

    engine: Engine
    runs: Mapping[int, int]  # site id -> the run its claims are read from

    def __call__(self, site_id: int) -> list[ClaimRow]:
        run_id = self.runs.get(site_id)
        if run_id is None:
            return []
        with storage.sessions(self.engine)() as session:
            return queries.claim_rows(session, run_id, site_id)


T = TypeVar("T")


class PerSite(Mapping[int, T]):
    """site id -> something made of that site's claims, made when asked and not kept."""

    def __init__(self, site_ids: list[int], make: Callable[[int], T]) -> None:
        self._ids = dict.fromkeys(site_ids)
        self._make = make

    def __getitem__(self, site_id: int) -> T:
        if site_id not in self._ids:
            raise KeyError(site_id)
        return self._make(site_id)

    def __contains__(self, site_id: object) -> bool:
        return site_id in self._ids

    def __iter__(self) -> Iterator[int]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)


@dataclass(frozen=True)
class Report:
    """Everything one report shows; scraped strings in it are untrusted.

    The claims are not held: ``claim_rows`` reads a site's when it is shown
    (:class:`StoredClaims`), and :meth:`claims_of` gives them as the report shows them.
    """

    title: str
    runs: list[RunInfo]
    rubric: str
    sites: list[SiteRow]
    claim_rows: ClaimReader
    changes: list[ChangeRow] = field(default_factory=list)
    jurisdiction: str | None = None
    period: PeriodComparison | None = None
    generated_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    # Machine against reviewers over the findings a decision applies to (empty: none).
    agreement: list[Agreement] = field(default_factory=list)
    # Only the findings a reviewer confirmed are shown (``report --reviewed-only``).
    reviewed_only: bool = False
    # The sites whose verdict (sells treatment or not) is a reviewer's.
    reviewed_verdicts: frozenset[int] = frozenset()
    # page id -> the screenshot of a cited page (taken, failed or skipped), if any.
    screenshots: Mapping[int, ScreenshotRow] = field(default_factory=dict)
    # (site id, kind, value) -> (status, value used) of each finding a reviewer decided
    # (see :func:`with_reviews`); a finding absent from it is the machine's reading only.
    marks: Mapping[tuple[int, str, str], tuple[str, str]] = field(default_factory=dict)

    @property
    def kb_versions(self) -> list[str]:
        return sorted({f"{r.kb_name or '?'} {(r.kb_hash or '')[:12]}" for r in self.runs})

    @property
    def clinics(self) -> list[SiteRow]:
        """The sites that sell treatment (clinics, facilitators, sellers): the graded ones."""
        return [s for s in self.sites if s.sells_treatment]

    def grade_counts(self) -> dict[str, int]:
        return grade_counts(self.sites)

    @cached_property
    def _site_rows(self) -> dict[int, SiteRow]:
        return {site.site_id: site for site in self.sites}

    def claims_of(self, site_id: int) -> list[ClaimRow]:
        """A site's claims as the report shows them: read by the site's verdict
        (:func:`judged_claims`), then by the reviewers' decisions (:func:`with_reviews`)."""
        site = self._site_rows.get(site_id)
        claims = self.claim_rows(site_id)
        if site is not None:
            claims = judged_claims(claims, [site])
        shown = []
        for claim in claims:
            status, value = self.marks.get((claim.site_id, claim.kind, claim.value), (None, None))
            if status == REVIEWED:
                if value in (ABSENT, NO):  # a finding a reviewer rejected is dropped
                    continue
                stance = value if claim.kind == "condition" else claim.stance
                shown.append(replace(claim, stance=stance, review=status))
            elif not self.reviewed_only:
                shown.append(replace(claim, review=status if status == NEEDS_REREVIEW else None))
        return shown

    def site_claims(self) -> Mapping[int, SiteClaims]:
        """site id -> what the site says over all its pages (stances decided per site), each
        folded from the site's claims when asked."""
        return PerSite(
            [site.site_id for site in self.sites],
            lambda site_id: aggregate_site(self.claims_of(site_id)),
        )


def verdict_of(site: SiteRow) -> SiteVerdict | None:
    """The stored verdict on ``site`` (None if it was not scored)."""
    if site.sells_treatment is None:
        return None
    return SiteVerdict(site.sells_treatment, tuple(site.verdict_reasons))


def judged_claims(claims: list[ClaimRow], sites: list[SiteRow]) -> list[ClaimRow]:
    """The claims as each site's verdict reads them, as scoring does: a site that sells no
    treatment claims nothing (its pages' claims are mentions, or disclaimers where a page
    refutes the promise it reports) and does not carry the selling points its pages report
    (:class:`score.SiteVerdict`). The claims table keeps the pages' raw stances."""
    verdicts = {site.site_id: verdict_of(site) for site in sites}
    judged = []
    for claim in claims:
        verdict = verdicts.get(claim.site_id)
        if verdict is None:
            judged.append(claim)
        elif verdict.carries(claim.kind, claim.value):
            stance = verdict.stance(claim.stance, claim.reported_stance)
            judged.append(claim if stance == claim.stance else replace(claim, stance=stance))
    return judged


def with_reviews(
    report: Report,
    marks: Mapping[tuple[int, str, str], tuple[str, str]],
    agreement: list[Agreement],
    reviewed_only: bool = False,
) -> Report:
    """``report`` with its claims marked by the reviewers' decisions (:meth:`Report.claims_of`
    applies them as it reads each site's claims).

    Args:
        report: The report as the machine's claims make it.
        marks: (site id, kind, value) -> (status, value used) of each finding (see
            :class:`flows.findings.Finding`); a finding absent from it is machine-only.
        agreement: Machine against reviewers, for the method section.
        reviewed_only: Keep only the claims of findings a reviewer confirmed.

    A finding a reviewer rejected is dropped, and a condition takes the reviewer's stance.
    """
    verdicts = frozenset(
        site_id
        for (site_id, kind, _), (status, _) in marks.items()
        if kind == "site" and status == REVIEWED
    )
    return replace(
        report,
        marks=dict(marks),
        agreement=agreement,
        reviewed_only=reviewed_only,
        reviewed_verdicts=verdicts,
    )


def grade_counts(sites: list[SiteRow]) -> dict[str, int]:
    found = Counter(s.grade for s in sites if s.sells_treatment)
    return {g: found.get(g, 0) for g in GRADES}


def run_report(engine: Engine, run_id: int, rubric: str, jurisdiction: str | None = None) -> Report:
    """The report of one stored run (optionally only its sites in one country); its claims
    are read from ``engine`` site by site as the report is shown.

    Raises:
        NothingToReport: no such run, no site of it in ``jurisdiction``, or the run was scored
            under other rubrics only (a report under ``rubric`` would grade nobody).
    """
    with storage.sessions(engine)() as session:
        run = queries.run_info(session, run_id)
        if run is None:
            raise NothingToReport(f"no run {run_id} in the database")
        scored = queries.scored_rubrics(session, run_id)
        if scored and rubric not in scored:
            raise NothingToReport(
                f"run {run_id} was scored with the {' and '.join(sorted(scored))} rubric, not "
                f"{rubric}: score it first (clinic-audit score --run {run_id} --rubric {rubric})"
            )
        sites = queries.site_rows(session, run_id, rubric)
        keep = _in_jurisdiction(sites, jurisdiction)
        if not keep and jurisdiction:
            raise NothingToReport(f"no site of run {run_id} is in {jurisdiction}")
        chosen = dict.fromkeys(sorted(keep), run_id)
        return Report(
            title=f"run {run_id}" + (f" — {jurisdiction}" if jurisdiction else ""),
            runs=[run],
            rubric=rubric,
            sites=[s for s in sites if s.site_id in keep],
            claim_rows=StoredClaims(engine, chosen),
            changes=[c for c in queries.change_rows(session, run_id) if c.site_id in keep],
            jurisdiction=jurisdiction,
            screenshots=_screenshots(session, chosen),
        )


def _screenshots(session: Session, chosen: Mapping[int, int]) -> dict[int, ScreenshotRow]:
    """page id -> screenshot of each page with claims of the chosen sites (site id -> run)."""
    by_run: dict[int, list[int]] = defaultdict(list)
    for site_id, run_id in chosen.items():
        by_run[run_id].append(site_id)
    shots: dict[int, ScreenshotRow] = {}
    for run_id, site_ids in sorted(by_run.items()):
        shots.update(cited_screenshots(session, run_id, site_ids))
    return shots


def _in_jurisdiction(sites: list[SiteRow], jurisdiction: str | None) -> set[int]:
    return {s.site_id for s in sites if jurisdiction is None or s.country == jurisdiction}


def period_report(
    engine: Engine, period: Period, rubric: str, jurisdiction: str | None = None
) -> Report:
    """The report of ``period`` (optionally only sites in one country), with the comparison;
    its claims are read from ``engine`` site by site as the report is shown."""
    with storage.sessions(engine)() as session:
        runs = queries.finished_runs(session)
        chosen = _chosen(session, runs, period)
        if not chosen:
            raise NothingToReport(f"no finished run started in {period.label}")
        sites = queries.site_rows_of(session, chosen, rubric)
        keep = _in_jurisdiction(sites, jurisdiction)
        if not keep:
            raise NothingToReport(f"no site in {jurisdiction} was audited in {period.label}")
        previous = period.previous()
        before = _chosen(session, runs, previous)
        before_sites = queries.site_rows_of(session, before, rubric)
        before_kept = _in_jurisdiction(before_sites, jurisdiction)
        before_sites = [s for s in before_sites if s.site_id in before_kept]
        before_grade = {s.site_id: s.grade for s in before_sites if s.sells_treatment}
        now_grade = {s.site_id: s.grade for s in sites if s.sells_treatment and s.site_id in keep}
        common = before_grade.keys() & now_grade.keys()
        comparison = PeriodComparison(
            label=period.label,
            previous_label=previous.label,
            previous_sites=len(before_sites),
            previous_grades=grade_counts(before_sites),
            new_sites=len(keep - {s.site_id for s in before_sites}),
            dropped_sites=len({s.site_id for s in before_sites} - keep),
            worse=sum(1 for s in common if (now_grade[s] or "") > (before_grade[s] or "")),
            better=sum(1 for s in common if (now_grade[s] or "") < (before_grade[s] or "")),
            new_claims=_new_claims(session, runs, before, chosen, keep),
            trend=_trend(session, runs, period, rubric, jurisdiction),
        )
        kept = {site_id: run_id for site_id, run_id in chosen.items() if site_id in keep}
        return Report(
            title=period.label + (f" — {jurisdiction}" if jurisdiction else ""),
            runs=[r for r in runs if r.run_id in set(chosen.values())],
            rubric=rubric,
            sites=[s for s in sites if s.site_id in keep],
            claim_rows=StoredClaims(engine, kept),
            changes=comparison.new_claims,
            jurisdiction=jurisdiction,
            period=comparison,
            screenshots=_screenshots(session, kept),
        )


def _chosen(session: Session, runs: list[RunInfo], period: Period) -> dict[int, int]:
    inside = [r.run_id for r in runs if r.started_at and period.contains(r.started_at)]
    return queries.site_runs(session, inside)


def _new_claims(
    session: Session,
    runs: list[RunInfo],
    before: dict[int, int],
    now: dict[int, int],
    keep: set[int],
) -> list[ChangeRow]:
    """Claims each site added after its previous-period run and still had in this period.

    Folds the change records of every run in between, so a claim added and removed again
    within the period does not count. Sites first audited this period have no change records.
    """
    windows = [(before[s], now[s]) for s in now if s in keep and s in before]
    needed = {r.run_id for r in runs if any(lo < r.run_id <= hi for lo, hi in windows)}
    by_site: dict[int, list[ChangeRow]] = defaultdict(list)  # in run order
    for run_id in sorted(needed):
        for change in queries.change_rows(session, run_id):
            by_site[change.site_id].append(change)
    added: list[ChangeRow] = []
    for site_id, run_id in sorted(now.items()):
        if site_id not in keep or site_id not in before:
            continue
        current: dict[tuple[str, str], ChangeRow] = {}
        for change in by_site[site_id]:
            if not before[site_id] < change.run_id <= run_id:
                continue
            key = (change.kind, change.value)
            if change.change == "added":
                current[key] = change
            else:
                current.pop(key, None)
        added += [current[k] for k in sorted(current)]
    return added


def _trend(
    session: Session, runs: list[RunInfo], period: Period, rubric: str, jurisdiction: str | None
) -> list[tuple[str, dict[str, int]]]:
    periods = [period]
    for _ in range(TREND_PERIODS - 1):
        periods.insert(0, periods[0].previous())
    trend = []
    for p in periods:
        chosen = _chosen(session, runs, p)
        if not chosen:  # nothing audited then: a gap, not a period of zero clinics
            continue
        sites = queries.site_rows_of(session, chosen, rubric)
        kept = _in_jurisdiction(sites, jurisdiction)
        trend.append((p.label, grade_counts([s for s in sites if s.site_id in kept])))
    return trend
