"""The knowledge file holds exactly the VOCABULARY.md conditions, and the contract's shape."""

from __future__ import annotations

import json

from extract import extract_document, extract_text
from vocabulary import FLAG_NAMES, STANCES, load_conditions

# VOCABULARY.md (contract): slug -> (default tier, group heading)
VOCABULARY = {
    "knee-osteoarthritis": "supported", "osteoarthritis": "supported",
    "cartilage-injury": "supported", "meniscus-tear": "supported", "tendon-injury": "supported",
    "ligament-injury": "supported", "sports-injury": "supported",
    "spinal-disc-disease": "preliminary", "back-pain": "preliminary",
    "avascular-necrosis": "preliminary", "bone-healing": "preliminary",
    "rheumatoid-arthritis": "preliminary", "chronic-pain": "preliminary",
    "graft-versus-host-disease": "preliminary", "crohns-disease": "preliminary",
    "ulcerative-colitis": "preliminary", "lupus": "preliminary",
    "multiple-sclerosis": "preliminary",
    "psoriasis": "preliminary", "scleroderma": "preliminary",
    "critical-limb-ischemia": "preliminary", "wound-healing": "preliminary",
    "parkinsons-disease": "unproven", "alzheimers-disease": "unproven", "dementia": "unproven",
    "als": "unproven", "stroke": "unproven", "spinal-cord-injury": "unproven",
    "traumatic-brain-injury": "unproven", "cerebral-palsy": "unproven", "autism": "unproven",
    "neuropathy": "unproven", "muscular-dystrophy": "unproven", "heart-failure": "unproven",
    "heart-attack": "unproven", "copd": "unproven", "pulmonary-fibrosis": "unproven",
    "ards": "unproven", "long-covid": "unproven", "kidney-disease": "unproven",
    "liver-disease": "unproven", "type-1-diabetes": "unproven", "type-2-diabetes": "unproven",
    "erectile-dysfunction": "unproven", "infertility": "unproven", "lyme-disease": "unproven",
    "cancer": "unproven", "hiv": "unproven", "macular-degeneration": "unproven",
    "anti-aging": "unproven", "hair-loss": "unproven", "skin-rejuvenation": "unproven",
}  # fmt: skip
FIRST_OF_GROUP = {
    "knee-osteoarthritis": "musculoskeletal",
    "graft-versus-host-disease": "immune",
    "parkinsons-disease": "neurological",
    "heart-failure": "systemic",
    "anti-aging": "wellness",
}


def test_conditions_file_has_exactly_the_vocabulary_slugs_and_tiers() -> None:
    entries = load_conditions()
    assert [e.slug for e in entries].count("als") == 1
    assert {e.slug: e.tier for e in entries} == VOCABULARY
    assert len(entries) == len(VOCABULARY)


def test_conditions_have_groups_and_bilingual_synonyms() -> None:
    entries = {e.slug: e for e in load_conditions()}
    groups = {"musculoskeletal", "immune", "neurological", "systemic", "wellness"}
    assert {e.group for e in entries.values()} == groups
    group = None
    for slug in VOCABULARY:  # groups follow the VOCABULARY headings, in order
        group = FIRST_OF_GROUP.get(slug, group)
        assert entries[slug].group == group, slug
        assert entries[slug].synonyms["en"], slug
        assert entries[slug].synonyms["es"], slug
    assert "gonartrosis" in entries["knee-osteoarthritis"].synonyms["es"]
    assert "ELA" in entries["als"].synonyms["es"]
    assert "EPOC" in entries["copd"].synonyms["es"]


def test_contract_keys_and_order() -> None:
    doc = extract_document(
        "<p>We treat knee arthritis. Book a consultation.</p>", url="https://c.example/"
    )
    out = doc.to_contract(source="page.html", sells_treatment=True)
    assert list(out) == [
        "source", "url", "language", "is_clinic", "conditions",
        "cell_sources", "origin", "regulators", "flags",
    ]  # fmt: skip
    assert out["source"] == "page.html"
    assert out["url"] == "https://c.example/"
    assert out["conditions"] == [
        {
            "slug": "knee-osteoarthritis",
            "tier": "supported",
            "stance": "claimed",
            "quote": "We treat knee arthritis.",
        }
    ]
    assert list(out["flags"]) == list(FLAG_NAMES)
    json.dumps(out)  # the jsonl line must serialise


def test_all_eight_flags_always_present_even_for_empty_input() -> None:
    assert len(FLAG_NAMES) == 8
    assert STANCES == ("claimed", "disclaimed", "mentioned")
    for doc in (extract_document(""), extract_text(""), extract_document("<html></html>")):
        assert set(doc.flags) == set(FLAG_NAMES)
        assert not any(doc.flags.values())
        assert doc.language == "und"
        assert doc.conditions == []
        assert list(doc.to_contract(None, sells_treatment=False)["flags"]) == list(FLAG_NAMES)


def test_a_seller_verdict_decides_the_contract_stances() -> None:
    doc = extract_document("<p>We treat knee arthritis. We do not treat autism.</p>")
    seller = {c["slug"]: c["stance"] for c in doc.to_contract("x", True)["conditions"]}
    other = {c["slug"]: c["stance"] for c in doc.to_contract("x", False)["conditions"]}
    assert seller == {"knee-osteoarthritis": "claimed", "autism": "disclaimed"}
    assert other == {"knee-osteoarthritis": "mentioned", "autism": "disclaimed"}
    assert doc.to_contract("x", False)["is_clinic"] is False
