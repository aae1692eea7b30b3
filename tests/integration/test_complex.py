"""The complex handler against moto: member units, their contact, offers and leaving; sites; matching."""

from __future__ import annotations

import datetime as dt

import pytest

from services.common.config import get_settings
from services.common.data import dynamo, open_demand, outbox
from services.common.data.member_units import get as unit_ref
from services.common.data.tally import read_year
from services.common.domain.contracts.tallies import ComplexTally
from services.common.domain.events import Event
from tests.callers import ADMIN, GRID_WORKER, NINGHE, OFFICER, OTHER_OFFICER, OTHER_STAFF, RESIDENT, SANHE, STAFF
from tests.integration.conftest import api_for

NEIGHBOUR = "cm_xiaguan_02"  # the same street as Ninghe (st_xiaguan); Sanhe is in st_taihe
NOW = dt.datetime(2025, 6, 15, 2, 0, tzinfo=dt.UTC)  # 10:00 in Beijing, 15 June 2025


@pytest.fixture
def api(calls, clock):
    clock.now = NOW
    return api_for("services.complex.handler")


def unit(api, who=STAFF, community=NINGHE, **changes) -> dict:
    body = {
        "name": "大理市人民医院",
        "kind": "institution",
        "community_id": community,
        "contact": {"name": "王医生", "phone": "13812341234"},
        "offers": [{"kind": "expertise", "field": "health", "description": "义诊"}],
    } | changes
    reply = api("POST", "/v1/member-units", who, body)
    assert reply.status == 201, reply.body
    return reply.body


def site(api, who=STAFF, community=NINGHE, **changes) -> dict:
    body = {
        "name": "宁河社区党群服务中心",
        "kind": "party_service_center",
        "community_id": community,
        "address": "文化路1号",
        "services": ["elderly_care"],
        "opened_on": "2024-07-01",
    } | changes
    reply = api("POST", "/v1/sites", who, body)
    assert reply.status == 201, reply.body
    return reply.body


def events_of(event_type: str) -> list[Event]:
    """The pending events of one type, each from source ``canger.complex``."""
    items = [item for item in outbox.pending(due_by=None) if item["detail_type"] == event_type]
    assert {item["source"] for item in items} <= {"canger.complex"}
    return [Event.model_validate_json(item["detail"]) for item in items]


def demand(community_id: str, **counts: int) -> None:
    dynamo.transact_write([open_demand.adjust(community_id, counts)])


def field_errors(reply) -> list[str]:
    return [e["field"] for e in reply.body.get("errors", [])]


# --- member units ------------------------------------------------------------------------------------


def test_a_new_unit_joins_today_in_beijing_without_its_contact_in_the_answer(api):
    reply = api(
        "POST",
        "/v1/member-units",
        STAFF,
        {
            "name": "大理供电局",
            "kind": "state_enterprise",
            "community_id": NINGHE,
            "contact": {"name": "李", "phone": "13912345678"},
        },
    )
    assert reply.status == 201
    created = reply.body
    assert reply.headers["Location"] == f"/v1/member-units/{created['id']}"
    assert created["id"].startswith("mu_")
    expected = {
        "name": "大理供电局",
        "kind": "state_enterprise",
        "community_id": NINGHE,
        "street_id": "st_xiaguan",
        "party_org": None,
        "offers": [],
        "joined_on": "2025-06-15",
        "left_on": None,
        "version": 1,
    }
    assert {k: created[k] for k in expected} == expected
    assert "contact" not in created
    assert "contact" not in api("GET", f"/v1/member-units/{created['id']}", None).body


def test_the_unit_item_is_what_other_services_read(api):
    created = unit(api)
    ref = unit_ref(created["id"])
    assert ref is not None
    assert (ref.name, ref.kind, ref.community_id, ref.street_id, ref.paired) == (
        "大理市人民医院",
        "institution",
        NINGHE,
        "st_xiaguan",
        True,
    )
    item = dynamo.get_item(get_settings().records_table, {"pk": f"COMPLEX#UNIT#{created['id']}", "sk": "UNIT"})
    assert item is not None and "left_on" not in item


def test_joining_writes_the_event_and_the_tally_by_the_year_joined(api):
    created = unit(api, joined_on="2024-12-31")
    [event] = events_of("MemberUnitJoined")
    assert event.data["member_unit_id"] == created["id"]
    assert event.data["joined_on"] == "2024-12-31"
    assert read_year(ComplexTally, 2024)[NINGHE].units_joined == 1


@pytest.mark.parametrize(
    ("who", "community", "status"),
    [
        (ADMIN, SANHE, 201),
        (STAFF, NINGHE, 201),
        (OTHER_STAFF, NINGHE, 403),
        (OFFICER, NINGHE, 403),
        (GRID_WORKER, NINGHE, 403),
        (RESIDENT, NINGHE, 403),
        (None, NINGHE, 401),
    ],
)
def test_who_may_pair_a_unit(api, who, community, status):
    body = {"name": "某单位", "kind": "agency", "community_id": community}
    assert api("POST", "/v1/member-units", who, body).status == status


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"joined_on": "2025-06-16"}, "joined_on"),
        ({"joined_on": "1999-12-31"}, "joined_on"),
        ({"community_id": "cm_nowhere"}, "community_id"),
        ({"kind": "bank"}, "kind"),
        ({"name": "  "}, "name"),
        ({"contact": {"name": "王", "phone": "12345"}}, "contact.phone"),
        ({"offers": [{"kind": "venue", "field": "farming", "description": "x"}]}, "offers[0].field"),
        ({"offers": [{"kind": "venue", "description": "x", "extra": 1}]}, "offers[0].extra"),
        ({"surprise": True}, "surprise"),
    ],
)
def test_a_bad_unit_is_422_naming_the_field(api, changes, field):
    body = {"name": "某单位", "kind": "agency", "community_id": NINGHE} | changes
    reply = api("POST", "/v1/member-units", STAFF, body)
    assert reply.status == 422, reply.body
    assert field in field_errors(reply)


def test_the_contact_is_for_the_community_staff_and_city_admins(api):
    created = unit(api)["id"]
    path = f"/v1/member-units/{created}/contact"
    assert api("GET", path, STAFF).body == {"name": "王医生", "phone": "13812341234"}
    assert api("GET", path, ADMIN).status == 200
    assert [api("GET", path, who).status for who in (OTHER_STAFF, OFFICER, GRID_WORKER, RESIDENT, None)] == [
        403,
        403,
        403,
        403,
        401,
    ]
    bare = unit(api, contact=None)["id"]
    # The unit exists, so its missing contact is an empty answer, not a 404 (schemathesis' ST302 asked for this).
    assert api("GET", f"/v1/member-units/{bare}/contact", STAFF).body == {"name": None, "phone": None}
    assert api("GET", "/v1/member-units/mu_01JAAAAAAAAAAAAAAAAAAAAAAA/contact", STAFF).status == 404


def test_an_unknown_unit_is_404(api):
    assert api("GET", "/v1/member-units/mu_01JAAAAAAAAAAAAAAAAAAAAAAA", None).status == 404
    assert api("GET", "/v1/member-units/nonsense", None).status == 404


def test_units_are_listed_by_community_street_and_city_with_a_kind_filter(api):
    a = unit(api, name="甲")["id"]
    b = unit(api, name="乙", kind="agency", community=NEIGHBOUR, who=ADMIN)["id"]
    c = unit(api, name="丙", community=SANHE, who=ADMIN)["id"]

    def ids(**query):
        reply = api("GET", "/v1/member-units", None, query=query)
        assert reply.status == 200, reply.body
        assert all("contact" not in u for u in reply.body["items"])
        return [u["id"] for u in reply.body["items"]]

    assert ids(community_id=NINGHE) == [a]
    assert ids(street_id="st_xiaguan") == [b, a]
    assert ids() == [c, b, a]
    assert ids(kind="agency") == [b]
    assert ids(street_id="st_xiaguan", kind="institution") == [a]


def test_unit_listings_page_with_cursors(api):
    made = [unit(api, name=f"单位{n}")["id"] for n in range(3)]
    first = api("GET", "/v1/member-units", None, query={"community_id": NINGHE, "limit": "2"}).body
    second = api(
        "GET", "/v1/member-units", None, query={"community_id": NINGHE, "limit": "2", "cursor": first["next_cursor"]}
    ).body
    assert [u["id"] for u in first["items"] + second["items"]] == made[::-1]
    assert second["next_cursor"] is None
    wrong = api("GET", "/v1/member-units", None, query={"street_id": "st_xiaguan", "cursor": first["next_cursor"]})
    assert (wrong.status, field_errors(wrong)) == (422, ["cursor"])


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"street_id": "st_nowhere"}, "street_id"),
        ({"community_id": "cm_nowhere"}, "community_id"),
        ({"community_id": NINGHE, "street_id": "st_taihe"}, "street_id"),
        ({"kind": "bank"}, "kind"),
    ],
)
def test_a_bad_listing_query_is_422(api, query, field):
    reply = api("GET", "/v1/member-units", None, query=query)
    assert reply.status == 422
    assert field in field_errors(reply)


def test_a_change_is_versioned(api):
    created = unit(api)
    path = f"/v1/member-units/{created['id']}"
    changed = api("PATCH", path, STAFF, {"expected_version": 1, "name": "大理州人民医院"})
    assert (changed.status, changed.body["name"], changed.body["version"]) == (200, "大理州人民医院", 2)
    stale = api("PATCH", path, STAFF, {"expected_version": 1, "name": "又一个名字"})
    assert (stale.status, stale.body["current_version"]) == (409, 2)
    assert unit_ref(created["id"]).name == "大理州人民医院"


def test_a_change_needs_something_to_change_and_the_right_caller(api):
    path = f"/v1/member-units/{unit(api)['id']}"
    assert api("PATCH", path, STAFF, {}).status == 422
    assert api("PATCH", path, STAFF, {"expected_version": 1}).status == 422
    assert [api("PATCH", path, who, {"name": "x"}).status for who in (OTHER_STAFF, OFFICER, RESIDENT, None)] == [
        403,
        403,
        403,
        401,
    ]
    assert api("PATCH", path, ADMIN, {"name": "x"}).status == 200
    assert api("PATCH", "/v1/member-units/mu_01JAAAAAAAAAAAAAAAAAAAAAAA", ADMIN, {"name": "x"}).status == 404


def test_a_contact_change_is_seen_by_staff_only(api):
    created = unit(api)["id"]
    reply = api("PATCH", f"/v1/member-units/{created}", STAFF, {"contact": {"name": "赵", "phone": "13700000000"}})
    assert reply.status == 200 and "contact" not in reply.body
    assert api("GET", f"/v1/member-units/{created}/contact", STAFF).body == {"name": "赵", "phone": "13700000000"}


def test_leaving_writes_the_event_and_the_tally_and_ends_the_pairing(api):
    created = unit(api, joined_on="2024-03-01")
    path = f"/v1/member-units/{created['id']}"
    left = api("PATCH", path, STAFF, {"expected_version": 1, "left_on": "2025-06-15"})
    assert (left.status, left.body["left_on"], left.body["version"]) == (200, "2025-06-15", 2)
    [event] = events_of("MemberUnitLeft")
    assert (event.data["joined_on"], event.data["left_on"]) == ("2024-03-01", "2025-06-15")
    assert read_year(ComplexTally, 2025)[NINGHE].units_left == 1
    assert unit_ref(created["id"]).paired is False
    again = api("PATCH", path, STAFF, {"left_on": "2025-06-15"})
    assert again.status == 409
    assert "left on 2025-06-15" in again.body["detail"]
    assert api("PATCH", path, STAFF, {"name": "改名"}).status == 409
    listed = api("GET", "/v1/member-units", None, query={"community_id": NINGHE}).body["items"]
    assert [u["left_on"] for u in listed] == ["2025-06-15"]


@pytest.mark.parametrize("left_on", ["2025-02-28", "2025-06-16"])
def test_leaving_before_joining_or_in_the_future_is_422(api, left_on):
    path = f"/v1/member-units/{unit(api, joined_on='2025-03-01')['id']}"
    reply = api("PATCH", path, STAFF, {"left_on": left_on})
    assert (reply.status, field_errors(reply)) == (422, ["left_on"])


def offer_items(field: str) -> list[dict]:
    return dynamo.partition_items(get_settings().records_table, f"COMPLEX#OFFER#{field}")


def test_offer_items_follow_the_unit_through_changes_and_leaving(api):
    created = unit(
        api,
        offers=[
            {"kind": "expertise", "field": "health", "description": "义诊"},
            {"kind": "venue", "description": "会议室"},
            {"kind": "volunteers", "field": "elderly_care", "description": "陪护"},
        ],
    )["id"]
    assert [i["description"] for i in offer_items("health")] == ["义诊"]
    assert [i["description"] for i in offer_items("elderly_care")] == ["陪护"]
    path = f"/v1/member-units/{created}"
    api(
        "PATCH",
        path,
        STAFF,
        {"name": "新名", "offers": [{"kind": "goods", "field": "elderly_care", "description": "轮椅"}]},
    )
    assert offer_items("health") == []
    assert [(i["name"], i["description"]) for i in offer_items("elderly_care")] == [("新名", "轮椅")]
    api("PATCH", path, STAFF, {"left_on": "2025-06-15"})
    assert offer_items("elderly_care") == []


# --- sites -------------------------------------------------------------------------------------------


def test_a_site_opens_with_its_event_and_tally(api):
    reply = api(
        "POST",
        "/v1/sites",
        STAFF,
        {
            "name": "宁河驿站",
            "kind": "service_station",
            "community_id": NINGHE,
            "address": "一号",
            "services": ["health", "mass_work"],
            "opened_on": "2023-05-01",
            "operator": "宁河社区",
        },
    )
    assert reply.status == 201, reply.body
    created = reply.body
    assert reply.headers["Location"] == f"/v1/sites/{created['id']}"
    assert created["id"].startswith("site_")
    assert (created["street_id"], created["services"], created["version"]) == ("st_xiaguan", ["health", "mass_work"], 1)
    assert api("GET", f"/v1/sites/{created['id']}", None).body == created
    [event] = events_of("SiteOpened")
    assert event.data["site_id"] == created["id"]
    assert read_year(ComplexTally, 2023)[NINGHE].sites_opened == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"services": []}, "services"),
        ({"services": ["health", "health"]}, "services"),
        ({"services": ["farming"]}, "services[0]"),
        ({"opened_on": "2025-06-16"}, "opened_on"),
        ({"kind": "castle"}, "kind"),
        ({"community_id": "cm_nowhere"}, "community_id"),
        ({"x": 1}, "x"),
    ],
)
def test_a_bad_site_is_422_naming_the_field(api, changes, field):
    body = {
        "name": "站",
        "kind": "other",
        "community_id": NINGHE,
        "address": "一号",
        "services": ["health"],
        "opened_on": "2024-01-01",
    }
    reply = api("POST", "/v1/sites", STAFF, body | changes)
    assert reply.status == 422, reply.body
    assert field in field_errors(reply)


def test_who_may_open_a_site_and_how_sites_are_listed(api):
    assert [site(api, who=who, community=c)["community_id"] for who, c in ((STAFF, NINGHE), (ADMIN, SANHE))]
    body = {
        "name": "站",
        "kind": "other",
        "community_id": NINGHE,
        "address": "一号",
        "services": ["health"],
        "opened_on": "2024-01-01",
    }
    assert [api("POST", "/v1/sites", who, body).status for who in (OTHER_STAFF, OFFICER, RESIDENT, None)] == [
        403,
        403,
        403,
        401,
    ]
    site(api, kind="childrens_home", name="儿童之家")

    def names(**query):
        return [s["name"] for s in api("GET", "/v1/sites", None, query=query).body["items"]]

    assert names(community_id=NINGHE) == ["儿童之家", "宁河社区党群服务中心"]
    assert names(street_id="st_taihe") == ["宁河社区党群服务中心"]
    assert names(kind="childrens_home") == ["儿童之家"]
    assert len(names()) == 3
    assert api("GET", "/v1/sites/site_01JAAAAAAAAAAAAAAAAAAAAAAA", None).status == 404


# --- matching ----------------------------------------------------------------------------------------


def offer(field: str, description: str = "服务", kind: str = "expertise") -> dict:
    return {"kind": kind, "field": field, "description": description}


def test_matches_come_own_community_first_then_street_then_city(api):
    demand(NINGHE, medical=3, environment=1)
    far = unit(api, ADMIN, SANHE, name="三和医院", offers=[offer("health")])["id"]
    near = unit(api, ADMIN, NEIGHBOUR, name="邻社区卫生院", offers=[offer("health"), offer("environment", "清扫")])[
        "id"
    ]
    own = unit(api, STAFF, NINGHE, name="宁河诊所", offers=[offer("health", "坐诊"), offer("culture_sports")])["id"]
    unit(api, STAFF, NINGHE, name="无资源单位", offers=[{"kind": "venue", "description": "场地"}])

    reply = api("GET", f"/v1/communities/{NINGHE}/matches", STAFF)

    assert reply.status == 200, reply.body
    assert reply.body["community_id"] == NINGHE
    assert reply.body["demands"] == [
        {"category": "medical", "open_appeals": 3, "fields": ["health"]},
        {"category": "environment", "open_appeals": 1, "fields": ["environment"]},
    ]
    assert [(m["category"], m["member_unit_id"], m["reach"], m["offer"]["field"]) for m in reply.body["matches"]] == [
        ("medical", own, "community", "health"),
        ("medical", near, "street", "health"),
        ("medical", far, "city", "health"),
        ("environment", near, "street", "environment"),
    ]
    assert reply.body["matches"][0] == {
        "category": "medical",
        "member_unit_id": own,
        "name": "宁河诊所",
        "offer": {"kind": "expertise", "field": "health", "description": "坐诊"},
        "reach": "community",
    }


def test_units_that_have_left_are_never_matched(api):
    demand(NINGHE, medical=1)
    here = unit(api, STAFF, NINGHE, offers=[offer("health")])["id"]
    away = unit(api, ADMIN, SANHE, offers=[offer("health")])["id"]
    for mu in (here, away):
        assert api("PATCH", f"/v1/member-units/{mu}", ADMIN, {"left_on": "2025-06-15"}).status == 200
    assert api("GET", f"/v1/communities/{NINGHE}/matches", STAFF).body["matches"] == []


def test_no_open_appeals_means_no_demands_and_no_matches(api):
    unit(api, offers=[offer("health")])
    demand(NINGHE, medical=1)
    demand(NINGHE, medical=-1)
    assert api("GET", f"/v1/communities/{NINGHE}/matches", OFFICER).body == {
        "community_id": NINGHE,
        "demands": [],
        "matches": [],
    }


@pytest.mark.parametrize(
    ("who", "community", "status"),
    [
        (STAFF, NINGHE, 200),
        (OFFICER, NINGHE, 200),
        (ADMIN, SANHE, 200),
        (OTHER_STAFF, NINGHE, 403),
        (OTHER_OFFICER, NINGHE, 403),
        (GRID_WORKER, NINGHE, 403),
        (RESIDENT, NINGHE, 403),
        (None, NINGHE, 401),
        (ADMIN, "cm_nowhere", 404),
    ],
)
def test_who_may_see_matches(api, who, community, status):
    assert api("GET", f"/v1/communities/{community}/matches", who).status == status


def test_matching_reads_the_street_and_a_few_city_offers_per_field_never_the_city(api, calls):
    demand(NINGHE, medical=2, elderly_care=1)
    for n in range(3):
        unit(api, STAFF, NINGHE, name=f"本社区{n}", offers=[offer("health")])
        unit(api, ADMIN, NEIGHBOUR, name=f"邻社区{n}", offers=[offer("elderly_care")])
    for n in range(15):
        unit(api, ADMIN, SANHE, name=f"外街道{n}", offers=[offer("health"), offer("elderly_care")])
    calls.reset()

    reply = api("GET", f"/v1/communities/{NINGHE}/matches", OFFICER)

    reaches = [(m["category"], m["reach"]) for m in reply.body["matches"]]
    # medical → health; elderly_care → elderly_care and health: the city gives 10 per field.
    assert reaches.count(("medical", "community")) == 3
    assert reaches.count(("medical", "city")) == 10
    assert reaches.count(("elderly_care", "street")) == 3
    assert reaches.count(("elderly_care", "city")) == 20
    # One GetItem (demands), one Query of the street's units, and per demanded field one small Query of the
    # streets sorting before st_xiaguan (st_taihe fills its 10, so the range after the street is not read).
    assert calls.counts == {"dynamodb.GetItem": 1, "dynamodb.Query": 1 + 2}


def test_city_offers_skip_the_streets_own_and_keep_key_order(api):
    demand(NINGHE, medical=1)
    unit(api, ADMIN, NEIGHBOUR, name="邻", offers=[offer("health")])
    a = unit(api, ADMIN, "cm_baile", name="白", offers=[offer("health")])["id"]
    b = unit(api, ADMIN, SANHE, name="三", offers=[offer("health")])["id"]
    c = unit(api, ADMIN, SANHE, name="三二", offers=[offer("health")])["id"]
    matches = api("GET", f"/v1/communities/{NINGHE}/matches", ADMIN).body["matches"]
    city = [m["member_unit_id"] for m in matches if m["reach"] == "city"]
    assert city == [a, b, c]  # st_taihe: cm_baile before cm_sanhe, then each community's units by id


def test_city_offers_come_from_streets_on_both_sides_of_the_communitys_own(api):
    demand(SANHE, medical=1)  # Sanhe is in st_taihe: st_dali sorts before it, st_xiaguan after
    after = unit(api, STAFF, NINGHE, name="下关", offers=[offer("health")])["id"]
    before = unit(api, ADMIN, "cm_xidajie", name="大理", offers=[offer("health")])["id"]
    street = unit(api, ADMIN, "cm_baile", name="白", offers=[offer("health")])["id"]
    matches = api("GET", f"/v1/communities/{SANHE}/matches", OTHER_OFFICER).body["matches"]
    assert [(m["member_unit_id"], m["reach"]) for m in matches] == [
        (street, "street"),
        (before, "city"),
        (after, "city"),
    ]
