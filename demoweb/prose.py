"""Long prose-heavy clinic pages made of real-world text, and the boilerplate page builders add.

The text is drawn from the real-world corpora's pages (``../shared/corpus/realworld`` and
``tests/extract/realworld``): paragraphs, list items and headings, so pages are varied rather
than one template repeated. :func:`long_page` builds one page (prose, FAQ blocks, a price table
naming conditions, a list, a testimonial) and pads it with menus, a footer and an inline script
to the size asked. ``benchmarks/extract_speed.py`` times extraction on such pages and the
realistic demo web (:mod:`demoweb.realistic`) serves them.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from functools import cache
from html import escape
from pathlib import Path

import lxml.html

from config import realworld_corpora
from extract import decode_html

CHECKOUT = Path(__file__).resolve().parent.parent
#: Paragraphs, list items and headings of the corpora, by language: {"en": {"p": [...], ...}}.
CorpusText = dict[str, dict[str, list[str]]]

PRICED = [
    ("Knee osteoarthritis", "Artrosis de rodilla"), ("Rotator cuff tear", "Manguito rotador"),
    ("Herniated disc", "Hernia de disco"), ("Multiple sclerosis", "Esclerosis múltiple"),
    ("Autism spectrum disorder", "Autismo"), ("COPD", "EPOC"),
    ("Anti-aging IV", "Antienvejecimiento"),
    ("Hair loss", "Alopecia"), ("Erectile dysfunction", "Disfunción eréctil"),
    ("Parkinson's disease", "Enfermedad de Parkinson"), ("Type 2 diabetes", "Diabetes tipo 2"),
    ("Neuropathy", "Neuropatía"), ("Hip arthritis", "Artrosis de cadera"),
]  # fmt: skip
MENU = [
    "Home", "About us", "Our team", "Locations", "Blog", "Careers", "Insurance", "Patient portal",
    "Financing", "Gallery", "Press", "Events", "Partners", "Privacy policy", "Terms of use",
    "Accessibility", "Sitemap", "Inicio", "Nosotros", "Ubicaciones", "Aviso de privacidad",
    "Preguntas", "Galería", "Noticias", "Contacto", "Shop", "Gift cards", "Newsletter",
]  # fmt: skip
WORDS = [
    "lorem", "ipsum", "dolor", "sit", "amet", "consectetur", "adipiscing", "elit", "sed", "do",
    "eiusmod", "tempor", "incididunt", "ut", "labore", "et", "dolore", "magna", "aliqua", "enim",
    "ad", "minim", "veniam", "quis", "nostrud", "exercitation",
]  # fmt: skip


def script_blob(rng: random.Random, size: int) -> str:
    """An analytics/config script blob like the ones page builders inline."""
    parts = ["window.dataLayer=window.dataLayer||[];var siteConfig={"]
    length = len(parts[0])
    while length < size:
        key = "".join(rng.choices("abcdefghijklmnop", k=8))
        parts.append(f'"{key}":{{"id":{rng.randint(1, 99999)},"v":"{rng.random():.8f}"}},')
        length += len(parts[-1])
    return "<script>" + "".join(parts) + "};</script>"


def style_blob(rng: random.Random, size: int) -> str:
    parts, length = [], 0
    while length < size:
        n = rng.randint(1000, 9999)
        parts.append(f".elementor-element-{n:x}{{margin:{n % 40}px;color:#{n:06x}}}\n")
        length += len(parts[-1])
    return "<style>" + "".join(parts) + "</style>"


def svg_icon(rng: random.Random) -> str:
    path = " ".join(f"L{rng.randint(0, 512)} {rng.randint(0, 512)}" for _ in range(60))
    return f'<svg viewBox="0 0 512 512" aria-hidden="true"><path d="M0 0 {path}Z"/></svg>'


def menu(rng: random.Random, items: int, links: Sequence[str] = ()) -> str:
    """A menu of ``items`` entries linking to ``links`` in turn (``/0``, ``/1``... if none)."""
    entries = "".join(
        f'<li class="menu-item menu-item-{i}">'
        f'<a href="{links[i % len(links)] if links else f"/{i}"}">{rng.choice(MENU)}</a></li>'
        for i in range(items)
    )
    return f'<ul class="elementor-nav-menu sm-vertical">{entries}</ul>'


def footer(rng: random.Random, links: Sequence[str] = ()) -> str:
    columns = "".join(
        f'<div class="footer-col"><h4>{rng.choice(MENU)}</h4>{menu(rng, 8, links)}</div>'
        for _ in range(4)
    )
    icons = "".join(f'<a class="social" href="#">{svg_icon(rng)}</a>' for _ in range(4))
    blurb = " ".join(rng.choices(WORDS, k=40))
    return (
        f'<footer class="site-footer">{columns}<div class="social-icons">{icons}</div>'
        f"<p class='legal'>{blurb}.</p><p>&copy; 2025 All rights reserved.</p></footer>"
        '<div id="cookie-banner" class="cookie-notice"><p>We use cookies to improve your '
        "experience.</p><button>Accept</button><button>Settings</button></div>"
    )


@cache
def corpus_text(checkout: Path = CHECKOUT) -> CorpusText:
    """Paragraphs, list items and headings of the real-world pages, by language (``lang`` of
    each page's ``<html>``).

    Raises:
        FileNotFoundError: neither corpus is there.
    """
    found: CorpusText = {}
    folders = [folder / "docs" for folder in realworld_corpora(checkout).values()]
    for docs in folders:
        if not docs.is_dir():
            continue
        for path in sorted(docs.iterdir()):
            root = lxml.html.document_fromstring(decode_html(path.read_bytes()))
            text = found.setdefault(root.get("lang", "en")[:2], {})
            for kind, xpath in (("p", "//p"), ("li", "//li"), ("h", "//h1|//h2|//h3")):
                for el in root.xpath(xpath):
                    words = " ".join(el.text_content().split())
                    if len(words.split()) >= (12 if kind == "p" else 2):
                        text.setdefault(kind, []).append(words)
    if not found:
        raise FileNotFoundError(f"no real-world corpus found in {[str(f) for f in folders]}")
    return found


def prose_languages(text: CorpusText) -> list[str]:
    """The languages with enough paragraphs to fill long pages without repeating much."""
    return sorted(lang for lang in text if len(text[lang].get("p", [])) >= 40)


def long_page(
    rng: random.Random,
    text: CorpusText,
    lang: str,
    size: int,
    prose: int,
    links: Sequence[str] = (),
) -> str:
    """A page of about ``size`` bytes with at least ``prose`` characters of paragraphs (and
    20 paragraphs), FAQ blocks, a price table naming conditions, a list and a testimonial,
    padded with menus (linking to ``links``), a footer and an inline script."""
    pool, es = text[lang], lang == "es"
    parts, written = [f"<h1>{escape(rng.choice(pool['h']))}</h1>"], 0
    while written < prose or len(parts) < 20:
        if rng.random() < 0.2:
            parts.append(f"<h2>{escape(rng.choice(pool['h']))}</h2>")
        paragraph = rng.choice(pool["p"])
        written += len(paragraph)
        parts.append(f"<p>{escape(paragraph)}</p>")
    faq = "".join(
        f"<details><summary>{escape(rng.choice(pool['h']))}?</summary>"
        f"<p>{escape(rng.choice(pool['p']))}</p></details>"
        for _ in range(rng.randint(5, 9))
    )
    rows = "".join(
        f"<tr><td>{names[es]}</td><td>{rng.randint(1, 4)}</td>"
        f"<td>${rng.randint(3, 25) * 500:,}</td></tr>"
        for names in rng.sample(PRICED, rng.randint(5, 10))
    )
    table = (
        "<table><thead><tr><th>Treatment</th><th>Sessions</th><th>Price</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>"
    )
    items = "".join(f"<li>{escape(rng.choice(pool['li']))}</li>" for _ in range(8))
    body = (
        "".join(parts[: len(parts) // 2])
        + f"<section class='faq'><h2>FAQ</h2>{faq}</section>"
        + "".join(parts[len(parts) // 2 :])
        + f"<h2>Prices</h2>{table}<ul>{items}</ul>"
        + f"<blockquote>{escape(rng.choice(pool['p']))}</blockquote>"
    )
    title = escape(rng.choice(pool["h"]))
    html = f"<html lang='{lang}'><head><title>{title}</title></head><body>{body}</body></html>"
    return _pad(html, rng, size, links)


def _pad(html: str, rng: random.Random, size: int, links: Sequence[str]) -> str:
    """Menus, footer and inline scripts around the prose, until the page weighs ``size``."""
    head_end, body_start = html.find("</head>"), html.find("<body>") + len("<body>")
    nav = menu(rng, rng.randint(20, 40), links)
    header = f"<header><nav class='main-nav'>{nav}</nav></header>"
    page = html[:head_end] + style_blob(rng, 2000) + html[head_end:body_start] + header
    tail = html[body_start:].replace("</body></html>", "") + footer(rng, links)
    filler = max(0, size - len(page) - len(tail) - 30)
    return page + tail + script_blob(rng, filler) + "</body></html>"
