"""The complex service's only door to DynamoDB: member units, their offers by field, sites, the tally.

Items (Records table; every key starts ``COMPLEX#``)::

    unit    pk COMPLEX#UNIT#<mu_id>      sk UNIT     name, kind, community_id, street_id, party_org, contact,
                                                     offers, joined_on, left_on (absent while paired), version
    offer   pk COMPLEX#OFFER#<field>     sk <street>#<community>#<mu_id>#<nn>
                                                     one matchable offer of a paired unit (its name, kind, text)
    site    pk COMPLEX#SITE#<site_id>    sk SITE     name, kind, community_id, street_id, address, services, …
    tally   pk COMPLEX#TALLY#<year>      sk <community>   units_joined, units_left, sites_opened

The unit item is the layout other services rely on (``services.common.data.member_units``): they read it
and check ``attribute_not_exists(left_on)`` in their own transactions, so ``left_on`` is only ever set,
in the same transaction that deletes the unit's offer items.

Offer items are written, replaced and deleted in the unit's own transactions (create, change, leave), so
``COMPLEX#OFFER#<field>`` always holds exactly the paired units' offers of that field, sorted by street
and community: matching reads a few of the city's offers of a demanded field with one small Query on
each side of the community's own street, never a Scan.

Listings (sort key ``<created_at>#<id>``, newest first; ``kind`` is a filter)::

    gsi1  COMPLEX#UNITS#COMMUNITY#<cid>   /  COMPLEX#SITES#COMMUNITY#<cid>
    gsi2  COMPLEX#UNITS#STREET#<sid>      /  COMPLEX#SITES#STREET#<sid>    (also matching's street read)
    gsi3  COMPLEX#UNITS#CITY              /  COMPLEX#SITES#CITY
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from services.common.config import get_settings
from services.common.data import dynamo, open_demand, outbox, records
from services.common.data.dynamo import TxItem
from services.common.data.member_units import unit_key
from services.common.data.tally import Tally
from services.common.domain.clock import to_rfc3339
from services.common.domain.errors import Conflict
from services.common.domain.events import Event
from services.common.domain.reach import Reach, ReachKind
from services.complex.models.records import MemberUnitRecord, OfferRecord, SiteRecord

PREFIX = "COMPLEX#"
SITE_SK = "SITE"
STREET_INDEX = "gsi2"
STREET_PAGE = 500  # units per page of matching's street read; a street has tens, not thousands
Kind = str  # "UNITS" or "SITES": the two listings share the three indexes under their own partitions


def _table() -> str:
    return get_settings().records_table


def site_key(site_id: str) -> dict[str, str]:
    return {"pk": f"{PREFIX}SITE#{site_id}", "sk": SITE_SK}


def offer_key(offer: OfferRecord) -> dict[str, str]:
    return {
        "pk": f"{PREFIX}OFFER#{offer.field}",
        "sk": f"{offer.street_id}#{offer.community_id}#{offer.member_unit_id}#{offer.n:02d}",
    }


def _listed(what: Kind, community_id: str, street_id: str, sort: str) -> dict[str, str]:
    return {
        "gsi1pk": f"{PREFIX}{what}#COMMUNITY#{community_id}",
        "gsi1sk": sort,
        "gsi2pk": f"{PREFIX}{what}#STREET#{street_id}",
        "gsi2sk": sort,
        "gsi3pk": f"{PREFIX}{what}#CITY",
        "gsi3sk": sort,
    }


def _unit_item(unit: MemberUnitRecord) -> dict[str, Any]:
    sort = f"{to_rfc3339(unit.created_at)}#{unit.id}"
    return records.to_item(unit, **unit_key(unit.id), **_listed("UNITS", unit.community_id, unit.street_id, sort))


def _site_item(site: SiteRecord) -> dict[str, Any]:
    sort = f"{to_rfc3339(site.created_at)}#{site.id}"
    return records.to_item(site, **site_key(site.id), **_listed("SITES", site.community_id, site.street_id, sort))


def _offer_puts(unit: MemberUnitRecord) -> list[TxItem]:
    """Put (or overwrite) each matchable offer of a paired unit; a unit that has left has none."""
    offers = unit.offer_records() if unit.paired else []
    return [
        TxItem(
            f"offer:{offer.field}#{offer.n}",
            {"Put": {"TableName": _table(), "Item": dynamo.marshal(records.to_item(offer, **offer_key(offer)))}},
        )
        for offer in offers
    ]


def _offer_deletes(keys: Iterable[dict[str, str]]) -> list[TxItem]:
    return [
        TxItem(f"offer:{key['pk']}#{key['sk']}", {"Delete": {"TableName": _table(), "Key": dynamo.marshal(key)}})
        for key in keys
    ]


# --- member units ------------------------------------------------------------------------------------


def create_unit(unit: MemberUnitRecord, events: list[Event], tally: Tally) -> None:
    """The unit, its offers by field, the tally and the event: one transaction."""
    put = TxItem("unit", dynamo.put(_table(), _unit_item(unit), "attribute_not_exists(pk)"))
    outbox.write_and_publish([put, *_offer_puts(unit), tally.item()], events)


def get_unit(member_unit_id: str, *, consistent: bool = False) -> MemberUnitRecord | None:
    item = dynamo.get_item(_table(), unit_key(member_unit_id), consistent=consistent)
    return records.from_item(MemberUnitRecord, item) if item else None


def change_unit(
    before: MemberUnitRecord, after: MemberUnitRecord, events: list[Event], tally: Tally | None = None
) -> None:
    """Replace the unit if it is still at ``before.version`` and paired, with its offer items: one transaction.

    Offer items the new list still has are overwritten, the others deleted (a transaction may not name an
    item twice); a unit that leaves keeps none.
    """
    put = TxItem(
        "unit",
        dynamo.put(
            _table(),
            _unit_item(after),
            "version = :v AND attribute_not_exists(left_on)",
            {":v": before.version},
        ),
    )
    kept = [offer_key(o) for o in after.offer_records()] if after.paired else []
    stale = [key for key in (offer_key(o) for o in before.offer_records()) if key not in kept]
    items = [put, *_offer_puts(after), *_offer_deletes(stale), *([tally.item()] if tally else [])]
    try:
        outbox.write_and_publish(items, events)
    except dynamo.WriteConflict as conflict:
        if conflict.failed("unit"):
            raise Conflict("The member unit changed or left meanwhile; reload it and try again.") from None
        raise


def _partition(what: Kind, reach: Reach) -> tuple[str, str]:
    if reach.kind is ReachKind.COMMUNITY:
        return "gsi1", f"{PREFIX}{what}#COMMUNITY#{reach.id}"
    if reach.kind is ReachKind.STREET:
        return "gsi2", f"{PREFIX}{what}#STREET#{reach.id}"
    if reach.kind is ReachKind.CITY:
        return "gsi3", f"{PREFIX}{what}#CITY"
    raise ValueError(f"the complex is not listed by {reach.kind}")


def list_units(reach: Reach, *, kind: str | None, limit: int, cursor: str | None) -> dynamo.Page[MemberUnitRecord]:
    index, partition = _partition("UNITS", reach)
    page = dynamo.query_index(
        _table(), index, partition, sort_between=None, limit=limit, cursor=cursor, filters={"kind": kind}
    )
    return dynamo.Page([records.from_item(MemberUnitRecord, i) for i in page.items], page.next_cursor)


def paired_units_of_street(street_id: str) -> list[MemberUnitRecord]:
    """Every paired unit of a street, oldest first: one Query (a page per ``STREET_PAGE`` units)."""
    found: list[MemberUnitRecord] = []
    cursor: str | None = None
    while True:
        page = dynamo.query_page(
            _table(),
            index=STREET_INDEX,
            partition_key=f"{STREET_INDEX}pk",
            partition_value=f"{PREFIX}UNITS#STREET#{street_id}",
            limit=STREET_PAGE,
            cursor=cursor,
            newest_first=False,
            filter_expression="attribute_not_exists(left_on)",
        )
        found.extend(records.from_item(MemberUnitRecord, i) for i in page.items)
        cursor = page.next_cursor
        if cursor is None:
            return found


def open_demands(community_id: str) -> dict[str, int]:
    """``{category: open appeals}`` as the appeals service keeps them (``common.data.open_demand``): one GetItem."""
    return open_demand.open_by_category(community_id)


def city_offers(field: str, *, outside_street: str, limit: int) -> list[OfferRecord]:
    """Up to ``limit`` paired units' offers of ``field`` outside one street, in key order (street, community,
    unit): one small Query on each side of the street's own range, so its many offers are never read."""
    partition = f"{PREFIX}OFFER#{field}"
    before = (" ", f"{outside_street}#")  # every sort key of an earlier street sorts below "<street>#"
    after = (f"{outside_street}$", "~")  # "$" follows "#": the street's own keys sort below it
    found: list[dict[str, Any]] = []
    for bounds in (before, after):
        page = dynamo.query_page(
            _table(),
            index=None,
            partition_key="pk",
            partition_value=partition,
            sort_key="sk",
            sort_between=bounds,
            limit=limit - len(found),
            newest_first=False,
        )
        found.extend(page.items)
        if len(found) >= limit:
            break
    return [records.from_item(OfferRecord, i) for i in found]


# --- sites -------------------------------------------------------------------------------------------


def create_site(site: SiteRecord, events: list[Event], tally: Tally) -> None:
    put = TxItem("site", dynamo.put(_table(), _site_item(site), "attribute_not_exists(pk)"))
    outbox.write_and_publish([put, tally.item()], events)


def get_site(site_id: str) -> SiteRecord | None:
    item = dynamo.get_item(_table(), site_key(site_id))
    return records.from_item(SiteRecord, item) if item else None


def list_sites(reach: Reach, *, kind: str | None, limit: int, cursor: str | None) -> dynamo.Page[SiteRecord]:
    index, partition = _partition("SITES", reach)
    page = dynamo.query_index(
        _table(), index, partition, sort_between=None, limit=limit, cursor=cursor, filters={"kind": kind}
    )
    return dynamo.Page([records.from_item(SiteRecord, i) for i in page.items], page.next_cursor)
