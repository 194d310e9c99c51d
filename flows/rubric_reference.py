"""Generate the README's rubric tables from the knowledge base, so they cannot drift.

``python -m flows.rubric_reference`` rewrites the block between the two markers in README.md;
a test fails when it is stale.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from score import Rubric, load_rubric

README = Path(__file__).resolve().parent.parent / "README.md"
START, END = "<!-- rubric-tables:start -->", "<!-- rubric-tables:end -->"


def _points(rule: dict[str, Any]) -> str:
    if "points_each" in rule:
        return f"{rule['points_each']} each, at most {rule.get('max', 100)}"
    return str(rule["points"]).replace("-", "−")


def _grades(rubric: Rubric) -> str:
    bounds = sorted(rubric.grades.items(), key=lambda kv: kv[1])
    tops = [b - 1 for _, b in bounds[1:]] + [100]
    return ", ".join(f"{g} {lo}–{hi}" for (g, lo), hi in zip(bounds, tops, strict=True))


def render() -> str:
    """The markdown of both rubrics: rules, grades, tier differences, approved products."""
    seed, strict = load_rubric("seed"), load_rubric("strict")
    lines = [
        f"A clinic starts at {seed.base} risk points; each rule that fires adds (red flag) or",
        "removes (green flag) points; the total is clamped to 0–100. Grades: "
        f"{_grades(seed)}. Both rubrics share these rules and weights:",
        "",
        "| rule | points | fires when the site… |",
        "|---|---|---|",
    ]
    lines += [f"| `{r['id']}` | {_points(r)} | {r['description']} |" for r in seed.rules]
    lines += [
        "",
        f"They differ in the evidence tier of a condition. `{seed.name}` uses the tiers of the",
        "vocabulary (the seed evidence guide); `strict` uses the controlled-trial record, which",
        "moves these conditions:",
        "",
        "| condition | seed | strict | why (citations in `score/knowledge/evidence.yaml`) |",
        "|---|---|---|---|",
    ]
    evidence = strict.knowledge.evidence
    for slug, tier in strict.tiers.items():
        if tier != seed.tiers[slug]:
            ids = ", ".join(c["id"] for c in evidence[slug]["strict_citations"])
            why = " ".join(evidence[slug]["strict_rationale"].split())
            lines.append(f"| {slug} | {seed.tiers[slug]} | {tier} | {why} ({ids}) |")
    lines += [
        "",
        "Approval claims are checked against the MSC products approved anywhere "
        "(`score/knowledge/approved-products.yaml`):",
        "",
        "| product | indication | regulator | country | year | status |",
        "|---|---|---|---|---|---|",
    ]
    lines += [
        f"| {p.product} | {p.indication} | {p.regulator} | {p.country} | {p.year} | {p.status} |"
        for p in seed.knowledge.products
    ]
    return "\n".join([START, *lines, END])


def rewrite(text: str) -> str:
    """``text`` (the README) with its rubric block replaced by :func:`render`."""
    head, _, rest = text.partition(START)
    _, _, tail = rest.partition(END)
    return head + render() + tail


if __name__ == "__main__":
    README.write_text(rewrite(README.read_text(encoding="utf-8")), encoding="utf-8")
    print(README, file=sys.stderr)
