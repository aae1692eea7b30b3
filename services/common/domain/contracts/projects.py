"""Events of the projects service (source ``canger.projects``).

Every project event carries the project's ``kind`` and ``year`` (the year it belongs to, which
"started" and "beneficiaries_covered" count by). Money is integer fen; dates are calendar days.

    ProjectCreated        a project                                     counts by ``year``
    ProjectUpdated        status or beneficiaries changed; ``beneficiaries_delta`` is new − old, so
                          summing deltas gives the current figure whatever the delivery order
    FundingRecorded       money received, by ``source``                 counts by ``received_on``
    DisbursementRecorded  money paid out                                counts by ``paid_on``
    SessionRecorded       a service session with residents served      counts by ``held_on``
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field

from services.common.domain.contracts.base import EventData
from services.common.domain.fields import UtcDateTime


class ProjectEvent(EventData):
    project_id: str
    kind: str
    year: int


class ProjectCreated(ProjectEvent):
    budget: int | None = Field(description="fen")
    target_beneficiaries: int | None
    at: UtcDateTime
    member_unit_ids: list[str] = Field(default_factory=list, description="Co-organising member units")


class ProjectUpdated(ProjectEvent):
    status: Literal["planned", "in_progress", "completed"]
    previous_status: Literal["planned", "in_progress", "completed"]
    beneficiaries_covered: int = Field(ge=0)
    beneficiaries_delta: int
    at: UtcDateTime


class FundingRecorded(ProjectEvent):
    funding_id: str
    source: str
    amount: int = Field(gt=0, description="fen")
    received_on: dt.date
    member_unit_id: str | None = Field(default=None, description="The giving member unit (source member_unit)")


class DisbursementRecorded(ProjectEvent):
    disbursement_id: str
    amount: int = Field(gt=0, description="fen")
    paid_on: dt.date


class SessionRecorded(ProjectEvent):
    session_id: str
    held_on: dt.date
    residents_served: int = Field(ge=0)
