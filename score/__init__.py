"""Stage 3: the evidence knowledge base (data) and the rubric that grades each site."""

from score.aggregate import ClaimRecord, Evidence, SiteClaims, SiteCondition, aggregate_site
from score.rubric import Reason, Rubric, SiteAssessment, grade_for, load_rubric, score_site

__all__ = [
    "ClaimRecord",
    "Evidence",
    "Reason",
    "Rubric",
    "SiteAssessment",
    "SiteClaims",
    "SiteCondition",
    "aggregate_site",
    "grade_for",
    "load_rubric",
    "score_site",
]
