"""Live figures for one scope and year, whole or by month: one read of one counter item."""

from __future__ import annotations

import re

from services.common.config import get_settings
from services.common.domain import clock
from services.common.domain.errors import InvalidInput, NotFound
from services.common.domain.reference import directory
from services.stats.dal import counters, reports
from services.stats.logic.figures import figures, months
from services.stats.models import EveryScope, LiveFigures, MonthlyFigures

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
    return LiveFigures(
        year=year,
        scope=scope,
        timezone=get_settings().report_timezone,
        as_of=clock.utc_now(),
        **figures(counters.read(year, scope)).model_dump(),
    )


def monthly(year: int, scope: str) -> MonthlyFigures:
    """The year's figures by month: the same one counter item as ``live`` (the months live in it)."""
    scope = parse_scope(scope)
    return MonthlyFigures(
        year=year, scope=scope, timezone=get_settings().report_timezone, months=months(year, counters.read(year, scope))
    )


def every_scope(year: int) -> EveryScope:
    """Every scope's live figures: one Query of the year's counter items (50 for Dali, however many records)."""
    counted, d = counters.read_year(year), directory()
    return EveryScope(
        year=year,
        timezone=get_settings().report_timezone,
        as_of=clock.utc_now(),
        city=figures(counted.get("city", {})),
        streets={s: figures(counted.get(f"street:{s}", {})) for s in d.streets},
        communities={c: figures(counted.get(f"community:{c}", {})) for c in d.communities},
    )


def report_file(name: str) -> tuple[bytes, str]:
    """``"2025"`` → the JSON report, ``"2025.csv"`` → the CSV; 404 otherwise (``"2025.json"`` too: API.md)."""
    match = _REPORT.match(name)
    if not match or not 2000 <= int(match.group("year")) <= 2100:
        raise NotFound("Reports are /v1/reports/<year> or /v1/reports/<year>.csv.")
    extension = match.group("format") or "json"
    return reports.load(int(match.group("year")), extension), reports.CONTENT_TYPES[extension]
