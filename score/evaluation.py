"""Measure the audit's reading of pages against hand labels: P/R/F1 per stance, field and slice.

Each page is extracted, judged as a one-page site (:func:`score.site_verdict`, the same rule a
crawled site gets) and compared with its labels. Two corpus layouts are read:

- a *labelled set* (the real-world corpora): ``labels.jsonl`` (or several ``labels*.jsonl``),
  one JSON object per page as ``../shared/corpus/realworld`` writes them (``doc``, ``kind``,
  ``language``, ``is_clinic``, ``conditions``, ``cell_sources``, ``origin``, ``regulators``,
  ``flags``), with the pages in ``docs/``;
- a *folder corpus* (the synthetic regression suite ``tests/extract/corpus``): one folder per
  page with ``page.html`` or ``page.txt``, ``expected.json`` and ``meta.json`` (``language``,
  optionally ``url``).

Figures are kept per slice: the page's language, its kind (``kind:clinic-rewrite``...) and
``all``. No network, no database: files in, figures out.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from extract import DocumentExtraction, decode_html, extract_document, extract_text
from score.verdict import site_verdict
from vocabulary import FLAG_NAMES, STANCES

# Fields scored as sets of values per page (or per site).
SET_FIELDS: tuple[str, ...] = ("cell_sources", "origin", "regulators")


@dataclass(frozen=True)
class Case:
    """One labelled page."""

    name: str
    path: Path
    expected: dict[str, Any]
    language: str
    kind: str = ""  # the label's page kind, when the corpus gives one
    url: str | None = None

    def extract(self) -> DocumentExtraction:
        """Run the extractor on the page the way ``clinic-audit extract`` reads a file."""
        if self.path.suffix == ".txt":
            return extract_text(self.path.read_text(encoding="utf-8"), self.url)
        return extract_document(decode_html(self.path.read_bytes()), self.url)


def load_corpus(root: Path) -> list[Case]:
    """Every labelled page under ``root``, in either layout (see the module docstring).

    Raises:
        ValueError: A page or its labels are missing.
    """
    if any(root.glob("labels*.jsonl")):
        return _load_labelled(root)
    cases = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        pages = [folder / n for n in ("page.html", "page.txt") if (folder / n).is_file()]
        if len(pages) != 1 or not (folder / "expected.json").is_file():
            raise ValueError(f"{folder}: needs one page.html or page.txt and expected.json")
        if not (folder / "meta.json").is_file():
            raise ValueError(f"{folder}: needs meta.json")
        expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        cases.append(Case(folder.name, pages[0], expected, meta["language"], url=meta.get("url")))
    return cases


def _load_labelled(root: Path) -> list[Case]:
    cases = []
    for labels in sorted(root.glob("labels*.jsonl")):
        for number, line in enumerate(labels.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            label = json.loads(line)
            path = root / "docs" / label["doc"]
            if not path.is_file():
                raise ValueError(f"{labels.name}:{number}: no page {path}")
            cases.append(Case(label["doc"], path, label, label["language"], label.get("kind", "")))
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


@dataclass(frozen=True)
class StanceError:
    """One disagreement between the labels and the audit, with the quote that decided it."""

    unit: str
    slug: str
    expected: str
    found: str
    quote: str = ""

    def __str__(self) -> str:
        quote = f"  «{self.quote[:140]}»" if self.quote else ""
        return f"{self.unit}: {self.slug} expected {self.expected}, found {self.found}{quote}"


@dataclass
class Report:
    """Counters keyed by ``(quantity, slice)``; slice ``"all"`` sums every unit."""

    counts: dict[tuple[str, str], Counts] = field(default_factory=lambda: defaultdict(Counts))
    errors: list[StanceError] = field(default_factory=list)
    # units judged the wrong way (sells treatment or not), with the verdict's reasons
    page_type_errors: list[str] = field(default_factory=list)
    nonclinic_claims: int = 0
    page_type_right: int = 0
    units: int = 0

    def add(
        self,
        quantity: str,
        slices: Iterable[str],
        predicted: Iterable[Any],
        expected: Iterable[Any],
    ) -> None:
        p, e = list(predicted), list(expected)
        for name in (*slices, "all"):
            self.counts[(quantity, name)].add(p, e)

    def score(
        self,
        name: str,
        slices: tuple[str, ...],
        found: Summary,
        truth: Summary,
        quotes: dict[str, str] | None = None,
        why: str = "",
    ) -> None:
        """Count one page (or site): conditions per stance, vocabulary, entities, flags, type.

        ``quotes`` (slug -> quote) and ``why`` (the verdict's reasons) explain errors.
        """
        self.units += 1
        for stance in STANCES:
            self.add(
                f"condition:{stance}",
                slices,
                (s for s, st in found.conditions.items() if st == stance),
                (s for s, st in truth.conditions.items() if st == stance),
            )
        # Vocabulary recall: a labelled condition found at all, whatever stance either gives it.
        self.add("vocabulary", slices, found.conditions, truth.conditions)
        for slug in sorted(found.conditions.keys() | truth.conditions.keys()):
            got, want = found.conditions.get(slug, "absent"), truth.conditions.get(slug, "absent")
            if got != want:
                self.errors.append(StanceError(name, slug, want, got, (quotes or {}).get(slug, "")))
        for name_ in SET_FIELDS:
            self.add(name_, slices, found.sets.get(name_, ()), truth.sets.get(name_, ()))
        for flag in FLAG_NAMES:
            self.add(
                f"flag:{flag}",
                slices,
                [flag] if found.flags.get(flag) else [],
                [flag] if truth.flags.get(flag) else [],
            )
        if truth.is_clinic is not None:
            right = found.is_clinic == truth.is_clinic
            self.page_type_right += right
            self.add("page_type", slices, [right], [True])
            if not right:
                self.page_type_errors.append(
                    f"{name}: labelled is_clinic={truth.is_clinic}; verdict: {why}"
                )
            if not truth.is_clinic:
                self.nonclinic_claims += sum(st == "claimed" for st in found.conditions.values())

    def get(self, quantity: str, slice_: str = "all") -> Counts:
        return self.counts.get((quantity, slice_), Counts())

    def slices(self) -> list[str]:
        names = {name for _, name in self.counts if name != "all"}
        return [
            *sorted(n for n in names if ":" not in n),
            *sorted(n for n in names if ":" in n),
            "all",
        ]


@dataclass(frozen=True)
class Summary:
    """What one page or site claims, reduced to what is scored."""

    conditions: dict[str, str]
    sets: dict[str, frozenset[str]]
    flags: dict[str, bool]
    is_clinic: bool | None = None

    @classmethod
    def of(cls, doc: DocumentExtraction, sells_treatment: bool) -> Summary:
        return cls(
            doc.stances(sells_treatment),
            {
                "cell_sources": frozenset(doc.cell_sources),
                "origin": frozenset(doc.origin),
                "regulators": frozenset(doc.regulators),
            },
            doc.judged_flags(sells_treatment),
            sells_treatment,
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
    """Score the audit on every labelled page, each judged as a one-page site."""
    report = Report()
    for case in cases:
        doc = case.extract()
        verdict = site_verdict([doc.page_cues])
        slices = (case.language, f"kind:{case.kind}") if case.kind else (case.language,)
        report.score(
            case.name,
            slices,
            Summary.of(doc, verdict.sells_treatment),
            Summary.expected(case.expected),
            {c.slug: c.quote for c in doc.conditions},
            "; ".join(verdict.reasons),
        )
    return report
