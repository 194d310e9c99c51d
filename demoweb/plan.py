"""Planning a site: which pages exist and which blocks (roles + slugs) each one holds.

The plan is pure semantics; no prose is chosen here except labels that must stay the
same across pages (paths, nav labels, the synonym that names a detail page).  Everything
random is drawn from an RNG seeded by (seed, site index), so a plan is reproducible and
can be rebuilt on demand instead of being kept in memory for thousands of sites.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from demoweb.blocks import Block, Section, TruthAccumulator
from demoweb.data import all_condition_slugs, condition_synonyms, conditions_by_tier, phrases, sites
from demoweb.profiles import Profile, rng_for, slugify
from vocabulary import TIERS

SKINS = 4
# Probabilities of optional features per clinic kind.  Honest clinics cite, exclude and
# guide with imaging; hype clinics promise, price, count cells and show testimonials.
FEATURES: dict[str, dict[str, float]] = {
    "honest": {
        "imaging": 0.85,
        "count": 0.7,
        "price": 0.45,
        "stories": 0.0,
        "exclude": 1.0,
        "candidate": 1.0,
        "not_cure": 0.6,
        "cite": 1.0,
        "fda_claim": 0.0,
        "accredit": 0.8,
    },
    "middling": {
        "imaging": 0.5,
        "count": 0.5,
        "price": 0.6,
        "stories": 0.8,
        "exclude": 0.4,
        "candidate": 0.3,
        "not_cure": 0.3,
        "cite": 0.3,
        "fda_claim": 0.25,
        "accredit": 0.3,
    },
    "hype": {
        "imaging": 0.25,
        "count": 0.9,
        "price": 0.85,
        "stories": 1.0,
        "exclude": 0.0,
        "candidate": 0.0,
        "not_cure": 0.0,
        "cite": 0.1,
        "fda_claim": 0.9,
        "accredit": 0.4,
    },
}
# Unproven offers a middling clinic tends to add to an orthopaedic menu.
MIDDLING_EXTRAS = (
    "anti-aging",
    "erectile-dysfunction",
    "neuropathy",
    "hair-loss",
    "skin-rejuvenation",
    "long-covid",
    "type-2-diabetes",
)
PRELIM_ORTHO = ("spinal-disc-disease", "back-pain", "avascular-necrosis", "bone-healing")
SOURCES = {
    "honest": (("bone-marrow",), ("adipose",), ("umbilical-cord",), ("bone-marrow", "prp")),
    "middling": (
        ("adipose", "prp"),
        ("umbilical-cord",),
        ("umbilical-cord", "exosomes"),
        ("bone-marrow",),
        ("adipose",),
    ),
    "hype": (
        ("umbilical-cord", "exosomes"),
        ("umbilical-cord",),
        ("placental", "exosomes"),
        ("amniotic",),
        ("cord-blood", "umbilical-cord"),
        ("adipose", "exosomes"),
    ),
}
ACCREDITORS = {
    "honest": ("isct", "isscr", "aabb", "fact", "jci"),
    "middling": ("isct", "isscr", "jci"),
    "hype": ("jci", "aabb", "isscr"),
}


@dataclass(frozen=True, slots=True)
class PageSpec:
    path: str
    kind: str  # home, conditions, detail, protocol, about, faq, stories, outcomes, prices, ...
    title: str
    sections: tuple[Section, ...]
    public: bool = True


@dataclass(frozen=True, slots=True)
class SitePlan:
    profile: Profile
    skin: int
    pages: tuple[PageSpec, ...]
    nav: tuple[tuple[str, str], ...]  # (label, path)
    nav_sub: tuple[tuple[str, str], ...]  # detail pages shown under the conditions item
    nav_block: Block  # the conditions those nav items name (claimed)
    footer: tuple[Section, ...]
    private_prefix: str
    doctor: str
    phone: str
    address: str
    email: str

    def page(self, path: str) -> PageSpec | None:
        for spec in self.pages:
            if spec.path == path:
                return spec
        return None

    def truth(self) -> TruthAccumulator:
        acc = TruthAccumulator(is_clinic=self.profile.kind != "news")
        acc.add([self.nav_block])
        for sec in self.footer:
            acc.add(sec.blocks)
        for spec in self.pages:
            if spec.public:
                for sec in spec.sections:
                    acc.add(sec.blocks)
        return acc


def _conditions_in(text: str, language: str) -> list[str]:
    low = f" {text.lower()} "
    return [
        slug
        for slug in all_condition_slugs()
        if any(f" {t.lower()} " in low for t in condition_synonyms(slug, language))
    ]


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _sample(rng: random.Random, pool: list[str] | tuple[str, ...], lo: int, hi: int) -> list[str]:
    pool = list(pool)
    return rng.sample(pool, min(len(pool), rng.randint(lo, hi)))


def _sec(*blocks: Block, heading: str = "", role: str = "", style: str = "p") -> Section:
    return Section(blocks=tuple(blocks), heading=heading, heading_role=role, style=style)


def _b(
    role: str, *conds: str, regs: tuple[str, ...] = (), source: str = "", variant: str = ""
) -> Block:
    return Block(role, tuple(conds), regs, source, variant)


class _Planner:
    """Builds one SitePlan; a class only so helpers share the rng and labels."""

    def __init__(self, profile: Profile, seed: int) -> None:
        self.p = profile
        self.rng = rng_for(seed, profile.index, "plan")
        self.ph = phrases(profile.language)
        rng = self.rng
        self.paths = {k: rng.choice(v) for k, v in self.ph["paths"].items()}
        self.labels = {k: rng.choice(v) for k, v in self.ph["nav"].items()}
        people = sites()["people"]
        lang = profile.language
        self.doctor = rng.choice(people[f"doctors_{lang}"])
        country = sites()["countries"][profile.country]
        self.local_regs: list[str] = list(country["regs"])
        self.phone = f"{country['phone']} {rng.randint(200, 989)} {rng.randint(1000, 9999)}"
        self.address = f"{rng.choice(people['streets'][profile.country])}, {profile.city}"
        self.email = f"{'info' if lang == 'en' else 'contacto'}@{profile.host.removeprefix('www.')}"

    def title(self, key: str, **kw: str) -> str:
        return _cap(str(self.rng.choice(self.ph["titles"][key])).format(name=self.p.name, **kw))

    def heading(self, key: str) -> str:
        return str(self.rng.choice(self.ph["headings"][key]))

    def finish(
        self,
        pages: list[PageSpec],
        nav_keys: list[str],
        sub: list[tuple[str, str]],
        sub_conds: tuple[str, ...],
        footer: tuple[Section, ...],
    ) -> SitePlan:
        nav = tuple((self.labels[k], "/" if k == "home" else self.paths[k]) for k in nav_keys)
        # A private page behind robots.txt with claims that are *not* in the ground truth.
        spec = SitePlan(
            self.p,
            self.rng.randrange(SKINS),
            tuple(pages),
            nav,
            tuple(sub),
            Block("menu", sub_conds),
            footer,
            self.paths["private"],
            self.doctor,
            self.phone,
            self.address,
            self.email,
        )
        known = set(spec.truth().conditions)
        extra = [c for c in all_condition_slugs() if c not in known]
        hidden = _sample(self.rng, extra, 3, 5)
        slug = "protocolos-borrador" if self.p.language == "es" else "draft-protocols"
        private = PageSpec(
            f"{self.paths['private']}{slug}",
            "private",
            self.title("private"),
            (
                _sec(_b("offer", *hidden)),
                _sec(_b("cure_promise", *hidden[:2])),
                _sec(_b("testimonial", hidden[-1]), style="quotes"),
            ),
            public=False,
        )
        return SitePlan(
            self.p,
            spec.skin,
            (*pages, private),
            nav,
            tuple(sub),
            spec.nav_block,
            footer,
            spec.private_prefix,
            self.doctor,
            self.phone,
            self.address,
            self.email,
        )


class _ClinicPlanner(_Planner):
    def plan(self) -> SitePlan:
        rng, kind = self.rng, self.p.kind
        feat = {k: rng.random() < v for k, v in FEATURES[kind].items()}
        if kind == "hype" and self.p.language == "es":
            feat["fda_claim"] = rng.random() < 0.5
        self._choose_conditions()
        self.sources: tuple[str, ...] = rng.choice(SOURCES[kind])
        self.feat = feat
        sup = [c for c in self.claimed if c in conditions_by_tier("supported")]
        n_detail = {"honest": 3, "middling": 3, "hype": 4}[kind]
        details = sup[:2] + [c for c in self.claimed if c not in sup[:2]][: n_detail - 2]
        self.detail_label = {c: self._label(c) for c in details}
        self.detail_path = {
            c: f"{self.paths['conditions']}/{slugify(self.detail_label[c])}" for c in details
        }
        pages = [self._home(), self._conditions()]
        pages += [self._detail(c) for c in details]
        pages += [self._protocol(), self._about(), self._faq()]
        pages.append(self._stories() if feat["stories"] else self._outcomes())
        pages += [self._prices(), self._contact()]
        posts = self._posts()
        blog = PageSpec(
            self.paths["blog"],
            "blog",
            self.title("blog"),
            tuple(_sec(_b("blog_intro"), heading=t, style="teaser") for t, _ in posts),
        )
        pages.append(blog)
        pages += [
            PageSpec(f"{self.paths['blog']}/{slugify(t)}", "post", t, secs) for t, secs in posts
        ]
        stories_key = "stories" if feat["stories"] else "outcomes"
        nav_keys = [
            "home",
            "conditions",
            "protocol",
            "about",
            stories_key,
            "faq",
            "prices",
            "blog",
            "contact",
        ]
        sub = [(_cap(self.detail_label[c]), self.detail_path[c]) for c in details]
        footer: list[Section] = []
        if self.skin_footer_menu:
            footer.append(_sec(_b("menu", *self.menu[:6]), style="list"))
        if (
            self.p.language == "en"
            and kind != "honest"
            and self.p.country == "US"
            and rng.random() < 0.7
        ):
            footer.append(_sec(_b("fda_statement", regs=("fda",))))
        footer.append(_sec(_b("legal")))
        return self.finish(pages, nav_keys, sub, tuple(details), tuple(footer))

    # -- conditions --------------------------------------------------------------------
    def _choose_conditions(self) -> None:
        rng, kind = self.rng, self.p.kind
        sup, pre, unp = (list(conditions_by_tier(t)) for t in TIERS)
        pre_no_gvhd = [c for c in pre if c != "graft-versus-host-disease"]
        self.prelim: list[str] = []
        self.disclaimed: list[str] = []
        self.mentioned: list[str] = []
        self.story_only: list[str] = []
        if kind == "honest":
            claimed = _sample(rng, sup, 3, 5)
            if rng.random() < 0.7:
                self.prelim = [rng.choice(PRELIM_ORTHO)]
            self.disclaimed = _sample(rng, unp, 3, 6)
        elif kind == "middling":
            claimed = _sample(rng, sup, 2, 4) + _sample(rng, pre_no_gvhd, 2, 4)
            claimed += _sample(rng, MIDDLING_EXTRAS, 1, 2)
            if rng.random() < 0.5:
                self.story_only = [rng.choice([c for c in pre_no_gvhd + unp if c not in claimed])]
        else:
            claimed = (
                _sample(rng, sup, 2, 3) + _sample(rng, pre_no_gvhd, 2, 4) + _sample(rng, unp, 6, 11)
            )
            self.story_only = [rng.choice([c for c in unp if c not in claimed])]
        # A name like "... Longevity Clinic" is itself an offer: put it on the menu.
        named = [c for c in _conditions_in(self.p.name, self.p.language) if c not in claimed]
        claimed += named
        self.claimed = claimed + self.prelim
        self.menu = claimed  # the bare menu; prelim ones get their own sentence
        used = set(self.claimed) | set(self.story_only)
        if kind == "middling" and rng.random() < 0.5:
            self.disclaimed = [
                rng.choice([c for c in ("cancer", "hiv", "als", "autism") if c not in used])
            ]
        used |= set(self.disclaimed)
        free = [c for c in pre_no_gvhd + unp if c not in used]
        if kind == "honest":
            self.mentioned = _sample(rng, free, 2, 3)
        elif kind == "middling" and rng.random() < 0.5:
            self.mentioned = _sample(rng, free, 1, 1)
        self.skin_footer_menu = rng.random() < 0.4

    def _label(self, slug: str) -> str:
        return str(self.rng.choice(self.ph_conditions(slug)))

    def ph_conditions(self, slug: str) -> list[str]:
        return condition_synonyms(slug, self.p.language)

    # -- pages -------------------------------------------------------------------------
    def _reg_blocks(self) -> list[Block]:
        rng, kind, out = self.rng, self.p.kind, []
        local = self.local_regs
        if kind == "honest":
            if "fda" in local:
                out.append(_b("fda_not_approved", regs=("fda",)))
                out.append(_b("accreditation", regs=(rng.choice(("clia", "cap", "aabb")),)))
            else:
                out.append(_b("reg_licensed", regs=(local[0],)))
                if "ema" in local:
                    out.append(_b("fda_not_approved", regs=("ema",)))
        elif kind == "middling":
            if rng.random() < 0.5 and "fda" not in local:
                out.append(_b("reg_licensed", regs=(local[0],)))
            else:
                out.append(_b("reg_vague"))
        else:
            out.append(_b("reg_vague"))
            if "fda" not in local and rng.random() < 0.6:
                out.append(_b("reg_licensed", regs=(local[0],)))
        if self.feat["fda_claim"]:
            out.append(_b("fda_claim"))
        if self.feat["accredit"]:
            out.append(_b("accreditation", regs=(rng.choice(ACCREDITORS[kind]),)))
        return out

    def _home(self) -> PageSpec:
        rng, kind = self.rng, self.p.kind
        secs = [_sec(_b("hero_text"), role="hero_title", style="hero")]
        top = self.menu[: rng.randint(3, 6)]
        if rng.random() < 0.5:
            secs.append(_sec(_b("icons", *top), role="menu_heading", style="icons"))
        else:
            secs.append(_sec(_b("offer", *top[:4])))
        if kind == "hype":
            secs.append(
                _sec(_b("cure_promise", *_sample(rng, self.menu[2:], 2, 4)), _b("guarantee"))
            )
            if self.feat["fda_claim"]:
                secs.append(_sec(_b("fda_claim")))
        if kind == "honest":
            secs.append(_sec(_b("not_candidate"), _b("about_text")))
        secs.append(
            _sec(*(_b("process_step") for _ in range(3)), role="process_intro", style="steps")
        )
        secs.append(_sec(_b("cta"), style="cta"))
        return PageSpec("/", "home", self.p.name, tuple(secs))

    def _conditions(self) -> PageSpec:
        rng, kind = self.rng, self.p.kind
        secs = [_sec(_b("menu", *self.menu), role="menu_heading", style="list")]
        if self.prelim:
            secs.append(_sec(_b("preliminary_offer", *self.prelim)))
        if self.feat["not_cure"]:
            secs.append(_sec(_b("not_cure_offer", *self.menu[:2])))
        if self.disclaimed and self.feat["exclude"]:
            secs.append(_sec(_b("exclusion", *self.disclaimed), heading=self.heading("exclusions")))
            if kind == "honest" and rng.random() < 0.5:
                secs.append(_sec(_b("evidence_gap", *self.disclaimed[:2])))
        if self.feat["candidate"]:
            secs.append(_sec(_b("not_candidate")))
        if kind == "hype":
            secs.append(
                _sec(_b("cure_promise", *_sample(rng, self.menu, 3, 5)), _b("everyone_qualifies"))
            )
        if self.p.country in ("ES", "GB") and kind != "honest" and rng.random() < 0.6:
            secs.insert(0, _sec(_b("ad_rules")))
        secs.append(_sec(_b("cta"), style="cta"))
        return PageSpec(
            self.paths["conditions"], "conditions", self.labels["conditions"], tuple(secs)
        )

    def _detail(self, cond: str) -> PageSpec:
        rng, kind = self.rng, self.p.kind
        secs = [_sec(_b("offer_detail", cond))]
        if kind == "honest":
            secs.append(
                _sec(
                    _b("outcome_range", cond),
                    _b("citation", cond),
                    heading=self.heading("research"),
                )
            )
            if rng.random() < 0.5:
                secs.append(_sec(_b("not_candidate")))
        elif kind == "middling":
            secs.append(_sec(_b("outcome_range" if rng.random() < 0.5 else "offer", cond)))
            if self.feat["stories"]:
                secs.append(_sec(_b("testimonial", cond), style="quotes"))
        else:
            secs.append(_sec(_b("cure_promise", cond)))
            secs.append(_sec(_b("testimonial_miracle", cond), style="quotes"))
        if self.feat["imaging"]:
            secs.append(_sec(_b("imaging")))
        secs.append(
            _sec(
                *(_b("process_step") for _ in range(rng.randint(2, 4))),
                role="process_intro",
                style="steps",
            )
        )
        secs.append(_sec(_b("cta"), style="cta"))
        return PageSpec(
            self.detail_path[cond],
            "detail",
            self.title("detail", cond=self.detail_label[cond]),
            tuple(secs),
        )

    def _source_blocks(self) -> list[Block]:
        first, *rest = self.sources
        blocks = [_b("cell_source", source=first)]
        blocks += [_b("product_source", source=s) for s in rest]
        return blocks

    def _protocol(self) -> PageSpec:
        rng, kind = self.rng, self.p.kind
        secs = [_sec(*self._source_blocks(), heading=self.heading("source"))]
        if self.feat["count"]:
            secs.append(_sec(_b("cell_count")))
        if self.feat["imaging"]:
            secs.append(_sec(_b("imaging")))
        secs.append(
            _sec(*(_b("process_step") for _ in range(4)), role="process_intro", style="steps")
        )
        risks = [_b("risk_general")]
        allogeneic = self.sources[0] in ("umbilical-cord", "placental", "amniotic", "cord-blood")
        if kind == "honest" and allogeneic:
            risks.append(
                _b("risk", "graft-versus-host-disease", variant="graft-versus-host-disease")
            )
        if kind == "honest" and rng.random() < 0.4:
            risks.append(_b("risk", "cancer", variant="cancer"))
        secs.append(_sec(*risks, heading=self.heading("risks")))
        if kind == "hype" and rng.random() < 0.6:
            pick = _sample(rng, self.menu, 2, 4)
            role = (
                "candour_then_claim"
                if self.p.language == "en" or rng.random() < 0.4
                else "cure_promise"
            )
            secs.append(_sec(_b(role, *pick)))
        secs.append(_sec(_b("travel_text")))
        return PageSpec(self.paths["protocol"], "protocol", self.title("protocol"), tuple(secs))

    def _about(self) -> PageSpec:
        secs = [_sec(*(_b("about_text") for _ in range(3)))]
        secs.append(_sec(*self._reg_blocks(), heading=self.heading("regulation")))
        secs.append(_sec(_b("about_text"), _b("travel_text")))
        return PageSpec(self.paths["about"], "about", self.title("about"), tuple(secs))

    def _faq(self) -> PageSpec:
        rng, kind, feat = self.rng, self.p.kind, self.feat
        items: list[tuple[str, Block]] = [("approved", self._reg_blocks()[0])]
        if kind == "honest" or feat["candidate"]:
            items.append(("candidate", _b("not_candidate")))
        else:
            items.append(("candidate", _b("everyone_qualifies")))
        items.append(("source", self._source_blocks()[0]))
        if feat["count"]:
            items.append(("dose", _b("cell_count")))
        items.append(("risks", _b("risk_general")))
        items.append(("cost", _b("price" if feat["price"] else "price_quote")))
        if kind == "honest":
            items.append(("results", _b("outcome_range", self.menu[0])))
        elif kind == "hype":
            items.append(("results", _b("guarantee")))
        else:
            items.append(
                ("results", _b("not_cure_offer" if feat["not_cure"] else "offer", *self.menu[:2]))
            )
        if feat["imaging"]:
            items.append(("imaging", _b("imaging")))
        if self.disclaimed and feat["exclude"]:
            items.append(("other", _b("exclusion", *_sample(rng, self.disclaimed, 2, 3))))
        elif kind == "hype":
            items.append(("other", _b("cure_promise", *_sample(rng, self.menu, 3, 6))))
        items.append(("stay", _b("travel_text")))
        secs = tuple(
            _sec(block, heading=str(rng.choice(self.ph["faq_q"][q])), style="faq")
            for q, block in items
        )
        return PageSpec(self.paths["faq"], "faq", self.title("faq"), secs)

    def _stories(self) -> PageSpec:
        rng = self.rng
        role = "testimonial_miracle" if self.p.kind == "hype" else "testimonial"
        subjects = _sample(rng, self.claimed, 3, 5) + self.story_only
        rng.shuffle(subjects)
        quotes = [_b(role if rng.random() < 0.6 else "testimonial", c) for c in subjects]
        secs = [_sec(*quotes, style="quotes")]
        if self.p.kind == "hype":
            secs.append(_sec(_b("guarantee")))
        secs.append(_sec(_b("cta"), style="cta"))
        return PageSpec(self.paths["stories"], "stories", self.title("stories"), tuple(secs))

    def _outcomes(self) -> PageSpec:
        secs = [_sec(*(_b("outcome_range", c) for c in self.menu[:2]))]
        if self.feat["cite"]:
            secs.append(_sec(_b("citation", self.menu[0]), heading=self.heading("research")))
        if self.feat["candidate"]:
            secs.append(_sec(_b("not_candidate")))
        # A middling clinic without testimonials publishes its story-only condition here.
        if self.story_only:
            secs.append(_sec(_b("offer", *self.story_only)))
        return PageSpec(self.paths["outcomes"], "outcomes", self.title("outcomes"), tuple(secs))

    def _prices(self) -> PageSpec:
        rng = self.rng
        blocks = [_b("price")] * rng.randint(1, 3) if self.feat["price"] else [_b("price_quote")]
        secs = [_sec(*blocks)]
        if self.p.kind == "hype":
            secs.append(_sec(_b("guarantee")))
        partner = self.p.partner
        if partner is not None and self.p.kind != "honest":
            secs.append(
                _sec(_b("disclaim_then_sell", *_sample(rng, self.menu, 2, 3)), style="partner")
            )
        secs.append(_sec(_b("travel_text"), _b("cta")))
        return PageSpec(self.paths["prices"], "prices", self.title("prices"), tuple(secs))

    def _contact(self) -> PageSpec:
        return PageSpec(
            self.paths["contact"],
            "contact",
            self.title("contact"),
            (_sec(_b("contact_text"), style="contact"),),
        )

    def _posts(self) -> list[tuple[str, tuple[Section, ...]]]:
        rng, kind = self.rng, self.p.kind
        titles = self.ph["blog_titles"]
        intro, outro = _b("blog_intro"), _b("blog_outro")
        posts: list[tuple[str, tuple[Section, ...]]] = []
        if kind == "honest":
            warn = _sample(rng, self.disclaimed, 2, 3)
            m = self.mentioned
            posts.append(
                (
                    rng.choice(titles["evidence"]),
                    (
                        _sec(intro),
                        _sec(_b("warn_others", *warn)),
                        _sec(_b("trial_cited", m[0])),
                        _sec(_b("citation", self.menu[0]), heading=self.heading("research")),
                        _sec(_b("not_candidate"), outro),
                    ),
                )
            )
            posts.append(
                (
                    rng.choice(titles["research"]),
                    (
                        _sec(intro),
                        _sec(
                            *(
                                _b("trial_cited" if i % 2 == 0 else "trial_plain", c)
                                for i, c in enumerate(m[1:] or m)
                            )
                        ),
                        _sec(_b("evidence_gap", *self.disclaimed[-2:])),
                        _sec(outro),
                    ),
                )
            )
        elif kind == "middling":
            extra = [c for c in self.claimed if c not in self.menu[:2]]
            secs = [_sec(intro), _sec(_b("offer", *extra[:4]))]
            if self.mentioned:
                secs.append(_sec(_b("trial_plain", *self.mentioned)))
            if self.feat["cite"]:
                secs.append(_sec(_b("citation", self.menu[0])))
            posts.append((rng.choice(titles["conditions"]), (*secs, _sec(outro))))
            if rng.random() < 0.6:
                posts.append(
                    (
                        rng.choice(titles["research"]),
                        (
                            _sec(intro),
                            _sec(_b("not_cure_offer", *self.menu[:1])),
                            _sec(_b("risk_general")),
                            _sec(outro),
                        ),
                    )
                )
        else:
            late = self.menu[-4:]
            posts.append(
                (
                    rng.choice(titles["hope"]),
                    (
                        _sec(intro),
                        _sec(_b("cure_promise", *late)),
                        _sec(_b("testimonial_miracle", late[0]), style="quotes"),
                        _sec(_b("everyone_qualifies"), outro),
                    ),
                )
            )
            posts.append(
                (
                    rng.choice(titles["conditions"]),
                    (
                        _sec(intro),
                        _sec(_b("offer", *self.menu[:5])),
                        _sec(_b("guarantee")),
                        _sec(outro),
                    ),
                )
            )
        return posts


class _NewsPlanner(_Planner):
    TYPES = ("trial", "trial", "reg_action", "alert", "press", "arrest", "explainer", "trial")

    def plan(self) -> SitePlan:
        rng = self.rng
        pool = list(all_condition_slugs())
        rng.shuffle(pool)
        regs = [*self.local_regs, "fda", "cofepris", "invima", "ftc", "mhra"]
        # Clinic names quoted in press releases must not smuggle in a condition ("Longevity").
        clinics = [p.name for p in _hand_clinics() if not _conditions_in(p.name, p.language)]
        n = rng.randint(6, 8)
        base = (
            "/noticias" if self.p.language == "es" else rng.choice(("/news", "/stories", "/2025"))
        )
        articles: list[PageSpec] = []
        for i, kind in enumerate(self.TYPES[:n]):
            title = str(rng.choice(self.ph["news_titles"][kind]))
            secs = [_sec(_b("news_explainer"))]
            conds = [pool.pop() for _ in range(rng.randint(1, 3))] if kind != "explainer" else []
            if kind == "trial":
                secs.append(_sec(_b("news_trial", conds[0])))
                secs += [_sec(_b("news_trial_plain", c)) for c in conds[1:]]
            elif kind == "reg_action":
                secs.append(_sec(_b("news_reg_action", *conds, regs=(rng.choice(regs),))))
            elif kind == "alert":
                conds += [pool.pop() for _ in range(3)]
                secs.append(
                    _sec(_b("news_alert", *conds), _b("news_source_story", source="umbilical-cord"))
                )
            elif kind == "press":
                secs.append(_sec(_b("news_press_release", *conds, variant=rng.choice(clinics))))
            elif kind == "arrest":
                secs.append(_sec(_b("news_arrest", *conds)))
            secs.append(_sec(_b("news_explainer"), _b("news_explainer")))
            articles.append(
                PageSpec(f"{base}/{slugify(title)}-{i + 1}", "article", title, tuple(secs))
            )
        home = PageSpec(
            "/",
            "news_home",
            self.p.name,
            (
                _sec(_b("news_intro"), style="hero"),
                *(
                    _sec(a.sections[1].blocks[0], heading=a.title, style="teaser")
                    for a in articles[:4]
                ),
            ),
        )
        about = PageSpec(
            self.paths["news_about"],
            "about",
            self.labels["news_about"],
            (_sec(*(_b("news_about") for _ in range(3))),),
        )
        contact = PageSpec(
            self.paths["contact"],
            "contact",
            self.title("contact"),
            (_sec(_b("contact_text"), style="contact"),),
        )
        self.article_links = [(a.title, a.path) for a in articles]
        footer = (_sec(_b("legal")),)
        return self.finish(
            [home, *articles, about, contact],
            ["home", "news_about", "contact"],
            [(a.title, a.path) for a in articles[:4]],
            (),
            footer,
        )


def _hand_clinics() -> list[Profile]:
    from demoweb.profiles import hand_profiles

    return [p for p in hand_profiles() if p.kind != "news"]


def build_plan(profile: Profile, seed: int) -> SitePlan:
    if profile.kind == "news":
        return _NewsPlanner(profile, seed).plan()
    return _ClinicPlanner(profile, seed).plan()
