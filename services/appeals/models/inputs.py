"""Request bodies (API.md, "Appeals"). Unknown fields are refused, so a typo is a 422, not silently lost."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, model_validator

from services.common.domain.fields import (
    ExpectedVersion,
    Phone,
    Text50,
    Text100,
    Text200,
    Text500,
    Text2000,
    Text5000,
    UtcDateTime,
)
from services.common.domain.reference import AppealCategory, AppealChannel

Id = Annotated[str, Field(min_length=1, max_length=64)]
Coordinate = Annotated[float, Field(allow_inf_nan=False)]


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Contact(Body):
    name: Text50
    phone: Phone


class Location(Body):
    address: Text200 | None = None
    lat: Annotated[Coordinate, Field(ge=-90, le=90)] | None = None
    lng: Annotated[Coordinate, Field(ge=-180, le=180)] | None = None

    @model_validator(mode="after")
    def _complete(self) -> Location:
        if (self.lat is None) != (self.lng is None):
            raise ValueError("give both lat and lng, or neither")
        if self.address is None and self.lat is None:
            raise ValueError("give an address, or lat and lng")
        return self


class NewAppeal(Body):
    community_id: Id
    grid_id: Id | None = None
    category: AppealCategory
    title: Text100
    description: Text2000
    channel: AppealChannel = AppealChannel.ONLINE
    contact: Contact | None = None
    location: Location | None = None


class Assign(Body):
    assignee: Text100 | None = Field(
        default=None,
        description="The department or member unit that takes the appeal; with `member_unit_id`, the unit's name "
        "unless given",
    )
    member_unit_id: Id | None = Field(default=None, description="A paired member unit that takes the appeal")
    due_at: UtcDateTime | None = None
    note: Text500 | None = None
    expected_version: ExpectedVersion = None


class Escalate(Body):
    reason: Text500
    expected_version: ExpectedVersion = None


class Resolve(Body):
    resolution: Text2000
    on_site: StrictBool
    meeting_id: Id | None = None
    expected_version: ExpectedVersion = None


class Rate(Body):
    satisfaction: Annotated[StrictInt, Field(ge=1, le=5)]
    comment: Text500 | None = None
    expected_version: ExpectedVersion = None


class Reopen(Body):
    reason: Text500
    expected_version: ExpectedVersion = None


class Close(Body):
    reason: Literal["duplicate", "withdrawn", "out_of_scope"]
    expected_version: ExpectedVersion = None


class NewMeeting(Body):
    community_id: Id
    building: Text100
    held_at: UtcDateTime
    chair: Text50
    departments: Annotated[list[Text100], Field(max_length=30)] = []
    resident_count: Annotated[StrictInt, Field(ge=0, le=100_000)]
    appeal_ids: Annotated[list[Id], Field(max_length=50)]
    minutes: Text5000 | None = None


class RequestExtension(Body):
    days: Annotated[StrictInt, Field(ge=1, le=10, description="Working days more")]
    reason: Text500
    expected_version: ExpectedVersion = None


class DecideExtension(Body):
    approve: StrictBool
    note: Text500 | None = None
    expected_version: ExpectedVersion = None


class Supervise(Body):
    note: Text500
    expected_version: ExpectedVersion = None


class Merge(Body):
    into: Id = Field(description="Another open appeal of the same community, not merged itself")
    note: Text500 | None = None
    expected_version: ExpectedVersion = None
