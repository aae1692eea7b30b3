"""What the complex API returns. A unit's contact has its own resource and route: it is never in a public answer."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict

from services.common.domain.fields import UtcDateTime
from services.common.domain.page import Page

Reach = Literal["community", "street", "city"]


class OfferOut(BaseModel):
    model_config = ConfigDict(frozen=True)

    kind: str
    field: str | None = None
    description: str


class MemberUnit(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    name: str
    kind: str
    community_id: str
    street_id: str
    party_org: str | None = None
    offers: list[OfferOut]
    joined_on: dt.date
    left_on: dt.date | None = None
    version: int
    created_at: UtcDateTime


class MemberUnitList(Page[MemberUnit]):
    pass


class UnitContact(BaseModel):
    """Both null when the unit has no contact on record: the unit exists, so its contact is not a 404."""

    name: str | None
    phone: str | None


class Site(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    name: str
    kind: str
    community_id: str
    street_id: str
    address: str
    services: list[str]
    operator: str | None = None
    opened_on: dt.date
    version: int
    created_at: UtcDateTime


class SiteList(Page[Site]):
    pass


class Demand(BaseModel):
    category: str
    open_appeals: int
    fields: list[str]


class Match(BaseModel):
    category: str
    member_unit_id: str
    name: str
    offer: OfferOut
    reach: Reach


class Matches(BaseModel):
    community_id: str
    demands: list[Demand]
    matches: list[Match]
