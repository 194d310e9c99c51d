"""Stage 4: the run report (HTML) and the analysts' exports (CSV, Parquet)."""

from reports.export import FORMATS, write_tables
from reports.html import RunReport, render_run_report, safe_href, write_run_report

__all__ = ["FORMATS", "RunReport", "render_run_report", "safe_href", "write_run_report",
           "write_tables"]
