"""The evidence knowledge base: complete, cited, dated; and the rules that need its knowledge."""

from __future__ import annotations

import re
import shutil
from datetime import date
from importlib.resources import files
from pathlib import Path

import pytest

from score import (
    ClaimRecord,
    KnowledgeError,
    SiteContext,
    aggregate_site,
    load_knowledge,
    load_rubric,
    score_site,
    site_verdict,
)
from vocabulary import load_conditions

CITATION = re.compile(r"^(PMID:\d+|DOI:10\.\S+|NCT\d{8}|regulator decision: .+)$")
EVIDENCE = Path(str(files("score") / "knowledge" / "evidence.yaml"))
VOCABULARY_REGULATORS = {
    "fda",
    "ftc",
    "ema",
    "mhra",
    "tga",
    "health-canada",
    "invima",
    "cofepris",
    "minsa",
    "anvisa",
    "mhlw",
    "mfds",
    "cdsco",
    "nmpa",
    "aabb",
    "fact",
    "jci",
    "isct",
    "isscr",
    "clia",
    "cap",
}


def test_every_vocabulary_slug_has_dated_evidence_with_a_citation_per_tier_decision() -> None:
    knowledge = load_knowledge()
    slugs = {c.slug for c in load_conditions()}
    assert set(knowledge.evidence) == slugs
    for slug, entry in knowledge.evidence.items():
        assert isinstance(entry["reviewed"], date), slug
        assert entry["rationale"].strip(), slug
        assert entry["citations"], f"{slug}: the seed tier needs a citation"
        if "strict_tier" in entry:
            assert entry["strict_tier"] in ("supported", "preliminary", "unproven"), slug
            assert entry["strict_rationale"].strip() and entry["strict_citations"], slug
        for citation in entry["citations"] + entry.get("strict_citations", []):
            assert CITATION.match(citation["id"]), f"{slug}: {citation['id']!r}"
            assert citation["note"].strip(), slug


def test_strict_tiers_follow_the_trial_record() -> None:
    seed, strict = load_rubric("seed"), load_rubric("strict")
    assert seed.tiers["knee-osteoarthritis"] == "supported"
    assert strict.tiers["knee-osteoarthritis"] == "preliminary"
    assert seed.tiers["multiple-sclerosis"] == "preliminary"
    for slug in ("multiple-sclerosis", "als", "autism", "copd", "heart-failure", "ards"):
        assert strict.tiers[slug] == "unproven", slug
    assert seed.tiers == {c.slug: c.tier for c in load_conditions()}
    assert strict.rules == seed.rules and strict.kb_hash != seed.kb_hash


def test_approved_products_and_regulators_use_the_vocabulary() -> None:
    knowledge = load_knowledge()
    slugs = {c.slug for c in load_conditions()}
    names = {p.product.split(" (")[0] for p in knowledge.products}
    assert {
        "remestemcel-L",
        "TEMCELL HS Inj.",
        "Prochymal",
        "darvadstrocel",
        "Cartistem",
        "Stemirac",
    } <= names
    for product in knowledge.products:
        assert set(product.conditions) <= slugs and product.regulator in VOCABULARY_REGULATORS
        assert product.status in ("approved", "conditional", "withdrawn")
    assert set(knowledge.regulator_countries) == VOCABULARY_REGULATORS


def fired(records: list[ClaimRecord], country: str | None) -> dict[str, str]:
    assessment = score_site(
        aggregate_site(records), SiteContext(site_verdict([], "clinic"), country), load_rubric()
    )
    return {r.rule: r.detail for r in assessment.reasons}


FDA_CLAIM = ClaimRecord("flag", "fda_approval_claim", "https://c.test/", "FDA approved lab")
FDA_NAMED = ClaimRecord("regulator", "fda", "https://c.test/", "FDA approved lab")
GVHD = ClaimRecord(
    "condition",
    "graft-versus-host-disease",
    "https://c.test/gvhd",
    "We treat GvHD",
    "claimed",
    "preliminary",
)
AUTISM = ClaimRecord(
    "condition", "autism", "https://c.test/autism", "We treat autism", "claimed", "unproven"
)


def test_fda_approval_claimed_by_a_mexican_clinic_is_flagged_but_not_for_a_us_one() -> None:
    assert "fda-approval-claimed-abroad" in fired([FDA_CLAIM, FDA_NAMED], "MX")
    assert "fda-approval-claimed-abroad" not in fired([FDA_CLAIM, FDA_NAMED], "US")
    assert "fda-approval-claimed-abroad" not in fired([FDA_NAMED], "MX"), "naming is no claim"
    assert "fda-approval-claimed-abroad" not in fired([FDA_CLAIM, FDA_NAMED], None)


def test_invima_named_outside_colombia_is_a_jurisdiction_mismatch() -> None:
    invima = ClaimRecord("regulator", "invima", "https://c.test/", "Licensed by INVIMA")
    assert "co" in fired([invima], "PA")["regulator-outside-its-country"].lower()
    assert "regulator-outside-its-country" not in fired([invima], "CO")


def test_an_approval_claim_is_checked_against_the_approved_products_table() -> None:
    detail = fired([FDA_CLAIM, GVHD, AUTISM], "US")["approval-claim-for-unapproved-uses"]
    assert "nothing fda-approved for autism" in detail
    assert "graft-versus-host-disease only as remestemcel-L (Ryoncil), 2024" in detail
    assert "approval-claim-for-unapproved-uses" not in fired([GVHD, AUTISM], "US")


def test_amniotic_products_sold_with_a_live_cell_count_are_flagged() -> None:
    amniotic = ClaimRecord("cell_source", "amniotic", "https://c.test/", "amniotic allograft")
    count = ClaimRecord("flag", "states_cell_count", "https://c.test/", "100 million live cells")
    assert "acellular-product-sold-as-cells" in fired([amniotic, count], "US")
    assert "acellular-product-sold-as-cells" not in fired([amniotic], "US")
    cord = ClaimRecord("cell_source", "umbilical-cord", "https://c.test/", "cord MSCs")
    assert "acellular-product-sold-as-cells" not in fired([amniotic, cord, count], "US")


def test_a_researchers_own_evidence_file_changes_the_hash_only_if_its_content_does(
    tmp_path: Path,
) -> None:
    copy = tmp_path / "my-evidence.yaml"
    shutil.copy(EVIDENCE, copy)
    assert load_rubric("strict", copy).kb_hash == load_rubric("strict").kb_hash
    copy.write_text(
        EVIDENCE.read_text().replace("  copd:\n", "  copd:\n    strict_tier: preliminary\n", 1)
    )
    edited = load_rubric("strict", copy)
    assert edited.kb_hash != load_rubric("strict").kb_hash
    assert edited.tiers["copd"] == "preliminary"


@pytest.mark.parametrize(
    "content",
    ["not: [valid", "just a string", "name: x\n", "conditions: {copd: {strict_tier: proven}}\n"],
)
def test_a_broken_evidence_file_is_refused_with_a_clear_message(
    tmp_path: Path, content: str
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(content)
    with pytest.raises(KnowledgeError, match=r"bad\.yaml"):
        load_rubric("seed", bad)


def test_an_unknown_rubric_or_test_is_refused(tmp_path: Path) -> None:
    with pytest.raises(KnowledgeError, match="no shipped rubric"):
        load_rubric("lenient")
    odd = tmp_path / "odd.yaml"
    odd.write_text("extends: seed\nname: odd\nrules: [{id: x, test: vibes, description: d}]\n")
    with pytest.raises(KnowledgeError, match="vibes"):
        load_rubric(str(odd))
