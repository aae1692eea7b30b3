"""Events of the volunteers service (source ``canger.volunteers``).

TeamCreated          a volunteer team                                      counts by ``at``
VolunteerRegistered  a volunteer (no name, no phone)                       counts by ``at``
ActivityLogged       an activity: field, residents served (person-times) and each participant's
                     hours in whole tenths, so hours sum exactly; counts by ``started_at``
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from services.common.domain.contracts.base import EventData
from services.common.domain.fields import UtcDateTime

ScopeKind = Literal["city", "street", "community"]  # where a volunteer counts as active


class TeamCreated(EventData):
    team_id: str
    group: str
    at: UtcDateTime


class VolunteerRegistered(EventData):
    volunteer_id: str
    group: str
    skills: list[str]
    team_ids: list[str]
    at: UtcDateTime


class ParticipantHours(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    volunteer_id: str
    hours_tenths: int = Field(gt=0, description="Hours × 10: 2.5 h is 25")
    newly_active: list[ScopeKind] = Field(
        description="The scopes of this activity where this is the volunteer's first service of the year"
    )


class ActivityLogged(EventData):
    activity_id: str
    team_id: str | None
    field: str
    started_at: UtcDateTime
    ended_at: UtcDateTime
    residents_served: int = Field(ge=0)
    participants: list[ParticipantHours]
    member_unit_ids: list[str] = Field(default_factory=list, description="Co-organising member units")
