"""The result types of extraction and the jsonl contract of DESIGN.md."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from extract.knowledge import selling_points
from vocabulary import FLAG_NAMES
from vocabulary import STANCE_RANK as STANCE_RANK  # re-exported for extract.document

# Cue categories that frame a mention as a promise to treat (see DocumentExtraction.stances).
REPORTED_PROMISES = frozenset({"offer", "efficacy", "therapy", "others", "asked"})


@dataclass(frozen=True)
class ConditionFinding:
    """One condition of a document, with the stance the page takes on it.

    ``quote`` is the sentence that gave the stance (at most 300 characters) and ``cue`` the
    modifier phrase that set it (``None`` for a plain claim or mention). ``start``/``end`` are
    the character offsets of that whole sentence in :attr:`DocumentExtraction.text`.
    """

    slug: str
    tier: str
    stance: str
    quote: str
    cue: str | None = None
    start: int = 0
    end: int = 0
    # The category of the cue that set the stance ("offer", "research", "others"...), or None
    # when nothing framed the mention (a bare name on a seller's page reads as claimed).
    framing: str | None = None
    # The strongest stance among the page's other mentions of the condition that are not
    # claims: what the page says of it when its claims turn out not to be the site's (a news
    # page naming diabetes in a patient's story and again among a fraudster's promises).
    unclaimed: str = "mentioned"


@dataclass(frozen=True)
class Mention:
    """One piece of evidence behind a flag: a cell count, a price, a citation, a cure promise…

    ``kind`` is the flag it supports (``"states_cell_count"``, ``"price_stated"``…), ``text``
    the phrase as the page wrote it, ``start``/``end`` its offsets in
    :attr:`DocumentExtraction.text` (the whole sentence's when the phrase cannot be placed
    exactly, e.g. after apostrophes were dropped for matching).
    """

    kind: str
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class PageCue:
    """One piece of page-type evidence: a phrase that reads like a seller's own page or not.

    ``side`` is ``"seller"`` (offers, calls to action, prices, first-person clinic talk) or
    ``"other"`` (bylines, reported speech, journal apparatus, a regulator's letter); ``weight``
    says how telling the phrase is. Whether a *site* sells treatment is decided from the cues of
    all its pages, once, by :func:`score.site_verdict`.
    """

    side: str
    phrase: str
    weight: int


@dataclass(frozen=True)
class DocumentExtraction:
    """Everything a page claims, with the evidence for each flag and entity.

    Stances are the page's own: "claimed" means the page presents its treatment as helping the
    condition. Whether that is a seller's claim or a news report of one is a site-level
    question (:func:`score.site_verdict`); :meth:`to_contract` applies its answer.
    """

    url: str | None
    language: str
    title: str
    conditions: list[ConditionFinding] = field(default_factory=list)
    cell_sources: list[str] = field(default_factory=list)
    origin: list[str] = field(default_factory=list)
    regulators: list[str] = field(default_factory=list)
    flags: dict[str, bool] = field(default_factory=lambda: dict.fromkeys(FLAG_NAMES, False))
    # Rubric signals beyond the contract's flags (``patterns/flags.yaml`` ``signals``): only
    # those found, never part of ``to_contract``.
    signals: frozenset[str] = frozenset()
    evidence: dict[str, str] = field(default_factory=dict)
    mentions: list[Mention] = field(default_factory=list)
    # The page's visible text (title, meta description, then blocks, joined by newlines): the
    # text that ConditionFinding offsets point into.
    text: str = field(default="", repr=False)
    # What the page's wording says about who publishes it (seller or not), for the site verdict.
    page_cues: tuple[PageCue, ...] = ()
    # The page calls the claims it reports false, deceptive, illegal or without evidence (a
    # consumer alert, an enforcement story): if its site sells nothing, the promises it reports
    # are disclaimed rather than merely mentioned.
    refutes: bool = False
    # False for a page in a language the extractor does not read (``language`` says which):
    # nothing was extracted from it, and it must be reported as not audited, never graded.
    audited: bool = True

    def stances(self, sells_treatment: bool) -> dict[str, str]:
        """Each condition's stance once the verdict is known: a page of a site that sells no
        treatment claims nothing, so its claims become mentions, or disclaimers where the
        page refutes them."""
        return {
            c.slug: c.stance if sells_treatment or c.stance != "claimed" else self._reported(c)
            for c in self.conditions
        }

    def _reported(self, finding: ConditionFinding) -> str:
        """A claim on a page that sells nothing: a promise the page reports (framed as an offer
        or a cure) and refutes is disclaimed; anything else is a mention, unless the page
        disclaims the condition elsewhere."""
        refuted = self.refutes and finding.framing in REPORTED_PROMISES
        return "disclaimed" if refuted else finding.unclaimed

    def judged_flags(self, sells_treatment: bool) -> dict[str, bool]:
        """The flags once the verdict is known: selling points ("cure", "FDA approved",
        testimonials) that a page of a non-seller reports are someone else's, not the site's."""
        if sells_treatment:
            return dict(self.flags)
        assertive = selling_points()
        return {name: on and name not in assertive for name, on in self.flags.items()}

    def to_contract(self, source: str | None, sells_treatment: bool) -> dict[str, Any]:
        """Return the ``clinic-audit extract --format jsonl`` object of DESIGN.md.

        Args:
            source: The input as the user named it (file name or URL), or ``None``.
            sells_treatment: The verdict on the page's site (for a single file, on the page as
                a one-page site); it is the contract's ``is_clinic``.

        Returns:
            A dict with the contract's keys in the contract's order.
        """
        stances, flags = self.stances(sells_treatment), self.judged_flags(sells_treatment)
        return {
            "source": source,
            "url": self.url,
            "language": self.language,
            "is_clinic": sells_treatment,
            "conditions": [
                {"slug": c.slug, "tier": c.tier, "stance": stances[c.slug], "quote": c.quote}
                for c in self.conditions
            ],
            "cell_sources": list(self.cell_sources),
            "origin": list(self.origin),
            "regulators": list(self.regulators),
            "flags": {name: bool(flags.get(name, False)) for name in FLAG_NAMES},
        }
