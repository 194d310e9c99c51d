"""The report's charts, drawn with matplotlib and embedded as PNG data URIs.

A data URI keeps the HTML report one self-contained file that the report's Content Security
Policy (``img-src data:``) allows, and WeasyPrint embeds the same images in the PDF.
"""

from __future__ import annotations

import base64
import io
from collections import Counter

import matplotlib

matplotlib.use("Agg")  # no display: charts are only ever written to files (before pyplot)

import matplotlib.pyplot as plt
from matplotlib.figure import Figure

from vocabulary import TIERS

GRADE_COLOURS = {"A": "#2e7d32", "B": "#689f38", "C": "#f9a825", "D": "#ef6c00", "F": "#c62828"}
#: The tiers' colours, best supported (green) to unproven (red), in the vocabulary's order.
TIER_COLOURS = dict(zip(TIERS, ("#2e7d32", "#a56a00", "#c62828"), strict=True))


def _data_uri(figure: Figure) -> str:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    plt.close(figure)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def grades_by_country(counts: dict[str, Counter[str]]) -> str:
    """Stacked bars: clinics per country, split by grade."""
    figure, axes = plt.subplots(figsize=(6.4, 2.8))
    countries = sorted(counts, key=lambda c: -sum(counts[c].values()))[:20]
    bottom = [0] * len(countries)
    for grade, colour in GRADE_COLOURS.items():
        heights = [counts[c].get(grade, 0) for c in countries]
        axes.bar(countries, heights, bottom=bottom, color=colour, label=grade)
        bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
    axes.set_ylabel("clinics")
    axes.set_title("Grades by country")
    axes.legend(
        ncols=5, fontsize="small", frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.12)
    )
    return _data_uri(figure)


def conditions_by_tier(claimed: dict[str, int]) -> str:
    """Bars: clinics claiming a condition of each evidence tier."""
    figure, axes = plt.subplots(figsize=(4.2, 2.8))
    tiers = list(TIER_COLOURS)
    axes.bar(tiers, [claimed.get(t, 0) for t in tiers], color=list(TIER_COLOURS.values()))
    axes.set_ylabel("site–condition claims")
    axes.set_title("Conditions claimed, by evidence tier")
    return _data_uri(figure)


def grade_trend(trend: list[tuple[str, dict[str, int]]]) -> str:
    """Lines: clinics per grade in each period, oldest first."""
    figure, axes = plt.subplots(figsize=(6.4, 2.8))
    labels = [label for label, _ in trend]
    for grade, colour in GRADE_COLOURS.items():
        axes.plot(
            labels,
            [counts.get(grade, 0) for _, counts in trend],
            marker="o",
            color=colour,
            label=grade,
        )
    axes.set_ylabel("clinics")
    axes.set_title("Grades across periods")
    axes.legend(
        ncols=5, fontsize="small", frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.12)
    )
    return _data_uri(figure)
