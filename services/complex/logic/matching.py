"""Matching (需求清单 ↔ 资源清单): a community's open appeals by category against member units' offers.

    demands   each category with open appeals (most first, then reference order), with the service fields
              that serve it (reference ``CATEGORY_FIELDS``)
    matches   for each demand in that order, every offer of a paired unit whose field serves it:
              the community's own units (reach ``community``), then the rest of its street (``street``),
              then up to ``CITY_PER_FIELD`` per field from the rest of the city (``city``)

Within a reach, offers come in key order: street, community, unit id (ids sort by creation), the offer's
place in the unit's list. So the answer is the same for the same records, whoever asks.

Reads (``dal.store``): one GetItem for the demands, the street's paired units (one Query, paged), and two
small Queries per demanded field for the city's offers outside the street: O(the street's units), never
the city's. Who may ask: the community's staff, its street's officer, city admins (others 403).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from services.common.domain.auth import Principal, Role
from services.common.domain.errors import NotAllowed, NotFound
from services.common.domain.reference import CATEGORY_FIELDS, AppealCategory, directory
from services.complex.dal import store
from services.complex.models.records import MemberUnitRecord, OfferRecord
from services.complex.models.resources import Demand, Match, Matches, Reach

CITY_PER_FIELD = 10
_ORDER = {category.value: n for n, category in enumerate(AppealCategory)}


def demands(open_by_category: Mapping[str, int]) -> list[Demand]:
    """The categories with open appeals, most first (ties in reference order); unknown codes are left out."""
    known = [(c, n) for c, n in open_by_category.items() if c in _ORDER and n > 0]
    known.sort(key=lambda pair: (-pair[1], _ORDER[pair[0]]))
    return [
        Demand(category=c, open_appeals=n, fields=[f.value for f in CATEGORY_FIELDS[AppealCategory(c)]])
        for c, n in known
    ]


def _key(offer: OfferRecord) -> tuple[str, str, str, int]:
    return (offer.street_id, offer.community_id, offer.member_unit_id, offer.n)


def rank(
    community_id: str,
    wanted: Sequence[Demand],
    street_units: Iterable[MemberUnitRecord],
    city: Mapping[str, Sequence[OfferRecord]],
) -> list[Match]:
    """The matches, in the order the module docstring gives. Units that have left are never matched."""
    street_offers = sorted((o for u in street_units if u.paired for o in u.offer_records()), key=_key)
    own = [o for o in street_offers if o.community_id == community_id]
    near = [o for o in street_offers if o.community_id != community_id]
    found: list[Match] = []
    for demand in wanted:
        fields = set(demand.fields)
        far = sorted((o for f in demand.fields for o in city.get(f, ())), key=_key)
        reaches: tuple[tuple[Reach, list[OfferRecord]], ...] = (("community", own), ("street", near), ("city", far))
        for reach, offers in reaches:
            found.extend(
                Match(
                    category=demand.category,
                    member_unit_id=o.member_unit_id,
                    name=o.name,
                    offer=o.to_offer(),
                    reach=reach,
                )
                for o in offers
                if o.field in fields
            )
    return found


def matches(community_id: str, *, by: Principal) -> Matches:
    by.require(Role.COMMUNITY_STAFF, Role.STREET_OFFICER, Role.CITY_ADMIN)
    community = directory().community(community_id)
    if community is None:
        raise NotFound("No such community.")
    if not by.oversees(community.id, community.street_id):
        raise NotAllowed("Only the community's staff, its street's officers and city admins see its matches.")
    wanted = demands(store.open_demands(community.id))
    if not wanted:
        return Matches(community_id=community.id, demands=[], matches=[])
    street_units = store.paired_units_of_street(community.street_id)
    fields = sorted({f for d in wanted for f in d.fields})
    city = {f: store.city_offers(f, outside_street=community.street_id, limit=CITY_PER_FIELD) for f in fields}
    return Matches(community_id=community.id, demands=wanted, matches=rank(community.id, wanted, street_units, city))
