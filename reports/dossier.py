"""A site's dossier, compacted: each page and each quote once, every claim still traced.

A site repeats itself: the same menu or footer sentence is on every page, one sentence names
several conditions, and each rule's evidence repeats the claims' quotes. The dossier therefore
numbers the site's pages once (URL, fetch time, WARC file and record offset, SHA-256, a
screenshot of what the page showed), lists
each distinct quote once with every claim read from it and the pages it was read on, and lets
the rubric's points refer to those quotes. Nothing of the record is dropped: every (kind,
value, stance, quote) the claims table holds appears once, with every page it came from.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from storage.queries import ClaimRow


@dataclass(frozen=True)
class DossierPage:
    """A page of the site that carries claims, numbered within the dossier (P1, P2...)."""

    number: int
    url: str
    fetched_at: datetime | None
    warc_file: str | None
    sha256: str | None
    #: Where the page's record starts in ``warc_file``.
    warc_offset: int | None = None
    #: The page's row (its screenshot's key); None for claims read without one.
    page_id: int | None = None


@dataclass
class QuoteClaim:
    """One claim read from a quote, with the pages it was read on there."""

    kind: str
    value: str
    stance: str | None
    tier: str | None
    pages: list[int] = field(default_factory=list)
    review: str | None = None  # reviewed, needs re-review, or None: the machine's reading only

    @property
    def label(self) -> str:
        """What kind of claim: a condition's stance and tier (``claimed, unproven``), else the
        kind (``cell source``, ``regulator``, ``flag``...)."""
        if self.kind == "condition":
            return ", ".join(part for part in (self.stance, self.tier) if part) or "condition"
        return self.kind.replace("_", " ")


@dataclass
class DossierQuote:
    """A distinct quote of the site (Q1, Q2...) and every claim read from it."""

    number: int
    quote: str
    pages: list[int] = field(default_factory=list)  # every page the quote carries a claim on
    claims: list[QuoteClaim] = field(default_factory=list)

    def groups(self) -> list[tuple[str, list[QuoteClaim]]]:
        """The claims by label (kind, stance and tier), in the order they were first read."""
        grouped: dict[str, list[QuoteClaim]] = {}
        for claim in self.claims:
            grouped.setdefault(claim.label, []).append(claim)
        return list(grouped.items())

    def only_on(self, claim: QuoteClaim) -> list[int]:
        """The pages of ``claim`` if it was not read on every page of the quote, else []."""
        return claim.pages if claim.pages != self.pages else []


@dataclass(frozen=True)
class DossierReason:
    """A rule that gave the site points, pointing at the quotes behind it."""

    rule: str
    points: int
    description: str
    detail: str
    quotes: list[DossierQuote]  # its evidence among the dossier's quotes, first one first
    unlisted: list[dict[str, str]]  # evidence that is not among the claims: shown in full


@dataclass(frozen=True)
class Dossier:
    pages: list[DossierPage]
    quotes: list[DossierQuote]
    reasons: list[DossierReason]
    by_text: dict[str, DossierQuote] = field(default_factory=dict, repr=False)

    def quote(self, text: str | None) -> DossierQuote | None:
        """The dossier's entry for a quote's ``text``, if a claim was read from it."""
        return self.by_text.get(text or "")


def build_dossier(claims: Iterable[ClaimRow], reasons: list[dict[str, Any]]) -> Dossier:
    """The compact dossier of one site from its claims (in page order) and its score's reasons."""
    pages: dict[str, DossierPage] = {}
    quotes: dict[str, DossierQuote] = {}
    for row in claims:
        page = pages.get(row.url)
        if page is None:
            page = pages[row.url] = DossierPage(
                len(pages) + 1,
                row.url,
                row.fetched_at,
                row.warc_file,
                row.sha256,
                row.warc_offset,
                row.page_id,
            )
        quote = quotes.get(row.quote)
        if quote is None:
            quote = quotes[row.quote] = DossierQuote(len(quotes) + 1, row.quote)
        _add_page(quote.pages, page.number)
        for claim in quote.claims:
            if (claim.kind, claim.value, claim.stance) == (row.kind, row.value, row.stance):
                break
        else:
            claim = QuoteClaim(row.kind, row.value, row.stance, row.tier, review=row.review)
            quote.claims.append(claim)
        _add_page(claim.pages, page.number)
    return Dossier(
        list(pages.values()),
        list(quotes.values()),
        [_reason(r, quotes) for r in reasons],
        quotes,
    )


def _add_page(numbers: list[int], number: int) -> None:
    if number not in numbers:
        numbers.append(number)


def _reason(reason: dict[str, Any], quotes: dict[str, DossierQuote]) -> DossierReason:
    found: list[DossierQuote] = []
    unlisted = []
    for evidence in reason.get("evidence") or []:
        quote = quotes.get(evidence.get("quote") or "")
        if quote is None:
            unlisted.append(evidence)
        elif all(q.number != quote.number for q in found):
            found.append(quote)
    return DossierReason(
        rule=str(reason.get("rule", "")),
        points=int(reason.get("points", 0)),
        description=str(reason.get("description", "")),
        detail=str(reason.get("detail") or ""),
        quotes=found,
        unlisted=unlisted,
    )
