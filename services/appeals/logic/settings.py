"""The time-limit policy and the working-day calendar: who may read and set them, and what deadlines use.

Why the appeals service owns the calendar (not the directory): the calendar exists for appeals' deadlines
and nothing else reads it; it is set at run time by the city (the directory only serves reference data
shipped with the code, and has no write access); and a deadline is computed in the same function that
writes it, from one Query of one partition that holds the policy and the city's years together.

    who                                  GET policy   PUT policy   GET calendar   PUT calendar
    anyone (no token)                    -            -            yes            -
    community_staff, street_officer      yes          -            yes            -
    city_admin                           yes          yes          yes            yes

Deadlines read ``current()``: the stored settings, kept for ``CACHE_SECONDS`` per function instance so a
submission pays no extra read in steady state. A change is therefore in force everywhere within a minute
(at once in the instance that made it); API.md's "a change applies to deadlines set after it" holds.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from services.appeals.dal import settings as store
from services.appeals.models.settings import AppealPolicy, CalendarBody, CalendarYear
from services.common.domain import clock
from services.common.domain.auth import Principal, Role
from services.common.domain.errors import FieldError, InvalidInput
from services.common.domain.workdays import Calendar, YearCalendar, year_calendar
from services.common.observability import logger

CACHE_SECONDS = 60.0
POLICY_READERS = (Role.COMMUNITY_STAFF, Role.STREET_OFFICER, Role.CITY_ADMIN)
WEEKENDS_ONLY_WARNING = (
    "No calendar is known for this year: deadlines count Monday to Friday only, with no holidays. "
    "A city admin can set the year with PUT /v1/calendar/{year}."
)


@dataclass(frozen=True)
class Current:
    policy: AppealPolicy
    calendar: Calendar


_cached: tuple[float, Current] | None = None


def current() -> Current:
    """The policy and calendar deadlines are computed with (at most ``CACHE_SECONDS`` old)."""
    global _cached
    if _cached is None or time.monotonic() - _cached[0] > CACHE_SECONDS:
        stored = store.read()
        _cached = (time.monotonic(), Current(stored.policy, Calendar(stored.calendars)))
    return _cached[1]


def forget() -> None:
    """Drop the cached settings: the next deadline reads them again."""
    global _cached
    _cached = None


# --- policy --------------------------------------------------------------------------------------------


def get_policy(*, by: Principal) -> AppealPolicy:
    by.require(*POLICY_READERS)
    return store.read().policy


def put_policy(body: AppealPolicy, *, by: Principal) -> AppealPolicy:
    by.require(Role.CITY_ADMIN)
    store.put_policy(body, at=clock.utc_now(), by=by.sub)
    forget()
    logger.info("appeal policy set", auto_escalate=body.auto_escalate_overdue, respond_days=body.respond_days)
    return body


# --- calendar ------------------------------------------------------------------------------------------


def _shown(calendar: YearCalendar) -> CalendarYear:
    return CalendarYear(
        year=calendar.year,
        holidays=sorted(calendar.holidays),
        workdays=sorted(calendar.workdays),
        source=calendar.source,
        warning=WEEKENDS_ONLY_WARNING if calendar.source == "weekends_only" else None,
    )


def get_calendar(year: int) -> CalendarYear:
    return _shown(year_calendar(year, store.read().calendars))


def put_calendar(year: int, body: CalendarBody, *, by: Principal) -> CalendarYear:
    by.require(Role.CITY_ADMIN)
    _check(year, body)
    calendar = YearCalendar(year, frozenset(body.holidays), frozenset(body.workdays), "city")
    store.put_calendar(calendar, at=clock.utc_now(), by=by.sub)
    forget()
    logger.info("calendar set", year=year, holidays=len(calendar.holidays), workdays=len(calendar.workdays))
    return _shown(calendar)


def _check(year: int, body: CalendarBody) -> None:
    """Every date in ``year``; a "workday" is a weekend date; no date is both (else 422 naming it)."""
    errors = [
        FieldError(f"{name}[{n}]", f"{day.isoformat()} is not in {year}.")
        for name in ("holidays", "workdays")
        for n, day in enumerate(getattr(body, name))
        if day.year != year
    ]
    errors += [
        FieldError(f"workdays[{n}]", f"{day.isoformat()} is a weekday, a working day already.")
        for n, day in enumerate(body.workdays)
        if day.weekday() < 5
    ]
    errors += [
        FieldError(f"workdays[{n}]", f"{day.isoformat()} is also listed as a holiday.")
        for n, day in enumerate(body.workdays)
        if day in set(body.holidays)
    ]
    if errors:
        raise InvalidInput(errors)
