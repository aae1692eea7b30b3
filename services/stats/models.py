"""What the statistics API returns (API.md, "Statistics"). Money figures are integer fen."""

from __future__ import annotations

from pydantic import BaseModel

from services.common.domain.fields import UtcDateTime


class AppealFigures(BaseModel):
    submitted: int
    resolved: int
    resolved_on_site: int
    resolved_at_meetings: int
    escalated: int
    closed: int
    reopened: int
    merged: int
    supervised: int
    extended: int
    overdue: int
    responded_in_time: int
    response_rate: float | None
    resolved_in_time: int
    on_time_rate: float | None
    resolution_rate: float | None
    satisfaction_avg: float | None
    satisfaction_rate: float | None
    avg_resolution_hours: float | None
    by_category: dict[str, int]


class MeetingFigures(BaseModel):
    held: int
    appeals_discussed: int


class VolunteerFigures(BaseModel):
    registered: int
    active: int
    activities: int
    hours: float
    residents_served: int
    by_field: dict[str, int]


class Funding(BaseModel):
    total: int
    by_source: dict[str, int]


class ProjectFigures(BaseModel):
    started: int
    by_kind: dict[str, int]
    funding: Funding
    disbursed: int
    sessions: int
    residents_served: int
    beneficiaries_covered: int


class Figures(BaseModel):
    appeals: AppealFigures
    meetings: MeetingFigures
    volunteers: VolunteerFigures
    projects: ProjectFigures


class LiveFigures(BaseModel):
    year: int
    scope: str
    timezone: str
    as_of: UtcDateTime
    appeals: AppealFigures
    meetings: MeetingFigures
    volunteers: VolunteerFigures
    projects: ProjectFigures


class Drift(BaseModel):
    scope: str
    figure: str
    counters: int
    records: int


class Reconciliation(BaseModel):
    ok: bool
    drift: list[Drift]


class Policy(BaseModel):
    communities_without_secretary_led_project: list[str]


class Report(BaseModel):
    year: int
    computed_at: UtcDateTime
    final: bool
    timezone: str
    city: Figures
    streets: dict[str, Figures]
    communities: dict[str, Figures]
    reconciliation: Reconciliation
    policy: Policy


class MonthAppeals(BaseModel):
    submitted: int
    resolved: int
    closed: int


class MonthMeetings(BaseModel):
    held: int


class MonthVolunteers(BaseModel):
    activities: int
    hours: float
    residents_served: int


class MonthProjects(BaseModel):
    funding: int
    disbursed: int
    sessions: int


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
