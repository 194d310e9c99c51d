"""Stance of condition mentions: the phenomena of PHENOMENA.md in small pages."""

from __future__ import annotations

from extract import extract_document, extract_text
from tests.extract._helpers import clinic_page, judged, sells, stances


def test_nav_menu_items_are_claimed_on_a_clinic_site() -> None:
    doc = clinic_page(
        '<nav><ul><li><a href="/">Home</a></li><li><a href="/knee">Knee Arthritis</a></li>'
        '<li><a href="/ms">Multiple Sclerosis</a></li></ul></nav><p>Welcome.</p>'
    )
    assert stances(doc) == {"knee-osteoarthritis": "claimed", "multiple-sclerosis": "claimed"}


def test_list_under_treat_heading_inherits_claim() -> None:
    doc = clinic_page(
        "<h2>Conditions we treat</h2><p>Since 2010.</p><ul><li>Lupus</li><li>COPD</li></ul>"
    )
    assert stances(doc) == {"lupus": "claimed", "copd": "claimed"}
    assert {c.cue for c in doc.conditions} == {"conditions we treat"}
    es = clinic_page("<h2>Enfermedades que tratamos</h2><ul><li>Lupus</li></ul>", spanish=True)
    assert es.conditions[0].stance == "claimed"
    assert es.conditions[0].cue == "enfermedades que tratamos"


def test_list_under_do_not_treat_heading_is_disclaimed() -> None:
    doc = clinic_page(
        "<h2>Conditions we treat</h2><ul><li>Knee osteoarthritis</li></ul>"
        "<h2>What we do not treat</h2><ul><li>Autism</li><li>ALS</li></ul>"
    )
    assert stances(doc) == {
        "knee-osteoarthritis": "claimed",
        "autism": "disclaimed",
        "als": "disclaimed",
    }
    assert doc.flags["lists_exclusions"]
    es = clinic_page(
        "<p>No tratamos:</p><ul><li>Autismo</li><li>Parálisis cerebral</li></ul>", spanish=True
    )
    assert stances(es) == {"autism": "disclaimed", "cerebral-palsy": "disclaimed"}


def test_honest_exclusion_sentence_is_disclaimed() -> None:
    doc = clinic_page(
        "<p>We treat knee arthritis.</p>"
        "<p>We do not offer stem cells for autism, ALS or anti-aging.</p>"
    )
    assert stances(doc) == {
        "knee-osteoarthritis": "claimed",
        "autism": "disclaimed",
        "als": "disclaimed",
        "anti-aging": "disclaimed",
    }
    assert doc.conditions[1].cue == "we do not offer"
    assert doc.flags["lists_exclusions"]
    assert doc.evidence["flag:lists_exclusions"].startswith("We do not offer")


def test_spanish_exclusion_sentence_is_disclaimed() -> None:
    doc = clinic_page(
        "<p>No tratamos autismo ni ELA.</p><p>Un paciente con Parkinson no es candidato.</p>",
        spanish=True,
    )
    assert stances(doc) == {
        "autism": "disclaimed",
        "als": "disclaimed",
        "parkinsons-disease": "disclaimed",
    }


def test_clause_break_limits_a_negation() -> None:
    doc = clinic_page("<p>We do not treat autism, but we treat knee arthritis every day.</p>")
    assert stances(doc) == {"autism": "disclaimed", "knee-osteoarthritis": "claimed"}
    es = clinic_page("<p>No tratamos el autismo, pero sí tratamos la artrosis.</p>", spanish=True)
    assert stances(es) == {"autism": "disclaimed", "osteoarthritis": "claimed"}


def test_evidence_hedges_disclaim() -> None:
    doc = clinic_page(
        "<p>Stem cells for Alzheimer's disease are not proven.</p>"
        "<p>There is no evidence that infusions help autism.</p>"
    )
    assert stances(doc) == {"alzheimers-disease": "disclaimed", "autism": "disclaimed"}
    assert not doc.flags["lists_exclusions"]  # a hedge is not an exclusion
    es = clinic_page("<p>El tratamiento del Parkinson no está demostrado.</p>", spanish=True)
    assert stances(es) == {"parkinsons-disease": "disclaimed"}


def test_other_clinics_hype_is_mentioned_not_claimed() -> None:
    doc = clinic_page(
        "<p>Strip-mall clinics promise to cure everything from autism to Alzheimer's.</p>"
        "<p>Fraudsters sold infusions for ALS.</p>"
    )
    assert stances(doc) == {
        "autism": "mentioned",
        "alzheimers-disease": "mentioned",
        "als": "mentioned",
    }
    assert not doc.flags["cure_or_guarantee"]
    es = clinic_page("<p>Otras clínicas prometen curar la diabetes.</p>", spanish=True)
    assert stances(es) == {"type-2-diabetes": "mentioned"}


def test_walk_away_warning_disclaims() -> None:
    doc = clinic_page("<p>Walk away if a clinic promises to treat cerebral palsy.</p>")
    assert stances(doc) == {"cerebral-palsy": "disclaimed"}


def test_trial_and_research_framing_is_mentioned() -> None:
    doc = clinic_page(
        "<p>A phase 1 trial of cord tissue cells in autism began at a university.</p>"
        "<p>Researchers are testing stem cell therapy for heart failure.</p>"
    )
    assert stances(doc) == {"autism": "mentioned", "heart-failure": "mentioned"}
    es = clinic_page("<p>Un ensayo clínico estudia las células madre en la ELA.</p>", spanish=True)
    assert stances(es) == {"als": "mentioned"}


def test_risks_are_mentioned() -> None:
    doc = clinic_page(
        "<p>Donor cells carry a risk of graft-versus-host disease.</p>"
        "<p>Las células de donante tienen riesgo de tumores.</p>"
    )
    assert stances(doc) == {"graft-versus-host-disease": "mentioned", "cancer": "mentioned"}


def test_a_sellers_question_is_its_claim_unless_answered_no() -> None:
    doc = clinic_page(
        "<p>Can stem cells reverse lupus?</p><p>¿Sirven las células madre para el lupus?</p>"
    )
    assert stances(doc) == {"lupus": "claimed"}
    assert doc.conditions[0].cue == "?"
    answered = clinic_page(
        "<h3>Can stem cells reverse autism?</h3><p>There is no evidence that they can.</p>"
    )
    assert stances(answered) == {"autism": "disclaimed"}


def test_plain_offers_are_claimed_with_their_cue() -> None:
    doc = clinic_page(
        "<p>Stem cell therapy for COPD helps you breathe.</p>"
        "<p>Lupus can be treated with our protocol.</p>"
    )
    assert stances(doc) == {"copd": "claimed", "lupus": "claimed"}
    assert doc.conditions[0].cue == "stem cell therapy for"


def test_testimonial_is_a_claim() -> None:
    doc = clinic_page(
        "<blockquote>After two infusions my MS symptoms faded. — Laura, 41</blockquote>"
    )
    assert stances(doc) == {"multiple-sclerosis": "claimed"}
    assert doc.flags["testimonials"]


def test_not_a_cure_beside_an_offer_is_still_claimed() -> None:
    doc = clinic_page(
        "<h1>Joint injections</h1><p>Injections never cure arthritis, but they ease the pain.</p>"
        "<p>We offer injections for arthritic knees.</p>"
    )
    assert stances(doc) == {"osteoarthritis": "claimed", "knee-osteoarthritis": "claimed"}
    assert not doc.flags["cure_or_guarantee"]


def test_disclaimer_then_the_sale() -> None:
    doc = clinic_page(
        "<p>No treatment is approved in Europe.</p><p>In our partner clinic abroad, patients with "
        "cerebral palsy and autism see an 80% success rate.</p>"
    )
    assert stances(doc) == {"cerebral-palsy": "claimed", "autism": "claimed"}


def test_strongest_stance_wins_and_first_appearance_order() -> None:
    doc = clinic_page(
        "<p>Researchers study lupus.</p><p>We do not treat ALS.</p>"
        "<p>We treat lupus with infusions.</p><p>Researchers study ALS.</p>"
    )
    assert [(c.slug, c.stance) for c in doc.conditions] == [
        ("lupus", "claimed"),
        ("als", "disclaimed"),
    ]
    assert doc.conditions[0].quote == "We treat lupus with infusions."
    assert doc.conditions[1].quote == "We do not treat ALS."


def test_news_page_claims_nothing() -> None:
    html = """<html><head><title>Clinic raided</title>
    <script type="application/ld+json">{"@context": "https://schema.org", "@type": "NewsArticle",
     "headline": "Clinic raided"}</script></head><body>
    <p class="byline">By Ana Pérez, staff reporter. Published March 3, 2026.</p>
    <p>The clinic said: "We treat multiple sclerosis and Parkinson's with stem cells."</p>
    <ul><li>Autism</li></ul></body></html>"""
    doc = extract_document(html, url="https://news.example/2026/raid")
    assert not sells(doc)
    assert judged(doc) == {
        "multiple-sclerosis": "mentioned",
        "parkinsons-disease": "mentioned",
        "autism": "mentioned",
    }


def test_long_sentences_are_quoted_in_300_chars_around_the_match() -> None:
    filler = "Our clinic has a long history of careful and friendly care for everyone " * 6
    doc = extract_text(f"{filler} and today we treat lupus with our protocol {filler}.")
    quote = doc.conditions[0].quote
    assert len(quote) <= 300
    assert "lupus" in quote


def test_sub_headings_keep_the_section_stance() -> None:
    doc = clinic_page(
        "<h2>What we do not treat</h2><h3>Neurological</h3><ul><li>ALS</li></ul>"
        "<h2>Treatments</h2><h3>Autoimmune</h3><ul><li>Lupus</li></ul>"
    )
    assert stances(doc) == {"als": "disclaimed", "lupus": "claimed"}
    assert doc.conditions[1].cue == "treatments"


def test_contrast_with_other_clinics_is_about_us() -> None:
    doc = clinic_page("<p>Unlike other clinics, we treat knee arthritis honestly.</p>")
    assert stances(doc) == {"knee-osteoarthritis": "claimed"}


def test_warning_letter_quote_on_a_regulator_site_is_mentioned() -> None:
    html = (
        "<p>Your website states: we treat knee injuries such as ligament tears and cartilage "
        "damage.</p><p>Book a consultation.</p>"
    )
    doc = extract_document(html, url="https://www.fda.gov/inspections/warning-letters/acme")
    assert not sells(doc)
    assert set(judged(doc).values()) == {"mentioned"}


def test_a_verdict_in_the_next_sentence_disclaims_others_promises_and_questions() -> None:
    doc = clinic_page("<p>Some clinics promise to cure autism. Walk away.</p>")
    assert stances(doc) == {"autism": "disclaimed"}
    assert doc.conditions[0].cue == "walk away"
    es = clinic_page(
        "<h3>¿Sirven las células madre para el autismo?</h3>"
        "<p>Hoy no existe evidencia suficiente y no ofrecemos ese tratamiento.</p>",
        spanish=True,
    )
    assert stances(es) == {"autism": "disclaimed"}
    # A next sentence naming a condition of its own speaks for that one only.
    kept = clinic_page("<p>Some patients ask us about dementia. We do not treat ALS.</p>")
    assert stances(kept) == {"dementia": "mentioned", "als": "disclaimed"}


def test_spanish_evidence_hedges_and_candidacy_disclaim() -> None:
    doc = clinic_page(
        "<p>La evidencia actual no respalda el uso de células madre para la ELA.</p>"
        "<p>Los pacientes con cáncer activo no son candidatos para el procedimiento.</p>"
        "<p>Las personas con lupus tampoco son buenos candidatos.</p>",
        spanish=True,
    )
    assert stances(doc) == {"als": "disclaimed", "cancer": "disclaimed", "lupus": "disclaimed"}


def test_prose_under_a_testimonials_heading_is_the_clinics_claim() -> None:
    doc = clinic_page(
        "<h1>Casos de éxito</h1><blockquote><p>Mi hijo con autismo ahora habla.</p></blockquote>",
        spanish=True,
    )
    assert stances(doc) == {"autism": "claimed"}
    assert doc.conditions[0].cue == "casos de exito"


def test_a_whole_sentence_in_a_list_item_reads_as_prose() -> None:
    doc = clinic_page(
        "<ul><li>You will see many promises online about autism spectrum disorder and what "
        "cells might do for it.</li><li>Lupus</li></ul>"
    )
    assert stances(doc) == {"autism": "mentioned", "lupus": "claimed"}


def test_each_finding_points_at_its_sentence_in_the_page_text() -> None:
    doc = clinic_page(
        "<h2>Conditions we treat</h2><ul><li>Lupus</li></ul>"
        "<p>Our results are good. We do not treat autism or ALS.</p>"
    )
    for finding in doc.conditions:
        assert doc.text[finding.start : finding.end] == finding.quote
    autism = next(c for c in doc.conditions if c.slug == "autism")
    assert autism.quote == "We do not treat autism or ALS."
    assert autism.cue == "we do not treat"


def test_json_ld_offers_are_read_but_articles_are_not() -> None:
    data = (
        '{"@context": "https://schema.org", "@type": "MedicalClinic", "name": "Cedar",'
        ' "availableService": [{"@type": "MedicalProcedure",'
        ' "name": "Stem cell injection for hip osteoarthritis"},'
        ' {"@type": "Offer", "description": "IV infusions for lupus from $3,000"}]}'
    )
    article = '{"@type": "NewsArticle", "headline": "x", "name": "Clinic treats autism"}'
    doc = clinic_page(
        f'<script type="application/ld+json">{data}</script>'
        f'<script type="application/ld+json">{article}</script>'
        "<h2>What we do not treat</h2><ul><li>ALS</li></ul>"
    )
    assert stances(doc) == {"als": "disclaimed", "osteoarthritis": "claimed", "lupus": "claimed"}
    lupus = next(c for c in doc.conditions if c.slug == "lupus")
    assert doc.text[lupus.start : lupus.end] == "IV infusions for lupus from $3,000"


def test_coordinated_joints_claim_both_conditions_and_referrals_disclaim() -> None:
    doc = clinic_page("<p>We treat knee and hip osteoarthritis with fat-derived cells.</p>")
    assert stances(doc) == {"knee-osteoarthritis": "claimed", "osteoarthritis": "claimed"}
    es = clinic_page("<p>Tratamos la artrosis de cadera y de rodilla.</p>", spanish=True)
    assert stances(es) == {"knee-osteoarthritis": "claimed", "osteoarthritis": "claimed"}
    referral = clinic_page("<p>Severe bone-on-bone knees are better served by a surgeon.</p>")
    assert stances(referral) == {"knee-osteoarthritis": "disclaimed"}


def test_generic_arthritis_on_a_knee_page_is_the_knee_claim() -> None:
    knee_page = clinic_page(
        "<h1>Stem cells for knee pain</h1><p>Most adults with knee pain have arthritis.</p>"
        "<p>Our injections ease arthritis for years.</p>"
    )
    assert stances(knee_page) == {"knee-osteoarthritis": "claimed"}
    sentence = clinic_page("<p>We treat joint pain and injuries, including arthritic knees.</p>")
    assert stances(sentence) == {"knee-osteoarthritis": "claimed"}
    other_joints = clinic_page(
        "<p>We treat arthritic knees.</p><p>We also treat hip arthritis.</p>"
    )
    assert stances(other_joints) == {"knee-osteoarthritis": "claimed", "osteoarthritis": "claimed"}


def test_a_page_that_refutes_what_it_reports_disclaims_the_promises() -> None:
    alert = extract_document(
        "<nav><ul><li>World</li><li>Opinion</li></ul></nav>"
        "<p>The company deceptively claimed its injections could treat lupus.</p>"
        "<p>The patients had a range of diseases, such as COPD.</p>"
    )
    assert alert.refutes and not sells(alert)
    assert judged(alert) == {"lupus": "disclaimed", "copd": "mentioned"}
    report = extract_document(
        "<nav><ul><li>World</li><li>Opinion</li></ul></nav>"
        "<p>The director said their injections can treat lupus, according to the clinic.</p>"
    )
    assert not report.refutes and judged(report) == {"lupus": "mentioned"}


def test_a_condition_named_as_anothers_background_is_mentioned() -> None:
    doc = clinic_page(
        "<p>We treat spinal cord injury with stem cells.</p>"
        "<p>A spinal cord injury frequently brings paralysis and chronic pain for life.</p>"
        "<p>Neuropathy is common in long-standing diabetes.</p>"
        "<p>We see arthritis, back pain and chronic pain every week.</p>"
    )
    assert stances(doc) == {
        "spinal-cord-injury": "claimed",
        "chronic-pain": "claimed",  # listed with arthritis and back pain: an item, not a symptom
        "neuropathy": "claimed",  # neither of the two is sold elsewhere: both read as offers
        "type-2-diabetes": "claimed",
        "osteoarthritis": "claimed",
        "back-pain": "claimed",
    }
    neuropathy = clinic_page(
        "<p>We treat neuropathy.</p><p>Neuropathy is common in long-standing diabetes.</p>"
    )
    assert stances(neuropathy) == {"neuropathy": "claimed", "type-2-diabetes": "mentioned"}
    background = clinic_page(
        "<p>We treat spinal cord injury.</p>"
        "<p>A spinal cord injury often brings paralysis and chronic pain.</p>"
    )
    assert stances(background)["chronic-pain"] == "mentioned"


def test_words_inside_a_condition_name_frame_nothing() -> None:
    doc = clinic_page(
        "<p>Stem cells can treat lung damage caused by COVID-19 and other lung conditions.</p>"
    )
    assert stances(doc) == {"ards": "claimed", "copd": "claimed"}


def test_contraindications_diagnosis_and_history_are_not_offers() -> None:
    doc = clinic_page(
        "<p>Contraindicaciones: precaución en pacientes con antecedentes de neoplasias.</p>"
        "<p>El diagnóstico se basa en la resonancia, que muestra la rotura de menisco.</p>",
        spanish=True,
    )
    assert stances(doc) == {"cancer": "mentioned", "meniscus-tear": "mentioned"}


def test_a_news_page_that_disclaims_a_condition_keeps_that_stance() -> None:
    html = """<html><head><title>Stem cell quackery</title></head><body>
    <p class="byline">By Ana Pérez, staff reporter. Published March 3, 2026.</p>
    <p>One woman in the audience said she has had diabetes for 25 years.</p>
    <p>There is no evidence that stem cells cure diabetes.</p></body></html>"""
    doc = extract_document(html, url="https://news.example/2026/quackery")
    assert not sells(doc)
    assert stances(doc) == {"type-2-diabetes": "claimed"}  # the page's own, strongest stance
    assert judged(doc) == {"type-2-diabetes": "disclaimed"}


def test_a_promise_told_about_its_victim_is_others() -> None:
    doc = clinic_page(
        "<p>Un fisioterapeuta trató a un menor con parálisis cerebral, a quien aseguró que "
        "volvería a caminar.</p>",
        spanish=True,
    )
    assert stances(doc) == {"cerebral-palsy": "mentioned"}


def test_a_sellers_own_offer_framed_as_a_trial_is_claimed() -> None:
    doc = clinic_page(
        "<p>At present Clínica Norte uses stem cell therapy, under clinical-trial use approved "
        "by an ethics committee, to treat stroke.</p>"
        "<p>A clinical trial of cord cells in autism began at a university.</p>"
    )
    assert stances(doc) == {"stroke": "claimed", "autism": "mentioned"}


def test_a_blog_posts_tags_offer_nothing() -> None:
    doc = clinic_page("<p>By Dr. Ruiz · June 17, 2011 · Tags: Aging Skin, Hair Loss</p>")
    assert stances(doc) == {"skin-rejuvenation": "mentioned", "hair-loss": "mentioned"}


def test_a_reference_lists_study_titles_are_mentions() -> None:
    doc = clinic_page(
        "<p>We treat knee osteoarthritis.</p><h3>References</h3><p>Miao, C., Lei, M. (2015). "
        "Use of Mesenchymal Stem Cells for Therapy of Cardiac Disease. Int J Mol Sci, 16(8), "
        "17445-17462.</p>"
    )
    assert stances(doc) == {"knee-osteoarthritis": "claimed", "heart-failure": "mentioned"}


def test_a_patients_medical_history_is_not_the_clinics() -> None:
    doc = clinic_page(
        "<p>Our clinic has a long history of treating multiple sclerosis.</p>"
        "<p>Patients with a history of cancer are screened first.</p>"
    )
    assert stances(doc) == {"multiple-sclerosis": "claimed", "cancer": "mentioned"}
