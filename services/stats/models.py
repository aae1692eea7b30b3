"""What the statistics API returns (API.md, "Statistics"). Money figures are integer fen.

Each figure counts the events whose own time falls in the calendar year in the report time zone;
the descriptions below are API.md's and appear in the OpenAPI document.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from services.common.domain.fields import UtcDateTime

_BY_CODE = "keyed by code (GET /v1/meta)"


class AppealFigures(BaseModel):
    submitted: int = Field(description="Appeals submitted in the year")
    resolved: int = Field(description="Appeals resolved for the first time in the year")
    resolved_on_site: int = Field(description="Of `resolved`: resolved on the spot")
    resolved_at_meetings: int = Field(description="Of `resolved`: resolved at a consultation meeting")
    escalated: int = Field(description="Escalations made in the year")
    closed: int = Field(
        description="Appeals that reached `closed` in the year, whichever way (rated, closed by staff, merged)"
    )
    reopened: int = Field(description="Reopenings made in the year")
    merged: int = Field(description="Appeals merged (并单) into another appeal in the year")
    supervised: int = Field(description="Appeals placed under supervision (督办) in the year")
    extended: int = Field(description="Appeals whose handling deadline was extended in the year")
    overdue: int = Field(description="Appeals that became overdue in the year")
    responded_in_time: int = Field(description="First responses made in the year by the appeal's `respond_by`")
    response_rate: float | None = Field(
        description="Of the first responses made in the year, the share made by `respond_by` (null when none)"
    )
    resolved_in_time: int = Field(description="First resolutions in the year that had a `due_at` and met it")
    on_time_rate: float | None = Field(
        description="Of the first resolutions in the year that had a `due_at`, the share by it (null when none)"
    )
    resolution_rate: float | None = Field(
        description="Of the appeals submitted in the year, the share resolved by now; merged ones left out"
    )
    satisfaction_avg: float | None = Field(description="Mean of the ratings given in the year (null when none)")
    satisfaction_rate: float | None = Field(description="Share of the year's ratings that are 4 or 5 (null when none)")
    avg_resolution_hours: float | None = Field(
        description="Mean hours from submission to first resolution, over appeals first resolved in the year"
    )
    by_category: dict[str, int] = Field(description=f"Appeals submitted, {_BY_CODE}")


class MeetingFigures(BaseModel):
    held: int = Field(description="Consultation meetings held in the year")
    appeals_discussed: int = Field(description="Appeals linked to those meetings")


class VolunteerFigures(BaseModel):
    registered: int = Field(description="Volunteers registered in the year")
    active: int = Field(description="Distinct volunteers in the year's activities")
    activities: int = Field(description="Activities started in the year")
    hours: float = Field(description="Participant hours (exact to a tenth of an hour)")
    residents_served: int = Field(description="Residents served by the year's activities (person-times)")
    by_field: dict[str, int] = Field(description=f"Activities, {_BY_CODE}")


class FundingFigures(BaseModel):
    total: int = Field(description="Funding recorded with a date in the year, in fen")
    by_source: dict[str, int] = Field(description=f"Funding in fen, {_BY_CODE}")


class ProjectFigures(BaseModel):
    started: int = Field(description="Projects whose `year` is this year")
    by_kind: dict[str, int] = Field(description=f"Projects started, {_BY_CODE}")
    funding: FundingFigures = Field(description="Funding recorded with a date in the year, in fen, by source")
    disbursed: int = Field(description="Disbursements recorded with a date in the year, in fen")
    sessions: int = Field(description="Service sessions held in the year")
    residents_served: int = Field(description="Residents served by those sessions")
    beneficiaries_covered: int = Field(description="Beneficiaries covered by the projects of this year")


class ComplexFigures(BaseModel):
    """The complex (三方联动): member units paired with the scope's communities, its sites, units at work."""

    member_units: int = Field(
        description="Pairings active at the end of the year (joined by 31 December, not left by then); "
        "for the current year, now"
    )
    units_by_kind: dict[str, int] = Field(description=f"Of `member_units`, by unit kind, {_BY_CODE}")
    sites_by_kind: dict[str, int] = Field(description=f"Sites opened by the end of the year, {_BY_CODE}")
    appeals_to_units: int = Field(description="Appeals first assigned to a member unit in the year")
    activities_with_units: int = Field(description="Activities of the year co-organised by at least one member unit")
    funding_from_units: int = Field(description="Funding from member units recorded with a date in the year, in fen")


class Figures(BaseModel):
    appeals: AppealFigures
    meetings: MeetingFigures
    volunteers: VolunteerFigures
    projects: ProjectFigures
    complex: ComplexFigures


class UnitFigures(BaseModel):
    """One member unit's figures of a year (服务大比拼). A unit credited on an activity or project it
    co-organised with others is credited with the whole of it."""

    appeals_assigned: int = Field(description="Appeals assigned to the unit in the year (each appeal once)")
    appeals_resolved: int = Field(description="Appeals first resolved in the year while assigned to the unit")
    activities: int = Field(description="Activities of the year the unit co-organised")
    volunteer_hours: float = Field(description="Participant hours of those activities (exact to a tenth of an hour)")
    residents_served: int = Field(description="Residents served by those activities (person-times)")
    projects: int = Field(description="Projects of the year the unit co-organises")
    funding: int = Field(description="Funding the unit gave, recorded with a date in the year, in fen")


class MemberUnitFigures(UnitFigures):
    member_unit_id: str
    year: int = Field(description="The calendar year counted (Asia/Shanghai)")


class LiveFigures(BaseModel):
    year: int = Field(description="The calendar year counted")
    scope: str = Field(description="`city`, `street:<id>` or `community:<id>`")
    timezone: str = Field(description="The report time zone whose calendar year is counted (Asia/Shanghai)")
    as_of: UtcDateTime = Field(description="When these figures were read")
    appeals: AppealFigures
    meetings: MeetingFigures
    volunteers: VolunteerFigures
    projects: ProjectFigures
    complex: ComplexFigures


class Drift(BaseModel):
    scope: str
    figure: str
    counters: int = Field(description="What the event counters say")
    records: int = Field(description="What the services' own tallies say")


class Reconciliation(BaseModel):
    ok: bool = Field(description="True when every counter equals its tally")
    drift: list[Drift]


class Policy(BaseModel):
    communities_without_secretary_led_project: list[str]


class Report(BaseModel):
    year: int
    computed_at: UtcDateTime = Field(description="When the yearly-metrics job froze this report")
    final: bool = Field(description="True once the year is over: the figures no longer change")
    timezone: str
    city: Figures
    streets: dict[str, Figures] = Field(description="Figures by street id")
    communities: dict[str, Figures] = Field(description="Figures by community id")
    member_units: dict[str, UnitFigures] = Field(
        description="Figures by member unit id: every unit paired at some time in the year, or with figures in it"
    )
    reconciliation: Reconciliation
    policy: Policy


class MonthAppeals(BaseModel):
    submitted: int = Field(description="Appeals submitted in the month")
    resolved: int = Field(description="Appeals resolved for the first time in the month")
    closed: int = Field(description="Appeals that reached `closed` in the month")


class MonthMeetings(BaseModel):
    held: int = Field(description="Consultation meetings held in the month")


class MonthVolunteers(BaseModel):
    activities: int = Field(description="Activities started in the month")
    hours: float = Field(description="Participant hours (exact to a tenth of an hour)")
    residents_served: int = Field(description="Residents served by the month's activities (person-times)")


class MonthProjects(BaseModel):
    funding: int = Field(description="Funding recorded with a date in the month, in fen")
    disbursed: int = Field(description="Disbursements recorded with a date in the month, in fen")
    sessions: int = Field(description="Service sessions held in the month")


class MonthFigures(BaseModel):
    month: str  # "2025-01": a calendar month in the report time zone
    appeals: MonthAppeals
    meetings: MonthMeetings
    volunteers: MonthVolunteers
    projects: MonthProjects


class MonthlyFigures(BaseModel):
    year: int
    scope: str
    timezone: str
    months: list[MonthFigures]  # always twelve, January first


class EveryScope(BaseModel):
    """Live figures of a year for the city, every street and every community (the dashboard's city view)."""

    year: int
    timezone: str
    as_of: UtcDateTime
    city: Figures
    streets: dict[str, Figures]
    communities: dict[str, Figures]
