"""The condition slugs, read from ``conditions.yaml`` beside this module.

The file holds each slug's default evidence tier, body-system group and English and Spanish
synonyms (and the ``subsumed`` and ``coordinated`` rules extraction reads). Extraction reads
the synonyms and scoring the tiers, both through this module.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from importlib.resources.abc import Traversable
from typing import Any

import yaml

#: The file itself: scoring hashes its text into a run's knowledge-base fingerprint.
CONDITIONS_FILE: Traversable = files("vocabulary") / "conditions.yaml"

# libyaml's safe loader when present: the file is large enough for it to matter.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class ConditionEntry:
    """One condition of the vocabulary."""

    slug: str
    tier: str
    group: str
    synonyms: dict[str, list[str]] = field(default_factory=dict)


@cache
def conditions_data() -> dict[str, Any]:
    """The whole of conditions.yaml, parsed (cached: read once per process; do not mutate)."""
    data = yaml.load(CONDITIONS_FILE.read_text(encoding="utf-8"), Loader=_LOADER)
    assert isinstance(data, dict), CONDITIONS_FILE
    return data


def load_conditions() -> list[ConditionEntry]:
    """Every condition of conditions.yaml.

    Returns:
        The conditions in file order, each with slug, tier, group and ``{"en", "es"}`` synonyms.
    """
    entries = []
    for item in conditions_data()["conditions"]:
        synonyms = {lang: list(item.get("synonyms", {}).get(lang) or []) for lang in ("en", "es")}
        entries.append(ConditionEntry(item["slug"], item["tier"], item["group"], synonyms))
    return entries
