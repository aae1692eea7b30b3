"""Events of the appeals service (source ``canger.appeals``).

    AppealSubmitted   a new appeal                     counts by ``at`` (= submitted_at)
    AppealAssigned    assigned to a department/unit    counts by ``at``; ``member_unit_id`` when a member
                      unit (API.md, "The complex"), ``unit_first`` / ``appeal_first_unit`` for its figures
    AppealEscalated   community → street → city        counts by ``at``
    AppealResolved    resolved; ``first`` is the first resolution of this appeal, which is what
                      "resolved" counts; ``seconds_to_resolve`` (an integer, so sums stay exact)
                      is submitted_at → at, for the average
    AppealRated       the submitter's 1–5 rating (closes the appeal)
    AppealReopened    the submitter reopened a resolved appeal
    AppealClosed      closed by staff with a reason (not by a rating)
    AppealOverdue     the deadline job found ``respond_by`` or ``due_at`` passed unmet; ``first``: the
                      first time this appeal became overdue, which is what "overdue" counts
    AppealExtensionRequested / AppealExtended / AppealExtensionRejected
                      a request for more working days, and the level above's decision; ``first``
                      on ``AppealExtended``: the appeal's first approved extension ("extended")
    AppealSupervised  put under supervision (督办) by the street or the city
    AppealMerged      closed by merging into another open appeal (并单); counts as closed and merged,
                      and leaves the resolution rate's denominator (the submission year)
    MeetingHeld       a consultation meeting, counted by ``held_at``, with the appeals discussed

The first official action on an appeal (assign, escalate, resolve, close, merge) is its response:
that event says ``response_in_time`` (true/false: by ``respond_by`` or not; null: not the first
response). A first resolution of an appeal with a ``due_at`` says ``resolved_in_time`` likewise.

Every appeal event carries ``submitted_at``, so "of the appeals submitted in a year, the share
resolved" can be counted from events alone.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from services.common.domain.contracts.base import EventData
from services.common.domain.fields import UtcDateTime

Level = Literal["community", "street", "city"]


class AppealEvent(EventData):
    appeal_id: str
    category: str
    level: Level = Field(description="The appeal's level after the action")
    submitted_at: UtcDateTime
    at: UtcDateTime = Field(description="When the action happened: the time the figure counts by")


class AppealSubmitted(AppealEvent):
    channel: str


class Responding(AppealEvent):
    """An official action, which may be the appeal's first response (API.md: "a response in time")."""

    response_in_time: bool | None = Field(
        default=None, description="The appeal's first response: made by respond_by or not; null otherwise"
    )


class AppealAssigned(Responding):
    assignee: str
    member_unit_id: str | None = Field(default=None, description="The member unit assigned, if a unit was")
    unit_first: bool = Field(
        default=False, description="The first assignment of this appeal to this member unit (its appeals_assigned)"
    )
    appeal_first_unit: bool = Field(
        default=False, description="The appeal's first assignment to any member unit (appeals_to_units)"
    )


class AppealEscalated(Responding):
    from_level: Level
    automatic: bool = Field(default=False, description="Escalated by the deadline job (auto_escalate_overdue)")


class AppealResolved(Responding):
    first: bool = Field(description="The first resolution of this appeal (a reopened appeal resolved again: false)")
    on_site: bool
    at_meeting: bool
    meeting_id: str | None
    seconds_to_resolve: int = Field(ge=0, description="Whole seconds from submission to this resolution")
    resolved_in_time: bool | None = Field(
        default=None, description="A first resolution of an appeal with a due_at: by it or not; null otherwise"
    )
    member_unit_id: str | None = Field(
        default=None, description="The member unit the appeal was assigned to when resolved (its appeals_resolved)"
    )


class AppealRated(AppealEvent):
    satisfaction: int = Field(ge=1, le=5)


class AppealReopened(AppealEvent):
    pass


class AppealClosed(Responding):
    reason: Literal["duplicate", "withdrawn", "out_of_scope"]


class AppealOverdue(AppealEvent):
    deadline: Literal["respond_by", "due_at"] = Field(description="Which deadline passed unmet")
    deadline_at: UtcDateTime
    first: bool = Field(description="The first time this appeal became overdue")


class AppealExtensionRequested(AppealEvent):
    request_id: str
    days: int = Field(ge=1, le=10)


class AppealExtended(AppealEvent):
    request_id: str
    days: int = Field(ge=1, le=10)
    due_at: UtcDateTime = Field(description="The due time after the extension")
    first: bool = Field(description="The appeal's first approved extension")


class AppealExtensionRejected(AppealEvent):
    request_id: str
    days: int = Field(ge=1, le=10)


class AppealSupervised(AppealEvent):
    pass


class AppealMerged(Responding):
    into: str = Field(description="The open appeal this one was merged into")
    previously_resolved: bool = Field(
        description="It had been resolved once (then reopened): it leaves the resolution rate's numerator too"
    )


class MeetingHeld(EventData):
    meeting_id: str
    held_at: UtcDateTime
    appeal_ids: list[str]
    appeals_discussed: int = Field(ge=0)
    resident_count: int = Field(ge=0)
