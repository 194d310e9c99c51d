"""Stage 4: the reports (HTML, PDF) of a run or a period, and the analysts' exports."""

from reports.assemble import NothingToReport, Report, period_report, run_report, with_reviews
from reports.export import FORMATS, write_tables
from reports.html import REPORT_FORMATS, render_report, safe_href, write_report_files
from reports.period import Period, PeriodError, parse_period

__all__ = [
    "FORMATS",
    "REPORT_FORMATS",
    "NothingToReport",
    "Period",
    "PeriodError",
    "Report",
    "parse_period",
    "period_report",
    "render_report",
    "run_report",
    "safe_href",
    "with_reviews",
    "write_report_files",
    "write_tables",
]
