"""Page type from who speaks and who publishes: the site's name, its menu, its voice.

Every sentence, menu and title is quoted from a real-world page of tests/extract/realworld
(the page id is in the comment); each page was misjudged before these cues existed.
"""

from __future__ import annotations

from extract import DocumentExtraction, extract_document
from tests.extract._helpers import judged, sells


def page(title: str, nav: list[str], *paragraphs: str) -> DocumentExtraction:
    """A page as published: its title, its menu and its text."""
    menu = "".join(f"<li>{item}</li>" for item in nav)
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return extract_document(
        f"<html><head><title>{title}</title></head>"
        f"<body><nav><ul>{menu}</ul></nav>{body}</body></html>"
    )


def cues(doc: DocumentExtraction) -> set[tuple[str, str]]:
    return {(c.side, c.phrase) for c in doc.page_cues}


def test_the_site_name_after_the_headline_tells_who_publishes() -> None:
    # f010: a trade magazine's article about three Mexican clinics
    magazine = page(
        "Stem Cell Therapy in Mexico: Understanding the Regulations and Treatment Options"
        " | Medical Tourism Magazine",
        ["Magazine", "Destinations", "Treatments", "Subscribe"],
        "Mexico has many clinics offering stem cell therapies, often for a fraction of what they"
        " cost in other countries.",
        "Stem Cell Mexico: this Cancun clinic offers a broad range of stem cell therapies,"
        " including treatments for autism, diabetes and spinal cord injuries.",
    )
    assert {("other", "site name: magazine"), ("other", "menu: magazine")} <= cues(magazine)
    assert ("other", "many clinics") in cues(magazine)
    assert not sells(magazine)
    assert judged(magazine)["autism"] == "mentioned"
    # f022: a surgeons' site republishing a newspaper's story, reported speech and all
    surgeons = page(
        "Aplican una innovadora técnica con células madres en cirugías plásticas"
        " | JP Cirujanos Plásticos",
        [],
        "En Salta se hicieron tres operaciones de este tipo y dos en Buenos Aires, según contó"
        " Javier Vera Cucchiaro.",
    )
    assert ("seller", "site name: cirujanos") in cues(surgeons)
    # A title of one part may be a headline alone: it names no publisher.
    assert not any(p.startswith("site name") for _, p in cues(page("Medical Tourism Magazine", [])))


def test_a_surgical_practice_menu_outweighs_the_news_story_it_republishes() -> None:
    # f022, with its menu and the reporter's attributions
    republished = page(
        "Aplican una innovadora técnica con células madres en cirugías plásticas"
        " | JP Cirujanos Plásticos",
        ["Inicio", "Cirugías", "Tratamientos", "Novedades", "Contacto"],
        "En Salta se hicieron tres operaciones de este tipo y dos en Buenos Aires, según contó"
        " Javier Vera Cucchiaro, presidente de la Sociedad Argentina de Cirugía Plástica,"
        " Estética y Reparadora (Sacper).",
        "Es un injerto de grasa enriquecido con células madres que no es ajeno al cuerpo,"
        " explicó Vera Cucchiaro.",
    )
    assert ("seller", "menu: cirugias") in cues(republished)
    assert sells(republished)


def test_a_forum_and_a_lifestyle_portal_publish_no_offer() -> None:
    # f045: a community forum post reproducing a cord bank's text, no other cue either way
    forum = page(
        "Benefits of Cord Blood | Penmai Community Forum",
        ["Forums", "What's new", "Members", "Log in", "Register"],
        "Doctors have infused stem cells into patients with MS and shown mild improvement in"
        " their disease.",
    )
    assert ("other", "menu: forums") in cues(forum)
    assert not sells(forum)
    # f013: a travel and lifestyle portal; "precios" is the reader's concern, not an offer
    portal = page(
        "Turismo médico y terapia con células madre | Pueblos México",
        ["Destinos", "Pueblos Mágicos", "Gastronomía", "Estilo de vida"],
        "En los últimos años el turismo médico ha crecido de forma notable en todo el mundo,"
        " empujado por la búsqueda de tratamientos avanzados, precios más asequibles y una"
        " atención personalizada.",
        "Hoy la terapia con células madre se usa para tratar enfermedades neurodegenerativas,"
        " lesiones de médula espinal, diabetes, artritis y esclerosis múltiple.",
    )
    assert not sells(portal)
    assert "claimed" not in judged(portal).values()


def test_providers_surveyed_in_the_third_person_are_someone_elses_offer() -> None:
    # f017: a parent's information site on how to choose an autism clinic
    guide = page(
        "How to choose a clinic | Stem Cells & Autism",
        ["Home", "How to choose a clinic", "Contact"],
        "All over the world there are clinics that give stem cell therapy to children with autism.",
        "The number of stem cells given per kg - usually between 2 million and 6 million cells"
        " per kg. Some places will offer more cells.",
        "Price - prices for stem cell treatment vary widely, depending on things like the"
        " country where it is given. A treatment can cost anywhere from $3,000 to $20,000.",
    )
    assert {("other", "clinics that give"), ("other", "some places")} <= cues(guide)
    assert ("other", "can cost anywhere from") in cues(guide)
    assert not sells(guide)
    # f031: a health blog's price guide, advising readers to pick among providers
    price_guide = page(
        "Stem Cell Therapy Cost in India | Complete Health Tip",
        ["Home", "Health", "Treatments", "Costs"],
        "For a good outcome, it is important to see reputable healthcare providers and to weigh"
        " all the costs involved.",
    )
    assert ("other", "see reputable healthcare providers") in cues(price_guide)
    assert not sells(price_guide)


def test_a_shop_cart_and_a_price_plan_menu_keep_a_seller_that_surveys_others() -> None:
    # a004: a treatment marketplace's price page, with its shopping cart
    marketplace = page(
        "Stem Cell Therapy Cost in USA 2025 | AltTreatment",
        ["Home", "Treatments", "Destinations", "Blog", "Cart"],
        "Shopping Cart — Total: $0.00 — Items: 0 — Your cart is empty. Keep Shopping",
        "Some facilities offer treatments for non-approved uses such as diabetes, autoimmune"
        " conditions and so on, and those prices vary enormously.",
        "More on the official website of the Centers for Medicare & Medicaid Services.",
    )
    assert {("seller", "menu: cart"), ("seller", "your cart is empty")} <= cues(marketplace)
    assert sells(marketplace)
    # b016: a cord bank's post against fraudulent clinics
    bank = page(
        "Cuidado con el uso fraudulento de las células madre | Secuvita",
        ["Inicio", "Conservar el cordón", "Precios y planes", "Blog", "Contacto"],
        "Hay clínicas que ofrecían tratamientos con células madre para operaciones estéticas,"
        " cuando su uso en ese campo todavía no está probado.",
    )
    assert ("other", "clinicas que ofrecian") in cues(bank)
    assert sells(bank)


def test_a_cosmetic_practice_blog_and_a_facilitator_citing_the_cdc_still_sell() -> None:
    # h007: a cosmetic surgery practice's blog post, told "according to medical experts"
    blog = page(
        "Introducing Exosome Therapy: A New Hair Loss Solution | Dubai Cosmetic Surgery",
        ["Home", "Face", "Body", "Hair Transplant", "Non-Surgical", "Blog", "Contact"],
        "Exosome therapy in particular has shown great potential for promoting hair"
        " restoration. This article gives a short overview of exosome therapy and how it can"
        " help with hair loss.",
        "According to medical experts, exosomes help reset a hair follicle's growth cycle.",
    )
    assert {("seller", "site name: cosmetic surgery"), ("seller", "menu: hair transplant")} <= cues(
        blog
    )
    assert sells(blog)
    assert judged(blog)["hair-loss"] == "claimed"
    # h010: a medical travel facilitator cites the CDC for a statistic, as a clinic would
    facilitator = page(
        "Systemic Lupus | International Patient Facilitators",
        ["Home", "Procedures", "Stem Cells Treatment in Mexico", "Destinations", "Contact"],
        "According to the Centers for Disease Control and Prevention (CDC), however, a third of"
        " SLE-related deaths in the United States occur in patients under 45.",
        "World Stem Cells Clinic's Advanced Stem Cell Therapy for SLE",
    )
    assert sells(facilitator)


def test_an_encyclopedias_and_a_charitys_sections_are_a_publishers() -> None:
    # i022: a fertility encyclopedia's entry; i024: an MS charity's page on AHSCT
    entry = page(
        "Ovarian rejuvenation | Fertilitypedia",
        ["Causes", "Diagnostics", "Therapies", "Clinics"],
        "Ovarian rejuvenation is a new technique that aims to turn stem cells into healthy eggs"
        " by putting growth-factor-carrying platelets into the ovaries.",
    )
    assert not sells(entry)
    charity = page(
        "Stem cells and MS (AHSCT) | MS Trust",
        ["About MS", "A-Z of MS", "Treatments", "Get support", "Donate"],
        "AHSCT is offered on the NHS to a small number of people with multiple sclerosis.",
    )
    assert ("other", "menu: a z of ms") in cues(charity)
    assert not sells(charity)


def test_a_byline_is_a_writers() -> None:
    # i013: a newspaper's story reproduced on a legal-news portal, byline and all
    story = page(
        "Usan terapia celular en niños con autismo | El Norte - vLex",
        ["vLex México", "Noticias", "El Norte (Monterrey)"],
        "Autor: Andrea Menchaca",
        "Un protocolo de investigación del Servicio de Hematología del Hospital Universitario,"
        " en el que se trata con células madre a niños con autismo, podría cambiar el curso de"
        " su trastorno.",
    )
    assert ("other", "autor") in cues(story)
    assert not sells(story)
