"""The knowledge file holds exactly the VOCABULARY.md conditions, and the contract's shape."""

from __future__ import annotations

import json

import pytest

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


# Everyday names of conditions, each quoted from the real page it came from (doc id of
# tests/extract/realworld or the shared corpus): the matcher names the condition, whatever
# stance the page gives it.
EVERYDAY_NAMES = [
    ("a014", "There are countless animal models in which stem cells, used in very specific ways,"
     " help small holes in cartilage heal.", {"cartilage-injury"}),
    ("d016", "for very active, sports-focused people Stem Cells are the raw material for repairing"
     " the micro-tears and micro-injuries that training creates.", {"sports-injury"}),
    ("i011", "un entrenador de fútbol con esclerosis múltiple y una odontóloga que se lesionó la"
     " rodilla en un concurso de baile.", {"multiple-sclerosis", "sports-injury"}),
    ("e022", "solo están autorizados algunos ensayos clínicos: el implante de condrocitos autólogos"
     " para enfermedades articulares, el implante de queratinocitos (quemaduras)",
     {"osteoarthritis", "wound-healing"}),
    ("f020", "El Envejecimiento y el Deterioro Articular", {"anti-aging", "osteoarthritis"}),
    ("g011", "Patient report on knee treatment with stem cells", {"knee-osteoarthritis"}),
    ("g011", "The knee hurt even at rest.", {"knee-osteoarthritis"}),
    ("h015", "el tenista español Rafael Nadal contó que por primera vez en dos años no le dolían"
     " las rodillas.", {"knee-osteoarthritis"}),
    ("h037", "La mayoría de los pacientes tenía lesiones de cartílago profundas o artrosis leve o"
     " moderada de rodilla o cadera.",
     {"cartilage-injury", "knee-osteoarthritis", "osteoarthritis"}),
    ("h015", "Entre ellas están las de cartílago, traumas raquimedulares, lesiones medulares y"
     " lumbares, artrosis moderadas y fístulas colorrectales.",
     {"spinal-cord-injury", "back-pain", "osteoarthritis"}),
    ("f015", "Chronic Inflammatory Demyelinating Polyneuropathy (CIDP)", {"neuropathy"}),
    ("g037", "gente con sección medular (un tipo de lesión de la columna)", {"spinal-cord-injury"}),
    ("h030", "Se abre una puerta a la esperanza para los lesionados medulares.",
     {"spinal-cord-injury"}),
    ("f045", "Stem cells have been shown to grow new blood vessels around narrowed or damaged"
     " arteries in the limbs and restore poor blood flow.", {"critical-limb-ischemia"}),
    ("g019", "Liver cirrhosis, acute pancreatitis, diabetes, ischemia (restricted blood supply to"
     " the arms and legs) and other diseases could also be cured with stem cells.",
     {"liver-disease", "type-2-diabetes", "critical-limb-ischemia"}),
    ("h001", "cell therapy is already widely used to treat numerous diseases of the nervous system"
     " and the musculoskeletal system, cardiovascular pathology, oncological diseases and more.",
     {"heart-failure", "cancer"}),
    ("h026", "the facility uses adult cells taken from adult adipose, or fat, tissue for cardiac"
     " therapy.", {"heart-failure"}),
    ("h022", "tres pacientes con lupus eritematoso sistémico (LES), todos con afectación del riñón",
     {"lupus", "kidney-disease"}),
    ("h018", "afectan a entre el 60 y el 70% de las personas con diabetes mellitus tipo I y II",
     {"type-1-diabetes", "type-2-diabetes"}),
    ("h018", "puede desembocar en problemas médicos serios como trastornos digestivos, infartos,"
     " úlceras en los pies, amputaciones", {"heart-attack", "wound-healing"}),
    ("f016", "Patients whose treatment goal is slowing senescence will usually spend only 2 to 3"
     " HOURS in the hospital", {"anti-aging"}),
    ("f001", "The process used to regenerate knee cartilage, for instance, can also be applied in"
     " cosmetic facial treatments.", {"knee-osteoarthritis", "skin-rejuvenation"}),
    ("g019", "and to beauty procedures that keep you looking young without Botox.",
     {"skin-rejuvenation"}),
    ("h035", "En La Prairie aplican células madre autólogas para la piel con protocolos clínicos",
     {"skin-rejuvenation"}),
]  # fmt: skip


@pytest.mark.parametrize(("doc_id", "sentence", "slugs"), EVERYDAY_NAMES)
def test_everyday_names_of_conditions_on_real_pages(
    doc_id: str, sentence: str, slugs: set[str]
) -> None:
    assert {c.slug for c in extract_text(sentence).conditions} == slugs, doc_id


def test_joint_disease_in_general_words_on_a_knee_page_is_the_knee() -> None:
    # g011: a clinic's patient interview; its "joint problems" are the treated knee's
    doc = extract_document(
        "<html><head><title>Patient report on knee treatment with stem cells</title></head><body>"
        "<p>Were you diagnosed with osteoarthritis before the joint treatment with your own stem"
        " cells?</p><p>Were your joint problems so advanced that you would otherwise have needed"
        " an artificial joint?</p></body></html>"
    )
    assert {c.slug for c in doc.conditions} == {"knee-osteoarthritis"}
