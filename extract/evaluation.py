"""Measure extraction against labelled pages: precision, recall and F1 per field and stance.

A labelled page is a folder holding ``page.html`` (or ``page.txt``), ``expected.json`` (what a
regulator reading the page would record) and ``meta.json`` (what it models, language, country
and optionally the ``url`` it stands for). The development corpus is such a set of folders
(``tests/extract/corpus``); the demo web's ground truth is scored with the same counters.
No network, no database: files in, figures out.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from extract.decode import decode_html
from extract.document import extract_document, extract_text
from extract.models import FLAG_NAMES, STANCES, DocumentExtraction

# Fields scored as sets of values per page (or per site).
SET_FIELDS: tuple[str, ...] = ("cell_sources", "origin", "regulators")


@dataclass(frozen=True)
class Case:
    """One labelled page of the corpus."""

    name: str
    path: Path
    expected: dict[str, Any]
    meta: dict[str, Any]

    @property
    def language(self) -> str:
        return str(self.meta["language"])

    def extract(self) -> DocumentExtraction:
        """Run the extractor on the page the way ``clinic-audit extract`` reads a file."""
        url = self.meta.get("url")
        if self.path.suffix == ".txt":
            return extract_text(self.path.read_text(encoding="utf-8"), url)
        return extract_document(decode_html(self.path.read_bytes()), url)


def load_corpus(root: Path) -> list[Case]:
    """Every labelled page under ``root`` (one folder each), sorted by folder name.

    Raises:
        ValueError: A folder lacks its page, ``expected.json`` or ``meta.json``.
    """
    cases = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        pages = [folder / n for n in ("page.html", "page.txt") if (folder / n).is_file()]
        if len(pages) != 1 or not (folder / "expected.json").is_file():
            raise ValueError(f"{folder}: needs one page.html or page.txt and expected.json")
        if not (folder / "meta.json").is_file():
            raise ValueError(f"{folder}: needs meta.json")
        expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        cases.append(Case(folder.name, pages[0], expected, meta))
    return cases


def fingerprint(root: Path) -> str:
    """SHA-256 over every corpus file's relative path and bytes, so edits cannot go unseen."""
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


@dataclass
class Counts:
    """True positives, predictions and expectations of one measured quantity."""

    hits: int = 0
    predicted: int = 0
    expected: int = 0

    def add(self, predicted: Iterable[Any], expected: Iterable[Any]) -> None:
        p, e = set(predicted), set(expected)
        self.hits += len(p & e)
        self.predicted += len(p)
        self.expected += len(e)

    @property
    def precision(self) -> float:
        return self.hits / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.hits / self.expected if self.expected else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Report:
    """Counters keyed by ``(quantity, language)``; language ``"all"`` sums every language."""

    counts: dict[tuple[str, str], Counts] = field(default_factory=lambda: defaultdict(Counts))
    # (page or site, slug, expected stance, found stance) for every stance disagreement
    errors: list[tuple[str, str, str, str]] = field(default_factory=list)
    nonclinic_claims: int = 0
    clinic_right: int = 0
    units: int = 0

    def add(
        self, quantity: str, language: str, predicted: Iterable[Any], expected: Iterable[Any]
    ) -> None:
        p, e = list(predicted), list(expected)
        self.counts[(quantity, language)].add(p, e)
        self.counts[(quantity, "all")].add(p, e)

    def score(self, name: str, language: str, found: Summary, truth: Summary) -> None:
        """Count one page (or site): conditions per stance, entity sets, flags, page type."""
        self.units += 1
        for stance in STANCES:
            self.add(
                f"condition:{stance}",
                language,
                (s for s, st in found.conditions.items() if st == stance),
                (s for s, st in truth.conditions.items() if st == stance),
            )
        for slug in sorted(found.conditions.keys() | truth.conditions.keys()):
            got, want = found.conditions.get(slug, "absent"), truth.conditions.get(slug, "absent")
            if got != want:
                self.errors.append((name, slug, want, got))
        for name_ in SET_FIELDS:
            self.add(name_, language, found.sets.get(name_, ()), truth.sets.get(name_, ()))
        for flag in FLAG_NAMES:
            self.add(
                f"flag:{flag}",
                language,
                [flag] if found.flags.get(flag) else [],
                [flag] if truth.flags.get(flag) else [],
            )
        if truth.is_clinic is not None:
            self.clinic_right += found.is_clinic == truth.is_clinic
            if not truth.is_clinic:
                self.nonclinic_claims += sum(st == "claimed" for st in found.conditions.values())

    def get(self, quantity: str, language: str = "all") -> Counts:
        return self.counts.get((quantity, language), Counts())

    def languages(self) -> list[str]:
        return [*sorted({lang for _, lang in self.counts if lang != "all"}), "all"]


@dataclass(frozen=True)
class Summary:
    """What one page or site claims, reduced to what is scored."""

    conditions: dict[str, str]
    sets: dict[str, frozenset[str]]
    flags: dict[str, bool]
    is_clinic: bool | None = None

    @classmethod
    def of(cls, doc: DocumentExtraction) -> Summary:
        return cls(
            {c.slug: c.stance for c in doc.conditions},
            {
                "cell_sources": frozenset(doc.cell_sources),
                "origin": frozenset(doc.origin),
                "regulators": frozenset(doc.regulators),
            },
            dict(doc.flags),
            doc.is_clinic,
        )

    @classmethod
    def expected(cls, data: dict[str, Any]) -> Summary:
        return cls(
            dict(data["conditions"]),
            {name: frozenset(data.get(name, ())) for name in SET_FIELDS},
            {k: bool(v) for k, v in data.get("flags", {}).items()},
            data.get("is_clinic"),
        )


def evaluate_corpus(cases: list[Case]) -> Report:
    """Score the extractor on every labelled page."""
    report = Report()
    for case in cases:
        report.score(
            case.name, case.language, Summary.of(case.extract()), Summary.expected(case.expected)
        )
    return report
