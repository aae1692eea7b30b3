"""Calendar years in the report time zone, the unit every figure counts by.

Times are stored in UTC; a year is Beijing time (``REPORT_TIMEZONE``), so::

    year_of(datetime(2023, 12, 31, 20, 0, tzinfo=UTC)) == 2024
    year_bounds(2024) == ("2023-12-31T16:00:00.000Z", "2024-12-31T15:59:59.999Z")

``year_bounds`` gives the UTC text range a sort key made of ``to_rfc3339`` times falls in, so a
listing "by year" is a key-condition ``BETWEEN`` on an index, never a filter.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from services.common.config import get_settings
from services.common.domain.clock import to_rfc3339


def year_of(moment: datetime) -> int:
    return moment.astimezone(get_settings().zone).year


def local_date(moment: datetime) -> date:
    """The calendar day of ``moment`` in the report time zone (what a certificate prints)."""
    return moment.astimezone(get_settings().zone).date()


def year_start(year: int) -> datetime:
    return datetime(year, 1, 1, tzinfo=get_settings().zone).astimezone(UTC)


def year_bounds(year: int) -> tuple[str, str]:
    """The first and last millisecond of ``year`` as UTC RFC 3339 text (both inclusive)."""
    return to_rfc3339(year_start(year)), to_rfc3339(year_start(year + 1) - timedelta(milliseconds=1))


def date_bounds(year: int) -> tuple[str, str]:
    """A year of ``YYYY-MM-DD`` dates (a date has no zone: it is the local calendar day)."""
    return date(year, 1, 1).isoformat(), date(year, 12, 31).isoformat()
