"""What the projects API returns, and what its logic works on."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from services.common.domain.fields import UtcDateTime
from services.common.domain.money import Amount
from services.common.domain.page import Page

Status = Literal["planned", "in_progress", "completed"]


class Project(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    community_id: str
    street_id: str
    kind: str
    title: str
    year: int
    lead: str | None = None
    description: str | None = None
    budget: Amount | None = None
    target_beneficiaries: int | None = None
    status: Status
    funding_total: Amount
    disbursed_total: Amount
    balance: Amount
    beneficiaries_covered: int
    service_sessions: int
    residents_served: int
    member_unit_ids: list[str] = Field(default_factory=list, description="Co-organising member units")
    created_by: str
    created_at: UtcDateTime
    version: int


class ProjectList(Page[Project]):
    pass


class Funding(BaseModel):
    id: str
    project_id: str
    source: str
    amount: Amount
    received_on: dt.date
    donor: str | None = None
    reference: str | None = None
    member_unit_id: str | None = Field(default=None, description="The giving member unit (source member_unit)")
    recorded_by: str
    recorded_at: UtcDateTime


class Disbursement(BaseModel):
    id: str
    project_id: str
    amount: Amount
    paid_on: dt.date
    purpose: str
    payee: str | None = None
    recorded_by: str
    recorded_at: UtcDateTime


class Session(BaseModel):
    id: str
    project_id: str
    held_on: dt.date
    title: str
    residents_served: int
    recorded_by: str
    recorded_at: UtcDateTime


class SessionList(BaseModel):
    items: list[Session]


class LedgerLine(BaseModel):
    id: str
    type: Literal["funding", "disbursement"]
    date: dt.date
    amount: Amount
    source: str | None = None
    donor: str | None = None
    member_unit_id: str | None = None
    purpose: str | None = None
    payee: str | None = None
    balance: Amount  # running, after this line, in date order


class Ledger(BaseModel):
    project_id: str
    funding_total: Amount
    disbursed_total: Amount
    balance: Amount
    items: list[LedgerLine]
