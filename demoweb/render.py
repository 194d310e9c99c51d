"""Turning a planned page into words and markup.

Each page gets its own RNG (seed, site, path), so pages render independently and
identically every time.  Phrases come from the YAML pools; the only thing this module
decides is wording, never meaning (that is fixed by the blocks of the plan).
"""

from __future__ import annotations

import html
import json
import random
from typing import Any

from demoweb.blocks import Block, Section
from demoweb.data import boilerplate, condition_synonyms, phrases, sites, vocabulary
from demoweb.plan import SitePlan
from demoweb.profiles import Profile, hand_profiles, invent_profile, rng_for

JOURNAL_ABBR = ("ajsm", "sctm", "jcyt", "arth", "joca", "stem", "rme")


def esc(text: str) -> str:
    return html.escape(text, quote=False)


def partner_profile(profile: Profile, seed: int) -> Profile | None:
    if profile.partner is None:
        return None
    hand = hand_profiles()
    if profile.partner < len(hand):
        return hand[profile.partner]
    return invent_profile(seed, profile.partner)


class _Values(dict[str, str]):
    """Placeholder values computed on first use, so unused ones cost no RNG draws."""

    def __init__(self, page: PageRenderer, block: Block) -> None:
        super().__init__()
        self.page, self.block = page, block

    def __missing__(self, key: str) -> str:
        value = self.page.value(key, self.block)
        self[key] = value
        return value


class PageRenderer:
    def __init__(self, plan: SitePlan, seed: int, path: str) -> None:
        self.plan, self.seed, self.p = plan, seed, plan.profile
        self.lang = self.p.language
        self.ph = phrases(self.lang)
        self.rng: random.Random = rng_for(seed, self.p.index, f"page:{path}")
        self.path = path
        self.partner = partner_profile(self.p, seed)
        self._wording: dict[str, str] = {}

    # -- words -------------------------------------------------------------------------
    def cond(self, slug: str, cap: bool = False) -> str:
        # Pages mostly reuse the wording they started with, but not always (real copy drifts).
        text = self._wording.get(slug, "")
        if not text or self.rng.random() < 0.35:
            text = str(self.rng.choice(condition_synonyms(slug, self.lang)))
            self._wording.setdefault(slug, text)
        return esc(text[0].upper() + text[1:] if cap else text)

    def conds(self, slugs: tuple[str, ...]) -> str:
        names = [self.cond(s) for s in slugs]
        if len(names) <= 1:
            return "".join(names)
        conj = " and " if self.lang == "en" else " y "
        comma = "," if self.lang == "en" and len(names) > 2 and self.rng.random() < 0.5 else ""
        return ", ".join(names[:-1]) + comma + conj + names[-1]

    def cite(self) -> str:
        rng, people = self.rng, sites()["people"]
        year = rng.randint(2012, 2025)
        style = rng.randrange(3)
        if style == 0:
            nct = f"NCT0{rng.randint(1000000, 6999999)}"
            url = f"https://clinicaltrials.gov/study/{nct}"
            return f'<a href="{url}">{nct}</a>' if self.p.offsite else nct
        if style == 1:
            pmid = str(rng.randint(25000000, 39999999))
            url = f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/"
            return f'PMID: <a href="{url}">{pmid}</a>' if self.p.offsite else f"PMID: {pmid}"
        journal = rng.randrange(len(JOURNAL_ABBR))
        return esc(
            f"{rng.choice(people['authors'])} et al., {people['journals'][journal]} {year}; "
            f"doi:10.{rng.randint(1000, 1999)}/{JOURNAL_ABBR[journal]}.{year}."
            f"{rng.randint(100, 999)}"
        )

    def value(self, key: str, block: Block) -> str:
        rng, p, data = self.rng, self.p, sites()
        lang = self.lang
        if key == "conds":
            return self.conds(block.conds)
        if key == "cond":
            return self.cond(block.conds[0])
        if key == "name":
            return esc(p.name)
        if key == "city":
            return esc(p.city)
        if key == "country":
            return esc(data["countries"][p.country][lang])
        if key == "reg":
            return esc(rng.choice(vocabulary()["regulators"][block.regs[0]][lang]))
        if key == "source":
            return esc(rng.choice(vocabulary()["cell_sources"][block.source][lang]))
        if key == "origin":
            origin = vocabulary()["cell_sources"][block.source]["origin"]
            return esc(rng.choice(vocabulary()["origins"][origin][lang]))
        if key == "count":
            return esc(rng.choice(data["cell_counts"][lang]))
        if key == "price":
            currency = data["countries"][p.country]["currency"]
            return esc(rng.choice(data["prices"][lang][currency]))
        if key == "cite":
            return self.cite()
        if key == "doctor":
            return esc(self.plan.doctor)
        if key == "author":
            return esc(rng.choice(data["people"]["authors"]))
        if key == "journal":
            return esc(rng.choice(data["people"]["journals"]))
        if key == "patient":
            return esc(rng.choice(data["people"][f"patients_{lang}"]))
        if key == "partner":
            if block.variant:
                return esc(block.variant)
            return esc(self.partner.city if self.partner else "Cancún")
        numbers = {
            "lo": (20, 45),
            "hi": (50, 75),
            "months": (6, 24),
            "pct": (80, 97),
            "n": (2, 5),
            "age": (34, 78),
            "year": (2018, 2025),
        }
        lo, hi = numbers[key]
        return str(rng.randint(lo, hi))

    def sentence(self, block: Block) -> str:
        pool = self.ph["risk"][block.variant] if block.role == "risk" else self.ph[block.role]
        template = str(self.rng.choice(pool))
        return esc(template).format_map(_Values(self, block))

    # -- sections ----------------------------------------------------------------------
    def href(self, target: str) -> str:
        """Links vary by skin: root-relative, absolute, or document-relative."""
        skin = self.plan.skin
        if skin == 1 or (skin == 3 and self.rng.random() < 0.5):
            return f"http://{self.p.host}{target}"
        if skin == 2:
            depth = self.path.count("/") - 1
            prefix = "./" if depth <= 0 else "../" * depth
            return prefix + target.lstrip("/")
        return target

    def cond_list(self, block: Block, style: str) -> str:
        links = dict(
            zip(self.plan.nav_block.conds, (p for _, p in self.plan.nav_sub), strict=False)
        )
        items = []
        for slug in block.conds:
            label = self.cond(slug, cap=True)
            if slug in links and self.rng.random() < 0.7:
                label = f'<a href="{self.href(links[slug])}">{label}</a>'
            if style == "icons":
                items.append(
                    f'<div class="icon"><svg viewBox="0 0 24 24" aria-hidden="true"><circle '
                    f'cx="12" cy="12" r="10"/></svg><span>{label}</span></div>'
                )
            else:
                items.append(f"<li>{label}</li>")
        if style == "icons":
            return f'<div class="icons">{"".join(items)}</div>'
        return f'<ul class="conditions-list">{"".join(items)}</ul>'

    def section(self, sec: Section) -> str:
        head = esc(sec.heading) if sec.heading else ""
        if sec.heading_role:
            head = esc(
                str(self.rng.choice(self.ph[sec.heading_role])).format(
                    name=self.p.name, city=self.p.city
                )
            )
        if sec.style == "hero":
            first = self.sentence(sec.blocks[0])
            return f'<section class="hero"><h1>{head}</h1><p>{first}</p></section>'
        parts: list[str] = []
        if sec.style in ("list", "icons"):
            parts.append(self.cond_list(sec.blocks[0], sec.style))
        elif sec.style == "steps":
            # Steps are neutral and must not repeat: draw distinct ones from the pool.
            steps = self.rng.sample(
                self.ph["process_step"], min(len(sec.blocks), len(self.ph["process_step"]))
            )
            parts.append(
                '<ol class="steps">' + "".join(f"<li>{esc(t)}</li>" for t in steps) + "</ol>"
            )
        elif sec.style == "quotes":
            for b in sec.blocks:
                who = esc(self.rng.choice(sites()["people"][f"patients_{self.lang}"]))
                parts.append(
                    f'<blockquote class="testimonial"><p>{self.sentence(b)}</p><cite>{who}'
                    f"</cite></blockquote>"
                )
        elif sec.style == "faq":
            return f'<dl class="faq"><dt>{head}</dt><dd>{self.sentence(sec.blocks[0])}</dd></dl>'
        elif sec.style == "cta":
            contact = self.plan.nav[-1][1]
            label = self.sentence(sec.blocks[0])
            return f'<p class="cta"><a class="btn" href="{self.href(contact)}">{label}</a></p>'
        elif sec.style == "teaser":
            first = self.sentence(sec.blocks[0])
            return f'<article class="teaser"><h3>{head}</h3><p>{first}</p></article>'
        else:
            parts.append("<p>" + " ".join(self.sentence(b) for b in sec.blocks) + "</p>")
        if sec.style == "partner" and self.partner:
            parts.append(
                f'<p><a href="http://{self.partner.host}/">{esc(self.partner.name)}</a></p>'
            )
        if sec.style == "contact":
            parts.append(self.contact_form())
        h2 = f"<h2>{head}</h2>" if head else ""
        return f"<section>{h2}{''.join(parts)}</section>"

    def contact_form(self) -> str:
        labels = (
            ("Name", "Email", "Message", "Send")
            if self.lang == "en"
            else ("Nombre", "Correo", "Mensaje", "Enviar")
        )
        fields = "".join(
            f'<label>{lab}<input name="f{i}"></label>' for i, lab in enumerate(labels[:3])
        )
        return (
            f'<form class="lead-form" method="post" action="/api/lead" data-thanks="OK">{fields}'
            f'<button type="submit">{labels[3]}</button></form>'
        )


def robots_txt(plan: SitePlan) -> str:
    lines = ["User-agent: *", f"Disallow: {plan.private_prefix}"]
    if plan.skin == 2:
        lines += ["Disallow: /wp-admin/", "Allow: /wp-admin/admin-ajax.php"]
    lines += ["", f"Sitemap: http://{plan.profile.host}/sitemap.xml", ""]
    return "\n".join(lines)


def sitemap_xml(plan: SitePlan) -> str:
    rng = rng_for(0, plan.profile.index, "sitemap")
    urls = "".join(
        f"<url><loc>http://{plan.profile.host}{spec.path}</loc>"
        f"<lastmod>2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}</lastmod></url>\n"
        for spec in plan.pages
        if spec.public
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{urls}</urlset>\n'
    )


def json_ld(plan: SitePlan) -> str:
    p = plan.profile
    kind = "NewsMediaOrganization" if p.kind == "news" else "MedicalClinic"
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": kind,
        "name": p.name,
        "url": f"http://{p.host}/",
        "telephone": plan.phone,
        "address": {
            "@type": "PostalAddress",
            "streetAddress": plan.address,
            "addressCountry": p.country,
        },
    }
    return json.dumps(data, ensure_ascii=False)


def css_and_js(plan: SitePlan) -> tuple[str, str, str]:
    bp = boilerplate()
    rng = rng_for(0, plan.profile.index, "skin")
    brand = (
        f"#{rng.randint(0x10, 0x60):02x}{rng.randint(0x30, 0x90):02x}{rng.randint(0x60, 0xB0):02x}"
    )
    accent = (
        f"#{rng.randint(0xC0, 0xF0):02x}{rng.randint(0x60, 0xA0):02x}{rng.randint(0x20, 0x60):02x}"
    )
    css = f":root{{--brand:{brand};--accent:{accent}}}\n" + bp["css"][plan.skin]
    tracking = str(rng.randint(10**8, 10**9))
    head = "".join(str(s) for s in rng.sample(bp["js_head"], 2)).replace("@TRACKING@", tracking)
    body = "".join(str(s) for s in bp["js_body"])
    return css, head, body
