"""What the volunteers API returns, and what its logic works on."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from services.common.domain.fields import UtcDateTime
from services.common.domain.page import Page


class Team(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    name: str
    community_id: str
    street_id: str
    group: str
    description: str | None = None
    member_count: int
    created_at: UtcDateTime


class TeamList(Page[Team]):
    pass


class VolunteerFields(BaseModel):
    """What a volunteer's resource and record share (``records.VolunteerRecord`` keeps hours in tenths)."""

    model_config = ConfigDict(frozen=True)

    id: str
    name: str
    phone: str
    community_id: str
    street_id: str
    group: str
    skills: list[str]
    team_ids: list[str]
    registered_at: UtcDateTime


class Volunteer(VolunteerFields):
    total_hours: float


class VolunteerList(Page[Volunteer]):
    pass


class ParticipantView(BaseModel):
    volunteer_id: str
    hours: float


class ActivityFields(BaseModel):
    """What an activity's resource and record share (``records.ActivityRecord`` keeps hours in tenths)."""

    model_config = ConfigDict(frozen=True)

    id: str
    community_id: str
    street_id: str
    team_id: str | None
    title: str
    field: str
    started_at: UtcDateTime
    ended_at: UtcDateTime
    location: str | None = None
    residents_served: int
    member_unit_ids: list[str] = Field(default_factory=list, description="Co-organising member units")


class Activity(ActivityFields):
    participants: list[ParticipantView]
    total_hours: float
    recorded_by: str
    recorded_at: UtcDateTime


class ActivityList(Page[Activity]):
    pass


class ServiceEntry(BaseModel):
    id: str
    title: str
    field: str
    date: str = Field(  # YYYY-MM-DD, the Beijing-time day the activity started
        json_schema_extra={"format": "date"}, description="The Beijing-time day the activity started"
    )
    hours: float


class ServiceRecord(BaseModel):
    """志愿服务记录: what a certificate for one year is printed from."""

    volunteer: Volunteer
    year: int
    total_hours: float
    activities: list[ServiceEntry]
