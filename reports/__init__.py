"""Stage 4: the reports (HTML, PDF) of a run or a period, and the analysts' exports."""

from reports.assemble import (
    NothingToReport,
    Report,
    judged_claims,
    period_report,
    run_report,
    with_reviews,
)
from reports.export import FORMATS, write_tables
from reports.html import REPORT_FORMATS, render_report, safe_href, write_report_files
from reports.literature import citations, literature_rows
from reports.period import Period, PeriodError, parse_period, quarter_of
from reports.screenshots import SCREENSHOTS_FOLDER

__all__ = [
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
]
