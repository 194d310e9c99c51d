"""Page → :class:`DocumentExtraction`: conditions with a stance, entities, flags, page type."""

from __future__ import annotations

import itertools
import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from urllib.parse import urlsplit

from py3langid.langid import MODEL_FILE, LanguageIdentifier

from extract._starts import Opened
from extract._text import Hit, PhraseMatcher, normalise, normalise_raw
from extract.context import Context, Cue, best_cue, block_contexts, governing
from extract.knowledge import Lexicon, lexicon
from extract.models import (
    FLAG_NAMES,
    STANCE_RANK,
    ConditionFinding,
    DocumentExtraction,
    Mention,
    PageCue,
)
from extract.segment import Block, Page, Sentence, html_to_page, split_sentences, text_to_page

MAX_QUOTE = 300
# py3langid reads this much of a page's prose (its cost grows with length, its answer settles
# within a few sentences) and needs this many letters for a sound guess.
_LANGUAGE_SAMPLE = 600
_LANGUAGE_MIN_LETTERS = 40
# Probabilities (normalised over py3langid's languages) for "sure" of an unread language, and
# for a read language to be "plausible" on a mixed or list-like page.
_LANGUAGE_SURE = 0.9
_LANGUAGE_PLAUSIBLE = 0.1
# Cue categories after which a cell source or origin is not named as one at all: "we never use
# embryonic cells". A source in others' or a warning's words is still named on the page, and the
# real-world labels count it ("autologous cell therapies" in Health Canada's warning, c025;
# "whether taken from your own body or from someone else's" in the FDA's, c021).
_ENTITY_BLOCKERS = frozenset({"negation"})
# Research framing makes a cell source the trial's, not the site's, unless the site's own offer
# governs too ("We offer bone marrow cells, where trials are encouraging").
# Cue categories that make a selling-point flag ("cure", "FDA approved") someone else's words.
_FLAG_BLOCKERS = frozenset(
    {"hedge", "warning", "refutation", "others", "research", "question", "asked"}
)
_WORD = re.compile(r"[a-z]+")
# An English coordination's items before its conjunction: "heart, lung, kidney".
_LIST_TAIL = re.compile(r"(?:\w+, ){0,8}\w+$")
_ITEM = re.compile(r"\w+")
_LIST_REACH = 160
# A coordination's head noun ends an English one's last item ("... and kidney diseases") and
# starts a Spanish list ("enfermedades cardiacas, pulmonares y renales"): its scan runs this far
# before and after each head noun.
_HEAD_BEFORE, _HEAD_AFTER = 48, _LIST_REACH
# Numeric flag regexes (cell counts, prices, PMIDs) look this far before and after a number.
_NUMBER_BEFORE, _NUMBER_AFTER = 48, 120
# A mention framed as a question or as other clinics' promise is disclaimed by an answer or a
# verdict in the next sentence when that sentence names no condition of its own:
# "Some clinics promise to cure autism. Walk away." / "¿Sirve para el autismo? No hay evidencia."
# Research framing is answered only inside its own sentence ("…studied in autism, but these
# uses are not approved"): on news pages the next sentence is often about something else.
_ANSWERED = frozenset({"asked", "question", "others"})
_ANSWERED_IN_SENTENCE = _ANSWERED | {"research"}
_VERDICTS = frozenset({"negation", "hedge", "warning", "refutation"})
# Cue categories by which a page refutes what it reports (see DocumentExtraction.refutes).
_REFUTING = frozenset({"warning", "refutation"})
_ANSWER_WINDOW = 2  # sentences after a reported promise that may hold its verdict
# An institution's name around a condition: its kind and a preposition before it ("Institute of",
# "Asociación Española contra el"), or its kind after it ("Alzheimer's Association", "Anti-Aging
# Medicine conference"), with only capitalised words (and "and", "the"...) between.
_NAME_REACH = 80
_NAME_KINDS = (
    r"Institute|Foundation|Association|Society|Council|Federation|Alliance|Journal|Centre|Center|"
    r"Hospital|Instituto|Fundacion|Asociacion|Sociedad|Federacion|Alianza"
)
_NAME_WORDS = r"(?:(?:[A-Z][\w-]*|and|y|of|de|the|la|el|&)\s+)*"
_NAME_BEFORE = re.compile(
    rf"\b(?:{_NAME_KINDS})(?:\s+[A-Z][\w-]*)*\s+(?:of|for|on|de|del|para|contra)\s+"
    rf"{_NAME_WORDS}$"
)
_NAME_AFTER = re.compile(
    rf"(?:\s+[A-Z][\w-]*)*\s+(?:{_NAME_KINDS}|Research UK|[Cc]onference|[Cc]ongress|"
    r"[Ss]ymposium|[Ss]ummit|[Cc]ongreso)\b"
)
# A title's parts ("Topic | Publisher", "Topic — Site") and a copyright line's openings.
_TITLE_SEPARATOR = re.compile(r"\s[|·—–-]\s|\s?::\s")
_COPYRIGHT = ("©", "(c) ", "copyright")
# What lies between a class and its first member: "such as", ", like the", "como los", "(e.g."
_EXAMPLES = re.compile(r"[\s,:(]*[a-z]+(?: [a-z]+)?(?: (?:the|a|an|el|la|los|las|un|una))?[\s,:]*")
# Two condition names are one list's items when at most this much text, all list words
# (stance.yaml) and punctuation, lies between them.
_LIST_GAP = 40


def extract_document(html: str, url: str | None = None) -> DocumentExtraction:
    """Extract what an HTML page claims.

    Args:
        html: The page markup (decoded text).
        url: Where the page came from; used for the page type (".gov" hosts are not clinics).

    Returns:
        The page's conditions with stances, cell sources, origin, regulators and flags.
    """
    return _extract(html_to_page(html), url)


def extract_text(text: str, url: str | None = None) -> DocumentExtraction:
    """Extract what a plain-text page claims (``.txt`` inputs); see :func:`extract_document`."""
    return _extract(text_to_page(text), url)


@dataclass
class _Doc:
    """The page's sentences in normalised form, joined so each matcher runs once per page."""

    page: Page
    sentences: list[Sentence]
    folded: str
    cased: str
    starts: list[int]  # normalised start offset of each sentence
    cues: list[list[Cue]]
    ends: list[list[int]]  # clause-break offsets per sentence
    contexts: list[Context | None]  # per block
    scanned: dict[PhraseMatcher, list[Hit]]  # the hits of the lexicon's page_scan
    opened: Opened  # where the lexicon's regexes can start, and the page's numbers

    def hits(self, matcher: PhraseMatcher) -> list[Hit]:
        """``matcher``'s hits on the page (found by the page scan if it is one of its own)."""
        found = self.scanned.get(matcher)
        return list(matcher.finditer(self.folded, self.cased)) if found is None else found

    def sentence_text(self, index: int) -> str:
        """The normalised (folded) text of sentence ``index``."""
        end = self.starts[index + 1] - 1 if index + 1 < len(self.starts) else len(self.folded)
        return self.folded[self.starts[index] : end]

    def sentence_of(self, pos: int) -> int:
        return bisect_right(self.starts, pos) - 1

    def governing(self, index: int, hit: Hit) -> list[Cue]:
        return governing(self.cues[index], self.ends[index], hit.start, hit.end)


def _prepare(page: Page, lex: Lexicon) -> _Doc:
    sentences = split_sentences(page.blocks)
    # Normalise the whole page in one go (a few regex passes instead of a few per sentence);
    # NUL separates sentences because normalisation never touches it.
    cased_parts = [
        p.strip() for p in normalise_raw("\0".join(s.text for s in sentences)).split("\0")
    ]
    if not sentences:
        cased_parts = []
    starts = list(itertools.accumulate((len(p) + 1 for p in cased_parts), initial=0))[:-1]
    cased = "\n".join(cased_parts)
    # Lower-casing the joined text equals joining the lower-cased sentences ("\n" is neither
    # cased nor case-ignorable, so a final sigma reads the same) unless a letter's lower case
    # is longer ("İ"): then sentence by sentence, keeping such letters as they are.
    folded = cased.lower()
    if len(folded) != len(cased):
        folded = "\n".join(_lower_in_place(p) for p in cased_parts)
    doc = _Doc(
        page,
        sentences,
        folded,
        cased,
        starts,
        [[] for _ in sentences],
        [[] for _ in sentences],
        block_contexts(page.blocks, lex),
        lex.page_scan.hits(folded, cased),
        lex.openings.find(folded),
    )
    for hit in doc.hits(lex.cue_matcher):
        cues = doc.cues[doc.sentence_of(hit.start)]
        for value in hit.values:  # one phrase can be listed both forward and backward
            category, direction = value.split(":")
            cat = lex.categories[category]
            cues.append(
                Cue(hit.start, hit.end, hit.text, category, direction, cat.stance, cat.priority)
            )
    for i in range(1, len(sentences)):
        carried = _carried(doc, lex, i)
        if carried is not None:
            doc.cues[i].append(carried)
    for hit in doc.hits(lex.terminator_matcher):
        index = doc.sentence_of(hit.start)
        # "but" inside a cue ("not only … but") is part of the cue, not a clause break.
        if not any(c.start <= hit.start < c.end for c in doc.cues[index]):
            doc.ends[index].append(hit.start)
    asked = lex.categories["asked"]
    for i, s in enumerate(sentences):
        if s.text.rstrip().endswith("?") or s.text.lstrip().startswith("¿"):
            # A question governs its whole sentence, so it is placed over the sentence's span.
            end = starts[i] + len(cased_parts[i])
            doc.cues[i].append(
                Cue(starts[i], end, "?", "asked", "both", asked.stance, asked.priority)
            )
    return doc


def _carried(doc: _Doc, lex: Lexicon, index: int) -> Cue | None:
    """The framing that sentence ``index`` takes over from the one before it, if it opens on
    that one's subject ("Some of them involve…"): its strongest research or others' cue, set
    at the sentence's start to govern it forward."""
    start = doc.starts[index]
    # one C-level test per sentence; most sentences stop here
    if not doc.folded.startswith(lex.continuations, start):
        return None
    if doc.sentences[index].block != doc.sentences[index - 1].block:
        return None
    end = start + max(len(c) for c in lex.continuations if doc.folded.startswith(c, start))
    before = [c for c in doc.cues[index - 1] if c.category in lex.carried]
    if doc.folded[end : end + 1].isalnum() or not before:
        return None
    cue = max(before, key=lambda c: c.priority)
    return cue._replace(start=start, end=end, direction="forward")


def _lower_in_place(text: str) -> str:
    """``text.lower()``, keeping the letters whose lower case is longer (offsets stay put)."""
    folded = text.lower()
    if len(folded) != len(text):
        folded = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    return folded


def _extract(page: Page, url: str | None) -> DocumentExtraction:
    lex = lexicon()
    offers = [text for kind, text in page.jsonld_texts if kind in lex.jsonld_offers]
    page.add_blocks(list(dict.fromkeys(offers)), "jsonld")
    text = "\n".join(b.text for b in page.blocks)
    language = _language(page, lex)
    if language not in lex.stopwords and language != "und":
        # A language the vocabulary does not cover: reading it with English and Spanish words
        # would find accidents, not claims. The page is kept, marked as not audited.
        return DocumentExtraction(url, language, page.title, text=text, audited=False)
    doc = _prepare(page, lex)
    flags = dict.fromkeys(FLAG_NAMES, False)
    evidence: dict[str, str] = {}

    def mark(key: str, sentence: int) -> None:
        evidence.setdefault(key, doc.sentences[sentence].text[:MAX_QUOTE])

    conditions = _conditions(doc, lex, flags, mark)
    entities: dict[str, set[str]] = {"cell_source": set(), "origin": set(), "regulator": set()}
    entity_hits = itertools.chain(doc.hits(lex.entity_matcher), doc.hits(lex.origin_matcher))
    for hit in entity_hits:
        index = doc.sentence_of(hit.start)
        framing = {c.category for c in doc.governing(index, hit)}
        blocked = bool(framing & _ENTITY_BLOCKERS) or (
            "research" in framing and "offer" not in framing
        )
        for value in hit.values:
            kind, slug = value.split(":", 1)
            if kind != "regulator" and blocked:
                continue  # "we never use embryonic cells", "fraudsters sell amniotic fluid"
            entities[kind].add(slug)
            mark(value, index)
    mentions = []
    signals: set[str] = set()
    for name, index, hit in _flag_hits(doc, lex):
        if name in flags:
            flags[name] = True
            mark(f"flag:{name}", index)
            mentions.append(_mention(doc, name, index, hit))
        else:
            signals.add(name)
            mark(f"signal:{name}", index)
    return DocumentExtraction(
        url=url,
        language=language,
        title=page.title,
        conditions=conditions,
        cell_sources=sorted(entities["cell_source"]),
        origin=sorted(entities["origin"]),
        regulators=sorted(entities["regulator"]),
        flags=flags,
        signals=frozenset(signals),
        evidence=evidence,
        mentions=sorted(mentions, key=lambda m: (m.start, m.kind)),
        text=text,
        page_cues=_page_cues(doc, url, lex),
        refutes=_refutation(doc) is not None,
    )


def _quote(doc: _Doc, index: int, hit: Hit) -> str:
    """The sentence of a hit, cut to a window around it when longer than MAX_QUOTE."""
    text = doc.sentences[index].text
    if len(text) <= MAX_QUOTE:
        return text
    # Normalisation barely changes lengths, so scale the normalised offset onto the original.
    norm_len = max(1, _norm_len(doc, index))
    centre = int((hit.start - doc.starts[index]) * len(text) / norm_len)
    start = max(0, min(centre - MAX_QUOTE // 2, len(text) - (MAX_QUOTE - 2)))
    piece = text[start : start + MAX_QUOTE - 2].strip()
    return ("…" if start > 0 else "") + piece + ("…" if start + MAX_QUOTE - 2 < len(text) else "")


def _norm_len(doc: _Doc, index: int) -> int:
    end = doc.starts[index + 1] - 1 if index + 1 < len(doc.starts) else len(doc.folded)
    return end - doc.starts[index]


def _conditions(
    doc: _Doc,
    lex: Lexicon,
    flags: dict[str, bool],
    mark: Callable[[str, int], None],
) -> list[ConditionFinding]:
    """One finding per slug: its strongest stance, first quote with it, in order of appearance."""
    best: dict[str, ConditionFinding] = {}
    hits = _narrowed(doc, lex, _publisher_free(doc, _condition_hits(doc, lex)))
    refutation = _refutation(doc)
    named: dict[int, list[int]] = {}  # sentence -> starts of its condition hits
    named_by: dict[str, list[tuple[str, int]]] = {}  # slug -> (words naming it, sentence)
    unclaimed: dict[str, str] = {}  # slug -> its strongest stance other than claimed
    name = lex.categories["name"]
    for hit in hits:
        index = doc.sentence_of(hit.start)
        named.setdefault(index, []).append(hit.start)
        span = _institution(doc, index, hit)
        if span is not None:
            # It frames only the name it is part of: direction "none" governs by overlap.
            doc.cues[index].append(
                Cue(*span, doc.cased[span[0] : span[1]], "name", "none", name.stance, name.priority)
            )
        # Words inside a condition's name frame nothing: "lung damage caused by COVID-19" is
        # one name, not a cause ("caused by") framing what follows it. A cue that is the whole
        # name ("leukemia", an established use) still frames it.
        if any(_inside(c, hit) for c in doc.cues[index]):
            doc.cues[index] = [c for c in doc.cues[index] if not _inside(c, hit)]
    in_sentence: dict[int, list[Hit]] = {}
    for hit in hits:
        in_sentence.setdefault(doc.sentence_of(hit.start), []).append(hit)
    judged = []
    for hit in hits:
        index = doc.sentence_of(hit.start)
        stance, cue_text, category = _stance(doc, index, hit, named)
        beside = (
            _beside(doc, lex, hit, in_sentence[index])
            if category is None and stance == "claimed"
            else frozenset()
        )
        judged.append((hit, index, stance, cue_text, category, beside))
    # Conditions the page claims other than as a bare name beside another one.
    firm = {
        slug
        for hit, _, stance, _, _, beside in judged
        if stance == "claimed" and not beside
        for slug in hit.values
    }
    for hit, index, stance, cue_text, category, beside in judged:
        if beside & firm:
            # Named bare beside a condition the page sells, and not listed with it, the name
            # is that one's background (a symptom, cause, risk factor or statistic): "a spinal
            # cord injury brings paralysis and chronic pain", "neuropathy is common in
            # diabetes". Two bare names side by side on a seller's page stay claimed.
            stance = "mentioned"
        if stance == "mentioned" and category == "others" and refutation is not None:
            # Others' promises on a page that calls such promises false or baseless.
            stance, cue_text, category = "disclaimed", refutation.text, refutation.category
        if stance == "disclaimed" and category in ("negation", "heading"):
            flags["lists_exclusions"] = True
            mark("flag:lists_exclusions", index)
        for slug in hit.values:
            old = best.get(slug)
            if stance != "claimed" and STANCE_RANK[stance] > STANCE_RANK.get(
                unclaimed.get(slug, ""), 0
            ):
                unclaimed[slug] = stance
            if old is None or STANCE_RANK[stance] > STANCE_RANK[old.stance]:
                sentence = doc.sentences[index]
                # Keep first-appearance order: replace in place rather than re-append.
                best[slug] = ConditionFinding(
                    slug,
                    lex.conditions[slug].tier,
                    stance,
                    _quote(doc, index, hit),
                    cue_text,
                    sentence.start,
                    sentence.end,
                    category,
                )
            named_by.setdefault(slug, []).append((hit.text, index))
    _fold_subsumed(doc, lex, best, named_by)
    return [replace(f, unclaimed=unclaimed.get(f.slug, "mentioned")) for f in best.values()]


def _beside(doc: _Doc, lex: Lexicon, hit: Hit, sentence_hits: list[Hit]) -> frozenset[str]:
    """The other condition named in ``hit``'s sentence, when it is not in one list with it.

    Only a sentence naming two conditions is read so: one naming more is a list whatever lies
    between its items ("…cardiomyopathy…spinal cord injuries, paralysis…"), its names not
    each other's background."""
    if len({h.values for h in sentence_hits}) != 2:
        return frozenset()
    position = sentence_hits.index(hit)
    # Walk the coordination ("A, B and C") both ways; whatever lies beyond it is another.
    first = last = position
    while first > 0 and _listed(doc, lex, sentence_hits[first - 1], sentence_hits[first]):
        first -= 1
    while last + 1 < len(sentence_hits) and _listed(
        doc, lex, sentence_hits[last], sentence_hits[last + 1]
    ):
        last += 1
    return frozenset(
        slug
        for i, h in enumerate(sentence_hits)
        if not first <= i <= last and h.values != hit.values
        for slug in h.values
    )


def _listed(doc: _Doc, lex: Lexicon, before: Hit, after: Hit) -> bool:
    """Whether two condition names are items of one list: only separators and list words
    ("and", "such as", "o a los"...) between them."""
    gap = doc.folded[before.end : after.start]
    return len(gap) <= _LIST_GAP and all(w in lex.list_words for w in _WORD.findall(gap))


def _inside(cue: Cue, hit: Hit) -> bool:
    """Whether ``cue`` is a part, not the whole, of the condition name ``hit``."""
    return (
        hit.start <= cue.start and cue.end <= hit.end and cue.end - cue.start < hit.end - hit.start
    )


def _refutation(doc: _Doc) -> Cue | None:
    """The page's first cue calling claims false, deceptive, illegal or baseless, if any."""
    return next((c for cues in doc.cues for c in cues if c.category in _REFUTING), None)


def _stance(
    doc: _Doc, index: int, hit: Hit, named: dict[int, list[int]]
) -> tuple[str, str | None, str | None]:
    """(stance, cue text, cue category) of one condition mention in sentence ``index``."""
    context = doc.contexts[doc.sentences[index].block]
    cues = doc.governing(index, hit)
    cue = best_cue(cues, hit.start, hit.end)
    stance, cue_text, category = "mentioned", None, None
    if cue is not None and cue.priority >= 3:
        stance, cue_text, category = cue.stance, cue.text, cue.category
    elif context is not None:
        # Under "Conditions we treat" / "No tratamos" the list item takes the heading's word.
        stance, cue_text, category = context.stance, context.cue, context.category
    elif cue is not None:
        stance, cue_text, category = cue.stance, cue.text, cue.category
    else:
        # A seller's page presents what it names as something its treatment helps, in a menu,
        # a list, prose, an FAQ answer or a testimonial alike; the exceptions (above) are what
        # a careful coder would not count: refusals, others' promises, research, risks,
        # questions answered no. Whether the page sells at all is the site verdict's.
        stance = "claimed"
    framing = {category} | {c.category for c in cues}
    if (stance == "mentioned" and framing & _ANSWERED_IN_SENTENCE) or category == "asked":
        verdict = _verdict(doc, index, hit.start, named, bool(framing & _ANSWERED))
        if verdict is not None:
            stance, cue_text, category = verdict.stance, verdict.text, verdict.category
    return stance, cue_text, category


def _fold_subsumed(
    doc: _Doc,
    lex: Lexicon,
    best: dict[str, ConditionFinding],
    named_by: dict[str, list[tuple[str, int]]],
) -> None:
    """Drop broad findings that only restate a narrower one (``subsumed`` in conditions.yaml):
    "arthritis" on a page or in a sentence about knees is the knee's; alone, it is arthritis."""
    headline = normalise(" ".join(b.text for b in doc.page.blocks if b.heading_level == 1))
    for broad, rule in lex.subsumed.items():
        if broad not in best or not any(
            by in best and STANCE_RANK[best[by].stance] >= STANCE_RANK[best[broad].stance]
            for by in rule.by
        ):
            continue
        context = rule.context
        about_it = context is None or bool(
            context.search(normalise(doc.page.title) + " " + headline)
        )
        if all(
            text in rule.generic
            and (about_it or (context is not None and _about(doc, index, context)))
            and not (rule.unless and rule.unless.search(doc.sentence_text(index)))
            for text, index in named_by[broad]
        ):
            del best[broad]


def _about(doc: _Doc, index: int, context: re.Pattern[str]) -> bool:
    """Whether sentence ``index``'s paragraph or the heading over it speaks of ``context``'s
    body part: "el envejecimiento prematuro" in a paragraph about the skin is the skin's."""
    block = doc.sentences[index].block
    heading = next(
        (b for b in reversed(doc.page.blocks[:block]) if b.heading_level and b.kind != "title"),
        None,
    )
    return bool(
        context.search(doc.sentence_text(index))
        or context.search(normalise(doc.page.blocks[block].text))
        or (heading is not None and context.search(normalise(heading.text)))
    )


def _narrowed(doc: _Doc, lex: Lexicon, hits: list[Hit]) -> list[Hit]:
    """A broad generic name in a sentence about the narrower one's body part names the
    narrower one: "the joint space that is bone on bone" in a sentence about the knee is knee
    osteoarthritis, unless the sentence names another joint too (``subsumed`` rules)."""
    narrowed = []
    for hit in hits:
        rule = lex.subsumed.get(hit.values[0]) if len(hit.values) == 1 else None
        if rule is not None and rule.context is not None and hit.text in rule.generic:
            text = doc.sentence_text(doc.sentence_of(hit.start))
            if rule.context.search(text) and not (rule.unless and rule.unless.search(text)):
                hit = hit._replace(values=rule.by[:1])
        narrowed.append(hit)
    return narrowed


def _institution(doc: _Doc, index: int, hit: Hit) -> tuple[int, int] | None:
    """The span of an institution's name that ``hit`` is part of, if any: "the National
    Institute of Diabetes and Digestive Kidney Diseases", "Filatov Institute of Eye Diseases",
    "the Alzheimer's Association", "Asociación Española contra el Cáncer". A body named after a
    disease is not an offer to treat it."""
    if not doc.cased[hit.start : hit.start + 1].isupper():
        return None  # names are capitalised
    start = doc.starts[index]
    before = _NAME_BEFORE.search(doc.cased, max(start, hit.start - _NAME_REACH), hit.start)
    if before is not None:
        return before.start(), hit.end
    end = doc.starts[index] + _norm_len(doc, index)
    after = _NAME_AFTER.match(doc.cased, hit.end, min(end, hit.end + _NAME_REACH))
    return (hit.start, after.end()) if after is not None else None


def _publisher_free(doc: _Doc, hits: list[Hit]) -> list[Hit]:
    """The condition names that are not part of the publisher's own name.

    A page names its publisher in the last part of its title ("Stem Cell Therapy | Hall
    Longevity", "Shop | Supreme Rejuvenation") and in its copyright line ("© Hall Longevity
    Clinic"): a brand, not a claim. A last title part made only of condition names ("… | Back
    Pain") is the page's topic, not a name, and stays.
    """
    kept = []
    for hit in hits:
        index = doc.sentence_of(hit.start)
        sentence = doc.sentences[index]
        if sentence.text.lstrip().lower().startswith(_COPYRIGHT):
            continue
        if doc.page.blocks[sentence.block].kind == "title":
            name = _publisher_name(doc, index, hits)
            if name is not None and name[0] <= hit.start and hit.end <= name[1]:
                continue
        kept.append(hit)
    return kept


def _publisher_name(doc: _Doc, index: int, hits: list[Hit]) -> tuple[int, int] | None:
    """The span of the title's last part (the title holds sentence ``index``), when it reads as
    a name."""
    block = doc.sentences[index].block
    parts = _TITLE_SEPARATOR.split(doc.page.blocks[block].text)
    last = normalise(parts[-1])
    if len(parts) < 2 or not last:
        return None
    first = index
    while first > 0 and doc.sentences[first - 1].block == block:
        first -= 1
    final = index
    while final + 1 < len(doc.sentences) and doc.sentences[final + 1].block == block:
        final += 1
    region_end = doc.starts[final] + _norm_len(doc, final)
    start = doc.folded.rfind(last, doc.starts[first], region_end)
    if start < 0:
        return None
    end = start + len(last)
    named = [h for h in hits if start <= h.start and h.end <= end]
    words = [m.start() for m in _WORD.finditer(doc.folded, start, end)]
    if all(any(h.start <= w < h.end for h in named) for w in words):
        return None  # only condition names: the page's topic
    return start, end


def _condition_hits(doc: _Doc, lex: Lexicon) -> list[Hit]:
    """Every condition name on the page, with organ words of coordinations ("heart, lung and
    kidney diseases") as names of their own where no synonym already covers them."""
    hits = doc.hits(lex.condition_matcher)
    if lex.coordination is None:
        return hits
    taken = [(h.start, h.end) for h in hits]
    heads = ((h.start, h.end) for h in doc.hits(lex.coordination_heads))
    starts = lex.coordination.starts(doc.opened)
    matches = (
        m
        for start, end in _windows(heads, _HEAD_BEFORE, _HEAD_AFTER, len(doc.folded))
        for m in lex.coordination.finditer(doc.folded, start, end, starts)
    )
    for m in matches:
        if m.group("list") is not None:  # Spanish: the items follow the head noun
            items = [(m.start("list") + w.start(), w.group()) for w in _ITEM.finditer(m["list"])]
        else:  # English: the last item, then the comma-separated items before the conjunction
            items = [(m.start("last"), m["last"])]
            before = doc.folded[max(0, m.start() - _LIST_REACH) : m.start()]
            tail = _LIST_TAIL.search(before)
            if tail is not None:
                offset = m.start() - len(before) + tail.start()
                items += [(offset + w.start(), w.group()) for w in _ITEM.finditer(tail.group())]
        for start, word in items:
            slug = lex.coordinated.get(word)
            end = start + len(word)
            if slug and not any(s < end and start < e for s, e in taken):
                hits.append(Hit(start, end, word, (slug,)))
    return _members_only(doc, lex, sorted(hits, key=lambda h: h.start))


def _members_only(doc: _Doc, lex: Lexicon, hits: list[Hit]) -> list[Hit]:
    """Drop a class of conditions named for its members: "inflammatory conditions such as
    arthritis", "enfermedades inflamatorias como la artritis reumatoide", "knee injuries such
    as ligament tears" name the members, not the class as a condition of its own."""
    dropped = {
        i
        for i, (first, then) in enumerate(itertools.pairwise(hits))
        if first.values != then.values
        and _EXAMPLES.fullmatch(doc.folded, first.end, then.start)
        and _WORD.findall(doc.folded, first.end, then.start)[0] in lex.example_words
    }
    return [h for i, h in enumerate(hits) if i not in dropped] if dropped else hits


def _verdict(
    doc: _Doc, index: int, start: int, named: dict[int, list[int]], next_sentence: bool
) -> Cue | None:
    """A disclaiming cue that answers the mention at ``start`` in sentence ``index``.

    It sits in a later clause of the same sentence ("…studied in autism, but these uses are not
    approved"), or else in one of the next few sentences before any names a condition of its
    own ("Clinics sell it for autism and MS. It sounds too good. There is no evidence.").
    """
    ends = doc.ends[index]
    clause = bisect_right(ends, start)
    own = {bisect_right(ends, s) for s in named.get(index, [])}
    later = [
        c
        for c in doc.cues[index]
        if c.category in _VERDICTS
        and bisect_right(ends, c.start) > clause
        and bisect_right(ends, c.start) not in own
    ]
    if not later and next_sentence:
        for following in range(index + 1, min(index + 1 + _ANSWER_WINDOW, len(doc.cues))):
            if following in named:
                break
            later = [c for c in doc.cues[following] if c.category in _VERDICTS]
            if later:
                break
    return max(later, key=lambda c: c.priority, default=None)


def _mention(doc: _Doc, kind: str, index: int, hit: Hit) -> Mention:
    """Place a normalised-text hit back onto the page's own words."""
    sentence = doc.sentences[index]
    if _norm_len(doc, index) != len(sentence.text):  # normalisation moved characters
        return Mention(kind, hit.text, sentence.start, sentence.end)
    start, end = hit.start - doc.starts[index], hit.end - doc.starts[index]
    return Mention(kind, sentence.text[start:end], sentence.start + start, sentence.start + end)


def _flag_hits(doc: _Doc, lex: Lexicon) -> Iterator[tuple[str, int, Hit]]:
    """Yield (flag, sentence index, hit) for every cue that sets a flag."""
    hits: list[tuple[str, Hit]] = []
    for hit in doc.hits(lex.flag_matcher):
        hits.extend((name, hit) for name in hit.values)
    for name, m in _flag_regex_matches(doc, lex):
        hits.append((name, Hit(m.start(), m.end(), m.group(), (name,))))
    for name, hit in hits:
        rule = lex.flag_rules[name]
        index = doc.sentence_of(hit.start)
        if rule.negatable and _negated(doc, index, hit, lex):
            continue
        if rule.assertive:
            # A cue inside the flag's own words frames nothing: the "he said" that attributes
            # a patient's quoted words is part of the testimonial, not someone else's promise.
            if any(
                c.category in _FLAG_BLOCKERS and not hit.start <= c.start < c.end <= hit.end
                for c in doc.governing(index, hit)
            ):
                continue
            context = doc.contexts[doc.sentences[index].block]
            if context is not None and context.stance != "claimed":
                continue  # e.g. a "Red flag" table column listing "Promises cures"
        yield name, index, hit


def _flag_regex_matches(doc: _Doc, lex: Lexicon) -> Iterator[tuple[str, re.Match[str]]]:
    """(flag, match) of the flag regexes; those that need a digit run only around numbers."""
    folded, opened = doc.folded, doc.opened
    for led in lex.flag_regexes:
        yield from ((led.flag, m) for m in led.finditer(folded, led.starts(opened)))
    numeric = lex.flag_regex_numeric
    if numeric is None:
        return
    starts = numeric.starts(opened)
    for start, end in _windows(opened.numbers, _NUMBER_BEFORE, _NUMBER_AFTER, len(folded)):
        for m in numeric.finditer(folded, start, end, starts):
            yield next(k for k, v in m.groupdict().items() if v is not None), m


def _windows(
    spans: Iterable[tuple[int, int]], before: int, after: int, size: int
) -> Iterator[tuple[int, int]]:
    """The stretches of text within ``before``/``after`` characters of the ``spans`` (sorted),
    overlapping ones merged. A regex searched in place over these (``finditer(text, start,
    end)``, not a slice, so \\b and lookbehinds stay true at the edges) costs only what they
    hold: a regex scan costs the same at every character, and most of a long page is far from
    the words a pattern needs."""
    window: list[int] | None = None
    for first, last in spans:
        start, end = max(0, first - before), min(size, last + after)
        if window is not None and start <= window[1]:
            window[1] = max(window[1], end)
            continue
        if window is not None:
            yield window[0], window[1]
        window = [start, end]
    if window is not None:
        yield window[0], window[1]


def _negated(doc: _Doc, index: int, hit: Hit, lex: Lexicon) -> bool:
    """A negator among the few words before the cue ("not a cure", "no es una cura"), or a
    clause that opens with one ("No injection of this kind is FDA approved")."""
    ends = [e for e in doc.ends[index] if e <= hit.start]
    before = doc.folded[max([doc.starts[index], *ends]) : hit.start]
    words = _WORD.findall(before)
    return bool(words) and (
        words[0] in lex.negators or any(w in lex.negators for w in words[-lex.negator_window :])
    )


def _page_cues(doc: _Doc, url: str | None, lex: Lexicon) -> tuple[PageCue, ...]:
    """What the page's wording says about its publisher: a seller, or news, research, a regulator.

    Each distinct phrase counts once (a long article is not "more news"); the verdict over the
    whole site is :func:`score.site_verdict`'s.
    """
    cues: dict[tuple[str, str], int] = {}
    for hit in doc.hits(lex.clinic_matcher):
        for value in hit.values:
            side, weight = value.split(":")
            key = ("seller" if side == "clinic" else "other", hit.text)
            cues[key] = max(cues.get(key, 0), int(weight))
    for block in doc.page.blocks:
        if block.in_nav:
            entry = _menu_entry(block.text)
            menu_side = lex.nav_items.get(entry)
            if menu_side is not None:
                cues[(menu_side, f"menu: {entry}")] = lex.nav_weight
    for side, word in _masthead(doc.page.title, lex):
        cues[(side, f"site name: {word}")] = lex.masthead_weight
    for kind in sorted(doc.page.jsonld_types & lex.jsonld_clinic):
        cues[("seller", f"schema.org {kind}")] = lex.jsonld_weight
    for kind in sorted(doc.page.jsonld_types & lex.jsonld_nonclinic):
        cues[("other", f"schema.org {kind}")] = lex.jsonld_weight
    if _refutation(doc) is not None and not any(side == "seller" for side, _ in cues):
        # Calling claims false or baseless without a word of selling: a watchdog's page.
        cues[("other", "calls treatment claims false or baseless")] = lex.refutation_weight
    host = (urlsplit(url).hostname or "") if url else ""
    for suffix in lex.nonclinic_hosts:
        if host.endswith(suffix) or suffix.strip(".") == host:
            # A government, university or journal host never sells treatment: decisive.
            cues[("other", f"host {suffix}")] = lex.nonclinic_host_weight
    return tuple(PageCue(side, phrase, w) for (side, phrase), w in cues.items())


def _masthead(title: str, lex: Lexicon) -> Iterator[tuple[str, str]]:
    """The publisher words of the site's name: the title's parts after its headline ("Stem
    cells in Mexico | Medical Tourism Magazine", "… - CBS News"). A one-part title may be a
    headline alone, so it names no one."""
    for part in lex.title_separator.split(title)[1:]:
        for hit in lex.masthead_matcher.finditer(normalise(part)):
            for side in hit.values:
                yield side, hit.text


@lru_cache(maxsize=20_000)
def _menu_entry(text: str) -> str:
    """A menu entry normalised: a site's menus repeat on every page, so each is done once."""
    return normalise(text)


def _language(page: Page, lex: Lexicon) -> str:
    """The page's language (ISO 639-1), by py3langid over its visible text.

    Another language than those read wins only when py3langid is sure of it: a Spanish page
    with an English footer, or a list of condition names, reads as Galician or Latin at low
    confidence. Pages too short for a statistical guess (a few words quoted in a warning
    letter) fall back to counting stopwords; "und" when nothing is recognisable.
    """
    sample = _language_sample(page.blocks)
    if sum(map(str.isalpha, sample)) >= _LANGUAGE_MIN_LETTERS:
        ranked = _language_identifier().rank(sample)
        top, confidence = ranked[0]
        if top in lex.stopwords or confidence >= _LANGUAGE_SURE:
            return str(top)
        read = next(((lang, p) for lang, p in ranked if lang in lex.stopwords), None)
        if read is not None and read[1] >= _LANGUAGE_PLAUSIBLE:
            return str(read[0])
        return str(top)
    words = Counter(_WORD.findall(normalise(sample)))
    counts = {lang: sum(words[w] for w in stop) for lang, stop in lex.stopwords.items()}
    lang, top_count = max(counts.items(), key=lambda kv: kv[1], default=("und", 0))
    return lang if top_count else "und"


def _language_sample(blocks: list[Block]) -> str:
    """The first _LANGUAGE_SAMPLE characters of the page's text, prose blocks first (menus and
    footers are short, shared across languages and full of names), then the menu-like ones.

    Blocks are read only until the sample is full: on a long page, the first few paragraphs.
    """
    prose, labels, size = [], [], -1  # size: of the prose joined by "\n"
    for block in blocks:
        if block.menu_like:
            labels.append(block.text)
            continue
        prose.append(block.text)
        size += len(block.text) + 1
        if size >= _LANGUAGE_SAMPLE:
            break
    return "\n".join(prose + labels if size < _LANGUAGE_SAMPLE else prose)[:_LANGUAGE_SAMPLE]


@cache
def _language_identifier() -> LanguageIdentifier:
    """py3langid's identifier with its feature table in float32 rather than the model file's
    float16: numpy converts float16 in software on every product, which was a third of the
    language guess's time on a long page. The conversion is exact and the products are the
    same float32 ones, so the guesses are unchanged; the table takes 57 MB instead of 28."""
    model = LanguageIdentifier.from_model_file(MODEL_FILE)
    return LanguageIdentifier(
        model.nb_ptc.astype("float32"),
        model.nb_pc,
        model.nb_classes,
        model.tk_nextmove,
        model.tk_output,
        norm_probs=True,
        tk_row=model.tk_row,
    )
