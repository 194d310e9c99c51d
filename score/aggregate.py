"""A site's claims: the union over its pages, strongest stance first, every quote kept."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from vocabulary import STANCES

if TYPE_CHECKING:
    from score.verdict import SiteVerdict


@dataclass(frozen=True)
class ClaimRecord:
    """One stored claim of one page, as scoring sees it."""

    kind: str  # condition | cell_source | origin | regulator | flag
    value: str
    url: str
    quote: str = ""
    stance: str | None = None
    tier: str | None = None
    # The stance on a site that sells no treatment (``claims.reported_stance``); None: mentioned.
    reported_stance: str | None = None


class PageClaim(Protocol):
    """What :func:`aggregate_site` reads of a page's claim: a :class:`ClaimRecord`, or a
    stored claim row as it comes out of the database (``storage.queries.ClaimRow``)."""

    @property
    def kind(self) -> str: ...
    @property
    def value(self) -> str: ...
    @property
    def url(self) -> str: ...
    @property
    def quote(self) -> str: ...
    @property
    def stance(self) -> str | None: ...
    @property
    def tier(self) -> str | None: ...
    @property
    def reported_stance(self) -> str | None: ...


@dataclass(frozen=True)
class Evidence:
    quote: str
    url: str
    stance: str | None = None


@dataclass
class SiteCondition:
    slug: str
    tier: str
    stance: str
    evidence: list[Evidence] = field(default_factory=list)


@dataclass
class SiteClaims:
    """Everything a site says, over all its pages."""

    conditions: dict[str, SiteCondition] = field(default_factory=dict)
    named: dict[str, dict[str, list[Evidence]]] = field(default_factory=dict)

    def named_values(self, kind: str) -> list[str]:
        """The slugs of ``kind`` (cell_source, origin, regulator, flag) named on any page."""
        return sorted(self.named.get(kind, {}))

    def evidence_for(self, kind: str, value: str) -> list[Evidence]:
        return self.named.get(kind, {}).get(value, [])

    def claimed(self) -> list[SiteCondition]:
        return [c for c in self.conditions.values() if c.stance == "claimed"]


def aggregate_site(claims: Iterable[PageClaim], verdict: SiteVerdict | None = None) -> SiteClaims:
    """Fold a site's page claims into one :class:`SiteClaims`.

    A condition takes its strongest stance over the pages (claimed > disclaimed > mentioned)
    and keeps every quote, so "claimed on /treatments, disclaimed on /faq" shows both.

    Args:
        claims: The claims of the site's pages, with the pages' raw stances.
        verdict: Whether the site sells treatment (:func:`score.site_verdict`). A site that
            does not claims nothing: its pages' claims become mentions, and the selling points
            they report are not the site's (:meth:`SiteVerdict.stance`,
            :meth:`SiteVerdict.carries`). Without it the pages' stances are taken as they are.
    """
    site = SiteClaims()
    for claim in claims:
        if verdict is not None and not verdict.carries(claim.kind, claim.value):
            continue
        stance = (
            claim.stance if verdict is None else verdict.stance(claim.stance, claim.reported_stance)
        )
        evidence = Evidence(claim.quote, claim.url, stance)
        if claim.kind != "condition":
            site.named.setdefault(claim.kind, {}).setdefault(claim.value, []).append(evidence)
            continue
        stance = stance or "mentioned"
        known = site.conditions.get(claim.value)
        if known is None:
            known = site.conditions[claim.value] = SiteCondition(
                claim.value, claim.tier or "unproven", stance
            )
        elif STANCES.index(stance) < STANCES.index(known.stance):  # strongest first
            known.stance = stance
        known.evidence.append(evidence)
    for condition in site.conditions.values():
        # The quote that gave the site-level stance comes first.
        condition.evidence.sort(key=lambda e: STANCES.index(e.stance or "mentioned"))
    return site


#: What a change between runs tracks: claimed conditions and the cell sources and regulators named.
TRACKED_KINDS = ("condition", "cell_source", "regulator")


@dataclass(frozen=True)
class ClaimChange:
    change: str  # added | removed
    kind: str
    value: str
    evidence: Evidence  # from the run that has the claim


def _tracked(site: SiteClaims) -> dict[tuple[str, str], Evidence]:
    found = {("condition", c.slug): c.evidence[0] for c in site.claimed() if c.evidence}
    for kind in TRACKED_KINDS[1:]:
        for value in site.named_values(kind):
            found[(kind, value)] = site.evidence_for(kind, value)[0]
    return found


def diff_claims(current: SiteClaims, previous: SiteClaims) -> list[ClaimChange]:
    """Claims ``current`` adds to or drops from ``previous``, sorted by change, kind and value.

    A condition counts only while claimed: one that goes from claimed to disclaimed is removed.
    """
    now, before = _tracked(current), _tracked(previous)
    changes = [ClaimChange("added", k, v, now[(k, v)]) for k, v in now.keys() - before.keys()]
    changes += [ClaimChange("removed", k, v, before[(k, v)]) for k, v in before.keys() - now.keys()]
    return sorted(changes, key=lambda c: (c.change, c.kind, c.value))
