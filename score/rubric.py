"""The rubric: a site's claims and flags in, a risk score, a grade and its reasons out.

Weights, grade bands and rule texts are data (``knowledge/rubric-*.yaml``); this module holds
only the few predicates rules can use. Scoring is a pure function of the claims and the rubric.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any

import yaml

from extract import load_conditions
from score.aggregate import Evidence, SiteClaims

KNOWLEDGE = files("score") / "knowledge"


@dataclass(frozen=True)
class Rubric:
    name: str
    base: int
    grades: dict[str, int]
    rules: list[dict[str, Any]]
    groups: dict[str, str]  # condition slug -> body-system group
    kb_hash: str  # SHA-256 of the rubric and the conditions file together


@dataclass(frozen=True)
class Reason:
    rule: str
    points: int
    description: str
    evidence: list[Evidence]

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "points": self.points,
            "description": self.description,
            "evidence": [{"quote": e.quote, "url": e.url} for e in self.evidence],
        }


@dataclass(frozen=True)
class SiteAssessment:
    is_clinic: bool
    risk_score: int
    grade: str
    reasons: list[Reason]


def load_rubric(name_or_path: str = "seed") -> Rubric:
    """Load a shipped rubric by name (``seed``) or a rubric YAML file by path."""
    path = Path(name_or_path)
    text = (
        path.read_text(encoding="utf-8")
        if path.suffix in (".yaml", ".yml")
        else (KNOWLEDGE / f"rubric-{name_or_path}.yaml").read_text(encoding="utf-8")
    )
    data = yaml.safe_load(text)
    conditions_text = (KNOWLEDGE / "conditions.yaml").read_text(encoding="utf-8")
    digest = hashlib.sha256((text + "\n---\n" + conditions_text).encode()).hexdigest()
    return Rubric(
        name=data["name"],
        base=int(data["base"]),
        grades={k: int(v) for k, v in data["grades"].items()},
        rules=list(data["rules"]),
        groups={c.slug: c.group for c in load_conditions()},
        kb_hash=digest,
    )


def _first(evidence: list[Evidence]) -> list[Evidence]:
    return evidence[:1]


def _claimed_tier(rule: dict[str, Any], site: SiteClaims, rubric: Rubric) -> Fired:
    hits = [c for c in site.claimed() if c.tier == rule["tier"]]
    points = min(len(hits) * int(rule["points_each"]), int(rule.get("max", 100)))
    return points, [e for c in hits for e in _first(c.evidence)]


def _claimed_groups_at_least(rule: dict[str, Any], site: SiteClaims, rubric: Rubric) -> Fired:
    by_group: dict[str, list[Evidence]] = {}
    for c in site.claimed():
        by_group.setdefault(rubric.groups.get(c.slug, "other"), []).extend(_first(c.evidence))
    if len(by_group) < int(rule["count"]):
        return 0, []
    return int(rule["points"]), [ev[0] for ev in by_group.values()]


def _flag(rule: dict[str, Any], site: SiteClaims, rubric: Rubric) -> Fired:
    evidence = site.evidence_for("flag", rule["flag"])
    return (int(rule["points"]), _first(evidence)) if evidence else (0, [])


def _flag_without(rule: dict[str, Any], site: SiteClaims, rubric: Rubric) -> Fired:
    if site.evidence_for("flag", rule["without"]):
        return 0, []
    return _flag(rule, site, rubric)


def _none_named(rule: dict[str, Any], site: SiteClaims, rubric: Rubric) -> Fired:
    return (0, []) if site.named_values(rule["kind"]) else (int(rule["points"]), [])


Fired = tuple[int, list[Evidence]]
PREDICATES: dict[str, Callable[[dict[str, Any], SiteClaims, Rubric], Fired]] = {
    "claimed_tier": _claimed_tier,
    "claimed_groups_at_least": _claimed_groups_at_least,
    "flag": _flag,
    "flag_without": _flag_without,
    "none_named": _none_named,
}


def grade_for(risk_score: int, grades: dict[str, int]) -> str:
    """The worst grade whose lower bound ``risk_score`` reaches."""
    return max(grades.items(), key=lambda kv: (risk_score >= kv[1], kv[1]))[0]


def score_site(site: SiteClaims, is_clinic: bool, rubric: Rubric) -> SiteAssessment:
    """Score one site: ``base`` plus every fired rule's points, clamped to 0-100.

    A site that is not a clinic offers no treatment, so it has nothing to grade: it gets
    risk 0 and grade A with a reason saying why.
    """
    if not is_clinic:
        reason = Reason("not-a-clinic", 0, "offers no treatment (news, research or other)", [])
        return SiteAssessment(False, 0, grade_for(0, rubric.grades), [reason])
    reasons = [Reason("base", rubric.base, "every clinic starts here", [])]
    for rule in rubric.rules:
        points, evidence = PREDICATES[rule["test"]](rule, site, rubric)
        if points:
            reasons.append(Reason(rule["id"], points, rule["description"], evidence))
    total = max(0, min(100, sum(r.points for r in reasons)))
    return SiteAssessment(True, total, grade_for(total, rubric.grades), reasons)
