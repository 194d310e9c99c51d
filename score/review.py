"""A person's decisions on the machine's findings: what they mean, when they apply, how far
the machine agrees with them.

A *finding* is one thing the audit says about a site: a condition with its stance (or not
named), a flag, a cell source, a regulator, or whether the site sells treatment. A reviewer
confirms it, rejects it, or gives a condition's stance; :func:`resolve` turns that into the
value the audit then uses. Pure functions: the decisions come in as data.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, replace

from score.aggregate import Evidence, SiteClaims, SiteCondition
from score.verdict import SiteVerdict
from vocabulary import STANCES

#: The kinds of finding a reviewer decides on.
REVIEW_KINDS = ("condition", "flag", "cell_source", "regulator", "site")
#: Kinds whose finding is a value the site names (or not).
NAMED_KINDS = ("flag", "cell_source", "regulator")
#: The one value of kind ``site``.
SELLS_TREATMENT = "sells_treatment"
#: A condition the site does not name; a named finding that is there, or not.
ABSENT, YES, NO = "absent", "yes", "no"
CONFIRM, REJECT = "confirm", "reject"
DECISIONS = (CONFIRM, REJECT, *STANCES)
#: Where a finding stands: a current decision applies, an outdated one waits for a person.
REVIEWED, NEEDS_REREVIEW, MACHINE_ONLY = "reviewed", "needs re-review", "machine-only"


def resolve(kind: str, machine: str, decision: str) -> str:
    """The value a reviewer's ``decision`` gives a finding whose machine value is ``machine``.

    A condition's value is its stance or ``absent``; the other kinds' is ``yes`` or ``no``.
    ``confirm`` keeps the machine's value, ``reject`` turns it around (a condition rejected is
    not there), and a stance sets a condition's stance.

    Raises:
        ValueError: the kind, the machine value or the decision is not one of these, or
            the decision does not fit the finding; the message says what would.
    """
    if kind not in REVIEW_KINDS:
        raise ValueError(f"unknown kind {kind!r}: use {', '.join(REVIEW_KINDS)}")
    values = (*STANCES, ABSENT) if kind == "condition" else (YES, NO)
    if machine not in values:
        raise ValueError(f"machine value {machine!r} of a {kind}: use {', '.join(values)}")
    if decision == CONFIRM:
        return machine
    if kind == "condition":
        if decision == REJECT:
            if machine == ABSENT:
                raise ValueError(
                    "a condition the machine did not find cannot be rejected: give its stance "
                    "(claimed, disclaimed or mentioned)"
                )
            return ABSENT
        if decision in STANCES:
            return decision
    elif decision == REJECT:
        return NO if machine == YES else YES
    raise ValueError(
        f"unknown decision {decision!r} for a {kind}: use "
        + (", ".join(DECISIONS) if kind == "condition" else f"{CONFIRM} or {REJECT}")
    )


@dataclass(frozen=True)
class Decision:
    """A reviewer's decision on one finding of a site, as scoring applies it."""

    kind: str
    value: str
    reviewed: str  # what :func:`resolve` gave
    note: str = ""


def is_current(kind: str, reviewed_digest: str | None, digests: Collection[str]) -> bool:
    """Whether a decision still applies to a finding whose evidence pages now have ``digests``.

    It does while the page the reviewer read is still among them unchanged; a decision on a
    finding that had no evidence page holds while none has appeared (new evidence needs a
    person's eyes). The site's verdict weighs all of its pages and is not tied to one.
    """
    if kind == "site":
        return True
    if reviewed_digest is None:
        return not digests
    return reviewed_digest in digests


def reviewed_verdict(verdict: SiteVerdict, decisions: Iterable[Decision]) -> SiteVerdict:
    """``verdict`` with a reviewer's decision on whether the site sells treatment, if any."""
    for decision in decisions:
        if decision.kind == "site" and decision.value == SELLS_TREATMENT:
            sells = decision.reviewed == YES
            if sells == verdict.sells_treatment:
                return verdict
            said = "sells treatment" if sells else "sells no treatment"
            return replace(
                verdict,
                sells_treatment=sells,
                reasons=(f"a reviewer decided the site {said}", *verdict.reasons),
            )
    return verdict


def _added_evidence(decision: Decision) -> list[Evidence]:
    # Rules need evidence to fire; a finding only a reviewer saw carries the reviewer's note.
    note = f": {decision.note}" if decision.note else ""
    return [Evidence(f"(added by a reviewer{note})", "", None)]


def apply_decisions(site: SiteClaims, decisions: Iterable[Decision]) -> SiteClaims:
    """A copy of ``site`` in which each decision's value replaces the machine's.

    A condition rejected is dropped, one given a stance takes it (a condition only a reviewer
    found comes in with that stance); a flag, cell source or regulator rejected is dropped,
    and one only a reviewer found is added.
    """
    conditions = {
        slug: replace(c, evidence=list(c.evidence)) for slug, c in site.conditions.items()
    }
    named = {kind: {v: list(e) for v, e in values.items()} for kind, values in site.named.items()}
    for decision in sorted(decisions, key=lambda d: (d.kind, d.value)):
        if decision.kind == "condition":
            if decision.reviewed == ABSENT:
                conditions.pop(decision.value, None)
            elif decision.value in conditions:
                conditions[decision.value].stance = decision.reviewed
            else:
                conditions[decision.value] = SiteCondition(
                    decision.value, "unproven", decision.reviewed, _added_evidence(decision)
                )
        elif decision.kind in NAMED_KINDS:
            values = named.setdefault(decision.kind, {})
            if decision.reviewed == NO:
                values.pop(decision.value, None)
            elif decision.value not in values:
                values[decision.value] = _added_evidence(decision)
    return SiteClaims(conditions, {kind: values for kind, values in named.items() if values})


# -- agreement ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Agreement:
    """Machine against reviewer on one field (and one language, or ``all``).

    Precision, recall and F1 are those of the positive value (a condition ``claimed``, any
    other finding ``yes``); kappa is Cohen's over every value the field takes.
    """

    field: str
    language: str
    pairs: int
    precision: float
    recall: float
    f1: float
    kappa: float


def positive_value(kind: str) -> str:
    return "claimed" if kind == "condition" else YES


def cohen_kappa(first: Sequence[str], second: Sequence[str]) -> float:
    """Cohen's kappa of two raters' labels of the same items (1 agreement, 0 chance).

    Equal to scikit-learn's ``cohen_kappa_score`` (unweighted). When both raters give
    every item the same single label there is no chance to correct for: 1.0 (NaN in sklearn).
    """
    if len(first) != len(second):
        raise ValueError("both raters must label the same items")
    total = len(first)
    if not total:
        return math.nan
    observed = sum(a == b for a, b in zip(first, second, strict=True)) / total
    one, two = Counter(first), Counter(second)
    expected = sum(one[label] * two[label] for label in one.keys() | two.keys()) / total**2
    if expected == 1:
        return 1.0
    return (observed - expected) / (1 - expected)


def agreement(
    field: str, language: str, pairs: Sequence[tuple[str, str]], positive: str
) -> Agreement:
    """The agreement of (machine, reviewed) ``pairs`` of one field."""
    hits = sum(1 for m, r in pairs if m == positive and r == positive)
    predicted = sum(1 for m, _ in pairs if m == positive)
    expected = sum(1 for _, r in pairs if r == positive)
    precision = hits / predicted if predicted else 1.0
    recall = hits / expected if expected else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    kappa = cohen_kappa([m for m, _ in pairs], [r for _, r in pairs])
    return Agreement(field, language, len(pairs), precision, recall, f1, kappa)


def agreement_table(reviews: Iterable[tuple[str, str | None, str, str]]) -> list[Agreement]:
    """Agreement per field and per language from ``(kind, language, machine, reviewed)`` of
    each current review: for every field its ``all`` row, then one per language."""
    by_field: dict[str, dict[str, list[tuple[str, str]]]] = {}
    for kind, language, machine, reviewed in reviews:
        languages = by_field.setdefault(kind, {"all": []})
        languages["all"].append((machine, reviewed))
        languages.setdefault(language or "?", []).append((machine, reviewed))
    rows = []
    for kind in (k for k in REVIEW_KINDS if k in by_field):
        languages = by_field[kind]
        for language in ["all", *sorted(k for k in languages if k != "all")]:
            rows.append(agreement(kind, language, languages[language], positive_value(kind)))
    return rows
