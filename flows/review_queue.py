"""The review page's queue: a run's findings, the ones whose decision can move a grade most
first.

How much a finding weighs is asked of the rubric itself: the site is scored as it stands (with
the decisions that apply) and again with the finding rejected, and the finding weighs the risk
points between the two. A finding whose rejection crosses a grade band comes before one that
does not, then the heavier first. Rejecting whether a site sells treatment takes its grade
away (or gives it one), so that finding weighs the site's whole risk score. A finding the
machine did not make (a flag it saw no quote for) comes after every one it did, whatever it
weighs: there is no quote to check, and rejecting it means the reviewer found on the site what
the machine missed. Decided findings come last. The findings,
their decisions and what a decision means stay in :mod:`flows.reviewing` and
:mod:`score.review`.
"""

from __future__ import annotations

import threading
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine
from sqlalchemy.orm import Session

import storage
from flows.assessment import reviewed_site, site_claims, stored_verdict
from flows.findings import Finding, site_findings
from score import (
    Decision,
    Rubric,
    SiteClaims,
    SiteContext,
    SiteVerdict,
    apply_decisions,
    load_rubric,
    resolve,
    score_site,
)
from score.review import ABSENT, NO, REJECT, REVIEWED, reviewed_verdict
from storage import RunSite, run_sites
from storage.queries import scored_site_ids
from storage.reviews import reviews_stamp

#: The order kinds are listed in when their weight ties.
KIND_ORDER = ("site", "condition", "flag", "regulator", "cell_source")


@dataclass(frozen=True)
class QueueItem:
    """A finding with its site's grade now and what rejecting it would do to the grade."""

    finding: Finding
    site_name: str
    country: str
    grade: str | None  # the site's grade as the audit stands (None: not graded)
    risk: int | None
    weight: int  # risk points rejecting the finding would move
    crosses_band: bool  # whether rejecting it would change the grade

    @property
    def reviewed(self) -> bool:
        return self.finding.status == REVIEWED


def review_queue(
    engine: Engine,
    run_id: int,
    rubric_name: str = "seed",
    site_ids: Collection[int] | None = None,
) -> list[QueueItem]:
    """Every finding of the run's scored sites (or of ``site_ids``), heaviest first (see the
    module's doc)."""
    rubric = load_rubric(rubric_name)
    items: list[QueueItem] = []
    with storage.sessions(engine)() as session:
        scored = scored_site_ids(session, run_id)
        wanted = sorted(scored if site_ids is None else scored & set(site_ids))
        for site in run_sites(session, run_id, wanted):
            items += _site_items(session, run_id, site, rubric)
    return sorted(items, key=_order)


class LiveQueue:
    """The queue of a run kept between page views: weighing every finding of a large run
    takes a while, and a decision changes one site's. Built again whenever the stored
    decisions change behind the page's back (a sheet imported meanwhile)."""

    def __init__(self, engine: Engine, run_id: int, rubric_name: str) -> None:
        self.engine, self.run_id, self.rubric_name = engine, run_id, rubric_name
        self._items: list[QueueItem] = []
        self._stamp: tuple[int, datetime | None] | None = None
        self._lock = threading.Lock()  # the app serves page views from a thread pool

    def items(self) -> list[QueueItem]:
        with self._lock:
            return self._items_now()

    def refresh(self, site_id: int) -> None:
        """Weigh one site's findings again, after a decision on it (and its re-score)."""
        with self._lock:
            if self._stamp is None:
                self._items_now()
                return
            kept = [i for i in self._items if i.finding.site_id != site_id]
            fresh = review_queue(self.engine, self.run_id, self.rubric_name, [site_id])
            self._items = sorted(kept + fresh, key=_order)
            self._stamp = self._current_stamp()

    def _items_now(self) -> list[QueueItem]:
        stamp = self._current_stamp()
        if stamp != self._stamp:
            self._items = review_queue(self.engine, self.run_id, self.rubric_name)
            self._stamp = stamp
        return self._items

    def _current_stamp(self) -> tuple[int, datetime | None]:
        with storage.sessions(self.engine)() as session:
            return reviews_stamp(session)


def _order(item: QueueItem) -> tuple[bool, bool, bool, int, str, int, str]:
    f = item.finding
    kind = KIND_ORDER.index(f.kind) if f.kind in KIND_ORDER else len(KIND_ORDER)
    unseen = f.kind != "site" and f.machine in (NO, ABSENT)
    return (item.reviewed, unseen, not item.crosses_band, -item.weight, f.site_url, kind, f.value)


def _site_items(session: Session, run_id: int, site: RunSite, rubric: Rubric) -> list[QueueItem]:
    verdict = stored_verdict(session, run_id, site)
    findings = site_findings(
        session, run_id, site, verdict, site_claims(session, run_id, site.id, verdict)
    )
    now_verdict, now_claims = reviewed_site(session, run_id, site)
    now = _risk(now_claims, now_verdict, site, rubric)
    items = []
    for finding in findings:
        after = _rejected(session, run_id, site, finding, now_verdict, now_claims, rubric)
        items.append(
            QueueItem(
                finding,
                site.name or site.seed_url,
                site.country or "",
                now[1],
                now[0],
                abs((after[0] or 0) - (now[0] or 0)),
                after[1] != now[1],
            )
        )
    return items


def _risk(
    claims: SiteClaims, verdict: SiteVerdict, site: RunSite, rubric: Rubric
) -> tuple[int | None, str | None]:
    assessment = score_site(claims, SiteContext(verdict, site.country), rubric)
    return assessment.risk_score, assessment.grade


def _rejected(
    session: Session,
    run_id: int,
    site: RunSite,
    finding: Finding,
    verdict: SiteVerdict,
    claims: SiteClaims,
    rubric: Rubric,
) -> tuple[int | None, str | None]:
    """The site's risk and grade were ``finding`` rejected (on top of the decisions that hold)."""
    current = finding.value_used
    flipped = resolve(finding.kind, current, REJECT) if _rejectable(finding) else current
    decision = Decision(finding.kind, finding.value, flipped)
    if finding.kind == "site":
        other = reviewed_verdict(verdict, [decision])
        return _risk(site_claims(session, run_id, site.id, other), other, site, rubric)
    return _risk(apply_decisions(claims, [decision]), verdict, site, rubric)


def _rejectable(finding: Finding) -> bool:
    # A condition not there cannot be rejected, only given a stance: it moves nothing here.
    return not (finding.kind == "condition" and finding.value_used == ABSENT)


def filtered(
    items: Sequence[QueueItem],
    site: str = "",
    country: str = "",
    condition: str = "",
) -> list[QueueItem]:
    """The items of one site (seed URL), country and condition (slug); empty: any."""
    return [
        i
        for i in items
        if (not site or i.finding.site_url == site)
        and (not country or i.country == country)
        and (not condition or (i.finding.kind, i.finding.value) == ("condition", condition))
    ]
