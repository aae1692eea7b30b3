"""Working days as China counts them, and deadlines "N working days after" a moment.

A working day is Monday to Friday, minus the statutory holidays, plus the weekend days made working
days (调休). Known years come from the ``chinesecalendar`` package (maintained from the State Council's
notices; 1.11 knows 2004–2026); a city may set any year itself (``YearCalendar(source="city")``, stored
by the appeals service); a year nobody knows counts weekends only (``source="weekends_only"``), and the
API says so.

Counting follows the hotline rules: the day of the act is not counted, and the limit ends at 23:59:59
Beijing time of the last working day. The worked example of API.md, 2025 (Sep 28, a Sunday, and Oct 11,
a Saturday, are working days; Oct 1–8 are holidays)::

    submitted 2025-09-30T10:00+08:00, 1 day   →  2025-10-09T15:59:59Z   (Oct 1–8 off; Thu 9th)
    assigned  2025-09-26T10:00+08:00, 5 days  →  2025-10-10T15:59:59Z   (Sep 28, 29, 30, Oct 9, 10)

Pure: no I/O beyond reading the library's tables; the caller passes the city's own years in.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from typing import Literal
from zoneinfo import ZoneInfo

BEIJING = ZoneInfo("Asia/Shanghai")
END_OF_DAY = time(23, 59, 59)

Source = Literal["builtin", "city", "weekends_only"]


@dataclass(frozen=True)
class YearCalendar:
    """One year's exceptions to "Monday to Friday": ``holidays`` off, ``workdays`` (weekend dates) on."""

    year: int
    holidays: frozenset[date] = field(default_factory=frozenset)
    workdays: frozenset[date] = field(default_factory=frozenset)
    source: Source = "weekends_only"

    def is_working_day(self, day: date) -> bool:
        if day in self.workdays:
            return True
        return day.weekday() < 5 and day not in self.holidays


@cache
def builtin(year: int) -> YearCalendar | None:
    """The library's calendar of ``year``, or None when it does not know that year."""
    # Imported on first use: the tables cost ~10 ms, which a request without a deadline need not pay.
    from chinese_calendar import constants  # type: ignore[import-untyped]

    holidays = frozenset(day for day in constants.holidays if day.year == year)
    if not holidays:
        return None
    workdays = frozenset(day for day in constants.workdays if day.year == year and day.weekday() >= 5)
    return YearCalendar(year, holidays, workdays, "builtin")


def year_calendar(year: int, city: Mapping[int, YearCalendar] | None = None) -> YearCalendar:
    """The calendar in force for ``year``: the city's own, else the library's, else weekends only."""
    if city and year in city:
        return city[year]
    return builtin(year) or YearCalendar(year)


class Calendar:
    """Working-day arithmetic over consecutive years, with the city's own years taking precedence."""

    def __init__(self, city: Mapping[int, YearCalendar] | None = None) -> None:
        self._city = dict(city or {})
        self._years: dict[int, YearCalendar] = {}

    def year(self, year: int) -> YearCalendar:
        if year not in self._years:
            self._years[year] = year_calendar(year, self._city)
        return self._years[year]

    def is_working_day(self, day: date) -> bool:
        return self.year(day.year).is_working_day(day)

    def add_working_days(self, start: date, days: int) -> date:
        """The ``days``-th working day after ``start`` (``start`` itself is not counted); ``days`` ≥ 1."""
        if days < 1:
            raise ValueError("days must be at least 1")
        day, counted = start, 0
        while counted < days:
            day += timedelta(days=1)
            if self.is_working_day(day):
                counted += 1
        return day

    def deadline(self, moment: datetime, days: int) -> datetime:
        """End (23:59:59 Beijing time, as UTC) of the ``days``-th working day after ``moment``'s Beijing date."""
        last = self.add_working_days(moment.astimezone(BEIJING).date(), days)
        return datetime.combine(last, END_OF_DAY, tzinfo=BEIJING).astimezone(UTC)

    def extend(self, deadline: datetime, days: int) -> datetime:
        """A deadline moved by ``days`` working days (an approved extension)."""
        return self.deadline(deadline, days)


def beijing_date(moment: datetime) -> date:
    return moment.astimezone(BEIJING).date()
