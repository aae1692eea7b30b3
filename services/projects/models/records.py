"""What the projects service stores, as against what its API shows (``resources``).

Money is stored as integer fen (``funding_total: 125000``) and shown as an amount
(``{"amount": 125000, "currency": "CNY"}``); each record's ``to_resource`` is the one place that turns
one into the other. The item mapping itself is generic (``services.common.data.records``).
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from services.common.domain.fields import UtcDateTime
from services.common.domain.money import cny
from services.projects.models.resources import Disbursement, Funding, LedgerLine, Project, Status


class ProjectRecord(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    community_id: str
    street_id: str
    kind: str
    title: str
    year: int
    lead: str | None = None
    description: str | None = None
    budget: int | None = None  # fen
    target_beneficiaries: int | None = None
    status: Status
    funding_total: int = 0  # fen, and the two below: kept by ADD in each line's transaction
    disbursed_total: int = 0
    balance: int = 0
    beneficiaries_covered: int = 0
    service_sessions: int = 0
    residents_served: int = 0
    member_unit_ids: list[str] = Field(default_factory=list)
    created_by: str
    created_at: UtcDateTime
    version: int

    def to_resource(self) -> Project:
        return Project.model_validate(
            {
                **self.model_dump(),
                "budget": cny(self.budget) if self.budget is not None else None,
                "funding_total": cny(self.funding_total),
                "disbursed_total": cny(self.disbursed_total),
                "balance": cny(self.balance),
            }
        )


class LedgerRecord(BaseModel):
    """A funding or a disbursement, as one line of the project's ledger."""

    id: str
    project_id: str
    type: Literal["funding", "disbursement"]
    date: dt.date  # received_on or paid_on: what the ledger sorts by
    amount: int  # fen
    source: str | None = None
    donor: str | None = None
    reference: str | None = None
    member_unit_id: str | None = None
    member_unit_name: str | None = None  # the giving unit's name when recorded: the 360Giving funder's name
    purpose: str | None = None
    payee: str | None = None
    recorded_by: str
    recorded_at: UtcDateTime

    @classmethod
    def of(cls, line: Funding | Disbursement, *, member_unit_name: str | None = None) -> LedgerRecord:
        kind, day = ("funding", line.received_on) if isinstance(line, Funding) else ("disbursement", line.paid_on)
        return cls.model_validate(
            {
                **line.model_dump(),
                "type": kind,
                "date": day,
                "amount": line.amount.amount,
                "member_unit_name": member_unit_name,
            }
        )

    def to_line(self, balance: int) -> LedgerLine:
        """The line as the ledger shows it, with the running ``balance`` after it."""
        return LedgerLine.model_validate({**self.model_dump(), "amount": cny(self.amount), "balance": cny(balance)})
