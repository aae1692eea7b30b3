"""What the appeals API returns, and what its logic works on."""

from __future__ import annotations

from datetime import datetime
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
    # Deadlines, supervision and merging (API.md): history entries of their own.
    OVERDUE = "overdue"
    REQUEST_EXTENSION = "request_extension"
    EXTEND = "extend"
    REJECT_EXTENSION = "reject_extension"
    SUPERVISE = "supervise"
    MERGE = "merge"
    MERGE_IN = "merge_in"  # on the target: another appeal was merged into this one


class ContactView(BaseModel):
    name: str
    phone: str = Field(description="Whole for the person, their community's staff and city admins; else 138****1234")


class LocationView(BaseModel):
    address: str | None = None
    lat: float | None = None
    lng: float | None = None


class ExtensionRequest(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    days: int
    reason: str
    status: str = Field(default="pending", description="pending: a request awaiting the level above")
    requested_at: UtcDateTime
    requested_by: str


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
    member_unit_id: str | None = Field(default=None, description="The member unit assigned now, if a unit is")
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
    respond_by: UtcDateTime | None = Field(default=None, description="End of the time to respond in this cycle")
    overdue: bool = Field(default=False, description="A deadline of the current cycle passed unmet")
    supervised: bool = False
    extension_request: ExtensionRequest | None = Field(default=None, description="The pending request, if any")
    merged_into: str | None = None
    merged_ids: list[str] = Field(default_factory=list)
    supporters: int = Field(default=1, description="1 + the appeals merged into this one")
    version: int


OPEN_STATUSES = frozenset({Status.SUBMITTED, Status.ASSIGNED, Status.ESCALATED})


def watched_deadline(
    *, status: str, awaiting_response: bool, overdue: bool, respond_by: datetime | None, due_at: datetime | None
) -> tuple[str, datetime] | None:
    """``respond_by`` while the cycle awaits its response, then ``due_at`` once assigned; None once the cycle
    is flagged overdue, or the appeal is resolved or closed."""
    if status not in OPEN_STATUSES or overdue:
        return None
    if awaiting_response and respond_by is not None:
        return "respond_by", respond_by
    if status == Status.ASSIGNED and due_at is not None:
        return "due_at", due_at
    return None


class DuplicateHint(BaseModel):
    id: str
    title: str
    submitted_at: UtcDateTime
    similarity: float = Field(ge=0, le=1)
    distance_m: float | None


class SubmittedAppeal(Appeal):
    """The answer to ``POST /v1/appeals``: the appeal, and open appeals it may repeat (best first, ≤ 5)."""

    possible_duplicates: list[DuplicateHint] = Field(default_factory=list)


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
