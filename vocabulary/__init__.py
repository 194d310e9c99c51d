"""The audit's vocabulary, the bottom floor every stage stands on.

Condition slugs with their default tiers (``conditions.yaml``), the stances and their one
order, the evidence tiers, the flag names, the seed file's site kinds and the crawl's limits
per site. Extraction, scoring, the reports, the crawler and the demo web import them from
here, and nothing else writes them out; this package imports nothing of the project
(tests/test_layout.py checks that).
"""

from vocabulary.conditions import (
    CONDITIONS_FILE,
    ConditionEntry,
    conditions_data,
    load_conditions,
)
from vocabulary.crawl import MAX_DEPTH, MAX_PAGES_PER_SITE
from vocabulary.words import (
    FLAG_NAMES,
    GROUPS,
    OTHER_KINDS,
    SELLER_KINDS,
    SITE_KINDS,
    STANCE_RANK,
    STANCES,
    TIERS,
)

__all__ = [
    "CONDITIONS_FILE",
    "FLAG_NAMES",
    "GROUPS",
    "MAX_DEPTH",
    "MAX_PAGES_PER_SITE",
    "OTHER_KINDS",
    "SELLER_KINDS",
    "SITE_KINDS",
    "STANCES",
    "STANCE_RANK",
    "TIERS",
    "ConditionEntry",
    "conditions_data",
    "load_conditions",
]
