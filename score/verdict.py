"""Does a site sell treatment? One verdict per site, from all of its pages' evidence.

Extraction reports, for every page, the phrases that read like a seller's own page (offers,
calls to action, prices, first-person clinic talk) or like someone else's (bylines, reported
speech, journal apparatus, a regulator's letter): :class:`extract.PageCue`. The verdict weighs
them over the whole site, so a clinic's blog post quoting a newspaper does not turn the clinic
into a newspaper, and a news site's interview with a clinic director does not turn the news
site into a clinic. A researcher who knows better says so in the seed file's ``kind`` column,
and that wins.

A site with no evidence either way is taken as a seller, and so is one where the other side
leads by a single weak cue: sites are audited because someone put them on a list of clinics,
and a page of bare treatment names carries no cue at all.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from extract import PageCue, selling_points
from vocabulary import SELLER_KINDS, SITE_KINDS

# A site is a seller unless the other side outweighs it by more than this: one weak cue ("según",
# "published") on a clinic's blog must not turn the clinic into a newspaper.
BENEFIT_OF_DOUBT = 1
# How many of the strongest cues of each side a verdict's reasons quote.
_REASON_CUES = 3


@dataclass(frozen=True)
class SiteVerdict:
    """Whether a site sells treatment, and why (human-readable reasons, strongest first)."""

    sells_treatment: bool
    reasons: tuple[str, ...]
    seller_weight: int = 0
    other_weight: int = 0

    def stance(self, stance: str | None, reported: str | None = None) -> str | None:
        """A page's raw stance as the site's: a site that sells no treatment claims nothing,
        so what its pages present as helping is a mention, or a disclaimer where the page
        refutes the promise it reports (``reported``, see
        :meth:`extract.DocumentExtraction.stances`)."""
        if stance == "claimed" and not self.sells_treatment:
            return reported or "mentioned"
        return stance

    def carries(self, kind: str, value: str) -> bool:
        """Whether a page's finding (``kind`` and ``value``: a flag and its name...) stands
        for the site: the selling points a page of a non-seller reports (a cure promised,
        an approval claimed, testimonials) are someone else's, as in
        :meth:`extract.DocumentExtraction.judged_flags`."""
        return self.sells_treatment or kind != "flag" or value not in selling_points()


def site_verdict(
    pages: Iterable[Iterable[PageCue]], declared_kind: str | None = None
) -> SiteVerdict:
    """Decide whether a site sells treatment.

    Args:
        pages: The page-type cues of each of the site's pages (one page for ``extract FILE``).
        declared_kind: The seed file's ``kind`` for the site, if the researcher gave one.

    Returns:
        The verdict with its reasons. Each distinct phrase counts once per site: a long news
        archive is not "more news" than one article.
    """
    if declared_kind:
        kind = declared_kind.strip().lower()
        if kind not in SITE_KINDS:
            raise ValueError(
                f"unknown site kind {declared_kind!r}: use {', '.join(sorted(SITE_KINDS))}"
            )
        sells = kind in SELLER_KINDS
        return SiteVerdict(sells, (f"the seed file says this site is a {kind}",))
    best: dict[tuple[str, str], int] = {}
    for cues in pages:
        for cue in cues:
            key = (cue.side, cue.phrase)
            best[key] = max(best.get(key, 0), cue.weight)
    weight = {"seller": 0, "other": 0}
    for (side, _), w in best.items():
        weight[side] += w
    sells = weight["seller"] + BENEFIT_OF_DOUBT >= weight["other"]
    reasons = []
    for side, label in (
        ("seller", "reads like a seller"),
        ("other", "reads like news, research or a regulator"),
    ):
        top = sorted(
            ((w, p) for (s, p), w in best.items() if s == side), key=lambda wp: (-wp[0], wp[1])
        )
        if top:
            quoted = ", ".join(f'"{p}"' for _, p in top[:_REASON_CUES])
            more = f" and {len(top) - _REASON_CUES} more" if len(top) > _REASON_CUES else ""
            reasons.append(f"{label} (weight {weight[side]}): {quoted}{more}")
    if not best:
        reasons.append("no page-type evidence either way: taken as a seller")
    if sells:
        reasons.sort(key=lambda r: not r.startswith("reads like a seller"))
    return SiteVerdict(sells, tuple(reasons), weight["seller"], weight["other"])


def cues_to_json(cues: Iterable[PageCue]) -> list[list[Any]]:
    """A page's cues as stored (``pages.page_cues``): ``[side, phrase, weight]`` each."""
    return [[cue.side, cue.phrase, cue.weight] for cue in cues]


def cues_from_json(rows: Iterable[Sequence[Any]] | None) -> tuple[PageCue, ...]:
    """The cues of a stored page (``None``, a page never extracted, has none)."""
    return tuple(
        PageCue(str(side), str(phrase), int(weight)) for side, phrase, weight in rows or ()
    )
