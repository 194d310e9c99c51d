"""Helpers shared by the extraction tests."""

from __future__ import annotations

from extract import DocumentExtraction, extract_document
from score import site_verdict

CLINIC_FOOTER = "<footer><p>Book a free consultation with our medical team today.</p></footer>"
CLINICA_PIE = "<footer><p>Agende su cita: consulta gratuita con nuestro equipo médico.</p></footer>"


def clinic_page(body: str, *, spanish: bool = False, title: str = "Clinic") -> DocumentExtraction:
    """Wrap ``body`` in a small clinic page (its footer makes the page a clinic's own)."""
    footer = CLINICA_PIE if spanish else CLINIC_FOOTER
    html = f"<html><head><title>{title}</title></head><body>{body}{footer}</body></html>"
    return extract_document(html, url="https://clinic.example/page")


def stances(doc: DocumentExtraction) -> dict[str, str]:
    """slug -> stance."""
    return {c.slug: c.stance for c in doc.conditions}


def sells(doc: DocumentExtraction) -> bool:
    """The verdict on the page as a one-page site, as ``clinic-audit extract FILE`` gives it."""
    return site_verdict([doc.page_cues]).sells_treatment


def judged(doc: DocumentExtraction) -> dict[str, str]:
    """slug -> stance once the one-page site's verdict is applied (the contract's stances)."""
    return doc.stances(sells(doc))
