"""Each stage's public surface, pinned, and no stage reaching past another's.

The rule (docs/architecture.md, "Public surfaces"): a stage offers the names of its
``__init__.__all__`` and, for a few stages, whole modules declared public below; another
stage imports only those. Tests and benchmarks may reach inside (they test the insides).
"""

from __future__ import annotations

import importlib

import pytest

from tests.import_graph import Import, declared_all, project_imports, stage

#: Every stage's ``__all__``, written out: a name added to or dropped from a surface is a
#: decision, made here too (httpx's tests/test_exported_members.py does the same).
SURFACES: dict[str, list[str]] = {
    "config": [
        "PREFIX",
        "Settings",
        "ValidationError",
        "markdown_table",
        "realworld_corpora",
        "settings",
    ],
    "vocabulary": [
        "CONDITIONS_FILE",
        "FLAG_NAMES",
        "GROUPS",
        "MAX_DEPTH",
        "MAX_PAGES_PER_SITE",
        "OTHER_KINDS",
        "SELLER_KINDS",
        "SITE_KINDS",
        "STANCES",
        "STANCE_RANK",
        "TIERS",
        "ConditionEntry",
        "conditions_data",
        "load_conditions",
    ],
    "evidence": [
        "ALGORITHM",
        "MANIFEST",
        "digest_of",
        "file_sha256_hex",
        "sha256_hex",
        "update_manifest",
        "written",
    ],
    "storage": [
        "MIGRATIONS",
        "REVIEWER_LENGTH",
        "Base",
        "Claim",
        "ClaimChange",
        "ColumnDescription",
        "CrawlRun",
        "NoDatabase",
        "Page",
        "Review",
        "RunSite",
        "Screenshot",
        "Site",
        "SiteCrawl",
        "SiteFlag",
        "SiteScore",
        "StorageError",
        "TableDescription",
        "archive_root",
        "backdate_run",
        "connect",
        "crawl_statuses",
        "current_revision",
        "database_bytes",
        "database_url",
        "described_tables",
        "empty_schema",
        "enrol_site",
        "forget_assessment",
        "home",
        "previous_claims_run",
        "record_knowledge",
        "reopen_run",
        "replace_claims_of_page",
        "run_sites",
        "sessions",
        "shown_database_url",
        "site_page_cues",
        "site_was_read",
        "stored_page_count",
        "upgrade",
        "utcnow",
    ],
    "extract": [
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
    ],
    "score": [
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
    ],
    "crawler": [
        "MAX_RESPONSE_BYTES",
        "USER_AGENT",
        "ArchivedResponse",
        "CrawlJob",
        "JobSite",
        "Seed",
        "SeedFileError",
        "SeedProblem",
        "WarcArchive",
        "address_refusal",
        "crawl_settings",
        "is_country_code",
        "parse_seeds",
        "read_response",
        "read_seeds",
        "response_offsets",
        "site_domain",
    ],
    "reports": [
        "FORMATS",
        "REPORT_FORMATS",
        "SCREENSHOTS_FOLDER",
        "NothingToReport",
        "Period",
        "PeriodError",
        "Report",
        "citations",
        "judged_claims",
        "literature_rows",
        "parse_period",
        "period_report",
        "quarter_of",
        "render_report",
        "run_report",
        "safe_href",
        "with_reviews",
        "write_report_files",
        "write_tables",
    ],
    "demoweb": [
        "DemoServer",
        "DemoSite",
        "DemoWeb",
        "Page",
        "SiteTruth",
        "generate",
        "seeds_csv",
        "serve",
        "serve_in_process",
    ],
}

#: Modules other stages may import whole, beside the package's ``__all__``. Each is a
#: surface of its own, for a reason: evidence's are not loaded by ``import evidence`` (they
#: load py-wacz or Playwright, which most callers do not need); storage's are its queries and
#: writes by topic (the only SQL, called by the stages that store and read); score's ``review``
#: is the meaning of a reviewer's decision, which reviewing and reports share.
PUBLIC_MODULES: dict[str, frozenset[str]] = {
    "evidence": frozenset({"chromium", "screenshots", "verify", "wacz"}),
    "storage": frozenset(
        {"exports", "extractions", "history", "queries", "reviews", "screenshots", "writes"}
    ),
    "score": frozenset({"review"}),
}


@pytest.mark.parametrize("package", sorted(SURFACES))
def test_the_public_names_of_each_stage_are_pinned(package: str) -> None:
    module = importlib.import_module(package)
    assert sorted(module.__all__) == sorted(SURFACES[package])
    assert len(set(module.__all__)) == len(module.__all__)
    missing = [name for name in module.__all__ if not hasattr(module, name)]
    assert missing == [], f"{package}.__all__ names what it does not define: {missing}"


def test_every_stage_package_has_its_surface_pinned() -> None:
    staged = {stage(i.importer) for i in project_imports()} - {"flows"}
    assert staged <= set(SURFACES)
    for package in SURFACES:
        assert declared_all(package), f"{package}/__init__.py declares no __all__"


def _reach(imp: Import) -> str | None:
    """Why ``imp`` reaches past another stage's surface, or None if it does not."""
    target = stage(imp.module)
    if target == stage(imp.importer):
        return None
    if imp.name is not None and imp.name.startswith("_"):
        return f"the private name {imp.name}"
    inner = imp.module.split(".")[1:]
    if any(part.startswith("_") for part in inner):
        return f"the private module {imp.module}"
    if inner and inner[0] not in PUBLIC_MODULES.get(target, frozenset()):
        return f"{imp.module}, not a public module of {target}"
    if not inner and imp.name is not None and imp.name not in declared_all(target):
        return f"{imp.name}, not in {target}.__all__"
    return None


def test_no_stage_imports_another_stages_insides() -> None:
    reaches = [
        f"{imp.where}: {why}" for imp in project_imports() if (why := _reach(imp)) is not None
    ]
    assert reaches == []


def test_the_surface_rule_catches_a_reach() -> None:
    def imp(module: str, name: str | None) -> Import:
        return Import("reports.html", module, name, 1, False)

    assert _reach(imp("storage.tables", "utcnow")) is not None  # not a public module
    assert _reach(imp("storage", "_engine")) is not None  # a private name
    assert _reach(imp("storage.tables", None)) is not None  # ``from storage import tables``
    assert _reach(imp("score", "STANCE_ORDER")) is not None  # not in score.__all__
    assert _reach(imp("storage.queries", "ClaimRow")) is None  # a public module
    assert _reach(imp("storage", "sessions")) is None  # in storage.__all__
    assert _reach(imp("reports.dossier", "Dossier")) is None  # its own stage
