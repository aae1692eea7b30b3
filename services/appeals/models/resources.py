"""What the appeals API returns, and what its logic works on."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from services.common.domain.fields import UtcDateTime
from services.common.domain.page import Page


class Status(StrEnum):
    SUBMITTED = "submitted"
    ASSIGNED = "assigned"
    ESCALATED = "escalated"
    RESOLVED = "resolved"
    CLOSED = "closed"


class Level(StrEnum):
    COMMUNITY = "community"
    STREET = "street"
    CITY = "city"


class Action(StrEnum):
    SUBMIT = "submit"
    ASSIGN = "assign"
    ESCALATE = "escalate"
    RESOLVE = "resolve"
    RATE = "rate"
    REOPEN = "reopen"
    CLOSE = "close"


class ContactView(BaseModel):
    name: str
    phone: str = Field(description="Whole for the person, their community's staff and city admins; else 138****1234")


class LocationView(BaseModel):
    address: str | None = None
    lat: float | None = None
    lng: float | None = None


class Appeal(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    community_id: str
    street_id: str
    grid_id: str | None
    category: str
    title: str
    description: str
    channel: str
    status: Status
    level: Level
    assignee: str | None = None
    due_at: UtcDateTime | None = None
    contact: ContactView | None = None
    location: LocationView | None = None
    submitted_by: str
    submitted_at: UtcDateTime
    resolved_at: UtcDateTime | None = None
    resolution: str | None = None
    resolved_on_site: bool | None = None
    meeting_id: str | None = None
    satisfaction: int | None = None
    closed_at: UtcDateTime | None = None
    close_reason: str | None = None
    version: int


class AppealList(Page[Appeal]):
    pass


class HistoryEntry(BaseModel):
    at: UtcDateTime
    actor: str
    action: Action
    from_status: Status | None
    to_status: Status
    level: Level
    note: str | None = None


class History(BaseModel):
    items: list[HistoryEntry]


class Meeting(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    community_id: str
    street_id: str
    building: str
    held_at: UtcDateTime
    chair: str
    departments: list[str]
    resident_count: int
    appeal_ids: list[str]
    appeals_discussed: int
    minutes: str | None = None
    recorded_by: str
    recorded_at: UtcDateTime


class MeetingList(Page[Meeting]):
    pass
