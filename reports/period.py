"""Report periods: a calendar year ("2026"), quarter ("2026-Q4") or month ("2026-11")."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

_PATTERN = re.compile(r"^(?P<year>\d{4})(?:-(?:Q(?P<quarter>[1-4])|(?P<month>0[1-9]|1[0-2])))?$")


class PeriodError(ValueError):
    """A period string that is not a year, quarter or month."""


@dataclass(frozen=True)
class Period:
    """A half-open time span [start, end) named by its label."""

    year: int
    months: int  # 12, 3 or 1
    first_month: int

    @property
    def label(self) -> str:
        if self.months == 12:
            return f"{self.year}"
        if self.months == 3:
            return f"{self.year}-Q{(self.first_month - 1) // 3 + 1}"
        return f"{self.year}-{self.first_month:02d}"

    @property
    def start(self) -> datetime:
        return datetime(self.year, self.first_month, 1, tzinfo=UTC)

    @property
    def end(self) -> datetime:
        index = self.year * 12 + self.first_month - 1 + self.months
        return datetime(index // 12, index % 12 + 1, 1, tzinfo=UTC)

    def previous(self) -> Period:
        """The period of the same length just before this one."""
        index = self.year * 12 + self.first_month - 1 - self.months
        return Period(index // 12, self.months, index % 12 + 1)

    def contains(self, moment: datetime) -> bool:
        if moment.tzinfo is None:  # SQLite hands back naive datetimes; they were stored as UTC
            moment = moment.replace(tzinfo=UTC)
        return self.start <= moment < self.end


def quarter_of(moment: datetime) -> Period:
    """The calendar quarter ``moment`` falls in."""
    return Period(moment.year, 3, (moment.month - 1) // 3 * 3 + 1)


def parse_period(text: str) -> Period:
    """The period named by ``text``.

    Raises:
        PeriodError: ``text`` is not ``YYYY``, ``YYYY-Qn`` or ``YYYY-MM``.
    """
    match = _PATTERN.match(text.strip())
    if match is None:
        raise PeriodError(
            f"not a period: {text!r}; use a year (2026), a quarter (2026-Q4) or a month (2026-11)"
        )
    year = int(match["year"])
    if match["quarter"]:
        return Period(year, 3, (int(match["quarter"]) - 1) * 3 + 1)
    if match["month"]:
        return Period(year, 1, int(match["month"]))
    return Period(year, 12, 1)
