"""Request bodies (API.md, "The complex"). Unknown fields are refused; every rule broken is a 422 naming its field."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator

from services.common.domain.fields import ExpectedVersion, Phone, Text50, Text100, Text200
from services.common.domain.reference import MemberUnitKind, OfferKind, ServiceField, SiteKind

Id = Annotated[str, Field(min_length=1, max_length=64)]
Day = Annotated[dt.date, Field(description="YYYY-MM-DD", examples=["2025-03-01"])]
MAX_OFFERS = 20  # a unit's resource list; each offer with a field is one index item in the unit's transactions


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Contact(Body):
    name: Text50
    phone: Phone


class Offer(Body):
    """One entry of a unit's resource list (资源清单); with a ``field`` it can be matched to demands."""

    kind: OfferKind
    field: ServiceField | None = None
    description: Text200


Offers = Annotated[list[Offer], Field(max_length=MAX_OFFERS)]


class NewMemberUnit(Body):
    name: Text100
    kind: MemberUnitKind
    community_id: Id
    party_org: Text100 | None = Field(default=None, description="The unit's party organisation (党组织)")
    contact: Contact | None = Field(default=None, description="Shown to the community's staff and city admins only")
    offers: Offers = []
    joined_on: Day | None = Field(default=None, description="The day the pairing began; today (Beijing) if left out")


class MemberUnitChange(Body):
    expected_version: ExpectedVersion = None
    name: Text100 | None = None
    contact: Contact | None = None
    offers: Offers | None = None
    left_on: Day | None = Field(default=None, description="Ends the pairing: on or after joined_on, not in the future")


def _unique(values: list[ServiceField]) -> list[ServiceField]:
    if len(set(values)) != len(values):
        raise ValueError("each service field may be given once")
    return values


class NewSite(Body):
    name: Text100
    kind: SiteKind
    community_id: Id
    address: Text200
    services: Annotated[
        list[ServiceField],
        Field(min_length=1, max_length=len(ServiceField), json_schema_extra={"uniqueItems": True}),
    ]
    operator: Text100 | None = None
    opened_on: Day

    _services_unique = field_validator("services")(_unique)
