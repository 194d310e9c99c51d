"""Semantic building blocks of a page, and the ground truth they imply.

A page is planned as a list of sections holding :class:`Block` objects.  A block names a
*role* (a key of the phrase pools) plus the slugs it talks about; the role decides the
stance and flags (``ROLE_EFFECTS``).  Ground truth is computed by folding the blocks of
all public pages, so the truth can never drift from what the renderer writes: the renderer
only turns the same blocks into words.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from demoweb.data import vocabulary
from vocabulary import FLAG_NAMES, STANCE_RANK, STANCES

CLAIMED, DISCLAIMED, MENTIONED = STANCES  # strongest first


@dataclass(frozen=True, slots=True)
class Effect:
    stance: str | None = None
    flags: frozenset[str] = frozenset()
    regs: tuple[str, ...] = ()  # regulators the role names by itself (e.g. "FDA-registered")


def _e(stance: str | None = None, *flags: str, regs: tuple[str, ...] = ()) -> Effect:
    return Effect(stance, frozenset(flags), regs)


# What each role means.  Roles missing here are neutral (no slug, no flag).
ROLE_EFFECTS: dict[str, Effect] = {
    # claimed
    "menu": _e(CLAIMED),
    "icons": _e(CLAIMED),
    "offer": _e(CLAIMED),
    "offer_detail": _e(CLAIMED),
    "not_cure_offer": _e(CLAIMED),
    "outcome_range": _e(CLAIMED),
    "preliminary_offer": _e(CLAIMED),
    "disclaim_then_sell": _e(CLAIMED),
    "testimonial": _e(CLAIMED, "testimonials"),
    "testimonial_miracle": _e(CLAIMED, "testimonials", "cure_or_guarantee"),
    "cure_promise": _e(CLAIMED, "cure_or_guarantee"),
    "candour_then_claim": _e(CLAIMED, "fda_approval_claim", regs=("fda",)),
    # disclaimed
    "exclusion": _e(DISCLAIMED, "lists_exclusions"),
    "evidence_gap": _e(DISCLAIMED),
    "warn_others": _e(DISCLAIMED),
    # mentioned
    "trial_cited": _e(MENTIONED, "cites_research"),
    "citation": _e(MENTIONED, "cites_research"),
    "trial_plain": _e(MENTIONED),
    "risk": _e(MENTIONED),
    "news_trial": _e(MENTIONED, "cites_research"),
    "news_trial_plain": _e(MENTIONED),
    "news_reg_action": _e(MENTIONED),
    "news_alert": _e(MENTIONED),
    "news_press_release": _e(MENTIONED),
    "news_arrest": _e(MENTIONED),
    # flags and regulators only
    "guarantee": _e(None, "cure_or_guarantee"),
    "not_candidate": _e(None, "lists_exclusions"),
    "fda_claim": _e(None, "fda_approval_claim", regs=("fda",)),
    "cell_count": _e(None, "states_cell_count"),
    "imaging": _e(None, "imaging_guidance"),
    "price": _e(None, "price_stated"),
    "fda_not_approved": _e(None),  # names the regulator given in Block.regs
    "fda_statement": _e(None, regs=("fda",)),
}
NEUTRAL = Effect()


@dataclass(frozen=True, slots=True)
class Block:
    """One sentence role with its subjects.  ``regs`` / ``source`` feed placeholders."""

    role: str
    conds: tuple[str, ...] = ()
    regs: tuple[str, ...] = ()
    source: str = ""
    variant: str = ""  # e.g. the risk kind, a FAQ question key

    @property
    def effect(self) -> Effect:
        return ROLE_EFFECTS.get(self.role, NEUTRAL)


@dataclass(frozen=True, slots=True)
class Section:
    """A heading plus blocks; ``style`` tells the renderer how to lay them out."""

    blocks: tuple[Block, ...]
    heading: str = ""  # literal text (already chosen by the planner) or "" for none
    heading_role: str = ""  # or a phrase role to draw the heading from
    style: str = "p"  # p | list | icons | quotes | faq | steps | teaser


@dataclass
class TruthAccumulator:
    """Folds blocks into site-level truth (strongest stance wins)."""

    is_clinic: bool
    conditions: dict[str, str] = field(default_factory=dict)
    sources: set[str] = field(default_factory=set)
    origin: set[str] = field(default_factory=set)
    regulators: set[str] = field(default_factory=set)
    flags: dict[str, bool] = field(default_factory=lambda: dict.fromkeys(FLAG_NAMES, False))

    def add(self, blocks: Iterable[Block]) -> None:
        for block in blocks:
            eff = block.effect
            if eff.stance:
                for slug in block.conds:
                    old = self.conditions.get(slug)
                    if old is None or STANCE_RANK[eff.stance] > STANCE_RANK[old]:
                        self.conditions[slug] = eff.stance
            for flag in eff.flags:
                self.flags[flag] = True
            self.regulators.update(eff.regs)
            self.regulators.update(block.regs)
            # Only a clinic saying what *it* uses counts as a cell source; the origin
            # counts only where the sentence words it ("your own", "donor").
            if block.role in ("cell_source", "product_source") and self.is_clinic:
                self.sources.add(block.source)
                if block.role == "cell_source":
                    self.origin.add(vocabulary()["cell_sources"][block.source]["origin"])
