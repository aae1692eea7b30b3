"""The day rules every date of the complex follows: judged in the report time zone (Beijing), never in the future."""

from __future__ import annotations

import datetime as dt

from services.common.domain import clock, years
from services.common.domain.errors import InvalidInput

EARLIEST_DAY = dt.date(2000, 1, 1)


def today() -> dt.date:
    return years.local_date(clock.utc_now())


def past_day(day: dt.date, field: str) -> dt.date:
    """``day`` if it has come (Beijing time) and is not before 2000, else a 422 naming ``field``."""
    if day > today():
        raise InvalidInput.field(field, "The date is in the future.")
    if day < EARLIEST_DAY:
        raise InvalidInput.field(field, "The date is before 2000.")
    return day
