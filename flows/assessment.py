"""A site's assessment in one run: its verdict, its claims as the verdict reads them, the
reviewers' decisions that still hold, and the grade and changes stored from them.

Scoring (:func:`flows.stages.score`), the review spreadsheet and the review queue read a site
through these; the database is asked through :mod:`storage` only.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from flows.findings import site_findings
from score import (
    Rubric,
    SiteClaims,
    SiteContext,
    SiteVerdict,
    aggregate_site,
    cues_from_json,
    diff_claims,
    score_site,
    site_verdict,
)
from score.review import apply_decisions, reviewed_verdict
from storage import RunSite, previous_claims_run, site_page_cues
from storage.queries import claim_rows
from storage.reviews import reviews_by_domain
from storage.writes import replace_claim_changes, replace_site_assessment
from vocabulary import FLAG_NAMES


def stored_verdict(session: Session, run_id: int, site: RunSite) -> SiteVerdict:
    """Whether ``site`` sells treatment in run ``run_id``: the cues of all its pages in the
    run, weighed once (:func:`score.site_verdict`); the seed file's ``kind`` decides if given.

    Pages not extracted yet (or extracted before cues were stored) bring no cues.
    """
    cues = site_page_cues(session, run_id, site.id)
    return site_verdict((cues_from_json(page) for page in cues), site.kind)


def site_claims(
    session: Session, run_id: int, site_id: int, verdict: SiteVerdict | None = None
) -> SiteClaims:
    """The union of a site's page claims in one run (see :func:`score.aggregate_site`), as
    the site's ``verdict`` reads them (without one, the pages' raw stances)."""
    return aggregate_site(claim_rows(session, run_id, site_id), verdict)


def reviewed_site(session: Session, run_id: int, site: RunSite) -> tuple[SiteVerdict, SiteClaims]:
    """The site's verdict and claims in the run, with every reviewer's decision that still
    applies (:mod:`flows.findings`) in place of the machine's value."""
    verdict = stored_verdict(session, run_id, site)
    claims = site_claims(session, run_id, site.id, verdict)
    if not reviews_by_domain(session, [site.domain or ""]):  # most sites: nothing to look up
        return verdict, claims
    decisions = [
        decision
        for finding in site_findings(session, run_id, site, verdict, claims)
        if (decision := finding.decision()) is not None
    ]
    if not decisions:
        return verdict, claims
    reviewed = reviewed_verdict(verdict, decisions)
    if reviewed.sells_treatment != verdict.sells_treatment:
        claims = site_claims(session, run_id, site.id, reviewed)
    return reviewed, apply_decisions(claims, decisions)


def record_changes(session: Session, run_id: int, site: RunSite, claims: SiteClaims) -> None:
    """Store what the site added or removed since its latest earlier run that has claims
    (each run's claims as that run's verdict on the site reads them)."""
    previous = previous_claims_run(session, site.id, run_id)
    changes = []
    if previous is not None:
        _, before = reviewed_site(session, previous, site)
        changes = diff_claims(claims, before)
    replace_claim_changes(
        session,
        run_id=run_id,
        site_id=site.id,
        previous_run_id=previous,
        changes=[
            {
                "change": c.change,
                "kind": c.kind,
                "value": c.value,
                "quote": c.evidence.quote,
                "url": c.evidence.url,
            }
            for c in changes
        ],
    )


def record_score(
    session: Session,
    run_id: int,
    site: RunSite,
    claims: SiteClaims,
    verdict: SiteVerdict,
    rubric: Rubric,
) -> str | None:
    """Score one site and store the result with its verdict and its flags (each with the
    first quote that set it); return its grade, or None if it sells no treatment
    (``claims`` are already read by ``verdict``)."""
    assessment = score_site(claims, SiteContext(verdict, site.country), rubric)
    flags = []
    for name in FLAG_NAMES:
        evidence = claims.evidence_for("flag", name)
        first = evidence[0] if evidence else None
        flags.append(
            {
                "flag": name,
                "value": first is not None,
                "quote": first.quote if first else None,
                "url": first.url if first else None,
            }
        )
    replace_site_assessment(
        session,
        run_id=run_id,
        site_id=site.id,
        rubric=rubric.name,
        kb_hash=rubric.kb_hash,
        sells_treatment=assessment.sells_treatment,
        risk_score=assessment.risk_score,
        grade=assessment.grade,
        reasons=[r.to_dict() for r in assessment.reasons],
        verdict_reasons=verdict.reasons,
        flags=flags,
    )
    return assessment.grade
