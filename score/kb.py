"""The knowledge base scoring reads: rubric, condition tiers, evidence, regulators, products.

Everything here is data: the conditions and their default tiers are the vocabulary's
(``vocabulary/conditions.yaml``), the rest lives under ``score/knowledge/``; a researcher may
swap in their own evidence file (``--kb FILE``, same schema as ``evidence.yaml``) or rubric
file. A run records the
knowledge base's name and a SHA-256 over exactly the files used, so a grade can be recomputed
years later from the same inputs.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

import yaml

from vocabulary import CONDITIONS_FILE, TIERS, load_conditions

KNOWLEDGE = files("score") / "knowledge"
#: The tier sets a rubric may name: ``seed`` (VOCABULARY.md) or ``strict`` (the trial record).
TIER_SETS = ("seed", "strict")


class KnowledgeError(ValueError):
    """A knowledge-base or rubric file is missing, unreadable or does not fit the schema."""


@dataclass(frozen=True)
class ApprovedProduct:
    product: str
    indication: str
    regulator: str
    country: str
    year: int
    status: str  # approved | conditional | withdrawn
    conditions: tuple[str, ...]


@dataclass(frozen=True)
class Knowledge:
    """The facts a rubric is applied with, and the fingerprint of the files they came from."""

    name: str
    sha256: str
    seed_tiers: dict[str, str]
    groups: dict[str, str]
    evidence: dict[str, dict[str, Any]]
    regulator_countries: dict[str, tuple[str, ...]]
    products: tuple[ApprovedProduct, ...]

    def tiers(self, tier_set: str) -> dict[str, str]:
        """Condition slug -> tier under ``tier_set`` (strict falls back to the seed tier)."""
        if tier_set not in TIER_SETS:
            raise KnowledgeError(f"unknown tier set {tier_set!r}: use {' or '.join(TIER_SETS)}")
        if tier_set == "seed":
            return dict(self.seed_tiers)
        return {
            slug: self.evidence.get(slug, {}).get("strict_tier", tier)
            for slug, tier in self.seed_tiers.items()
        }


def _read(source: Traversable | Path) -> tuple[str, dict[str, Any]]:
    try:
        text = source.read_text(encoding="utf-8")
        data = yaml.safe_load(text)
    except (OSError, yaml.YAMLError, UnicodeDecodeError) as exc:
        raise KnowledgeError(f"cannot read {source}: {exc}") from None
    if not isinstance(data, dict):
        raise KnowledgeError(f"{source} is not a YAML mapping")
    return text, data


def read_rubric_file(name_or_path: str) -> tuple[list[str], dict[str, Any]]:
    """A rubric's texts (its own and any ``extends`` parent's) and its merged settings."""
    path = Path(name_or_path)
    is_file = path.suffix in (".yaml", ".yml")
    source = path if is_file else KNOWLEDGE / f"rubric-{name_or_path}.yaml"
    if not source.is_file():
        raise KnowledgeError(
            f"no rubric file {path}"
            if is_file
            else f"no shipped rubric {name_or_path!r}: use seed or strict, or a rubric YAML file"
        )
    text, data = _read(source)
    parent = data.pop("extends", None)
    if parent is None:
        return [text], data
    texts, merged = read_rubric_file(str(parent))
    return [*texts, text], {**merged, **data}


def load_knowledge(
    evidence_file: str | Path | None = None, extra_texts: tuple[str, ...] = ()
) -> Knowledge:
    """Load conditions, evidence (shipped or ``evidence_file``), regulators and products.

    Args:
        evidence_file: A researcher's evidence file in the schema of ``evidence.yaml``.
        extra_texts: Texts of further files the caller used (the rubric), folded into the hash.

    Raises:
        KnowledgeError: A file is missing or does not fit the schema.
    """
    sources: list[Traversable | Path] = [
        CONDITIONS_FILE,
        Path(evidence_file) if evidence_file else KNOWLEDGE / "evidence.yaml",
        KNOWLEDGE / "regulators.yaml",
        KNOWLEDGE / "approved-products.yaml",
    ]
    read = [_read(source) for source in sources]
    digest = hashlib.sha256()
    for text in (*extra_texts, *(text for text, _ in read)):
        digest.update(hashlib.sha256(text.encode()).digest())
    _, evidence_data = read[1]
    evidence = evidence_data.get("conditions")
    if not isinstance(evidence, Mapping):
        raise KnowledgeError(f"{sources[1]} has no `conditions:` mapping of slug -> evidence")
    bad = sorted(
        f"{slug}: {entry.get('strict_tier')!r}"
        for slug, entry in evidence.items()
        if isinstance(entry, Mapping) and entry.get("strict_tier", "unproven") not in TIERS
    )
    if bad:
        raise KnowledgeError(f"{sources[1]}: strict_tier must be one of {TIERS}: {', '.join(bad)}")
    conditions = load_conditions()
    return Knowledge(
        name=str(evidence_data.get("name") or Path(str(sources[1])).stem)[:64],
        sha256=digest.hexdigest(),
        seed_tiers={c.slug: c.tier for c in conditions},
        groups={c.slug: c.group for c in conditions},
        evidence={str(k): dict(v or {}) for k, v in evidence.items()},
        regulator_countries={
            slug: tuple(entry.get("countries") or ())
            for slug, entry in read[2][1]["regulators"].items()
        },
        products=tuple(
            ApprovedProduct(
                p["product"],
                p["indication"],
                p["regulator"],
                p["country"],
                int(p["year"]),
                p["status"],
                tuple(p["conditions"]),
            )
            for p in read[3][1]["products"]
        ),
    )
