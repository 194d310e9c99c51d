"""HTML to text, sentence splitting, normalised matching, language."""

from __future__ import annotations

from extract import extract_document, extract_text
from extract.segment import html_to_page, split_sentences
from tests.extract._helpers import clinic_page, stances


def test_script_style_noscript_template_are_not_text() -> None:
    html = """<html><head><title>T</title><style>.x{content:"autism"}</style></head><body>
    <script>var conditions = ["lupus"];</script><noscript>Enable JS for stroke info</noscript>
    <template><li>Parkinson's</li></template><p>We treat knee arthritis.</p></body></html>"""
    page = html_to_page(html)
    text = " ".join(b.text for b in page.blocks)
    assert "lupus" not in text and "autism" not in text and "stroke" not in text
    assert "Parkinson" not in text
    assert set(stances(extract_document(html))) == {"knee-osteoarthritis"}


def test_title_meta_description_headings_cells_are_kept() -> None:
    html = """<html><head><title>Stem cells | Clinic</title>
    <meta name="description" content="Stem cell therapy for lupus in Cancun."></head>
    <body><h1>Welcome</h1><table><tr><td>Psoriasis</td></tr></table></body></html>"""
    doc = extract_document(html)
    assert doc.title == "Stem cells | Clinic"
    assert {"lupus", "psoriasis"} <= set(stances(doc))


def test_sentences_carry_offsets_and_respect_abbreviations() -> None:
    page = html_to_page(
        "<p>Dr. Ruiz treats knees. Is it safe? Yes. We treat MS. Ms. Paz agrees.</p>"
        "<p>Second block.</p>"
    )
    sentences = split_sentences(page.blocks)
    assert [s.text for s in sentences] == [
        "Dr. Ruiz treats knees.",
        "Is it safe?",
        "Yes.",
        "We treat MS.",
        "Ms. Paz agrees.",
        "Second block.",
    ]
    joined = "\n".join(b.text for b in page.blocks)
    for s in sentences:
        assert joined[s.start : s.end] == s.text


def test_accents_dropped_or_kept_match_the_same_condition() -> None:
    kept = extract_text("Tratamos la esclerosis múltiple y la disfunción eréctil.")
    dropped = extract_text("Tratamos la esclerosis multiple y la disfuncion erectil.")
    upper = extract_text("TRATAMOS LA ESCLEROSIS MÚLTIPLE.")
    for doc in (kept, dropped):
        assert stances(doc) == {"multiple-sclerosis": "claimed", "erectile-dysfunction": "claimed"}
    assert stances(upper) == {"multiple-sclerosis": "claimed"}
    assert kept.conditions[0].quote == "Tratamos la esclerosis múltiple y la disfunción eréctil."


def test_spanish_regional_terms() -> None:
    doc = clinic_page(
        "<ul><li>Gonartrosis</li><li>ELA</li><li>EPOC</li><li>Alopecia</li><li>Artrosis</li></ul>",
        spanish=True,
    )
    assert stances(doc) == {
        "knee-osteoarthritis": "claimed",
        "als": "claimed",
        "copd": "claimed",
        "hair-loss": "claimed",
        "osteoarthritis": "claimed",
    }


def test_spinal_discs_named_by_level_or_tear_are_disc_disease() -> None:
    # h003: a patient's own story on an orthopaedic practice's blog
    doc = clinic_page(
        "<p>I had three of my lumbar discs injected with large quantities of my own stem cells"
        " to help heal the tears seen at the back of the discs on my MRI.</p>"
    )
    assert stances(doc) == {"spinal-disc-disease": "claimed"}
    doc = clinic_page("<p>Tratamos la fisura anular y los discos cervicales.</p>", spanish=True)
    assert stances(doc) == {"spinal-disc-disease": "claimed"}


def test_a_footnote_mark_does_not_join_the_word_before_it() -> None:
    # i036: a cord bank's list of trials, each condition with its reference number
    doc = clinic_page(
        "<p>We treat Cerebral Palsy<sup>9</sup>, Stroke<sup>10</sup> and"
        " Alopecia<sup>12</sup>.</p><p>Each dose holds 2 x 10<sup>6</sup> cells per kg.</p>"
    )
    assert stances(doc) == {
        "cerebral-palsy": "claimed",
        "stroke": "claimed",
        "hair-loss": "claimed",
    }
    assert doc.flags["states_cell_count"]


def test_scar_tissue_inside_the_body_is_no_skin_scar() -> None:
    # i027: a liver clinic explains fibrosis; scars on the skin stay skin-rejuvenation
    doc = clinic_page(
        "<p>We treat liver cirrhosis with stem cells.</p><p>Every time the liver is injured it"
        " tries to repair itself, and scar tissue forms.</p>"
    )
    assert stances(doc) == {"liver-disease": "claimed"}
    assert stances(clinic_page("<p>We treat acne scars and wrinkles.</p>")) == {
        "skin-rejuvenation": "claimed"
    }


def test_longest_match_wins() -> None:
    doc = extract_text("We treat knee osteoarthritis with our protocol.")
    assert [c.slug for c in doc.conditions] == ["knee-osteoarthritis"]
    doc = extract_text("We treat rheumatoid arthritis with our protocol.")
    assert [c.slug for c in doc.conditions] == ["rheumatoid-arthritis"]


def test_word_boundaries_and_acronym_case() -> None:
    doc = extract_text("Ms. Smith runs our clinic; we treat lupus. Comsat and alsike clover.")
    assert set(stances(doc)) == {"lupus"}
    doc = extract_text("We treat MS and ALS at our clinic.")
    assert set(stances(doc)) == {"multiple-sclerosis", "als"}


def test_apostrophes_and_hyphens_are_normalised() -> None:
    doc = extract_text("We treat Parkinson’s, Crohn's disease and graft-versus-host disease.")
    assert set(stances(doc)) == {
        "parkinsons-disease",
        "crohns-disease",
        "graft-versus-host-disease",
    }


def test_language_detection() -> None:
    assert extract_text("We treat the knees of our patients with care.").language == "en"
    assert extract_text("Tratamos las rodillas de nuestros pacientes con cuidado.").language == "es"
    assert extract_document("<p>   </p>").language == "und"


def test_xml_declaration_and_broken_html_are_parsed() -> None:
    html = '<?xml version="1.0" encoding="utf-8"?><html><body><p>We treat lupus.</p>'
    assert stances(extract_document(html)) == {"lupus": "claimed"}
    unclosed = "<body><ul><li>We treat lupus<li>and psoriasis<p>Book a consultation"
    assert stances(extract_document(unclosed)) == {"lupus": "claimed", "psoriasis": "claimed"}


def test_absurdly_deep_nesting_falls_back_to_tag_stripping() -> None:
    html = "<div>" * 3000 + "<p>We treat lupus. Book a consultation.</p>" + "</div>" * 3000
    assert stances(extract_document(html)) == {"lupus": "claimed"}


def test_plain_text_bullets_tables_and_headings() -> None:
    text = (
        "Conditions we treat:\n- Knee arthritis\n- Lupus\n\n"
        "| Green flag | Red flag |\n|---|---|\n"
        "| Names its regulator | Promises a cure for autism |\n\n"
        "Book a consultation with our medical team."
    )
    doc = extract_text(text)
    assert stances(doc) == {
        "knee-osteoarthritis": "claimed",
        "lupus": "claimed",
        "autism": "disclaimed",
    }
    assert not doc.flags["cure_or_guarantee"]
    assert doc.title == "Conditions we treat:"
