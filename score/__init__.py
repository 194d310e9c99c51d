"""Stage 3: the evidence knowledge base (data) and the rubric that grades each site."""

from score.aggregate import (
    ClaimChange,
    ClaimRecord,
    Evidence,
    SiteClaims,
    SiteCondition,
    aggregate_site,
    diff_claims,
)
from score.kb import ApprovedProduct, Knowledge, KnowledgeError, load_knowledge
from score.review import Agreement, Decision, agreement_table, apply_decisions, resolve
from score.rubric import (
    NO_TREATMENT_RULE,
    Reason,
    Rubric,
    SiteAssessment,
    SiteContext,
    grade_for,
    load_rubric,
    score_site,
)
from score.verdict import SiteVerdict, cues_from_json, cues_to_json, site_verdict

__all__ = [
    "NO_TREATMENT_RULE",
    "Agreement",
    "ApprovedProduct",
    "ClaimChange",
    "ClaimRecord",
    "Decision",
    "Evidence",
    "Knowledge",
    "KnowledgeError",
    "Reason",
    "Rubric",
    "SiteAssessment",
    "SiteClaims",
    "SiteCondition",
    "SiteContext",
    "SiteVerdict",
    "aggregate_site",
    "agreement_table",
    "apply_decisions",
    "cues_from_json",
    "cues_to_json",
    "diff_claims",
    "grade_for",
    "load_knowledge",
    "load_rubric",
    "resolve",
    "score_site",
    "site_verdict",
]
