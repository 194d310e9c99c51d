"""Stance rules found on real pages, each tested on sentences quoted from them (page ids in the
comments; ``tests/extract/realworld`` unless marked shared)."""

from __future__ import annotations

from extract import extract_document
from tests.extract._helpers import clinic_page, judged, sells, stances


def test_a_statistic_about_a_disease_is_a_mention() -> None:
    # a003: a cost comparison on a back-pain clinic's blog
    doc = clinic_page(
        "<p>We treat chronic lower back pain with bone marrow stem cells.</p>"
        "<p>In 2016 the country spent $134.5 billion on it, more than on diabetes, heart "
        "disease or hypertension.</p>"
    )
    assert stances(doc) == {
        "back-pain": "claimed",
        "type-2-diabetes": "mentioned",
        "heart-failure": "mentioned",
    }


def test_who_gets_a_disease_is_a_mention_but_a_sellers_offer_stays_a_claim() -> None:
    # a011: "particularly in ageing populations and among people with diabetes"
    doc = clinic_page(
        "<p>Peripheral neuropathy is becoming more common, particularly in ageing populations "
        "and among people with diabetes.</p>"
    )
    assert stances(doc)["type-2-diabetes"] == "mentioned"
    offer = clinic_page("<p>We treat neuropathy, which affects 20 million people.</p>")
    assert stances(offer) == {"neuropathy": "claimed"}


def test_a_drug_class_named_by_its_disease_is_a_mention() -> None:
    # a011: "some cancer drugs are toxic to nerves"
    doc = clinic_page("<p>Chemotherapy: some cancer drugs are toxic to nerves.</p>")
    assert stances(doc) == {"cancer": "mentioned"}


def test_incurable_describes_the_disease_not_the_treatment() -> None:
    # e015 (a news page): "Autism, cerebral palsy, multiple sclerosis: all incurable diseases."
    doc = clinic_page("<p>Autism, cerebral palsy, multiple sclerosis: all incurable diseases.</p>")
    assert set(stances(doc).values()) == {"mentioned"}
    es = clinic_page("<p>La ELA no tiene cura.</p>", spanish=True)
    assert stances(es) == {"als": "mentioned"}


def test_current_treatments_are_not_the_sellers_but_its_candidates_are() -> None:
    # a010: "Most current treatments, such as pain medicines and lidocaine patches, work for
    # pain relief"; d006: candidates "who have exhausted conventional treatment"
    doc = clinic_page(
        "<p>Current treatments for neuropathy only mask the pain.</p>"
        "<p>Who might consider this: patients with knee osteoarthritis who have exhausted "
        "conventional treatment.</p>"
    )
    assert stances(doc) == {"neuropathy": "mentioned", "knee-osteoarthritis": "claimed"}


def test_tumor_markers_are_a_test_not_a_treatment() -> None:
    # a035: a glossary entry on a clinic site
    doc = clinic_page("<p>Tumor Markers: substances, often proteins, produced by cancer cells.</p>")
    assert stances(doc) == {"cancer": "mentioned"}


def test_reported_speech_and_the_imperfect_report_another_sellers_promise() -> None:
    # c031: "They even said the interventions could "reverse autism symptoms" and cure
    # blindness." e021: "La clínica alemana XCell curaba desde el párkinson hasta la ceguera"
    doc = clinic_page(
        '<p>They even said the interventions could "reverse autism symptoms".</p>'
        "<p>La clínica alemana XCell curaba desde el párkinson hasta la ceguera.</p>"
    )
    assert stances(doc) == {
        "autism": "mentioned",
        "parkinsons-disease": "mentioned",
        "macular-degeneration": "mentioned",
    }


def test_no_adequate_trial_evidence_refutes_the_ads() -> None:
    # shared 083: slogans quoted from ads, then "no adequate clinical-trial evidence"
    doc = clinic_page(
        '<p>You have probably seen the ads — "the future of anti-aging".</p>'
        "<p>What is sold directly to consumers, with no FDA approval and no adequate "
        "clinical-trial evidence, is another matter.</p>"
    )
    assert stances(doc) == {"anti-aging": "disclaimed"}


def test_the_publishers_name_is_a_brand_not_a_claim() -> None:
    # c003 "Shop | Supreme Rejuvenation"; shared 015 "© Hall Longevity Clinic"
    html = (
        "<html><head><title>Shop | Supreme Rejuvenation</title></head><body>"
        "<ul><li>Stem Cell Exosome Gel</li></ul>"
        "<footer><p>© Hall Longevity Clinic · Privacy</p></footer></body></html>"
    )
    assert extract_document(html).conditions == []
    # a last title part made only of condition names is the page's topic
    topic = "<html><head><title>Stem cells | Knee Arthritis</title></head><body></body></html>"
    assert judged(extract_document(topic)) == {"knee-osteoarthritis": "claimed"}


def test_a_patient_who_told_the_doctor_is_no_newspapers_source() -> None:
    # a023: a clinic's case report ("his father told the doctor the boy had trouble getting
    # up"); "told the Times" stays a newspaper's attribution
    story = clinic_page(
        "<p>His father told the doctor the boy kept falling when he ran.</p>"
        "<p>He received bone marrow cell grafting for muscular dystrophy.</p>"
    )
    assert not any(c.side == "other" for c in story.page_cues)
    news = extract_document("<p>The director told the Times that the clinic had closed.</p>")
    assert any(c.side == "other" for c in news.page_cues)


def test_a_class_named_for_its_members_is_not_a_condition_of_its_own() -> None:
    # e009 "[C]ombat inflammatory conditions such as arthritis"; b009 "enfermedades
    # inflamatorias como la artritis reumatoide"
    doc = clinic_page("<p>Our cells combat inflammatory conditions such as arthritis.</p>")
    assert stances(doc) == {"osteoarthritis": "claimed"}
    es = clinic_page(
        "<p>También será útil en enfermedades inflamatorias como la artritis reumatoide.</p>",
        spanish=True,
    )
    assert stances(es) == {"rheumatoid-arthritis": "claimed"}
    # without an example word the two stay two conditions
    both = clinic_page("<p>We treat inflammatory conditions and arthritis.</p>")
    assert set(stances(both)) == {"chronic-pain", "osteoarthritis"}


def test_blood_cancers_in_spanish_are_the_established_use() -> None:
    # e012: "eran sobre todo los casos de cáncer de la sangre los que parecían responder bien"
    doc = clinic_page(
        "<p>Eran sobre todo los casos de cáncer de la sangre los que parecían responder bien "
        "al tratamiento con células madre.</p>",
        spanish=True,
    )
    assert stances(doc) == {"cancer": "mentioned"}


def test_ageing_in_a_paragraph_about_the_skin_is_the_skins() -> None:
    # d025: "los factores que desencadenan el envejecimiento prematuro" in a paragraph that
    # speaks of the skin two sentences later
    doc = clinic_page(
        "<p>Estas células madre están expuestas a los factores que desencadenan el "
        "envejecimiento prematuro. Las funciones de la piel se deterioran y aparecen "
        "arrugas.</p>",
        spanish=True,
    )
    assert stances(doc) == {"skin-rejuvenation": "claimed"}


def test_arthritis_beside_another_joint_is_not_only_the_knees() -> None:
    # a024: "to successfully treat patients with degenerative arthritis (knee and shoulder)"
    doc = clinic_page(
        "<h1>Stem Cell Therapy for Knee Pain, Arthritis, Tendonitis</h1>"
        "<p>Injections successfully treat patients with degenerative arthritis (knee and "
        "shoulder).</p>"
    )
    assert stances(doc) == {
        "knee-osteoarthritis": "claimed",
        "osteoarthritis": "claimed",
        "tendon-injury": "claimed",
    }
    knee_only = clinic_page("<h1>Knee Pain</h1><p>We treat degenerative arthritis.</p>")
    assert stances(knee_only) == {"knee-osteoarthritis": "claimed"}


def test_sacroiliac_joint_pain_is_back_pain() -> None:
    # a002: "Sacroiliac joint pain" in a list of spine conditions treated
    doc = clinic_page("<h2>What Conditions are Treated</h2><ul><li>Sacroiliac joint pain</li></ul>")
    assert stances(doc) == {"back-pain": "claimed"}


def test_a_generic_joint_name_in_a_sentence_about_the_knee_is_knee_osteoarthritis() -> None:
    # e008: "an unloader brace can open the joint space that is bone on bone" (the knee);
    # a014: "'bone on bone' arthritis" with no knee named is osteoarthritis
    doc = clinic_page(
        "<p>In the medial compartment of the knee, a brace can open the joint space that is "
        "bone on bone, and we add stem cells.</p>"
    )
    assert stances(doc) == {"knee-osteoarthritis": "claimed"}
    foot = clinic_page('<p>We treat "bone on bone" arthritis of the foot.</p>')
    assert stances(foot) == {"osteoarthritis": "claimed"}
    es = clinic_page("<ul><li>Rodilla (artrosis)</li><li>Hombro y rodilla (artrosis)</li></ul>")
    assert stances(es) == {"knee-osteoarthritis": "claimed", "osteoarthritis": "claimed"}


def test_neuropathic_pain_after_a_spinal_cord_injury_is_its_symptom() -> None:
    # b007: "Reducir el dolor neuropático" among a spinal cord injury's expected gains
    doc = clinic_page(
        "<h2>Lesión de la médula espinal</h2><ul><li>Reducir el dolor neuropático</li>"
        "<li>Reducir la espasticidad</li></ul>",
        spanish=True,
    )
    assert stances(doc) == {"spinal-cord-injury": "claimed"}
    alone = clinic_page("<p>Tratamos el dolor neuropático.</p>", spanish=True)
    assert stances(alone) == {"neuropathy": "claimed"}


def test_a_dose_of_cells_is_the_treatments_not_a_statistic() -> None:
    # pattern 15 ("250 million cells per session"): the "million" of a statistic (a003) must
    # not turn a seller's dose into background
    doc = clinic_page("<p>Each session delivers 100 million cells for knee osteoarthritis.</p>")
    assert stances(doc) == {"knee-osteoarthritis": "claimed"}
    es = clinic_page(
        "<p>100 millones de células madre para la artrosis de rodilla.</p>", spanish=True
    )
    assert stances(es) == {"knee-osteoarthritis": "claimed"}
    most = clinic_page("<p>Our most common treatments are for knee arthritis.</p>")
    assert stances(most) == {"knee-osteoarthritis": "claimed"}


def test_stem_cells_for_the_knees_are_for_knee_osteoarthritis() -> None:
    # e011 "Tratamiento con células madre para las rodillas"; b010 "¿Cuánto cuesta una sesión
    # de células madre para la rodilla?"; an injury is named as one ("lesión de rodilla")
    es = clinic_page(
        "<h1>Tratamiento con células madre para las rodillas</h1>"
        "<p>Si piensa en este tratamiento para una lesión de rodilla, pida cita.</p>",
        spanish=True,
    )
    assert stances(es) == {"knee-osteoarthritis": "claimed", "sports-injury": "claimed"}
    en = clinic_page("<p>Stem cell injections for your knees, at our clinic.</p>")
    assert stances(en) == {"knee-osteoarthritis": "claimed"}


def test_a_society_named_is_attribution_not_a_societys_own_page() -> None:
    # f022: a clinic's page quoting "el presidente de la Sociedad Argentina de Cirugía
    # Plástica"; a society's own position statement stays strong evidence
    quoted = clinic_page(
        "<p>Según contó el presidente de la Sociedad Argentina de Cirugía Plástica, la demanda "
        "creció.</p>",
        spanish=True,
    )
    assert {(c.phrase, c.weight) for c in quoted.page_cues if c.side == "other"} <= {
        ("la sociedad", 1),
        ("segun", 1),
    }
    statement = extract_document("<p>This position statement was approved by the board.</p>")
    assert {c.weight for c in statement.page_cues if c.side == "other"} == {2}


def test_advice_against_a_treatment_disclaims_it() -> None:
    # g015: "Autologous stem cell therapy is not recommended for the treatment of COPD"
    doc = clinic_page(
        "<p>Autologous stem cell therapy is not recommended for the treatment of COPD.</p>"
    )
    assert stances(doc) == {"copd": "disclaimed"}
    es = clinic_page(
        "<p>La terapia con células madre no se recomienda para el autismo.</p>", spanish=True
    )
    assert stances(es) == {"autism": "disclaimed"}


def test_a_diseases_symptoms_are_not_what_is_treated() -> None:
    # f034: "Common Symptoms Include:" over "Fever, hair loss or mouth ulcers" on a lupus page
    doc = clinic_page(
        "<p>We treat lupus with umbilical cord cells.</p><h3>Common Symptoms Include:</h3>"
        "<ul><li>Fever, hair loss or mouth ulcers</li></ul>"
    )
    assert stances(doc) == {"lupus": "claimed", "hair-loss": "mentioned"}


def test_the_spanish_perfect_of_research_is_research() -> None:
    # f042: "las células madre se han estudiado como posible estrategia de tratamiento para
    # muchas enfermedades, como la diabetes"
    doc = clinic_page(
        "<p>Las células madre se han estudiado como posible estrategia de tratamiento para "
        "muchas enfermedades, como la diabetes.</p>",
        spanish=True,
    )
    assert stances(doc) == {"type-2-diabetes": "mentioned"}


def test_a_magazines_or_a_forums_menu_is_a_publishers() -> None:
    # f010 (Medical Tourism Magazine: "Magazine · Destinations · Treatments · Subscribe"),
    # f045 (a community forum: "Forums · What's new · Members")
    magazine = extract_document(
        "<nav><ul><li>Magazine</li><li>Treatments</li><li>Subscribe</li></ul></nav>"
        "<p>ProgenCell provides stem cell therapies for Parkinson's disease.</p>"
    )
    forum = extract_document(
        "<nav><ul><li>Forums</li><li>What's new</li><li>Members</li></ul></nav>"
        "<p>Cord blood may one day treat multiple sclerosis.</p>"
    )
    assert not sells(magazine)
    assert not sells(forum)


def test_an_institution_named_after_a_disease_offers_nothing() -> None:
    # g006: "According to the National Institute of Diabetes and Digestive Kidney Diseases";
    # g013: "Filatov Institute of Eye Diseases"; a028: "Anti-Aging Medicine conference"
    doc = clinic_page(
        "<p>According to the National Institute of Diabetes and Digestive Kidney Diseases, "
        "about 12 percent of men are affected.</p>"
        "<p>I went to the Aesthetics in Plastic Surgery/Anti-Aging Medicine conference.</p>"
        "<p>La Asociación Española contra el Cáncer informa.</p>"
    )
    assert set(stances(doc).values()) == {"mentioned"}
    # the same words, not a name, stay a seller's claim
    offer = clinic_page("<p>We treat Diabetes and Kidney Disease.</p>")
    assert stances(offer) == {"type-2-diabetes": "claimed", "kidney-disease": "claimed"}


def test_a_list_of_injured_tissues_names_each_tissues_injury() -> None:
    # f036: "injuries to tendons, ligaments, bones, muscles, spinal discs, the menisci of the
    # knee, cartilage and other musculoskeletal tissues"; f020: "tejidos dañados, como
    # cartílagos, ligamentos y tendones"
    doc = clinic_page(
        "<p>It is especially helpful for injuries to tendons, ligaments, bones, muscles, spinal "
        "discs, the menisci of the knee, cartilage and other musculoskeletal tissues.</p>"
    )
    assert stances(doc) == dict.fromkeys(
        [
            "tendon-injury",
            "ligament-injury",
            "bone-healing",
            "sports-injury",
            "spinal-disc-disease",
            "meniscus-tear",
            "cartilage-injury",
        ],
        "claimed",
    )
    es = clinic_page(
        "<p>Buscan reconstruir tejidos dañados, como cartílagos, ligamentos y tendones.</p>",
        spanish=True,
    )
    assert set(stances(es)) == {"cartilage-injury", "ligament-injury", "tendon-injury"}
    # tissues a cell can become are no injury
    cells = clinic_page("<p>Mesenchymal cells can become bone, cartilage, muscle and fat.</p>")
    assert stances(cells) == {}


def test_purposes_coordinated_with_for_are_one_list() -> None:
    # f036: "for degenerative conditions such as some forms of arthritis, and for sports
    # injuries and trauma" names two offers, not one as the other's background
    doc = clinic_page(
        "<p>Our therapies work well for some forms of arthritis, and for sports injuries.</p>"
        "<p>We treat sports injuries.</p>"
    )
    assert stances(doc) == {"osteoarthritis": "claimed", "sports-injury": "claimed"}


def test_a_donors_screening_names_no_condition_treated() -> None:
    # h006: a hair practice's blog on exosomes from screened donors
    doc = clinic_page(
        "<p>We offer exosome therapy for hair loss.</p>"
        "<p>Although exosomes are regarded as an acellular material, the tissue donors are"
        " tracked and screened for HIV and hepatitis B and C.</p>"
    )
    assert stances(doc) == {"hair-loss": "claimed", "hiv": "mentioned"}


def test_a_diseases_symptoms_told_in_prose_are_not_what_is_treated() -> None:
    # h012: a stem cell provider's blog on lupus
    doc = clinic_page(
        "<p>We treat refractory lupus with mesenchymal stem cells.</p>"
        "<p>Common symptoms include joint pain, fatigue, skin rashes and inflammation in organs"
        " such as the kidneys, heart, brain and lungs.</p>"
    )
    assert stances(doc) == {"lupus": "claimed", "osteoarthritis": "mentioned"}


def test_a_diseases_causes_are_not_what_is_treated() -> None:
    # i004: a Mexican clinic's page on stem cells for kidney failure
    doc = clinic_page(
        "<p>Tratamos la insuficiencia renal crónica con células madre.</p>"
        "<p>Puede deberse a varias causas, como la diabetes, la hipertensión, la"
        " glomerulonefritis o la enfermedad poliquística renal.</p>",
        spanish=True,
    )
    assert stances(doc) == {"kidney-disease": "claimed", "type-2-diabetes": "mentioned"}


def test_a_sentence_going_on_with_the_trials_before_it_lists_trials() -> None:
    # i036: a cord bank's page lists the conditions of trials under way
    doc = clinic_page(
        "<p>Hundreds of clinical trials are also under way using cord blood for regenerative"
        " medicine and other uses. Some of them involve Autism, Cerebral Palsy and Stroke.</p>"
        "<p>Some of them involve knee osteoarthritis, which we treat.</p>"
    )
    assert stances(doc) == {
        "autism": "mentioned",
        "cerebral-palsy": "mentioned",
        "stroke": "mentioned",
        "knee-osteoarthritis": "claimed",
    }


def test_a_cord_banks_list_of_transplant_indications_is_the_established_use() -> None:
    # i039: a cord blood bank's page
    doc = clinic_page(
        "<p>Umbilical cord blood is used today to treat more than 70 life-threatening diseases,"
        " including oncologic disorders, bone marrow failures, hematologic disorders, metabolic"
        " disorders and immune deficiencies.</p>"
    )
    assert stances(doc) == {"cancer": "mentioned"}
