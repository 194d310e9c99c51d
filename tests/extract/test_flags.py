"""Document flags, from cues in data, with negation and attribution handled."""

from __future__ import annotations

import pytest

from extract import extract_document
from tests.extract._helpers import clinic_page, sells
from vocabulary import FLAG_NAMES


def flags(body: str, *, spanish: bool = False) -> dict[str, bool]:
    return clinic_page(body, spanish=spanish).flags


def true_flags(body: str, *, spanish: bool = False) -> set[str]:
    return {name for name, value in flags(body, spanish=spanish).items() if value}


@pytest.mark.parametrize(
    "text",
    [
        "Results are guaranteed.",
        "Our protocol can reverse Parkinson's.",
        "A miracle for your knees.",
        "Le garantizamos resultados: cura definitiva.",
    ],
)
def test_cure_or_guarantee(text: str) -> None:
    assert "cure_or_guarantee" in true_flags(f"<p>{text}</p>", spanish="cura" in text)


@pytest.mark.parametrize(
    "text",
    [
        "Stem cells are not a cure.",
        "Injections never cure arthritis.",
        "No es una cura milagrosa.",
        "We cannot guarantee results.",
        "Some clinics promise a cure for everything.",
        "Be skeptical of anyone selling guaranteed results.",
    ],
)
def test_cure_negated_or_attributed_is_not_flagged(text: str) -> None:
    assert not flags(f"<p>{text}</p>")["cure_or_guarantee"]


def test_cure_under_red_flag_column_is_not_flagged() -> None:
    body = (
        "<table><tr><th>Green flag</th><th>Red flag</th></tr>"
        "<tr><td>Cites trials</td><td>Promises cures or guaranteed results</td></tr></table>"
    )
    assert not flags(body)["cure_or_guarantee"]


def test_fda_approval_claim() -> None:
    assert flags("<p>Our cells come from an FDA-registered lab.</p>")["fda_approval_claim"]
    assert flags("<p>Células aprobadas por la FDA.</p>", spanish=True)["fda_approval_claim"]
    assert not flags("<p>These products are not FDA approved.</p>")["fda_approval_claim"]
    assert not flags("<p>We follow the FDA guidance on HCT/Ps.</p>")["fda_approval_claim"]


@pytest.mark.parametrize(
    "text",
    [
        "See PMID: 28012345.",
        "The trial is registered as NCT01234567.",
        "doi:10.1002/sctm.19-0012",
        "Published in the American Journal of Sports Medicine.",
    ],
)
def test_cites_research(text: str) -> None:
    assert flags(f"<p>{text}</p>")["cites_research"]


def test_testimonials() -> None:
    assert flags("<h2>Patient testimonials</h2><p>Great staff.</p>")["testimonials"]
    assert flags("<p>Mis síntomas desaparecieron después de la infusión.</p>", spanish=True)[
        "testimonials"
    ]
    assert not flags("<p>Our doctors explain each step.</p>")["testimonials"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("After my second injection my knee pain improved.", True),
        ("Since the first infusion she walks again.", True),
        ("Our son's speech improved within weeks.", True),
        # the regexes are searched from their first word ("my", "after"); it must start a word
        ("The local economy pain improved.", False),
        ("Hereafter the treatment is given twice, she said.", False),
    ],
)
def test_testimonial_patterns_match_only_from_a_word_start(text: str, expected: bool) -> None:
    assert flags(f"<p>{text}</p>")["testimonials"] is expected


@pytest.mark.parametrize(
    "text",
    [
        "Each session delivers 100 million cells.",
        "We inject 50M MSCs per knee.",
        "Dosis de 1 x 10^8 células por infusión.",
        "Aplicamos 100 millones de células madre.",
        "250 million mesenchymal stem cells per session.",
    ],
)
def test_states_cell_count(text: str) -> None:
    assert flags(f"<p>{text}</p>")["states_cell_count"]


def test_no_cell_count_without_a_number() -> None:
    assert not flags("<p>Millions of cells are injected; ask for counts in the millions.</p>")[
        "states_cell_count"
    ]


def test_imaging_guidance() -> None:
    assert flags("<p>All injections are ultrasound-guided.</p>")["imaging_guidance"]
    assert flags("<p>Inyecciones guiadas por ecografía.</p>", spanish=True)["imaging_guidance"]
    assert flags("<p>Performed under fluoroscopy.</p>")["imaging_guidance"]
    assert not flags("<p>We inject the knee.</p>")["imaging_guidance"]


def test_lists_exclusions_from_candidacy_language() -> None:
    assert flags("<p>Not everyone is a candidate.</p>")["lists_exclusions"]
    assert flags("<p>No todos los pacientes son candidatos.</p>", spanish=True)["lists_exclusions"]
    assert not flags("<p>Everyone qualifies.</p>")["lists_exclusions"]


@pytest.mark.parametrize(
    "text",
    [
        "Only $4,500 per knee.",
        "USD 15.000 paquete completo.",
        "Desde €3.000.",
        "Precio: 2.500 USD.",
    ],
)
def test_price_stated(text: str) -> None:
    assert flags(f"<p>{text}</p>")["price_stated"]


def test_no_price_without_an_amount() -> None:
    assert not flags("<p>Ask us about our prices and financing.</p>")["price_stated"]


def test_flag_evidence_is_the_sentence() -> None:
    doc = clinic_page("<p>Welcome.</p><p>Only $4,500 per knee, guided by ultrasound.</p>")
    assert doc.evidence["flag:price_stated"] == "Only $4,500 per knee, guided by ultrasound."
    assert doc.evidence["flag:imaging_guidance"] == "Only $4,500 per knee, guided by ultrasound."


def test_selling_point_flags_are_off_on_non_clinic_pages() -> None:
    html = (
        '<html><head><script type="application/ld+json">{"@type": "NewsArticle"}</script></head>'
        "<body><p>By our reporter.</p><p>The clinic said results are guaranteed and its lab is "
        "FDA registered.</p><p>Each dose holds 100 million cells.</p></body></html>"
    )
    doc = extract_document(html)
    assert not sells(doc)
    flags = doc.judged_flags(sells(doc))
    assert not flags["cure_or_guarantee"]
    assert not flags["fda_approval_claim"]
    assert flags["states_cell_count"]  # a fact, whoever states it
    assert doc.flags["fda_approval_claim"]  # the page's own words, before the verdict


def test_mentions_quote_cell_counts_prices_and_citations_in_the_pages_words() -> None:
    doc = clinic_page(
        "<p>Each session delivers 100 millones de células for $4,500 per knee.</p>"
        "<p>See PMID 31112512 and the trial NCT03818737.</p>"
        "<p>Our patient's knee pain: 50M cells.</p>"
    )
    found = {(m.kind, m.text) for m in doc.mentions}
    assert ("states_cell_count", "100 millones de células") in found
    assert ("price_stated", "$4,500") in found
    assert ("cites_research", "PMID 31112512") in found
    assert ("cites_research", "NCT03818737") in found
    for m in doc.mentions:
        if m.text in doc.text:
            assert doc.text[m.start : m.end] == m.text
    # After an apostrophe is dropped for matching, the mention points at its whole sentence.
    count = next(m for m in doc.mentions if m.kind == "states_cell_count" and "50" in m.text)
    assert doc.text[count.start : count.end] == "Our patient's knee pain: 50M cells."


def test_a_clause_opening_with_a_negator_cancels_a_selling_point() -> None:
    assert not flags("<p>No injection of this kind is FDA approved for arthritis.</p>")[
        "fda_approval_claim"
    ]
    assert flags("<p>Our cells are FDA approved; no other clinic has them.</p>")[
        "fda_approval_claim"
    ]


@pytest.mark.parametrize(
    ("text", "spanish", "expected"),
    [
        ("Everyone qualifies for our stem cell program.", False, {"everyone_qualifies"}),
        ("No matter your age or diagnosis, we can help.", False, {"everyone_qualifies"}),
        ("Todos los pacientes son candidatos.", True, {"everyone_qualifies"}),
        ("Not everyone qualifies: we will tell you if you are not a candidate.", False, set()),
        (
            "Results vary; most patients report less pain for 12-24 months.",
            False,
            {"ranged_outcomes"},
        ),
        ("Between 60 and 70 percent of patients improve.", False, {"ranged_outcomes"}),
        ("Los resultados pueden variar entre pacientes.", True, {"ranged_outcomes"}),
        (
            "We report cell viability above 90% with a certificate of analysis.",
            False,
            {"cell_viability"},
        ),
        (
            "Cada dosis incluye un certificado de análisis de viabilidad celular.",
            True,
            {"cell_viability"},
        ),
        ("An 80% success rate for every patient.", False, set()),
    ],
)
def test_rubric_signals_are_found_but_stay_out_of_the_contract(
    text: str, spanish: bool, expected: set[str]
) -> None:
    doc = clinic_page(f"<p>{text}</p>", spanish=spanish)
    assert set(doc.signals) == expected
    assert set(doc.to_contract("x", sells_treatment=True)["flags"]) == set(FLAG_NAMES)
    for name in expected:
        assert doc.evidence[f"signal:{name}"]


def test_everyone_qualifies_is_a_selling_point_not_a_quote_of_others() -> None:
    doc = extract_document(
        "<html><body><article><p>Published by our reporter. Some clinics claim everyone "
        "qualifies.</p></article></body></html>",
        url="https://news.example/story",
    )
    assert "everyone_qualifies" not in doc.signals


@pytest.mark.parametrize(
    ("text", "spanish"),
    [
        # shared 007 (quoted in an FTC complaint)
        ("Eliminate your knee pain with the industry's latest proven alternatives!", False),
        # shared 036
        ("Un refuerzo cada 3 a 6 meses o hasta la remisión completa de los síntomas.", True),
        ("Life Without Pain!", False),  # c006
    ],
)
def test_cure_or_guarantee_real_wordings(text: str, spanish: bool) -> None:
    assert "cure_or_guarantee" in true_flags(f"<p>{text}</p>", spanish=spanish)


@pytest.mark.parametrize(
    ("text", "spanish"),
    [
        # f037: "garantizar" is a purpose here, not a promise
        ("Aplicamos el producto en la zona lesionada, y así garantizar la máxima eficacia.", True),
        # d003: an established use, not the page's promise
        ("Bone marrow transplantation for blood cancers is a curative treatment.", False),
        # e007, e002: the negator is more than four words before the cue
        ("Save My Fat does not provide FDA-approved treatments or cures for any disease.", False),
        ('Families are not only looking for a "cure".', False),
    ],
)
def test_no_cure_or_guarantee_in_real_non_promises(text: str, spanish: bool) -> None:
    assert "cure_or_guarantee" not in true_flags(f"<p>{text}</p>", spanish=spanish)


@pytest.mark.parametrize(
    ("text", "spanish"),
    [
        ("Inclusion/exclusion criteria", False),  # f014
        ("Criteria for the transplant procedure with the patient's own stem cells:", False),  # a022
        (
            "A physician will carry out a medical evaluation and decide whether you qualify for "
            "treatment.",  # a006
            False,
        ),
        (
            "Ideal candidates have mild-to-moderate joint damage confirmed on imaging.",  # a029
            False,
        ),
        ("Situaciones que exigen prudencia o contraindican el tratamiento", True),  # shared 085
    ],
)
def test_lists_exclusions_from_selection_criteria(text: str, spanish: bool) -> None:
    assert "lists_exclusions" in true_flags(f"<p>{text}</p>", spanish=spanish)


def test_a_funnel_that_lets_everyone_qualify_lists_no_exclusions() -> None:
    assert "lists_exclusions" not in true_flags("<p>Find out if you qualify in 60 seconds.</p>")


@pytest.mark.parametrize(
    "text",
    [
        "In 2016 the country spent $134.5 billion on it.",  # a003
        "Duke University Cord Blood Researchers Receive $15 Million Donation",  # d012
        "El mercado pasará de 550 millones de dólares en 2024.",  # b027
        "MedicoExperts Mumbai, India. Open 24 x 7",  # f028: "pen" inside "open"
    ],
)
def test_money_that_is_no_treatment_price(text: str) -> None:
    assert "price_stated" not in true_flags(f"<p>{text}</p>", spanish="mercado" in text)


def test_millions_of_pesos_and_thousands_of_dollars_are_prices() -> None:
    for text in ("El paquete cuesta 18 millones de pesos.", "El tratamiento: 15 mil dólares."):
        assert "price_stated" in true_flags(f"<p>{text}</p>", spanish=True)


@pytest.mark.parametrize(
    "text",
    [
        '"I don\'t get sick as much anymore," he said.',  # shared 023
        # shared 068
        '"Ahora puedo hacer cosas que eran impensables, y ya no tengo dolor", contó.',
    ],
)
def test_a_patients_quoted_words_are_a_testimonial(text: str) -> None:
    assert "testimonials" in true_flags(f"<p>{text}</p>", spanish="contó" in text)


@pytest.mark.parametrize(
    "text",
    [
        # a006
        "Our stem cells are supplied by Stemedica, which is monitored by the FDA.",
        # shared 027
        "Cryopreserved in our laboratory that complies with FDA current Good Manufacturing "
        "Practices (cGMP).",
    ],
)
def test_fda_oversight_as_reassurance_is_an_approval_claim(text: str) -> None:
    assert "fda_approval_claim" in true_flags(f"<p>{text}</p>")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "US clinics marketing unproven interventions. LG Turner, Regenerative Medicine, 2015",
            True,
        ),
        ("Krych & Hevesi, International Orthopaedics 2021.", True),  # shared 013
        # e018, e003, a032: a registry's name or a common noun is no citation
        ("On a U.S. government website, www.clinicaltrials.gov, patients can search.", False),
        ("Stem cells are an alternative to arthroscopy or knee replacement surgery.", False),
        (
            "Regenerative therapies are one of the most promising frontiers in hair restoration.",
            False,
        ),
    ],
)
def test_cites_research_real_wordings(text: str, expected: bool) -> None:
    assert ("cites_research" in true_flags(f"<p>{text}</p>")) is expected


@pytest.mark.parametrize(
    "text",
    [
        # shared 098
        "Six months later his knee felt better, so he had a second injection.",
        "AB is an 80-year-old patient with neck pain, headaches and shoulder pain.",  # a020
    ],
)
def test_a_patient_story_in_the_third_person_is_a_testimonial(text: str) -> None:
    assert "testimonials" in true_flags(f"<p>{text}</p>")


@pytest.mark.parametrize(
    "text",
    [
        "Se recomienda administrar entre 10^6 y 10^8 células por infusión.",  # b004
        "Una dosis inicial de al menos 2 millones por kilogramo de peso.",  # b011
    ],
)
def test_cell_counts_as_powers_of_ten_or_per_body_weight(text: str) -> None:
    assert "states_cell_count" in true_flags(f"<p>{text}</p>", spanish=True)


def test_living_without_pain_in_a_story_is_no_promise() -> None:
    # a002: the patient's hope before treatment, not the clinic's promise
    body = "<p>Terry believed a spinal fusion was his only chance of living without pain.</p>"
    assert "cure_or_guarantee" not in true_flags(body)
