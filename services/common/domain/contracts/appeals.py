"""Events of the appeals service (source ``canger.appeals``).

    AppealSubmitted   a new appeal                     counts by ``at`` (= submitted_at)
    AppealAssigned    assigned to a department/unit    counts by ``at``
    AppealEscalated   community → street → city        counts by ``at``
    AppealResolved    resolved; ``first`` is the first resolution of this appeal, which is what
                      "resolved" counts; ``seconds_to_resolve`` (an integer, so sums stay exact)
                      is submitted_at → at, for the average
    AppealRated       the submitter's 1–5 rating (closes the appeal)
    AppealReopened    the submitter reopened a resolved appeal
    AppealClosed      closed by staff with a reason (not by a rating)
    MeetingHeld       a consultation meeting, counted by ``held_at``, with the appeals discussed

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


class AppealAssigned(AppealEvent):
    assignee: str


class AppealEscalated(AppealEvent):
    from_level: Level


class AppealResolved(AppealEvent):
    first: bool = Field(description="The first resolution of this appeal (a reopened appeal resolved again: false)")
    on_site: bool
    at_meeting: bool
    meeting_id: str | None
    seconds_to_resolve: int = Field(ge=0, description="Whole seconds from submission to this resolution")


class AppealRated(AppealEvent):
    satisfaction: int = Field(ge=1, le=5)


class AppealReopened(AppealEvent):
    pass


class AppealClosed(AppealEvent):
    reason: Literal["duplicate", "withdrawn", "out_of_scope"]


class MeetingHeld(EventData):
    meeting_id: str
    held_at: UtcDateTime
    appeal_ids: list[str]
    appeals_discussed: int = Field(ge=0)
    resident_count: int = Field(ge=0)
