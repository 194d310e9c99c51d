"""A site's findings in one run, each with the machine's value and the reviewer's decision.

Scoring (:func:`flows.stages.score`), the review spreadsheet and the agreement table all read
findings from here, so "which decision applies to which finding" has one home:
:func:`score.review.is_current` on the digests of the pages behind the finding.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from score import SiteClaims, SiteVerdict
from score.review import (
    ABSENT,
    MACHINE_ONLY,
    NEEDS_REREVIEW,
    NO,
    REVIEWED,
    SELLS_TREATMENT,
    YES,
    Decision,
    is_current,
)
from storage import RunSite
from storage.queries import page_digests, site_language
from storage.reviews import ReviewRow, reviews_by_domain
from vocabulary import FLAG_NAMES

#: The kinds of named finding a reviewer sees, in the order the spreadsheet lists them.
NAMED = ("cell_source", "regulator")


@dataclass(frozen=True)
class Finding:
    """One finding of a site in a run: the machine's value, its first quote and page, and
    the reviewer's decision if there is one (``status`` says whether it applies)."""

    site_id: int
    site_url: str
    domain: str
    language: str | None
    kind: str
    value: str
    machine: str
    quote: str
    page_url: str | None
    page_sha256: str | None
    status: str  # reviewed, needs re-review or machine-only
    review: ReviewRow | None

    @property
    def value_used(self) -> str:
        """The reviewer's value while the decision applies, else the machine's."""
        return self.review.reviewed if self.review and self.status == REVIEWED else self.machine

    def decision(self) -> Decision | None:
        if self.review is None or self.status != REVIEWED:
            return None
        return Decision(self.kind, self.value, self.review.reviewed, self.review.note)


def site_findings(
    session: Session, run_id: int, site: RunSite, verdict: SiteVerdict, claims: SiteClaims
) -> list[Finding]:
    """The findings of ``site`` in ``run_id`` as the machine read them (``verdict`` and
    ``claims``, before any review), with the decisions stored for the site's domain.

    Every flag is a finding (absent ones too: a reviewer may see one the machine missed);
    conditions, cell sources and regulators are those the machine found, and those a
    reviewer added.
    """
    digest_of = page_digests(session, run_id, site.id)
    language = site_language(session, run_id, site.id)
    domain = site.domain or ""
    reviews = {(r.kind, r.value): r for r in reviews_by_domain(session, [domain]).get(domain, [])}
    found: list[Finding] = []

    def add(kind: str, value: str, machine: str, evidence: list[tuple[str, str]]) -> None:
        digests = {digest_of[url] for _, url in evidence if url in digest_of}
        quote, url = evidence[0] if evidence else ("", None)
        review = reviews.pop((kind, value), None)
        if review is None:
            status = MACHINE_ONLY
        elif is_current(kind, review.page_sha256, digests):
            status = REVIEWED
        else:
            status = NEEDS_REREVIEW
        found.append(
            Finding(
                site.id,
                site.seed_url,
                domain,
                language,
                kind,
                value,
                machine,
                quote,
                url,
                digest_of.get(url) if url else None,
                status,
                review,
            )
        )

    add("site", SELLS_TREATMENT, YES if verdict.sells_treatment else NO, [])
    for slug, condition in sorted(claims.conditions.items()):
        add("condition", slug, condition.stance, [(e.quote, e.url) for e in condition.evidence])
    for kind in NAMED:
        for value in claims.named_values(kind):
            add(kind, value, YES, [(e.quote, e.url) for e in claims.evidence_for(kind, value)])
    for name in FLAG_NAMES:
        evidence = [(e.quote, e.url) for e in claims.evidence_for("flag", name)]
        add("flag", name, YES if evidence else NO, evidence)
    for (kind, value), _ in sorted(reviews.items()):  # found by a reviewer only
        add(kind, value, ABSENT if kind == "condition" else NO, [])
    return found
