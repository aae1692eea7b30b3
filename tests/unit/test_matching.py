"""Matching's pure rules: which demands, which offers, in which order (services/complex/logic/matching.py)."""

from __future__ import annotations

import datetime as dt

from services.complex.logic.matching import demands, rank
from services.complex.models.records import MemberUnitRecord, OfferRecord
from services.complex.models.resources import OfferOut

NOW = dt.datetime(2025, 6, 1, tzinfo=dt.UTC)


def unit(uid: str, community: str, *fields: str, street: str = "st_a", left: bool = False) -> MemberUnitRecord:
    return MemberUnitRecord(
        id=uid,
        name=uid,
        kind="agency",
        community_id=community,
        street_id=street,
        offers=[OfferOut(kind="expertise", field=f, description=f) for f in fields],
        joined_on=dt.date(2025, 1, 1),
        left_on=dt.date(2025, 5, 1) if left else None,
        created_by="t",
        created_at=NOW,
        version=1,
    )


def city_offer(uid: str, street: str, community: str, field: str) -> OfferRecord:
    return OfferRecord(
        member_unit_id=uid,
        name=uid,
        community_id=community,
        street_id=street,
        n=0,
        kind="goods",
        field=field,
        description=field,
    )


def test_demands_are_most_open_first_then_in_reference_order_unknown_codes_left_out():
    found = demands({"environment": 2, "medical": 2, "elderly_care": 5, "astrology": 9})
    assert [(d.category, d.open_appeals) for d in found] == [("elderly_care", 5), ("medical", 2), ("environment", 2)]
    assert found[0].fields == ["elderly_care", "health"]


def test_own_community_then_street_then_city_each_in_key_order():
    wanted = demands({"medical": 1})
    street_units = [
        unit("mu_B", "cm_here", "health"),
        unit("mu_Z", "cm_b", "health"),
        unit("mu_A", "cm_here", "health", "environment"),
        unit("mu_Y", "cm_a", "health"),
    ]
    city = {"health": [city_offer("mu_Q", "st_c", "cm_x", "health"), city_offer("mu_P", "st_b", "cm_y", "health")]}
    found = [(m.member_unit_id, m.reach) for m in rank("cm_here", wanted, street_units, city)]
    assert found == [
        ("mu_A", "community"),
        ("mu_B", "community"),
        ("mu_Y", "street"),
        ("mu_Z", "street"),
        ("mu_P", "city"),
        ("mu_Q", "city"),
    ]


def test_units_that_left_and_offers_of_other_fields_are_not_matched():
    wanted = demands({"medical": 1})
    street_units = [unit("mu_A", "cm_here", "health", left=True), unit("mu_B", "cm_here", "environment")]
    assert rank("cm_here", wanted, street_units, {}) == []


def test_an_offer_serving_two_demands_is_matched_under_each():
    wanted = demands({"medical": 2, "elderly_care": 1})
    found = [(m.category, m.member_unit_id) for m in rank("cm_here", wanted, [unit("mu_A", "cm_here", "health")], {})]
    assert found == [("medical", "mu_A"), ("elderly_care", "mu_A")]
