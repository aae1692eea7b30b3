"""Live figures for one scope and year, whole or by month; a member unit's figures of a year.

live           the scope's counters of the year and its pairings: one BatchGetItem of two items
monthly        the scope's counters of the year: one GetItem (the months live in it)
every_scope    the year's counters and every scope's pairings: two Queries
unit_figures   the unit (404 if unknown) and its figures of the year: two GetItems
"""

from __future__ import annotations

import re

from services.common.config import get_settings
from services.common.domain import clock, years
from services.common.domain.errors import InvalidInput, NotFound
from services.common.domain.reference import directory
from services.stats.dal import counters, reports, units
from services.stats.logic.figures import figures, months, unit_figures
from services.stats.models import EveryScope, Figures, LiveFigures, MemberUnitFigures, MonthlyFigures

_SCOPE = re.compile(r"^(city|street:(?P<street>[a-z0-9_]+)|community:(?P<community>[a-z0-9_]+))$")
_REPORT = re.compile(r"^(?P<year>[0-9]{4})(\.(?P<format>csv))?$")


def parse_scope(scope: str) -> str:
    """``city``, ``street:<id>`` or ``community:<id>`` of a place in the directory; else a 422 on ``scope``."""
    match = _SCOPE.match(scope)
    d = directory()
    if (
        not match
        or (match.group("street") and match.group("street") not in d.streets)
        or (match.group("community") and match.group("community") not in d.communities)
    ):
        raise InvalidInput.field("scope", "Use city, street:<id> or community:<id> of a known place.")
    return scope


def live(year: int, scope: str) -> LiveFigures:
    scope = parse_scope(scope)
    counted, pairings = counters.read_with_pairings(year, scope)
    return LiveFigures(
        year=year,
        scope=scope,
        timezone=get_settings().report_timezone,
        as_of=clock.utc_now(),
        **figures(counted, pairings, year=year).model_dump(),
    )


def monthly(year: int, scope: str) -> MonthlyFigures:
    """The year's figures by month: the same one counter item as ``live`` (the months live in it)."""
    scope = parse_scope(scope)
    return MonthlyFigures(
        year=year, scope=scope, timezone=get_settings().report_timezone, months=months(year, counters.read(year, scope))
    )


def every_scope(year: int) -> EveryScope:
    """Every scope's live figures: one Query of the year's counter items (50 for Dali, however many records)
    and one of the scopes' pairings (50 more)."""
    counted, pairings, d = counters.read_year(year), counters.read_pairings(), directory()

    def of(scope: str) -> Figures:
        return figures(counted.get(scope, {}), pairings.get(scope, {}), year=year)

    return EveryScope(
        year=year,
        timezone=get_settings().report_timezone,
        as_of=clock.utc_now(),
        city=of("city"),
        streets={s: of(f"street:{s}") for s in d.streets},
        communities={c: of(f"community:{c}") for c in d.communities},
    )


def unit(member_unit_id: str, year: int | None) -> MemberUnitFigures:
    """A member unit's figures of ``year`` (this Beijing year when None); 404 for a unit the complex never had."""
    year = year if year is not None else years.local_date(clock.utc_now()).year
    unit, counted = units.with_year(year, member_unit_id)
    if unit is None:
        raise NotFound(f"No member unit {member_unit_id}.")
    return MemberUnitFigures(member_unit_id=member_unit_id, year=year, **unit_figures(counted).model_dump())


def report_file(name: str) -> tuple[bytes, str]:
    """``"2025"`` → the JSON report, ``"2025.csv"`` → the CSV; 404 otherwise (``"2025.json"`` too: API.md)."""
    match = _REPORT.match(name)
    if not match or not 2000 <= int(match.group("year")) <= 2100:
        raise NotFound("Reports are /v1/reports/<year> or /v1/reports/<year>.csv.")
    extension = match.group("format") or "json"
    return reports.load(int(match.group("year")), extension), reports.CONTENT_TYPES[extension]


def units_file(year: int) -> bytes:
    """The year's 服务大比拼 table (one row per member unit), as the yearly-metrics job froze it; 404 before."""
    return reports.load(year, reports.UNITS_CSV)
