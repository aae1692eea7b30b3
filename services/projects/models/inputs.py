"""Request bodies (API.md, "Projects"). Unknown fields are refused; money is integer fen in CNY."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt

from services.common.domain.fields import ExpectedVersion, Text50, Text100, Text200, Text2000
from services.common.domain.money import Currency, Fen, Money
from services.common.domain.reference import FundingSource, ProjectKind

Id = Annotated[str, Field(min_length=1, max_length=64)]
Count = Annotated[StrictInt, Field(ge=0, le=10_000_000)]
Day = Annotated[dt.date, Field(description="YYYY-MM-DD", examples=["2025-03-01"])]


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class NewProject(Body):
    community_id: Id
    kind: ProjectKind
    title: Text100
    year: Annotated[StrictInt, Field(ge=2000, le=2100)]
    lead: Text50 | None = None
    description: Text2000 | None = None
    budget: Money | None = None
    target_beneficiaries: Count | None = None
    member_unit_ids: Annotated[list[Id], Field(max_length=20)] = Field(
        default=[], description="Co-organising member units, each paired now"
    )


class ProjectChange(Body):
    status: Literal["in_progress", "completed"] | None = None
    beneficiaries_covered: Count | None = None
    expected_version: ExpectedVersion = None


class NewFunding(Body):
    source: FundingSource
    amount: Fen
    currency: Currency
    received_on: Day
    donor: Text100 | None = None
    reference: Text100 | None = None
    member_unit_id: Id | None = Field(
        default=None, description="The giving member unit, paired now: required with source member_unit, else absent"
    )


class NewDisbursement(Body):
    amount: Fen
    currency: Currency
    paid_on: Day
    purpose: Text200
    payee: Text100 | None = None


class NewSession(Body):
    held_on: Day
    title: Text100
    residents_served: Count
