"""Load the data files that drive extraction and compile them once per process.

Knowledge lives in data: condition synonyms come from the vocabulary's ``conditions.yaml``
(:mod:`vocabulary`, shared with scoring) and every cue list from ``extract/patterns``.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

from extract._starts import Anchored, Opened, Openings, _opening
from extract._text import PhraseMatcher, PhraseScan, expand, normalise
from vocabulary import ConditionEntry, conditions_data, load_conditions

# libyaml's safe loader when present: the data files are large enough for it to matter.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class FlagRule:
    """How one document flag is detected (see ``patterns/flags.yaml``)."""

    name: str
    negatable: bool
    assertive: bool
    regexes: tuple[str, ...]


@dataclass(frozen=True)
class Subsumption:
    """A broad condition that folds into a narrower one (see ``subsumed`` in conditions.yaml)."""

    by: tuple[str, ...]  # the narrower slugs, any of which takes the broad one in
    generic: frozenset[str]  # the broad slug's generic words, normalised (and case-kept)
    # words of the narrower one's body part, on normalised text; None: the page at large
    context: re.Pattern[str] | None
    unless: re.Pattern[str] | None  # other body parts: a sentence naming one keeps the broad name


@dataclass(frozen=True)
class Category:
    """A stance cue category: the stance it sets and its priority against other cues."""

    name: str
    stance: str
    priority: float


@dataclass(frozen=True, eq=False)  # a key of Opened.starts: hashed by identity, in O(1)
class LedRegex:
    """A flag regex that starts with a literal (see :func:`_literal_led`), and its flag."""

    flag: str
    pattern: re.Pattern[str]
    bounded: bool  # a match must start a word (the regex began with \\b)
    opening: str | None  # the literal every match opens with, if known

    def starts(self, opened: Opened) -> list[int] | None:
        """Where a match can start, from where :class:`Openings` found the opening (None:
        anywhere)."""
        return opened.starts[self] if self.opening else None

    def finditer(self, text: str, starts: list[int] | None) -> Iterator[re.Match[str]]:
        """The pattern's matches in ``text``, tried only at ``starts`` (of :meth:`starts`)."""
        pos = 0
        while (m := self._first(text, pos, starts)) is not None:
            start = m.start()
            if self.bounded and start and (text[start - 1].isalnum() or text[start - 1] == "_"):
                pos = start + 1  # inside a word: a match may still start later in this one
                continue
            yield m
            pos = max(m.end(), start + 1)

    def _first(self, text: str, pos: int, starts: list[int] | None) -> re.Match[str] | None:
        """``pattern.search(text, pos)``, tried only at ``starts`` when they are known."""
        if starts is None:
            return self.pattern.search(text, pos)
        for i in range(bisect_left(starts, pos), len(starts)):
            m = self.pattern.match(text, starts[i])
            if m is not None:
                return m
        return None


@dataclass(frozen=True)
class Lexicon:
    """Everything extraction needs, compiled."""

    conditions: dict[str, ConditionEntry]
    condition_matcher: PhraseMatcher
    # "heart, lung and kidney diseases": a coordination whose head noun makes organ words
    # condition names; group "list" holds the coordinated words (see conditions.yaml).
    coordination: Anchored | None
    coordination_heads: PhraseMatcher  # the head nouns: the pattern runs only around them
    coordinated: dict[str, str]  # normalised organ word -> slug
    subsumed: dict[str, Subsumption]
    entity_matcher: PhraseMatcher  # values "cell_source:<slug>" and "regulator:<slug>"
    origin_matcher: PhraseMatcher  # values "origin:<slug>"
    cue_matcher: PhraseMatcher  # values "<category>:<direction>"
    heading_matcher: PhraseMatcher  # values = stance
    terminator_matcher: PhraseMatcher
    list_words: frozenset[str]  # words that may join the items of one list ("and", "such as")
    example_words: frozenset[str]  # words opening a class's examples ("such as", "como")
    # Openings of a sentence that goes on with the previous one's subject ("Some of them
    # involve…"), and the cue categories such a sentence takes over from it.
    continuations: tuple[str, ...]
    carried: frozenset[str]
    categories: dict[str, Category]
    flag_matcher: PhraseMatcher  # values = flag name
    flag_rules: dict[str, FlagRule]
    selling_points: frozenset[str]  # flags that only a seller's own words can raise
    # The flag regexes, one named group per flag, joined in two: those that need a digit (cell
    # counts, prices, PMIDs: run only around the page's numbers) and the rest (whole page).
    flag_regex_numeric: Anchored | None
    flag_regexes: tuple[LedRegex, ...]
    # Where flag_regexes, flag_regex_numeric and coordination can start, and the page's numbers:
    # one pass over the page for all of them.
    openings: Openings
    negators: frozenset[str]
    negator_window: int
    clinic_matcher: PhraseMatcher  # values = "clinic:<w>" / "nonclinic:<w>"
    # The small matchers that every audited page runs, searched in one pass (see PhraseScan).
    page_scan: PhraseScan
    nav_items: dict[str, str]  # normalised whole menu entry -> "seller" / "other"
    nav_weight: int
    # who publishes: words of the site's name in the title after its headline ("… | X Clinic")
    masthead_matcher: PhraseMatcher  # values = "seller" / "other"
    title_separator: re.Pattern[str]
    masthead_weight: int
    jsonld_clinic: frozenset[str]
    jsonld_nonclinic: frozenset[str]
    jsonld_offers: frozenset[str]
    jsonld_weight: int
    nonclinic_hosts: tuple[str, ...]
    nonclinic_host_weight: int
    refutation_weight: int  # a page calling treatment claims false or baseless: not a seller's
    stopwords: dict[str, frozenset[str]]


def _load_yaml(*parts: str) -> Any:
    """Read a YAML data file of ``extract/patterns``."""
    resource = resources.files("extract").joinpath(*parts)
    return yaml.load(resource.read_text(encoding="utf-8"), Loader=_LOADER)


# An English list's conjunction, as ",? (?:and|or|&) |/" would try them: spelled out so that the
# pattern is tried only where one of them, or a Spanish head noun, opens (see _starts.Anchored).
# An item of a list after its head: a word, or a few ("spinal discs", "the menisci of the knee").
_ITEM = r"\w+(?: \w+){0,4}"
_CONJUNCTIONS = (", and ", ", or ", ", & ", " and ", " or ", " & ", "/")


def _coordination(spec: dict[str, Any]) -> tuple[Anchored | None, dict[str, str]]:
    """Compile the ``coordinated`` section of conditions.yaml (see :class:`Lexicon`).

    The pattern finds the end of an English list ("... and nerve diseases", "cardiac/pulmonary
    disease": group ``last``)
    or a whole Spanish one ("enfermedades cardiacas, pulmonares y renales": group ``list``);
    the English items before the conjunction are read back by the caller. Anchoring on the
    head noun keeps the scan cheap on long pages.
    """
    if not spec:
        return None, {}
    words = {
        normalise(v): slug
        for slug, langs in spec["modifiers"].items()
        for terms in langs.values()
        for term in terms
        for v in expand(term)
    }

    def alternatives(terms: list[str]) -> list[str]:
        return [re.escape(normalise(v)) for t in terms for v in expand(t)]

    conjunctions = [re.escape(c) for c in _CONJUNCTIONS]
    heads_es = alternatives(spec["heads"]["es"] + spec["heads"].get("before", []))
    en = (
        rf"(?:{'|'.join(conjunctions)})(?P<last>\w+) "
        rf"(?:{'|'.join(alternatives(spec['heads']['en']))})"
    )
    es = (
        rf"(?<!\w)(?:{'|'.join(heads_es)}),? "
        rf"(?P<list>{_ITEM}(?:, {_ITEM}){{0,8}},? (?:y|e|o|u|and|or) {_ITEM})"
    )
    return Anchored.build(re.compile(rf"(?:{en}|{es})(?!\w)"), conjunctions + heads_es), words


def _words(terms: list[str] | None) -> re.Pattern[str] | None:
    """One regex for whole-word ``terms`` on normalised text (None for none)."""
    if not terms:
        return None
    alternatives = "|".join(re.escape(normalise(v)) for t in terms for v in expand(t))
    return re.compile(r"(?<!\w)(?:" + alternatives + r")(?!\w)")


def _phrases(mapping: dict[str, Any], prefix: str) -> list[tuple[str, str]]:
    """Flatten ``{slug: {en: [...], es: [...]}}`` into (term, "<prefix>:<slug>") pairs."""
    return [
        (term, f"{prefix}:{slug}")
        for slug, langs in mapping.items()
        for terms in (langs or {}).values()
        for term in terms or []
    ]


@cache
def lexicon() -> Lexicon:
    """Load and compile all data files (cached: the first call costs ~100 ms, later ones 0)."""
    conditions = {c.slug: c for c in load_conditions()}
    kb = conditions_data()
    coordination, coordinated = _coordination(kb.get("coordinated") or {})
    subsumed = {
        item["slug"]: Subsumption(
            tuple(item["by"]) if isinstance(item["by"], list) else (item["by"],),
            frozenset(normalise(v, lower=False) for t in item["generic"] for v in expand(t))
            | frozenset(normalise(v) for t in item["generic"] for v in expand(t)),
            _words(item.get("context")),
            _words(item.get("unless")),
        )
        for item in kb.get("subsumed") or []
    }
    condition_pairs = [
        (term, c.slug)
        for c in conditions.values()
        for terms in c.synonyms.values()
        for term in terms
    ]
    ent = _load_yaml("patterns", "entities.yaml")
    entity_pairs = _phrases(ent["cell_sources"], "cell_source") + _phrases(
        ent["regulators"], "regulator"
    )

    st = _load_yaml("patterns", "stance.yaml")
    categories = {
        name: Category(name, spec["stance"], float(spec["priority"]))
        for name, spec in st["categories"].items()
    }
    cue_pairs = [
        (term, f"{cat}:{direction}")
        for cat, directions in st["cues"].items()
        for direction, terms in directions.items()
        for term in terms
    ]
    heading_pairs = [(t, stance) for stance, terms in st["headings"].items() for t in terms]

    fl = _load_yaml("patterns", "flags.yaml")
    # Contract flags and rubric signals are detected the same way; only the output differs.
    flag_specs = {**fl["flags"], **fl.get("signals", {})}
    flag_pairs = [(t, name) for name, spec in flag_specs.items() for t in spec.get("terms", [])]
    flag_rules = {
        name: FlagRule(
            name,
            bool(spec.get("negatable")),
            bool(spec.get("assertive")),
            tuple(spec.get("regex", [])),
        )
        for name, spec in flag_specs.items()
    }

    pg = _load_yaml("patterns", "page.yaml")
    clinic_pairs = [
        (t, f"{side}:{level[-1]}")
        for side in ("clinic", "nonclinic")
        for level, terms in pg[side].items()
        for t in terms
    ]
    flag_regexes = tuple(
        LedRegex(name, re.compile(led), bounded, _opening(led) or None)
        for name, rule in flag_rules.items()
        for rx in rule.regexes
        if "\\d" not in rx
        for led, bounded in _literal_led(rx)
    )
    flag_regex_numeric = _flag_regex(flag_rules)
    anchors = (flag_regex_numeric, coordination)
    coordination_heads = PhraseMatcher(
        (t, "head")
        for terms in (kb.get("coordinated") or {}).get("heads", {}).values()
        for t in terms
    )
    entity_matcher = PhraseMatcher(entity_pairs)
    # Origin phrases overlap cell sources ("your own bone marrow"): a matcher of their own.
    origin_matcher = PhraseMatcher(_phrases(ent["origin"], "origin"))
    terminator_matcher = PhraseMatcher((t, "end") for t in st["terminators"])
    flag_matcher = PhraseMatcher(flag_pairs)
    clinic_matcher = PhraseMatcher(clinic_pairs)
    return Lexicon(
        conditions=conditions,
        condition_matcher=PhraseMatcher(condition_pairs, plurals=True),
        coordination=coordination,
        coordination_heads=coordination_heads,
        coordinated=coordinated,
        subsumed=subsumed,
        entity_matcher=entity_matcher,
        origin_matcher=origin_matcher,
        cue_matcher=PhraseMatcher(cue_pairs),
        heading_matcher=PhraseMatcher(heading_pairs),
        terminator_matcher=terminator_matcher,
        list_words=frozenset(normalise(w) for w in st["list_words"]),
        example_words=frozenset(normalise(w) for w in st["example_words"]),
        continuations=tuple(
            normalise(v) for c in st["continuation"]["openings"] for v in expand(c)
        ),
        carried=frozenset(st["continuation"]["carries"]),
        categories=categories,
        flag_matcher=flag_matcher,
        flag_rules=flag_rules,
        selling_points=frozenset(name for name, rule in flag_rules.items() if rule.assertive),
        flag_regex_numeric=flag_regex_numeric,
        flag_regexes=flag_regexes,
        openings=Openings.build(
            {led: [led.opening] if led.opening else [] for led in flag_regexes}
            | {anchored: anchored.literals for anchored in anchors if anchored is not None}
        ),
        negators=frozenset(normalise(v) for n in fl["negators"] for v in expand(n)),
        negator_window=int(fl.get("negator_window", 4)),
        clinic_matcher=clinic_matcher,
        page_scan=PhraseScan(
            [
                coordination_heads,
                entity_matcher,
                origin_matcher,
                terminator_matcher,
                flag_matcher,
                clinic_matcher,
            ]
        ),
        nav_items={
            normalise(v): group.split("_")[0]  # "seller_practice" lists more seller items
            for group, terms in pg["nav_items"].items()
            for term in terms
            for v in expand(term)
        },
        nav_weight=int(pg.get("nav_weight", 2)),
        masthead_matcher=PhraseMatcher(
            (term, side) for side, terms in pg["masthead"]["words"].items() for term in terms
        ),
        title_separator=re.compile(pg["masthead"]["separator"]),
        masthead_weight=int(pg["masthead"]["weight"]),
        jsonld_clinic=frozenset(pg["jsonld_types"]["clinic"]),
        jsonld_nonclinic=frozenset(pg["jsonld_types"]["nonclinic"]),
        jsonld_offers=frozenset(pg["jsonld_types"].get("offers", [])),
        jsonld_weight=int(pg.get("jsonld_weight", 3)),
        nonclinic_hosts=tuple(pg.get("nonclinic_hosts", [])),
        nonclinic_host_weight=int(pg.get("nonclinic_host_weight", 100)),
        refutation_weight=int(pg["refutation_weight"]),
        stopwords={lang: frozenset(words) for lang, words in pg["language"].items()},
    )


def selling_points() -> frozenset[str]:
    """The flags only a seller's own words raise (``assertive`` in flags.yaml): a cure promised,
    an approval claimed, testimonials. Reported by a page that sells nothing, they are not its."""
    return lexicon().selling_points


def languages_read() -> frozenset[str]:
    """The languages the vocabulary covers (ISO 639-1): pages in any other are not audited."""
    return frozenset(lexicon().stopwords)


def _flag_regex(rules: dict[str, FlagRule]) -> Anchored | None:
    """Join the flag regexes that need a digit into one pattern, one named group per flag.

    A regex with ``\\d`` in its source counts as one that needs a digit: flags.yaml keeps every
    such regex matching a number within a few words of its start (see its header), and it runs
    only around the page's numbers, tried only where one of its words or a digit opens.
    """
    parts, alternatives = [], []
    for name, rule in rules.items():
        chosen = [rx for rx in rule.regexes if "\\d" in rx]
        if chosen:
            parts.append(f"(?P<{name}>{'|'.join(f'(?:{rx})' for rx in chosen)})")
            alternatives += [led for rx in chosen for led, _ in _literal_led(rx)]
    return Anchored.build(re.compile("|".join(parts)), alternatives) if parts else None


def _literal_led(rx: str) -> list[tuple[str, bool]]:
    """``\\b(?:a|b) rest`` as ``a rest`` and ``b rest``, each with whether it needs a word
    boundary before it.

    Python's re finds a pattern that starts with a literal by a fast substring search, but
    tries every position of the text for one that starts with ``\\b`` or an alternation: on a
    long page, thirty times slower. The caller checks the boundary (see ``LedRegex``).
    """
    bounded = rx.startswith("\\b")
    body = rx[2:] if bounded else rx
    if not body.startswith("(?:"):
        return [(body, bounded)]
    depth, i = 0, 0
    cuts: list[int] = []  # offsets of the group's top-level "|", then of its closing parenthesis
    while not cuts or body[cuts[-1]] != ")":
        char = body[i]
        if char == "\\":
            i += 1  # an escaped character is a literal
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                cuts.append(i)
        elif char == "|" and depth == 1:
            cuts.append(i)
        i += 1
    starts = [3, *(c + 1 for c in cuts[:-1])]
    rest = body[cuts[-1] + 1 :]
    return [(body[a:b] + rest, bounded) for a, b in zip(starts, cuts, strict=True)]
