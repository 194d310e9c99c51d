"""The audit beside the published record: shares of clinics per cell source and condition group.

The mapping from the audit's slugs to the surveys' categories, and the surveys' figures with
their citations, live in ``literature.yaml``; this module only counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib.resources import files
from typing import Any

import yaml

from reports.assemble import Report


@dataclass(frozen=True)
class LiteratureRow:
    dimension: str  # "cell source" | "condition group"
    category: str
    sites: int  # clinics in the audit naming the category
    share: float  # of the audit's clinics, in percent
    published: dict[str, float | None]  # survey label -> percent (None: not reported)


def load_literature() -> dict[str, Any]:
    """The mapping and the published figures (``reports/literature.yaml``)."""
    data: dict[str, Any] = yaml.safe_load(
        files("reports").joinpath("literature.yaml").read_text(encoding="utf-8")
    )
    return data


def literature_rows(report: Report) -> list[LiteratureRow]:
    """One row per survey category: the audit's share of clinics beside each survey's."""
    literature = load_literature()
    claims = report.site_claims()
    clinics = report.clinics
    named: list[set[str]] = []
    claimed: list[set[str]] = []
    for clinic in clinics:  # each clinic's claims read once, only its slugs kept
        said = claims[clinic.site_id]
        named.append(set(said.named_values("cell_source")))
        claimed.append({condition.slug for condition in said.claimed()})
    rows = []
    for dimension, mapping, per_site in (
        ("cell source", literature["cell_sources"], named),
        ("condition group", literature["condition_groups"], claimed),
    ):
        for category, slugs in mapping.items():
            count = sum(1 for values in per_site if values & set(slugs))
            rows.append(
                LiteratureRow(
                    dimension,
                    category,
                    count,
                    100.0 * count / len(clinics) if clinics else 0.0,
                    {s["label"]: s["figures"].get(category) for s in literature["surveys"]},
                )
            )
    return rows


def citations() -> list[str]:
    return [" ".join(s["citation"].split()) for s in load_literature()["surveys"]]
