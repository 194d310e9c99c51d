"""Stage 2: pure functions of (html, url) → what the page claims, with a stance.

No database, no network: ``extract_document(html, url)`` returns a :class:`DocumentExtraction`
with the page's own stances and its page-type cues; once :func:`score.site_verdict` has said
whether the site sells treatment, ``to_contract(source, sells_treatment)`` is the
``clinic-audit extract --format jsonl`` object of DESIGN.md.
Synonyms, cues and page-type hints are data (``score/knowledge/conditions.yaml`` and
``extract/patterns/*.yaml``).
"""

from extract.decode import READABLE_TYPES, decode_html, media_type, readable_html
from extract.document import extract_document, extract_text
from extract.knowledge import ConditionEntry, languages_read, load_conditions, selling_points
from extract.models import (
    FLAG_NAMES,
    STANCES,
    ConditionFinding,
    DocumentExtraction,
    Mention,
    PageCue,
)

__all__ = [
    "FLAG_NAMES",
    "READABLE_TYPES",
    "STANCES",
    "ConditionEntry",
    "ConditionFinding",
    "DocumentExtraction",
    "Mention",
    "PageCue",
    "decode_html",
    "extract_document",
    "extract_text",
    "languages_read",
    "load_conditions",
    "media_type",
    "readable_html",
    "selling_points",
]
