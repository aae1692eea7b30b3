"""How each event moves the counters: the year it counts in, the scopes it counts for, by how much.

Counters live per (year, scope), scope being ``city``, ``street:<id>`` or ``community:<id>``; an
event adds to its community, that community's street and the city alike, so streets and communities
add up to the city. Every delta is a plain addition, so applying events in any order gives the same
counters, and deduplication by ``event_id`` (``services.common.data.outbox.consumed_update``) makes
at-least-once delivery exact. The year is the event's own time in the report time zone (an appeal
made at 2023-12-31T20:00Z counts in 2024), or the calendar year of its date (``received_on``).

Monthly figures ride on the same counters: a figure the dashboard charts by month (``MONTHLY``) is
also added under ``m<MM>_<name>`` (``m03_appeals_submitted``), the month of the same moment in the
same time zone, in the same item. So the twelve months add up to the year by construction, they are
exactly-once for the same reason, and they cost no extra write.

Distinct counts come pre-decided by the producer: an ``ActivityLogged`` participant says in which
scopes it is newly active that year, so ``volunteers_active`` is a sum like every other counter.

The complex (API.md, "The complex") adds three kinds of item beside the ``(year, scope)`` counters,
named by small values that ``services.stats.dal.counters`` turns into keys:

    Pairings(scope)          joined_<Y>, left_<Y>, joined_<Y>_<kind>, left_<Y>_<kind>, sites_<Y>, sites_<Y>_<kind>
                             by the year of joined_on / left_on / opened_on: a pairing is active at the end
                             of Y when Σ_{y≤Y} joined_y − left_y counts it, so any year is one read and a
                             MemberUnitLeft applied before its MemberUnitJoined still adds up
    UnitYear(year, unit)     a member unit's own figures of a year (appeals_assigned, appeals_resolved,
                             activities, hours_tenths, residents_served, projects, funding)
    Unit(unit)               the unit registry: its community, street, kind and dates (facts, set, not
                             added: every MemberUnitJoined/Left of a unit carries the same ones), so a unit
                             with no figures still has its row in the yearly report

A unit's own figures count where the unit works, not where it is paired: an appeal of 宁和社区 assigned
to a unit paired with 三和社区 adds to that unit's ``appeals_assigned`` and to 宁和社区's
``appeals_to_units``.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TypeVar

from services.common.domain import contracts, years
from services.common.domain.contracts import appeals as a
from services.common.domain.contracts import complex as cx
from services.common.domain.contracts import projects as p
from services.common.domain.contracts import volunteers as v
from services.common.domain.events import Event
from services.stats.dal.counters import Key, Pairings, Unit, UnitYear

CITY = "city"

# The counters kept per month as well (API.md, "Monthly figures and the dashboard").
MONTHLY = (
    "appeals_submitted",
    "appeals_resolved",
    "appeals_closed",
    "meetings_held",
    "activities",
    "hours_tenths",
    "activity_residents_served",
    "funding_total",
    "disbursed",
    "sessions",
)


def month_counter(month: int, name: str) -> str:
    """``month_counter(3, "appeals_submitted") == "m03_appeals_submitted"``."""
    return f"m{month:02d}_{name}"


def month_of(when: datetime | date) -> int:
    """The report-time-zone month of a moment, or the month of a calendar date (a date has no zone)."""
    return years.local_date(when).month if isinstance(when, datetime) else when.month


def scopes_of(data: contracts.EventData) -> dict[str, str]:
    """``{"city": "city", "street": "street:st_x", "community": "community:cm_y"}``."""
    return {"city": CITY, "street": f"street:{data.street_id}", "community": f"community:{data.community_id}"}


@dataclass
class Deltas:
    """What one event adds: ``{(year, scope): Counter({"appeals_submitted": 1, ...})}``, and the facts it
    sets (``{Unit("mu_x"): {"kind": "agency", ...}}``): the same on every event that carries them."""

    by_key: dict[Key, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    facts: dict[Key, dict[str, str]] = field(default_factory=lambda: defaultdict(dict))

    def everywhere(
        self, data: contracts.EventData, year: int, *, when: datetime | date | None = None, **counts: int
    ) -> None:
        """Add ``counts`` in every scope of ``data``; with ``when``, the ``MONTHLY`` ones in its month too."""
        if when is not None:
            month = month_of(when)
            counts = {**counts, **{month_counter(month, k): n for k, n in counts.items() if k in MONTHLY}}
        for scope in scopes_of(data).values():
            self.by_key[(year, scope)].update(counts)

    def only(self, year: int, scope: str, **counts: int) -> None:
        self.by_key[(year, scope)].update(counts)

    def at(self, key: Key, **counts: int) -> None:
        self.by_key[key].update(counts)

    def pairings(self, data: contracts.EventData, **counts: int) -> None:
        """Add ``counts`` to the pairings item of every scope of ``data``."""
        for scope in scopes_of(data).values():
            self.by_key[Pairings(scope)].update(counts)

    def unit(self, member_unit_id: str, year: int, **counts: int) -> None:
        self.by_key[UnitYear(year, member_unit_id)].update(counts)


def _appeal_submitted(d: Deltas, e: a.AppealSubmitted) -> None:
    d.everywhere(e, years.year_of(e.at), when=e.at, appeals_submitted=1, **{f"cat_{e.category}": 1})


def _response(d: Deltas, e: a.Responding) -> None:
    """The appeal's first official action, if this is it: response_rate's numerator and denominator."""
    if e.response_in_time is not None:
        d.everywhere(e, years.year_of(e.at), appeals_responded=1, appeals_responded_in_time=int(e.response_in_time))


def _appeal_assigned(d: Deltas, e: a.AppealAssigned) -> None:
    _response(d, e)
    year = years.year_of(e.at)
    if e.appeal_first_unit:  # the appeal's first assignment to any unit: the complex's appeals_to_units
        d.everywhere(e, year, appeals_to_units=1)
    if e.member_unit_id and e.unit_first:  # reassigned to the same unit: still one appeal of that unit
        d.unit(e.member_unit_id, year, appeals_assigned=1)


def _appeal_escalated(d: Deltas, e: a.AppealEscalated) -> None:
    d.everywhere(e, years.year_of(e.at), appeals_escalated=1)
    _response(d, e)


def _appeal_resolved(d: Deltas, e: a.AppealResolved) -> None:
    _response(d, e)
    if not e.first:
        return  # "resolved" counts first resolutions; a reopened appeal resolved again is not counted twice
    d.everywhere(
        e,
        years.year_of(e.at),
        when=e.at,
        appeals_resolved=1,
        appeals_resolved_on_site=int(e.on_site),
        appeals_resolved_at_meetings=int(e.at_meeting),
        resolution_seconds=e.seconds_to_resolve,
    )
    if e.resolved_in_time is not None:  # on_time_rate: of first resolutions that had a due_at
        d.everywhere(
            e, years.year_of(e.at), appeals_resolved_with_due=1, appeals_resolved_in_time=int(e.resolved_in_time)
        )
    # resolution_rate: of the appeals submitted in a year, the share resolved by now.
    d.everywhere(e, years.year_of(e.submitted_at), appeals_resolved_of_submitted=1)
    if e.member_unit_id:
        d.unit(e.member_unit_id, years.year_of(e.at), appeals_resolved=1)


def _appeal_rated(d: Deltas, e: a.AppealRated) -> None:
    high = int(e.satisfaction >= 4)
    # A rating closes the appeal: "closed" counts every appeal that reached closed, whichever way.
    d.everywhere(
        e, years.year_of(e.at), when=e.at, ratings=1, rating_sum=e.satisfaction, ratings_high=high, appeals_closed=1
    )


def _appeal_reopened(d: Deltas, e: a.AppealReopened) -> None:
    d.everywhere(e, years.year_of(e.at), appeals_reopened=1)


def _appeal_closed(d: Deltas, e: a.AppealClosed) -> None:
    d.everywhere(e, years.year_of(e.at), when=e.at, appeals_closed=1)
    _response(d, e)


def _appeal_overdue(d: Deltas, e: a.AppealOverdue) -> None:
    if e.first:  # "overdue": appeals that became overdue in the year, each once
        d.everywhere(e, years.year_of(e.at), appeals_overdue=1)


def _appeal_extended(d: Deltas, e: a.AppealExtended) -> None:
    if e.first:  # "extended": appeals whose time limit was extended, each once
        d.everywhere(e, years.year_of(e.at), appeals_extended=1)


def _appeal_supervised(d: Deltas, e: a.AppealSupervised) -> None:
    d.everywhere(e, years.year_of(e.at), appeals_supervised=1)


def _appeal_merged(d: Deltas, e: a.AppealMerged) -> None:
    # A merged appeal reached closed: it counts there, in its month too (the months add up to the year).
    d.everywhere(e, years.year_of(e.at), when=e.at, appeals_merged=1, appeals_closed=1)
    _response(d, e)
    # resolution_rate leaves merged appeals out: out of the denominator, and out of the numerator if a
    # resolution (later reopened) had put it there. Negative deltas are still plain sums.
    d.everywhere(
        e,
        years.year_of(e.submitted_at),
        appeals_merged_of_submitted=1,
        appeals_resolved_of_submitted=-int(e.previously_resolved),
    )


def _meeting_held(d: Deltas, e: a.MeetingHeld) -> None:
    d.everywhere(
        e, years.year_of(e.held_at), when=e.held_at, meetings_held=1, meetings_appeals_discussed=e.appeals_discussed
    )


def _volunteer_registered(d: Deltas, e: v.VolunteerRegistered) -> None:
    d.everywhere(e, years.year_of(e.at), volunteers_registered=1)


def _activity_logged(d: Deltas, e: v.ActivityLogged) -> None:
    year = years.year_of(e.started_at)
    d.everywhere(
        e,
        year,
        when=e.started_at,
        activities=1,
        hours_tenths=sum(x.hours_tenths for x in e.participants),
        activity_residents_served=e.residents_served,
        **{f"field_{e.field}": 1},
    )
    scopes = scopes_of(e)
    for participant in e.participants:
        for kind in participant.newly_active:
            d.only(year, scopes[kind], volunteers_active=1)
    units = list(dict.fromkeys(e.member_unit_ids))  # a unit named twice co-organised it once
    if units:
        d.everywhere(e, year, activities_with_units=1)
    for unit in units:
        # Each co-organising unit is credited with the whole activity: the participants' hours and the
        # residents served (units' figures overlap where units worked together; API.md, "The complex").
        d.unit(
            unit,
            year,
            activities=1,
            hours_tenths=sum(x.hours_tenths for x in e.participants),
            residents_served=e.residents_served,
        )


def _project_created(d: Deltas, e: p.ProjectCreated) -> None:
    # A project counts in its own `year`, which has no month: no monthly figure.
    d.everywhere(e, e.year, when=None, projects_started=1, **{f"kind_{e.kind}": 1})
    for unit in dict.fromkeys(e.member_unit_ids):
        d.unit(unit, e.year, projects=1)


def _project_updated(d: Deltas, e: p.ProjectUpdated) -> None:
    if e.beneficiaries_delta:
        d.everywhere(e, e.year, beneficiaries_covered=e.beneficiaries_delta)


def _funding_recorded(d: Deltas, e: p.FundingRecorded) -> None:
    d.everywhere(e, e.received_on.year, when=e.received_on, funding_total=e.amount, **{f"source_{e.source}": e.amount})
    if e.member_unit_id:
        d.everywhere(e, e.received_on.year, funding_from_units=e.amount)
        d.unit(e.member_unit_id, e.received_on.year, funding=e.amount)


def _disbursement_recorded(d: Deltas, e: p.DisbursementRecorded) -> None:
    d.everywhere(e, e.paid_on.year, when=e.paid_on, disbursed=e.amount)


def _session_recorded(d: Deltas, e: p.SessionRecorded) -> None:
    d.everywhere(e, e.held_on.year, when=e.held_on, sessions=1, session_residents_served=e.residents_served)


def _unit_facts(d: Deltas, e: cx.MemberUnitJoined | cx.MemberUnitLeft) -> None:
    d.facts[Unit(e.member_unit_id)].update(
        community_id=e.community_id, street_id=e.street_id, kind=e.kind, joined_on=e.joined_on.isoformat()
    )


def _member_unit_joined(d: Deltas, e: cx.MemberUnitJoined) -> None:
    year = e.joined_on.year
    d.pairings(e, **{f"joined_{year}": 1, f"joined_{year}_{e.kind}": 1})
    d.everywhere(e, year, units_joined=1)
    _unit_facts(d, e)


def _member_unit_left(d: Deltas, e: cx.MemberUnitLeft) -> None:
    year = e.left_on.year
    d.pairings(e, **{f"left_{year}": 1, f"left_{year}_{e.kind}": 1})
    d.everywhere(e, year, units_left=1)
    _unit_facts(d, e)
    d.facts[Unit(e.member_unit_id)]["left_on"] = e.left_on.isoformat()


def _site_opened(d: Deltas, e: cx.SiteOpened) -> None:
    year = e.opened_on.year
    d.pairings(e, **{f"sites_{year}": 1, f"sites_{year}_{e.kind}": 1})
    d.everywhere(e, year, sites_opened=1)


def _nothing(_: Deltas, __: contracts.EventData) -> None:
    """Events no figure counts (assignments, teams): consumed, confirmed, nothing added."""


E = TypeVar("E", bound=contracts.EventData)
Rule = Callable[[Deltas, contracts.EventData], None]


def _rule(model: type[E], apply: Callable[[Deltas, E], None]) -> tuple[str, Rule]:
    """``apply`` as the rule for events of ``model``, keyed by the model's name (the event type)."""

    def rule(deltas: Deltas, data: contracts.EventData) -> None:
        if not isinstance(data, model):
            raise TypeError(f"{model.__name__} rule given {type(data).__name__}")
        apply(deltas, data)

    return model.__name__, rule


RULES: dict[str, Rule] = dict(
    [
        _rule(a.AppealSubmitted, _appeal_submitted),
        _rule(a.AppealAssigned, _appeal_assigned),
        _rule(a.AppealEscalated, _appeal_escalated),
        _rule(a.AppealResolved, _appeal_resolved),
        _rule(a.AppealRated, _appeal_rated),
        _rule(a.AppealReopened, _appeal_reopened),
        _rule(a.AppealClosed, _appeal_closed),
        _rule(a.AppealOverdue, _appeal_overdue),
        _rule(a.AppealExtensionRequested, _nothing),
        _rule(a.AppealExtended, _appeal_extended),
        _rule(a.AppealExtensionRejected, _nothing),
        _rule(a.AppealSupervised, _appeal_supervised),
        _rule(a.AppealMerged, _appeal_merged),
        _rule(a.MeetingHeld, _meeting_held),
        _rule(v.TeamCreated, _nothing),
        _rule(v.VolunteerRegistered, _volunteer_registered),
        _rule(v.ActivityLogged, _activity_logged),
        _rule(p.ProjectCreated, _project_created),
        _rule(p.ProjectUpdated, _project_updated),
        _rule(p.FundingRecorded, _funding_recorded),
        _rule(p.DisbursementRecorded, _disbursement_recorded),
        _rule(p.SessionRecorded, _session_recorded),
        _rule(cx.MemberUnitJoined, _member_unit_joined),
        _rule(cx.MemberUnitLeft, _member_unit_left),
        _rule(cx.SiteOpened, _site_opened),
    ]
)


def _applied(event: Event) -> Deltas:
    data = contracts.parse_data(event.metadata.event_type, event.data)
    deltas = Deltas()
    RULES[event.metadata.event_type](deltas, data)
    return deltas


def deltas_of(event: Event) -> dict[Key, Counter[str]]:
    """What ``event`` adds to which counters. Raises ``KeyError`` for an event type nobody counts."""
    deltas = _applied(event)
    counted = {key: Counter({k: n for k, n in counts.items() if n}) for key, counts in deltas.by_key.items()}
    return {key: counts for key, counts in counted.items() if counts}


def facts_of(event: Event) -> dict[Key, dict[str, str]]:
    """What ``event`` sets (the unit registry's facts): ``{Unit("mu_x"): {"kind": "agency", ...}}``."""
    return {key: dict(facts) for key, facts in _applied(event).facts.items() if facts}
