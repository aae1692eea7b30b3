"""Request bodies (API.md, "Volunteers"). Unknown fields are refused."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StrictInt

from services.common.domain.fields import Phone, Text50, Text100, Text200, Text500, UtcDateTime
from services.common.domain.hours import Hours
from services.common.domain.reference import ServiceField, VolunteerGroup

Id = Annotated[str, Field(min_length=1, max_length=64)]

# One transaction writes an activity with two items per participant (their total, their service
# record), the activity, its event, a team check, the tally and one check per co-organising member unit:
# DynamoDB's limit of 100 items allows 48 participants, and 2 × participants + units ≤ TRANSACTION_SLOTS.
MAX_PARTICIPANTS = 48
MAX_MEMBER_UNITS = 20
TRANSACTION_SLOTS = 96


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class NewTeam(Body):
    name: Text50
    community_id: Id
    group: VolunteerGroup
    description: Text500 | None = None


class NewVolunteer(Body):
    name: Text50
    phone: Phone
    community_id: Id
    group: VolunteerGroup
    skills: Annotated[list[ServiceField], Field(max_length=len(ServiceField))] = []
    team_ids: Annotated[list[Id], Field(max_length=10)] = []


class Participant(Body):
    volunteer_id: Id
    hours: Hours


class NewActivity(Body):
    community_id: Id
    team_id: Id | None = None
    title: Text100
    field: ServiceField
    started_at: UtcDateTime
    ended_at: UtcDateTime
    location: Text200 | None = None
    residents_served: Annotated[StrictInt, Field(ge=0, le=1_000_000)]
    participants: Annotated[list[Participant], Field(min_length=1, max_length=MAX_PARTICIPANTS)]
    member_unit_ids: Annotated[list[Id], Field(max_length=MAX_MEMBER_UNITS)] = Field(
        default=[],
        description="Co-organising member units (活动大联办), each paired now; 2 × participants + units ≤ 96",
    )
