"""What the complex service stores, as against what its API shows (``resources``).

A unit's record holds its contact; its resource does not, so ``to_resource`` is the one place the contact
is left behind. An ``OfferRecord`` is one offer with a service field, copied under that field so that
matching finds the city's offers of a field with one Query (``dal.store``).
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict

from services.common.domain.fields import UtcDateTime
from services.complex.models.resources import MemberUnit, OfferOut, Site, UnitContact


class ContactRecord(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str
    phone: str


class MemberUnitRecord(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    name: str
    kind: str
    community_id: str
    street_id: str
    party_org: str | None = None
    contact: ContactRecord | None = None
    offers: list[OfferOut] = []
    joined_on: dt.date
    left_on: dt.date | None = None  # absent from the item while paired (services.common.data.member_units)
    created_by: str
    created_at: UtcDateTime
    version: int

    @property
    def paired(self) -> bool:
        return self.left_on is None

    def to_resource(self) -> MemberUnit:
        return MemberUnit.model_validate(self.model_dump(exclude={"contact", "created_by"}))

    def to_contact(self) -> UnitContact:
        if self.contact is None:
            return UnitContact(name=None, phone=None)
        return UnitContact(name=self.contact.name, phone=self.contact.phone)

    def offer_records(self) -> list[OfferRecord]:
        """The unit's matchable offers (those with a field), numbered by their place in its list."""
        return [
            OfferRecord(
                member_unit_id=self.id,
                name=self.name,
                community_id=self.community_id,
                street_id=self.street_id,
                n=n,
                kind=offer.kind,
                field=offer.field,
                description=offer.description,
            )
            for n, offer in enumerate(self.offers)
            if offer.field is not None
        ]


class OfferRecord(BaseModel):
    model_config = ConfigDict(frozen=True)

    member_unit_id: str
    name: str
    community_id: str
    street_id: str
    n: int  # the offer's place in the unit's list
    kind: str
    field: str
    description: str

    def to_offer(self) -> OfferOut:
        return OfferOut(kind=self.kind, field=self.field, description=self.description)


class SiteRecord(BaseModel):
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
    created_by: str
    created_at: UtcDateTime
    version: int

    def to_resource(self) -> Site:
        return Site.model_validate(self.model_dump(exclude={"created_by"}))
