"""The vocabulary is the one home of the shared words: the data files built on it agree with it.

(The slugs and tiers themselves are checked against VOCABULARY.md in
tests/extract/test_vocabulary.py; the surface in tests/test_surfaces.py.)
"""

from __future__ import annotations

from importlib.resources import files
from typing import Any

import yaml

from vocabulary import (
    FLAG_NAMES,
    GROUPS,
    SELLER_KINDS,
    SITE_KINDS,
    STANCE_RANK,
    STANCES,
    TIERS,
    conditions_data,
    load_conditions,
)


def _data(package: str, *parts: str) -> Any:
    return yaml.safe_load(files(package).joinpath(*parts).read_text(encoding="utf-8"))


def test_the_stance_rank_follows_the_one_order() -> None:
    assert sorted(STANCES, key=STANCE_RANK.__getitem__, reverse=True) == list(STANCES)
    assert set(STANCE_RANK) == set(STANCES)
    assert STANCE_RANK["claimed"] > STANCE_RANK["disclaimed"] > STANCE_RANK["mentioned"]


def test_every_condition_has_a_known_tier_and_group() -> None:
    entries = load_conditions()
    assert {entry.tier for entry in entries} == set(TIERS)
    assert {entry.group for entry in entries} == set(GROUPS)
    assert [entry.slug for entry in entries] == [
        item["slug"] for item in conditions_data()["conditions"]
    ]


def test_extraction_detects_exactly_the_vocabulary_flags_and_stances() -> None:
    flags = _data("extract", "patterns", "flags.yaml")
    assert list(flags["flags"]) == list(FLAG_NAMES)
    assert not set(flags.get("signals") or {}) & set(FLAG_NAMES)
    stance = _data("extract", "patterns", "stance.yaml")
    assert {spec["stance"] for spec in stance["categories"].values()} <= set(STANCES)


def test_the_demo_web_writes_exactly_the_vocabulary_conditions() -> None:
    # Its own wording, the vocabulary's slugs: the tiers come from the vocabulary, not this file.
    written = _data("demoweb", "data", "vocabulary.yaml")["conditions"]
    assert set(written) == {entry.slug for entry in load_conditions()}
    assert not any("tier" in wording for wording in written.values())


def test_the_site_kinds_split_sellers_from_the_rest() -> None:
    assert SELLER_KINDS < SITE_KINDS
    assert "clinic" in SELLER_KINDS and "news" in SITE_KINDS - SELLER_KINDS
