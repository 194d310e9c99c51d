"""The rubric: a site's claims and flags in, a risk score, a grade and its reasons out.

Weights, grade bands, rule texts and the tier set are data (``knowledge/rubric-*.yaml``); the
facts rules check against (tiers, regulators' countries, approved products) are the knowledge
base (:mod:`score.kb`). This module holds only the few predicates rules can use. Scoring is a
pure function of the claims, the site's context and the rubric.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from score.aggregate import Evidence, SiteClaims
from score.kb import Knowledge, KnowledgeError, load_knowledge, read_rubric_file
from score.verdict import SiteVerdict


@dataclass(frozen=True)
class Rubric:
    name: str
    tier_set: str  # which tiers the rubric grades by: seed or strict
    base: int
    grades: dict[str, int]
    rules: list[dict[str, Any]]
    tiers: dict[str, str]  # condition slug -> tier under tier_set
    knowledge: Knowledge

    @property
    def kb_name(self) -> str:
        return self.knowledge.name

    @property
    def kb_hash(self) -> str:
        """SHA-256 over every file used: rubric(s), conditions, evidence, regulators, products."""
        return self.knowledge.sha256


@dataclass(frozen=True)
class SiteContext:
    """What scoring knows about a site besides its claims."""

    verdict: SiteVerdict  # whether the site sells treatment (score.site_verdict), and why
    country: str | None = None  # ISO 3166 code from the seed list

    @property
    def sells_treatment(self) -> bool:
        return self.verdict.sells_treatment


@dataclass(frozen=True)
class Reason:
    rule: str
    points: int
    description: str
    evidence: list[Evidence]
    detail: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "points": self.points,
            "description": self.description,
            "detail": self.detail,
            "evidence": [{"quote": e.quote, "url": e.url} for e in self.evidence],
        }


@dataclass(frozen=True)
class SiteAssessment:
    """A site's score: risk 0-100 and grade A-F with a reason for every point, or, for a site
    that sells no treatment, neither (None), with the verdict's reasons as its reason."""

    sells_treatment: bool
    risk_score: int | None
    grade: str | None
    reasons: list[Reason]


def load_rubric(name_or_path: str = "seed", kb: str | Path | None = None) -> Rubric:
    """Load a shipped rubric by name (``seed``, ``strict``) or a rubric YAML file by path.

    Args:
        name_or_path: The rubric.
        kb: An evidence file to use instead of the shipped ``evidence.yaml``.

    Raises:
        KnowledgeError: A file is missing or does not fit the schema.
    """
    texts, data = read_rubric_file(name_or_path)
    knowledge = load_knowledge(kb, tuple(texts))
    try:
        tier_set = str(data.get("tiers", "seed"))
        rubric = Rubric(
            name=str(data["name"]),
            tier_set=tier_set,
            base=int(data["base"]),
            grades={k: int(v) for k, v in data["grades"].items()},
            rules=list(data["rules"]),
            tiers=knowledge.tiers(tier_set),
            knowledge=knowledge,
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise KnowledgeError(f"rubric {name_or_path!r} lacks or mistypes {exc}") from None
    unknown = sorted({str(r.get("test")) for r in rubric.rules} - set(PREDICATES))
    if unknown:
        raise KnowledgeError(f"rubric {name_or_path!r} uses unknown tests: {', '.join(unknown)}")
    return rubric


#: The rule id of the one reason a site that sells no treatment gets.
NO_TREATMENT_RULE = "sells-no-treatment"

Fired = tuple[int, list[Evidence], str]
Predicate = Callable[[dict[str, Any], SiteClaims, SiteContext, Rubric], Fired]
NOT_FIRED: Fired = (0, [], "")


def _first(evidence: list[Evidence]) -> list[Evidence]:
    return evidence[:1]


def _claimed_tier(
    rule: dict[str, Any], site: SiteClaims, ctx: SiteContext, rubric: Rubric
) -> Fired:
    hits = [c for c in site.claimed() if rubric.tiers.get(c.slug, c.tier) == rule["tier"]]
    points = min(len(hits) * int(rule["points_each"]), int(rule.get("max", 100)))
    return points, [e for c in hits for e in _first(c.evidence)], ", ".join(c.slug for c in hits)


def _claimed_groups_at_least(
    rule: dict[str, Any], site: SiteClaims, ctx: SiteContext, rubric: Rubric
) -> Fired:
    by_group: dict[str, list[Evidence]] = {}
    for c in site.claimed():
        by_group.setdefault(rubric.knowledge.groups.get(c.slug, "other"), []).extend(
            _first(c.evidence)
        )
    if len(by_group) < int(rule["count"]):
        return NOT_FIRED
    return int(rule["points"]), [ev[0] for ev in by_group.values()], ", ".join(sorted(by_group))


def _carries(kind: str) -> Predicate:
    """A predicate firing when a page of the site sets the ``kind`` (flag or signal) named by
    the rule's key of the same name, with that page's quote as evidence."""

    def fired(rule: dict[str, Any], site: SiteClaims, ctx: SiteContext, rubric: Rubric) -> Fired:
        evidence = site.evidence_for(kind, rule[kind])
        return (int(rule["points"]), _first(evidence), "") if evidence else NOT_FIRED

    return fired


_flag = _carries("flag")


def _flag_without(
    rule: dict[str, Any], site: SiteClaims, ctx: SiteContext, rubric: Rubric
) -> Fired:
    if site.evidence_for("flag", rule["without"]):
        return NOT_FIRED
    return _flag(rule, site, ctx, rubric)


def _none_named(rule: dict[str, Any], site: SiteClaims, ctx: SiteContext, rubric: Rubric) -> Fired:
    return NOT_FIRED if site.named_values(rule["kind"]) else (int(rule["points"]), [], "")


def _named_with_flag(
    rule: dict[str, Any], site: SiteClaims, ctx: SiteContext, rubric: Rubric
) -> Fired:
    """Any of ``values`` (of ``kind``) named with ``flag`` set, and none of ``unless_named``."""
    named = [v for v in rule["values"] if site.evidence_for(rule["kind"], v)]
    flagged = site.evidence_for("flag", rule["flag"])
    excused = any(site.evidence_for(rule["kind"], v) for v in rule.get("unless_named", ()))
    if not named or not flagged or excused:
        return NOT_FIRED
    evidence = [e for v in named for e in _first(site.evidence_for(rule["kind"], v))]
    return int(rule["points"]), [*evidence, *_first(flagged)], ", ".join(named)


def _regulator_country_mismatch(
    rule: dict[str, Any], site: SiteClaims, ctx: SiteContext, rubric: Rubric
) -> Fired:
    """A regulator named (with ``with_flag`` set, if given) on a site outside its country."""
    if not ctx.country:
        return NOT_FIRED
    flagged = site.evidence_for("flag", rule["with_flag"]) if "with_flag" in rule else []
    if "with_flag" in rule and not flagged:
        return NOT_FIRED
    country = ctx.country.upper()
    foreign = [
        slug
        for slug in rule["regulators"]
        if site.evidence_for("regulator", slug)
        and rubric.knowledge.regulator_countries.get(slug)
        and country not in rubric.knowledge.regulator_countries[slug]
    ]
    if not foreign:
        return NOT_FIRED
    evidence = [e for slug in foreign for e in _first(site.evidence_for("regulator", slug))]
    where = rubric.knowledge.regulator_countries
    detail = "; ".join(f"{s} ({'/'.join(where[s][:3])}) on a site in {country}" for s in foreign)
    return int(rule["points"]), [*evidence, *_first(flagged)], detail


def _approved_product_claim(
    rule: dict[str, Any], site: SiteClaims, ctx: SiteContext, rubric: Rubric
) -> Fired:
    """An approval claim (``flag``) next to conditions no approved product of ``regulator`` covers.

    Even a covered condition is noted: an approval covers one manufactured product, so a clinic
    selling its own cells "for GvHD" still sells an unapproved product.
    """
    flagged = site.evidence_for("flag", rule["flag"])
    claimed = site.claimed()
    if not flagged or not claimed:
        return NOT_FIRED
    products = [
        p
        for p in rubric.knowledge.products
        if p.regulator == rule["regulator"] and p.status != "withdrawn"
    ]
    uncovered, covered = [], []
    for condition in claimed:
        names = [f"{p.product}, {p.year}" for p in products if condition.slug in p.conditions]
        if names:
            covered.append(f"{condition.slug} only as {'; '.join(names)}")
        else:
            uncovered.append(condition.slug)
    parts = (
        [f"nothing {rule['regulator']}-approved for {', '.join(uncovered)}"] if uncovered else []
    )
    detail = "; ".join(parts + covered)
    evidence = [*_first(flagged), *(e for c in claimed for e in _first(c.evidence))]
    return int(rule["points"]), evidence, detail


PREDICATES: dict[str, Predicate] = {
    "claimed_tier": _claimed_tier,
    "claimed_groups_at_least": _claimed_groups_at_least,
    "flag": _flag,
    "signal": _carries("signal"),
    "flag_without": _flag_without,
    "none_named": _none_named,
    "named_with_flag": _named_with_flag,
    "regulator_country_mismatch": _regulator_country_mismatch,
    "approved_product_claim": _approved_product_claim,
}


def grade_for(risk_score: int, grades: dict[str, int]) -> str:
    """The worst grade whose lower bound ``risk_score`` reaches."""
    return max(grades.items(), key=lambda kv: (risk_score >= kv[1], kv[1]))[0]


def score_site(site: SiteClaims, context: SiteContext, rubric: Rubric) -> SiteAssessment:
    """Score one site: ``base`` plus every fired rule's points, clamped to 0-100.

    A site that sells no treatment (``context.verdict``) has nothing to grade: it gets no risk
    score and no grade (None, never an A it did not earn), and one reason saying why, whose
    detail is the verdict's reasons.
    """
    if not context.sells_treatment:
        reason = Reason(
            NO_TREATMENT_RULE,
            0,
            "sells no treatment (news, research or other): nothing to grade",
            [],
            "; ".join(context.verdict.reasons),
        )
        return SiteAssessment(False, None, None, [reason])
    reasons = [Reason("base", rubric.base, "every clinic starts here", [])]
    for rule in rubric.rules:
        points, evidence, detail = PREDICATES[rule["test"]](rule, site, context, rubric)
        if points:
            reasons.append(Reason(rule["id"], points, rule["description"], evidence, detail))
    total = max(0, min(100, sum(r.points for r in reasons)))
    return SiteAssessment(True, total, grade_for(total, rubric.grades), reasons)
