"""The words every stage shares: stances and their order, evidence tiers, flags, groups.

VOCABULARY.md is the contract; this module is its one copy in code. Extraction writes these
words, scoring weighs them, the reports and the demo web print and generate them.
"""

from __future__ import annotations

#: A page's stance on a condition, strongest first: a condition claimed anywhere on a page or
#: a site is claimed, and one disclaimed and mentioned is disclaimed.
STANCES: tuple[str, ...] = ("claimed", "disclaimed", "mentioned")

#: Each stance's strength (higher is stronger), from the one order of :data:`STANCES`.
STANCE_RANK: dict[str, int] = {stance: len(STANCES) - i for i, stance in enumerate(STANCES)}

#: The evidence tiers of a condition, best supported first (the seed rubric's and the strict
#: one's: VOCABULARY.md and ``score/knowledge/evidence.yaml``).
TIERS: tuple[str, ...] = ("supported", "preliminary", "unproven")

#: The site-level flags of a document (booleans), in the order of the jsonl contract.
FLAG_NAMES: tuple[str, ...] = (
    "cure_or_guarantee",
    "fda_approval_claim",
    "cites_research",
    "testimonials",
    "states_cell_count",
    "imaging_guidance",
    "lists_exclusions",
    "price_stated",
)

#: The seed file's ``kind`` column (DESIGN.md): who sells treatment and who does not.
SELLER_KINDS = frozenset({"clinic", "facilitator", "seller"})
OTHER_KINDS = frozenset({"news", "other"})
SITE_KINDS = SELLER_KINDS | OTHER_KINDS

#: The body-system groups of the conditions (``group`` in conditions.yaml).
GROUPS: tuple[str, ...] = ("musculoskeletal", "immune", "neurological", "systemic", "wellness")
