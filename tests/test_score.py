"""Scoring: site aggregation and the seed rubric, as pure functions."""

from __future__ import annotations

from extract import PageCue
from score import (
    NO_TREATMENT_RULE,
    ClaimRecord,
    SiteContext,
    aggregate_site,
    diff_claims,
    grade_for,
    load_rubric,
    score_site,
    site_verdict,
)

CLINIC = SiteContext(site_verdict([], "clinic"), country="CO")


def condition(slug: str, stance: str, tier: str, url: str = "https://c.test/") -> ClaimRecord:
    return ClaimRecord("condition", slug, url, f"quote about {slug} ({stance})", stance, tier)


def flag(name: str) -> ClaimRecord:
    return ClaimRecord("flag", name, "https://c.test/faq", f"quote for {name}")


def test_claimed_on_one_page_and_disclaimed_on_another_is_claimed_with_both_quotes() -> None:
    site = aggregate_site(
        [
            condition("autism", "disclaimed", "unproven", "https://c.test/faq"),
            condition("autism", "claimed", "unproven", "https://c.test/treatments"),
            condition("autism", "mentioned", "unproven", "https://c.test/blog"),
        ]
    )
    autism = site.conditions["autism"]
    assert autism.stance == "claimed"
    assert autism.evidence[0].url == "https://c.test/treatments"
    assert {e.stance for e in autism.evidence} == {"claimed", "disclaimed", "mentioned"}


def test_named_things_are_collected_per_kind() -> None:
    site = aggregate_site(
        [
            ClaimRecord("cell_source", "umbilical-cord", "u", "q"),
            ClaimRecord("regulator", "invima", "u", "q"),
            flag("testimonials"),
        ]
    )
    assert site.named_values("cell_source") == ["umbilical-cord"]
    assert site.named_values("regulator") == ["invima"]
    assert site.evidence_for("flag", "testimonials")[0].url == "https://c.test/faq"


def test_grade_bands() -> None:
    bands = {"A": 0, "B": 15, "C": 30, "D": 50, "F": 70}
    assert [grade_for(s, bands) for s in (0, 14, 15, 29, 30, 49, 50, 69, 70, 100)] == [
        "A",
        "A",
        "B",
        "B",
        "C",
        "C",
        "D",
        "D",
        "F",
        "F",
    ]


def test_honest_clinic_grades_better_than_a_hype_clinic_and_every_point_has_a_reason() -> None:
    rubric = load_rubric("seed")
    honest = aggregate_site(
        [
            condition("knee-osteoarthritis", "claimed", "supported"),
            condition("autism", "disclaimed", "unproven"),
            ClaimRecord("regulator", "invima", "u", "q"),
            ClaimRecord("cell_source", "umbilical-cord", "u", "q"),
            flag("lists_exclusions"),
            flag("cites_research"),
            flag("states_cell_count"),
            flag("imaging_guidance"),
        ]
    )
    hype = aggregate_site(
        [
            condition(slug, "claimed", tier)
            for slug, tier in (
                ("autism", "unproven"),
                ("alzheimers-disease", "unproven"),
                ("copd", "unproven"),
                ("anti-aging", "unproven"),
                ("knee-osteoarthritis", "supported"),
                ("multiple-sclerosis", "preliminary"),
            )
        ]
        + [flag("cure_or_guarantee"), flag("testimonials"), flag("fda_approval_claim")]
    )
    good, bad = score_site(honest, CLINIC, rubric), score_site(hype, CLINIC, rubric)
    assert good.grade in "AB" and bad.grade == "F"
    assert good.risk_score < bad.risk_score
    for assessment in (good, bad):
        assert sum(
            r.points for r in assessment.reasons
        ) == assessment.risk_score or assessment.risk_score in (0, 100)
    fired = {r.rule for r in bad.reasons}
    assert {
        "unproven-claims",
        "treats-almost-anything",
        "cure-or-guarantee",
        "fda-approval-claim",
        "testimonials-instead-of-research",
    } <= fired
    unproven = next(r for r in bad.reasons if r.rule == "unproven-claims")
    assert unproven.evidence and all(e.quote and e.url for e in unproven.evidence)


def test_a_site_that_sells_no_treatment_gets_no_grade_and_the_verdicts_reasons() -> None:
    verdict = site_verdict([[PageCue("other", "staff writer", 3)]])
    news = aggregate_site([condition("autism", "claimed", "unproven")], verdict)
    assessment = score_site(news, SiteContext(verdict), load_rubric("seed"))
    assert assessment.sells_treatment is False
    assert (assessment.risk_score, assessment.grade) == (None, None)  # not an A it never earned
    [reason] = assessment.reasons
    assert reason.rule == NO_TREATMENT_RULE and reason.points == 0
    assert reason.detail == "; ".join(verdict.reasons) and '"staff writer"' in reason.detail


def test_the_verdict_weighs_all_pages_once_not_a_vote_of_pages() -> None:
    # Two pages of one byline outvote the booking page page by page; over the site, each
    # distinct phrase counts once, and the offer weighs more.
    pages = [
        [PageCue("other", "staff writer", 2)],
        [PageCue("other", "staff writer", 2)],
        [PageCue("seller", "book a consultation", 3)],
    ]
    verdict = site_verdict(pages)
    assert verdict.sells_treatment and (verdict.seller_weight, verdict.other_weight) == (3, 2)
    assert not any(site_verdict([page]).sells_treatment for page in pages[:2])
    assert verdict.reasons[0].startswith("reads like a seller")


def test_the_seed_files_kind_overrides_the_cues() -> None:
    offers = [[PageCue("seller", "book a consultation", 9), PageCue("seller", "our clinic", 9)]]
    verdict = site_verdict(offers, "News")
    assert not verdict.sells_treatment
    assert verdict.reasons == ("the seed file says this site is a news",)
    assert site_verdict([[PageCue("other", "staff writer", 9)]], "facilitator").sells_treatment


def test_a_non_seller_claims_nothing_and_carries_no_selling_points() -> None:
    records = [
        condition("autism", "claimed", "unproven", "https://n.test/a"),
        condition("copd", "disclaimed", "unproven", "https://n.test/b"),
        flag("cure_or_guarantee"),
        flag("testimonials"),
        flag("cites_research"),
    ]
    seller = aggregate_site(records, site_verdict([], "clinic"))
    other = aggregate_site(records, site_verdict([], "news"))
    assert [c.slug for c in seller.claimed()] == ["autism"]
    assert other.claimed() == [] and other.conditions["autism"].stance == "mentioned"
    assert other.conditions["autism"].evidence[0].stance == "mentioned"
    assert other.conditions["copd"].stance == "disclaimed"
    assert seller.named_values("flag") == ["cites_research", "cure_or_guarantee", "testimonials"]
    assert other.named_values("flag") == ["cites_research"]
    # Diffing sees the same: a site that stops selling drops its claims.
    changes = diff_claims(other, seller)
    assert [(c.change, c.value) for c in changes] == [("removed", "autism")]


def test_every_rule_uses_a_known_predicate_and_the_hash_pins_the_knowledge() -> None:
    from score.rubric import PREDICATES

    rubric = load_rubric("seed")
    assert all(rule["test"] in PREDICATES for rule in rubric.rules)
    assert len(rubric.kb_hash) == 64 and rubric.kb_hash == load_rubric("seed").kb_hash


def test_claim_changes_between_runs_name_what_was_added_and_dropped_with_quotes() -> None:
    before = aggregate_site(
        [
            condition("knee-osteoarthritis", "claimed", "supported"),
            condition("copd", "claimed", "unproven"),
            ClaimRecord("regulator", "invima", "https://c.test/about", "Licensed by INVIMA"),
        ]
    )
    after = aggregate_site(
        [
            condition("knee-osteoarthritis", "claimed", "supported"),
            condition("copd", "disclaimed", "unproven"),
            condition("autism", "claimed", "unproven", "https://c.test/autism"),
            ClaimRecord("cell_source", "umbilical-cord", "https://c.test/", "Wharton's jelly"),
        ]
    )
    changes = [(c.change, c.kind, c.value, c.evidence.url) for c in diff_claims(after, before)]
    assert changes == [
        ("added", "cell_source", "umbilical-cord", "https://c.test/"),
        ("added", "condition", "autism", "https://c.test/autism"),
        ("removed", "condition", "copd", "https://c.test/"),
        ("removed", "regulator", "invima", "https://c.test/about"),
    ]
    assert diff_claims(after, after) == []


def test_rubric_signals_move_the_score_with_their_quote() -> None:
    rubric = load_rubric("seed")
    base = [condition("knee-osteoarthritis", "claimed", "supported")]

    def signal(name: str) -> ClaimRecord:
        return ClaimRecord("signal", name, "https://c.test/faq", f"quote for {name}")

    plain = score_site(aggregate_site(base), CLINIC, rubric).risk_score
    for name, rule, sign in (
        ("everyone_qualifies", "everyone-qualifies", 1),
        ("ranged_outcomes", "realistic-ranged-outcomes", -1),
        ("cell_viability", "states-cell-viability", -1),
    ):
        assessment = score_site(aggregate_site([*base, signal(name)]), CLINIC, rubric)
        reason = next(r for r in assessment.reasons if r.rule == rule)
        assert (assessment.risk_score - plain) * sign > 0
        assert reason.evidence[0].quote == f"quote for {name}"
