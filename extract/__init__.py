"""Stage 2: pure functions of (html, url) → what the page claims, with a stance.

No database, no network: ``extract_document(html, url)`` returns a :class:`DocumentExtraction`
with the page's own stances and its page-type cues; once :func:`score.site_verdict` has said
whether the site sells treatment, ``to_contract(source, sells_treatment)`` is the
``clinic-audit extract --format jsonl`` object of DESIGN.md.
Synonyms, cues and page-type hints are data (the vocabulary's ``conditions.yaml`` and
``extract/patterns/*.yaml``); the words themselves (stances, flag names, condition slugs) are
:mod:`vocabulary`'s.
"""

from extract.decode import READABLE_TYPES, decode_html, media_type, readable_html
from extract.document import extract_document, extract_text
from extract.knowledge import languages_read, selling_points
from extract.models import ConditionFinding, DocumentExtraction, Mention, PageCue

__all__ = [
    "READABLE_TYPES",
    "ConditionFinding",
    "DocumentExtraction",
    "Mention",
    "PageCue",
    "decode_html",
    "extract_document",
    "extract_text",
    "languages_read",
    "media_type",
    "readable_html",
    "selling_points",
]
