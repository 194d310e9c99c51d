"""Cell sources, origin, regulators and page type."""

from __future__ import annotations

import pytest

from extract import extract_document, extract_text
from tests.extract._helpers import clinic_page, sells


def test_cell_sources_and_origin() -> None:
    doc = clinic_page(
        "<p>We use Wharton’s jelly from donors and your own bone marrow (BMAC), plus PRP.</p>"
    )
    assert doc.cell_sources == ["bone-marrow", "prp", "umbilical-cord"]
    assert doc.origin == ["allogeneic", "autologous"]
    assert doc.evidence["cell_source:prp"].startswith("We use Wharton")


def test_longest_cell_source_wins() -> None:
    assert clinic_page("<p>We bank umbilical cord blood.</p>").cell_sources == ["cord-blood"]


def test_spanish_cell_sources() -> None:
    doc = clinic_page(
        "<p>Usamos células de cordón umbilical y tejido adiposo autólogo.</p>", spanish=True
    )
    assert doc.cell_sources == ["adipose", "umbilical-cord"]
    assert doc.origin == ["autologous"]


def test_refused_cell_sources_do_not_count_but_reported_ones_do() -> None:
    # The real-world labels record a source a page names in others' or a warning's words.
    doc = clinic_page(
        "<p>We never use embryonic cells.</p><p>Some clinics sell amniotic fluid as stem cells.</p>"
        "<p>Our injections use adipose tissue.</p>"
    )
    assert doc.cell_sources == ["adipose", "amniotic"]


def test_origin_named_in_a_warning_counts() -> None:
    # c021 (FDA consumer update)
    doc = extract_text(
        "These unapproved products, whether taken from your own body or from someone else's, "
        "include stem cells and stromal vascular fraction."
    )
    assert doc.origin == ["allogeneic", "autologous"]


def test_origin_from_a_persons_own_cells_and_spanish_autotransplant() -> None:
    # c016; shared 068
    assert extract_text(
        "Stem cells can be collected from other humans or from animals, or taken from a "
        "person's own cells."
    ).origin == ["allogeneic", "autologous"]
    assert extract_text(
        "La vida de Ángela López cambió después de convertirse en la primera paciente sometida a "
        "un autotrasplante de células madre para tratar el desgaste de sus articulaciones."
    ).origin == ["autologous"]


def test_regulators_by_name_acronym_and_spanish_name() -> None:
    doc = clinic_page(
        "<p>Our lab follows 21 CFR 1271 and is licensed by the Ministry of Health.</p>"
        "<p>Registered with COFEPRIS. Accredited by the Joint Commission International.</p>"
    )
    assert doc.regulators == ["cofepris", "fda", "jci", "minsa"]
    es = clinic_page("<p>Avalados por el Ministerio de Salud y el INVIMA.</p>", spanish=True)
    assert es.regulators == ["invima", "minsa"]
    assert es.evidence["regulator:invima"] == "Avalados por el Ministerio de Salud y el INVIMA."


def test_regulator_acronyms_are_case_sensitive() -> None:
    doc = extract_text("In fact, the cap fits. We treat knees at our clinic.")
    assert doc.regulators == []
    assert extract_text("Our lab is CAP and FACT accredited.").regulators == ["cap", "fact"]


def test_seller_from_clinic_cues_and_by_default() -> None:
    assert sells(clinic_page("<p>Hello.</p>"))
    assert sells(clinic_page("<p>Hola.</p>", spanish=True))
    assert {c.side for c in clinic_page("<p>Hello.</p>").page_cues} == {"seller"}
    # No evidence either way: a page of bare treatment names on a listed site is a seller's.
    assert extract_document("<p>Hello.</p>").page_cues == ()
    assert sells(extract_document("<p>Hello.</p>"))


def test_menus_and_reported_speech_tell_who_publishes() -> None:
    news = extract_document(
        "<nav><ul><li>World</li><li>Politics</li><li>Opinion</li></ul></nav>"
        "<p>The director said patients improved, according to the clinic.</p>"
    )
    assert not sells(news)
    assert {c.phrase for c in news.page_cues} >= {"menu: world", "said", "according to"}
    clinic = extract_document(
        "<nav><ul><li>Services</li><li>Our doctors</li><li>Contact</li></ul></nav>"
        "<p>Stem cell therapy for knee arthritis.</p>"
    )
    assert sells(clinic)


def test_a_page_calling_claims_baseless_speaks_as_a_watchdog() -> None:
    alert = extract_document(
        "<p>Stem cells for Parkinson's disease are sold with bogus promises.</p>"
        "<p>There is no good evidence that these injections work.</p>"
    )
    assert ("other", "calls treatment claims false or baseless") in {
        (c.side, c.phrase) for c in alert.page_cues
    }
    assert not sells(alert)
    # once per page and weighed against the rest: a clinic warning against fraud still sells
    clinic = clinic_page(
        "<p>We treat knee arthritis. Beware of bogus clinics: there is no evidence for them.</p>"
    )
    assert sells(clinic)


def test_a_practice_speaking_of_itself_is_a_seller() -> None:
    blog = extract_document(
        "<p>In this article Dr. Ross talks about knee research and other clinics.</p>"
        "<p>At our regenerative medicine clinics our specialty is healing, not pain "
        "management.</p>"
    )
    assert sells(blog)
    assert ("seller", "our specialty") in {(c.side, c.phrase) for c in blog.page_cues}


def test_non_clinic_from_byline_jsonld_or_host() -> None:
    byline = extract_document(
        "<p>By Ana Ruiz, staff reporter. Published 3 May.</p>"
        "<p>The clinic offers consultations.</p>"
    )
    assert not sells(byline)
    periodista = extract_text(
        "Por Ana Ruiz, periodista. Publicado el 3 de mayo.\nLa clínica ofrece."
    )
    assert not sells(periodista)
    gov = extract_document("<p>We treat knee arthritis.</p>", url="https://www.fda.gov/consumers/x")
    assert not sells(gov)
    scholarly = extract_document(
        '<script type="application/ld+json">{"@graph": [{"@type": "ScholarlyArticle"}]}</script>'
        "<p>Our patients improved.</p>"
    )
    assert not sells(scholarly)


def test_a_trials_cell_source_is_not_the_sites_unless_the_site_offers_it() -> None:
    trial = clinic_page("<p>A phase 1 trial of cord tissue cells in autism began.</p>")
    assert trial.cell_sources == []
    offer = clinic_page(
        "<p>We offer bone marrow cells for knee arthritis, where trials are encouraging.</p>"
    )
    assert offer.cell_sources == ["bone-marrow"]


@pytest.mark.parametrize(
    ("text", "sources"),
    [
        # a004
        (
            "Treatment derived from bone marrow or fat runs about $7,000 per joint.",
            ["adipose", "bone-marrow"],
        ),
        # shared 056
        ('Plus $4,500 for "boosters" of cells taken from their blood or belly fat.', ["adipose"]),
        # shared 038
        ("Le implanté células de tuétano y células derivadas de su grasa.", ["adipose"]),
        # b013
        (
            "Obtenemos las células del tejido y de la sangre de cordones umbilicales donados.",
            ["cord-blood"],
        ),
        ("Eat less fat and more fibre.", []),
    ],
)
def test_fat_beside_another_source_or_a_body_site_is_a_source(
    text: str, sources: list[str]
) -> None:
    assert extract_text(text).cell_sources == sources
