"""Counters → the figures officials quote, with the rates defined in API.md.

    resolution_rate        of the appeals submitted in the year and not merged, the share resolved by now
    response_rate          of first responses made in the year, the share made by respond_by
    on_time_rate           of first resolutions in the year that had a due_at, the share made by it
    satisfaction_avg       mean of the ratings given in the year          (2 decimals)
    satisfaction_rate      share of those ratings that are 4 or 5
    avg_resolution_hours   mean submission → first resolution, over appeals first resolved in the year
    volunteers.hours       participant hours, from whole tenths (exact)
    complex.member_units   Σ over the years up to this one of pairings joined − left (active at its end)

A rate with nothing to divide by is ``null``, not 0: "no appeals yet" is not "none resolved".
Rates are rounded to 4 decimals, averages to 2.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal

from services.common.domain.hours import from_tenths
from services.common.domain.reference import (
    AppealCategory,
    FundingSource,
    MemberUnitKind,
    ProjectKind,
    ServiceField,
    SiteKind,
)
from services.stats.logic.counting import month_counter
from services.stats.models import (
    AppealFigures,
    ComplexFigures,
    Figures,
    FundingFigures,
    MeetingFigures,
    MonthAppeals,
    MonthFigures,
    MonthMeetings,
    MonthProjects,
    MonthVolunteers,
    ProjectFigures,
    UnitFigures,
    VolunteerFigures,
)

# "joined_2025", "left_2025_agency", "sites_2024_childrens_home": a pairings counter (counting.Pairings)
_PAIRING = re.compile(r"^(?P<what>joined|left|sites)_(?P<year>[0-9]{4})(_(?P<kind>[a-z_]+))?$")


def _ratio(part: int, whole: int, places: int) -> float | None:
    if not whole:
        return None
    exact = Decimal(part) / Decimal(whole)
    return float(exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def complex_figures(
    counters: Mapping[str, int], pairings: Mapping[str, int], *, year: int | None = None
) -> ComplexFigures:
    """The complex block: pairings and sites up to the end of ``year`` (every year when None), units at
    work in ``year`` (``counters``). Dates are never in the future, so for the current year "by its end"
    is "by now"."""
    upto: dict[tuple[str, str], int] = {}  # (joined|left|sites, kind or "") → Σ over the years ≤ year
    for name, n in pairings.items():
        match = _PAIRING.match(name)
        if match and (year is None or int(match.group("year")) <= year):
            key = (match.group("what"), match.group("kind") or "")
            upto[key] = upto.get(key, 0) + int(n)

    def active(kind: str = "") -> int:
        return upto.get(("joined", kind), 0) - upto.get(("left", kind), 0)

    return ComplexFigures(
        member_units=active(),
        units_by_kind={k.value: active(k.value) for k in MemberUnitKind},
        sites_by_kind={k.value: upto.get(("sites", k.value), 0) for k in SiteKind},
        appeals_to_units=int(counters.get("appeals_to_units", 0)),
        activities_with_units=int(counters.get("activities_with_units", 0)),
        funding_from_units=int(counters.get("funding_from_units", 0)),
    )


def unit_figures(counters: Mapping[str, int]) -> UnitFigures:
    """A member unit's counters of a year (``counting.UnitYear``) as its figures."""

    def n(name: str) -> int:
        return int(counters.get(name, 0))

    return UnitFigures(
        appeals_assigned=n("appeals_assigned"),
        appeals_resolved=n("appeals_resolved"),
        activities=n("activities"),
        volunteer_hours=from_tenths(n("hours_tenths")),
        residents_served=n("residents_served"),
        projects=n("projects"),
        funding=n("funding"),
    )


def figures(
    counters: Mapping[str, int], pairings: Mapping[str, int] | None = None, *, year: int | None = None
) -> Figures:
    """A scope's figures from its counters of a year and its pairings (``complex_figures``)."""
    c = {k: int(v) for k, v in counters.items()}

    def n(name: str) -> int:
        return c.get(name, 0)

    resolved = n("appeals_resolved")
    return Figures(
        appeals=AppealFigures(
            submitted=n("appeals_submitted"),
            resolved=resolved,
            resolved_on_site=n("appeals_resolved_on_site"),
            resolved_at_meetings=n("appeals_resolved_at_meetings"),
            escalated=n("appeals_escalated"),
            closed=n("appeals_closed"),
            reopened=n("appeals_reopened"),
            merged=n("appeals_merged"),
            supervised=n("appeals_supervised"),
            extended=n("appeals_extended"),
            overdue=n("appeals_overdue"),
            responded_in_time=n("appeals_responded_in_time"),
            response_rate=_ratio(n("appeals_responded_in_time"), n("appeals_responded"), 4),
            resolved_in_time=n("appeals_resolved_in_time"),
            on_time_rate=_ratio(n("appeals_resolved_in_time"), n("appeals_resolved_with_due"), 4),
            resolution_rate=_ratio(
                n("appeals_resolved_of_submitted"), n("appeals_submitted") - n("appeals_merged_of_submitted"), 4
            ),
            satisfaction_avg=_ratio(n("rating_sum"), n("ratings"), 2),
            satisfaction_rate=_ratio(n("ratings_high"), n("ratings"), 4),
            avg_resolution_hours=_ratio(n("resolution_seconds"), resolved * 3600, 2),
            by_category={code.value: n(f"cat_{code.value}") for code in AppealCategory},
        ),
        meetings=MeetingFigures(held=n("meetings_held"), appeals_discussed=n("meetings_appeals_discussed")),
        volunteers=VolunteerFigures(
            registered=n("volunteers_registered"),
            active=n("volunteers_active"),
            activities=n("activities"),
            hours=from_tenths(n("hours_tenths")),
            residents_served=n("activity_residents_served"),
            by_field={code.value: n(f"field_{code.value}") for code in ServiceField},
        ),
        projects=ProjectFigures(
            started=n("projects_started"),
            by_kind={code.value: n(f"kind_{code.value}") for code in ProjectKind},
            funding=FundingFigures(
                total=n("funding_total"),
                by_source={code.value: n(f"source_{code.value}") for code in FundingSource},
            ),
            disbursed=n("disbursed"),
            sessions=n("sessions"),
            residents_served=n("session_residents_served"),
            beneficiaries_covered=n("beneficiaries_covered"),
        ),
        complex=complex_figures(c, pairings or {}, year=year),
    )


def months(year: int, counters: Mapping[str, int]) -> list[MonthFigures]:
    """The twelve ``m<MM>_<name>`` groups of a year's counters as figures, January first (zeros included)."""
    result = []
    for month in range(1, 13):

        def n(name: str, month: int = month) -> int:
            return int(counters.get(month_counter(month, name), 0))

        result.append(
            MonthFigures(
                month=f"{year:04d}-{month:02d}",
                appeals=MonthAppeals(
                    submitted=n("appeals_submitted"), resolved=n("appeals_resolved"), closed=n("appeals_closed")
                ),
                meetings=MonthMeetings(held=n("meetings_held")),
                volunteers=MonthVolunteers(
                    activities=n("activities"),
                    hours=from_tenths(n("hours_tenths")),
                    residents_served=n("activity_residents_served"),
                ),
                projects=MonthProjects(funding=n("funding_total"), disbursed=n("disbursed"), sessions=n("sessions")),
            )
        )
    return result
