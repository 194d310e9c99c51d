"""Loading of the YAML knowledge files that the generator writes from.

Everything a page *says* lives in ``demoweb/data/*.yaml``; this module only loads it once
and offers a few typed helpers, so the generator code never embeds prose.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

from vocabulary import load_conditions

DATA_DIR = Path(__file__).parent / "data"


@cache
def load(name: str) -> dict[str, Any]:
    """Parse ``data/<name>.yaml`` (cached: the files are read once per process)."""
    with (DATA_DIR / f"{name}.yaml").open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    assert isinstance(data, dict), name
    return data


def vocabulary() -> dict[str, Any]:
    return load("vocabulary")


def phrases(language: str) -> dict[str, Any]:
    return load(f"phrases_{language}")


def sites() -> dict[str, Any]:
    return load("sites")


def boilerplate() -> dict[str, Any]:
    return load("boilerplate")


@cache
def conditions_by_tier(tier: str) -> tuple[str, ...]:
    tiers = {entry.slug: entry.tier for entry in load_conditions()}
    return tuple(slug for slug in vocabulary()["conditions"] if tiers[slug] == tier)


def condition_synonyms(slug: str, language: str) -> list[str]:
    return list(vocabulary()["conditions"][slug][language])


def all_condition_slugs() -> tuple[str, ...]:
    return tuple(vocabulary()["conditions"])
