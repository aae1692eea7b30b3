"""Member units (成员单位): organisations paired with a community, their resource lists, and the end of a pairing.

Who may do what (API.md, "The complex")::

    anyone            list units, read one (never its contact)
    community_staff   create and change units of their own community; read their contact
    city_admin        everything, everywhere
    others            403 for writes and contacts

A unit is paired from ``joined_on`` until a PATCH sets ``left_on``. Leaving is final: a unit that has left
is the record of a pairing that ended, so any later change (leaving again included) is 409. Its offers stop
being matched the moment it leaves, and other services refuse to name it (``common.data.member_units``).
Every change is versioned (``expected_version``, 409 when stale) and written with its event and tally in
one transaction (``dal.store``). The contact never reaches a log or a public answer.
"""

from __future__ import annotations

from functools import partial

from services.common.data.tally import Tally
from services.common.domain import clock
from services.common.domain.auth import Principal, Role
from services.common.domain.contracts import complex as contract
from services.common.domain.contracts.tallies import ComplexTally
from services.common.domain.errors import (
    Conflict,
    InvalidInput,
    NotAllowed,
    get_or_404,
    require_version,
)
from services.common.domain.events import new_event
from services.common.domain.ids import new_id
from services.common.domain.reference import community_or_422
from services.common.observability import logger
from services.complex.dal import store
from services.complex.logic.days import past_day, today
from services.complex.logic.scope import public_reach
from services.complex.models import inputs
from services.complex.models.records import ContactRecord, MemberUnitRecord
from services.complex.models.resources import MemberUnit, MemberUnitList, OfferOut, UnitContact

SERVICE = "complex"


def _may_write(by: Principal, community_id: str) -> None:
    by.require(Role.COMMUNITY_STAFF, Role.CITY_ADMIN)
    if not by.manages(community_id):
        raise NotAllowed("You may manage member units of your own community only.")


def _load(member_unit_id: str, *, consistent: bool = False) -> MemberUnitRecord:
    return get_or_404(partial(store.get_unit, consistent=consistent), member_unit_id, prefix="mu", what="member unit")


def _offers(offers: list[inputs.Offer]) -> list[OfferOut]:
    return [
        OfferOut(kind=o.kind.value, field=o.field.value if o.field else None, description=o.description) for o in offers
    ]


def _contact(contact: inputs.Contact | None) -> ContactRecord | None:
    return ContactRecord(name=contact.name, phone=contact.phone) if contact else None


def create(body: inputs.NewMemberUnit, *, by: Principal) -> MemberUnit:
    community = community_or_422(body.community_id)
    _may_write(by, community.id)
    joined_on = past_day(body.joined_on, "joined_on") if body.joined_on else today()
    now = clock.utc_now()
    unit = MemberUnitRecord(
        id=new_id("mu"),
        name=body.name,
        kind=body.kind.value,
        community_id=community.id,
        street_id=community.street_id,
        party_org=body.party_org,
        contact=_contact(body.contact),
        offers=_offers(body.offers),
        joined_on=joined_on,
        created_by=by.sub,
        created_at=now,
        version=1,
    )
    data = contract.MemberUnitJoined(
        community_id=unit.community_id,
        street_id=unit.street_id,
        member_unit_id=unit.id,
        kind=unit.kind,
        joined_on=joined_on,
        at=now,
    )
    tally = Tally(joined_on.year, unit.community_id, ComplexTally(units_joined=1))
    store.create_unit(unit, [new_event(SERVICE, data, occurred_at=now)], tally)
    logger.info("member unit joined", member_unit_id=unit.id, community_id=unit.community_id, kind=unit.kind)
    return unit.to_resource()


def get(member_unit_id: str) -> MemberUnit:
    return _load(member_unit_id).to_resource()


def contact(member_unit_id: str, *, by: Principal) -> UnitContact:
    """The unit's contact: its community's staff and city admins only (API.md); nulls when it has none."""
    by.require(Role.COMMUNITY_STAFF, Role.CITY_ADMIN)
    unit = _load(member_unit_id)
    if not by.manages(unit.community_id):
        raise NotAllowed("Only the unit's community staff and city admins see its contact.")
    return unit.to_contact()


def list_units(
    *, community_id: str | None, street_id: str | None, kind: str | None, limit: int, cursor: str | None
) -> MemberUnitList:
    page = store.list_units(public_reach(community_id, street_id), kind=kind, limit=limit, cursor=cursor)
    return MemberUnitList(items=[u.to_resource() for u in page.items], next_cursor=page.next_cursor)


def change(member_unit_id: str, body: inputs.MemberUnitChange, *, by: Principal) -> MemberUnit:
    changes = body.model_dump(exclude={"expected_version"}, exclude_none=True)
    if not changes:
        raise InvalidInput.field("body", "Give name, contact, offers or left_on to change.")
    before = _load(member_unit_id, consistent=True)
    _may_write(by, before.community_id)
    require_version("member unit", before.version, body.expected_version)
    if before.left_on is not None:
        raise Conflict(f"The member unit left on {before.left_on.isoformat()}; a pairing that ended cannot change.")
    if body.left_on is not None:
        past_day(body.left_on, "left_on")
        if body.left_on < before.joined_on:
            raise InvalidInput.field("left_on", "The unit cannot leave before it joined (joined_on).")
    after = before.model_copy(
        update={
            "name": body.name or before.name,
            "contact": _contact(body.contact) if body.contact else before.contact,
            "offers": _offers(body.offers) if body.offers is not None else before.offers,
            "left_on": body.left_on,
            "version": before.version + 1,
        }
    )
    now = clock.utc_now()
    events, tally = [], None
    if body.left_on is not None:
        data = contract.MemberUnitLeft(
            community_id=after.community_id,
            street_id=after.street_id,
            member_unit_id=after.id,
            kind=after.kind,
            joined_on=after.joined_on,
            left_on=body.left_on,
            at=now,
        )
        events.append(new_event(SERVICE, data, occurred_at=now))
        tally = Tally(body.left_on.year, after.community_id, ComplexTally(units_left=1))
    store.change_unit(before, after, events, tally)
    logger.info("member unit changed", member_unit_id=after.id, fields=sorted(changes), left=body.left_on is not None)
    return after.to_resource()
