"""Open311 GeoReport v2 (read-only) against moto: every document in JSON and XML, checked field by field
against the specification (http://wiki.open311.org/GeoReport_v2), the filters, the errors, what is never
shown, and that every search reads by index within its bound (the ``calls`` fixture fails on any Scan)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from xml.etree import ElementTree

import pytest

from services.appeals.dal import open311 as dal
from services.common.domain.reference import AppealCategory, directory
from tests.callers import NINGHE, RESIDENT, SANHE, STAFF
from tests.conftest import FakeContext, http_event
from tests.integration.conftest import api_for

NOW = datetime(2025, 6, 30, 4, 0, tzinfo=UTC)  # 12:00 in Beijing
OFFSET_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$")

# The GeoReport v2 fields of a service request, as API.md lists them; lat/long only with a location.
REQUEST_FIELDS = {
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "media_url",
}
SERVICE_FIELDS = {"service_code", "service_name", "description", "metadata", "type", "keywords", "group"}

PRIVATE = {
    "description": "楼道里堆放的杂物挡住了我家门口的消防栓",
    "contact name": "欧阳娜娜",
    "contact phone": "13987654321",
    "address": "人民路 128 号 3 单元 502",
    "lat": "25.60712",
    "lng": "100.26789",
}
PRIVATE_APPEAL = {
    "community_id": NINGHE,
    "grid_id": "gr_ninghe_01",
    "category": "public_safety",
    "title": "消防通道堵塞",
    "description": PRIVATE["description"],
    "contact": {"name": PRIVATE["contact name"], "phone": PRIVATE["contact phone"]},
    "location": {"address": PRIVATE["address"], "lat": 25.60712, "lng": 100.26789},
}


@dataclass
class Raw:
    status: int
    text: str
    content_type: str

    def json(self) -> Any:
        assert self.content_type.startswith("application/json"), self.content_type
        return json.loads(self.text)

    def xml(self) -> ElementTree.Element:
        assert self.content_type.startswith("text/xml"), self.content_type
        assert self.text.startswith('<?xml version="1.0" encoding="utf-8"?>')
        return ElementTree.fromstring(self.text)  # noqa: S314 - trusted: the system under test wrote it


@pytest.fixture(autouse=True)
def now(clock):
    """Every test starts at ``NOW``; moving ``clock.now`` dates what is submitted next."""
    clock.now = NOW
    return clock


@pytest.fixture
def api(calls):
    return api_for("services.appeals.handler")


@pytest.fixture
def open311(calls):
    from services.appeals.handler import lambda_handler

    def get(path: str, **query: str) -> Raw:
        response = lambda_handler(http_event("GET", f"/open311/v2/{path}", query=query or None), FakeContext())
        return Raw(response["statusCode"], response["body"], response["headers"]["Content-Type"])

    return get


def submit(api, clock, at: datetime, **changes: Any) -> dict:
    clock.now = at
    body = {
        "community_id": NINGHE,
        "category": "environment",
        "title": "垃圾清运不及时",
        "description": "每周只清运一次",
        **changes,
    }
    reply = api("POST", "/v1/appeals", STAFF if body["community_id"] == NINGHE else RESIDENT, body)
    assert reply.status == 201, reply.body
    return reply.body


# --- the specification, field by field -------------------------------------------------------------


def assert_request(request: dict[str, Any]) -> None:
    """A GeoReport v2 service request as JSON: the fields, their types, the status values, the times."""
    assert REQUEST_FIELDS <= set(request) <= REQUEST_FIELDS | {"lat", "long"}
    assert ("lat" in request) == ("long" in request)
    for name in ("service_request_id", "service_name", "service_code", "description", "address", "address_id"):
        assert isinstance(request[name], str) and request[name], name
    assert request["status"] in ("open", "closed")
    for name in ("status_notes", "agency_responsible", "service_notice", "zipcode", "media_url"):
        assert request[name] is None or isinstance(request[name], str), name
    for name in ("requested_datetime", "updated_datetime"):
        assert OFFSET_TIME.match(request[name]), request[name]
    assert request["expected_datetime"] is None or OFFSET_TIME.match(request["expected_datetime"])
    assert request["updated_datetime"] >= request["requested_datetime"]
    if "lat" in request:
        for name in ("lat", "long"):
            assert isinstance(request[name], float)
            assert round(request[name], 3) == request[name]


def xml_rows(root: ElementTree.Element, root_tag: str, item_tag: str) -> list[dict[str, str | None]]:
    assert root.tag == root_tag
    assert all(child.tag == item_tag for child in root)
    rows = []
    for child in root:
        assert all(len(field) == 0 for field in child), "GeoReport v2 request and service fields are flat"
        rows.append({field.tag: field.text for field in child})
    return rows


def assert_xml_request(row: dict[str, str | None]) -> None:
    assert REQUEST_FIELDS <= set(row) <= REQUEST_FIELDS | {"lat", "long"}
    assert row["status"] in ("open", "closed")
    assert OFFSET_TIME.match(row["requested_datetime"] or "")
    assert OFFSET_TIME.match(row["updated_datetime"] or "")
    if "lat" in row:
        assert re.fullmatch(r"-?\d+\.\d{1,3}", row["lat"] or "")
        assert re.fullmatch(r"-?\d+\.\d{1,3}", row["long"] or "")


# --- services --------------------------------------------------------------------------------------


def test_services_lists_one_service_per_appeal_category_in_json_and_xml(open311):
    # Given the appeal categories, When the service list is read in both formats
    as_json = open311("services.json")
    as_xml = open311("services.xml")

    # Then each is one service per category, with the specification's fields and types
    assert (as_json.status, as_xml.status) == (200, 200)
    services = as_json.json()
    assert [s["service_code"] for s in services] == [c.value for c in AppealCategory]
    for service in services:
        assert set(service) == SERVICE_FIELDS
        assert service["metadata"] is False
        assert service["type"] == "realtime"
        assert all(isinstance(service[name], str) for name in SERVICE_FIELDS - {"metadata"})
    assert next(s for s in services if s["service_code"] == "employment")["service_name"] == "就业"
    rows = xml_rows(as_xml.xml(), "services", "service")
    assert rows == [{**s, "metadata": "false"} for s in services]


def test_service_definition_is_served_for_a_known_code_and_404_for_an_unknown_one(open311):
    # When a known and an unknown service definition are read in both formats
    known_json, known_xml = open311("services/medical.json"), open311("services/medical.xml")
    unknown_json, unknown_xml = open311("services/potholes.json"), open311("services/potholes.xml")

    # Then the known one has no attributes, and the unknown one is a 404 in the specification's error format
    assert (known_json.status, known_json.json()) == (200, {"service_code": "medical", "attributes": []})
    root = known_xml.xml()
    assert root.tag == "service_definition"
    assert [child.tag for child in root] == ["service_code", "attributes"]
    assert root.findtext("service_code") == "medical"
    assert len(root.find("attributes")) == 0
    assert unknown_json.status == 404
    assert [e["code"] for e in unknown_json.json()] == [404]
    assert isinstance(unknown_json.json()[0]["description"], str)
    assert unknown_xml.status == 404
    errors = unknown_xml.xml()
    assert errors.tag == "errors"
    assert [e.findtext("code") for e in errors.findall("error")] == ["404"]


def test_discovery_names_the_endpoint_and_both_formats(open311):
    # When the discovery document is read
    reply = open311("discovery.json")

    # Then it points at this GeoReport v2 endpoint
    assert reply.status == 200
    document = reply.json()
    assert set(document) == {"changeset", "contact", "key_service", "endpoints"}
    (endpoint,) = document["endpoints"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"].endswith("/open311/v2")
    assert endpoint["type"] == "production"
    assert sorted(endpoint["formats"]) == ["application/json", "text/xml"]


# --- requests --------------------------------------------------------------------------------------


def test_requests_default_to_the_last_90_days_newest_first_in_json_and_xml(api, open311, clock):
    # Given appeals 100 days ago, 10 days ago and an hour ago
    old = submit(api, clock, NOW - timedelta(days=100), title="去年的诉求")
    recent = submit(api, clock, NOW - timedelta(days=10), community_id=SANHE, category="medical", title="就医难")
    newest = submit(api, clock, NOW - timedelta(hours=1), title="路灯不亮")
    clock.now = NOW

    # When requests are searched without arguments
    as_json, as_xml = open311("requests.json"), open311("requests.xml")

    # Then the last 90 days come back newest first, with the specification's fields
    assert (as_json.status, as_xml.status) == (200, 200)
    found = as_json.json()
    assert [r["service_request_id"] for r in found] == [newest["id"], recent["id"]]
    assert old["id"] not in as_json.text
    for request in found:
        assert_request(request)
    assert found[0]["requested_datetime"] == "2025-06-30T11:00:00+08:00"
    assert found[0]["description"] == "路灯不亮"
    assert found[0]["status"] == "open"
    assert found[0]["service_name"] == "环境卫生"
    assert found[0]["address"] == "大理市下关街道宁和社区"
    assert found[0]["address_id"] == NINGHE
    rows = xml_rows(as_xml.xml(), "service_requests", "request")
    assert [r["service_request_id"] for r in rows] == [newest["id"], recent["id"]]
    for row in rows:
        assert_xml_request(row)
    assert rows[0]["requested_datetime"] == found[0]["requested_datetime"]


def test_requests_filter_by_window_code_and_status(api, open311, clock):
    # Given appeals of two categories, in two communities, on three days, one of them closed
    first = submit(api, clock, datetime(2025, 3, 1, 2, 0, tzinfo=UTC), category="medical")
    second = submit(api, clock, datetime(2025, 3, 15, 2, 0, tzinfo=UTC), community_id=SANHE, category="medical")
    third = submit(api, clock, datetime(2025, 4, 1, 2, 0, tzinfo=UTC), category="environment")
    clock.now = datetime(2025, 4, 2, 2, 0, tzinfo=UTC)
    assert api("POST", f"/v1/appeals/{third['id']}/close", STAFF, {"reason": "duplicate"}).status == 200

    def ids(**query: str) -> list[str]:
        reply = open311("requests.json", **query)
        assert reply.status == 200, reply.text
        return [r["service_request_id"] for r in reply.json()]

    window = {"start_date": "2025-02-20T00:00:00+08:00", "end_date": "2025-04-30T00:00:00+08:00"}
    # Then each filter narrows the search, and codes and statuses combine
    assert ids(**window) == [third["id"], second["id"], first["id"]]
    assert ids(**window, service_code="medical") == [second["id"], first["id"]]
    assert ids(**window, service_code="medical,environment") == [third["id"], second["id"], first["id"]]
    assert ids(**window, status="closed") == [third["id"]]
    assert ids(**window, status="open") == [second["id"], first["id"]]
    assert ids(**window, status="open,closed") == [third["id"], second["id"], first["id"]]
    assert ids(**window, service_code="environment", status="open") == []
    assert ids(start_date="2025-03-10", end_date="2025-03-15") == [second["id"]]  # bare dates: whole days
    assert ids(start_date="2025-03-10T00:00:00Z") == [third["id"], second["id"]]  # 90 days from the start
    assert ids(end_date="2025-03-02T00:00:00+08:00") == [first["id"]]  # 90 days up to the end
    closed = open311("requests.json", service_request_id=third["id"]).json()[0]
    assert (closed["status"], closed["status_notes"]) == ("closed", "重复诉求，已关闭")
    assert (closed["requested_datetime"], closed["updated_datetime"]) == (
        "2025-04-01T10:00:00+08:00",
        "2025-04-02T10:00:00+08:00",
    )


def test_service_request_ids_override_every_other_argument(api, open311, clock):
    # Given two appeals long ago
    first = submit(api, clock, datetime(2024, 1, 1, tzinfo=UTC))
    second = submit(api, clock, datetime(2024, 2, 1, tzinfo=UTC))

    # When they are asked for by id, with a window and a code that would exclude them
    reply = open311(
        "requests.json", service_request_id=f"{first['id']},apl_unknown,{second['id']}", service_code="medical"
    )

    # Then both come back, newest first, and the unknown id is simply not there
    assert reply.status == 200
    assert [r["service_request_id"] for r in reply.json()] == [second["id"], first["id"]]


def test_one_request_by_id_in_json_and_xml_and_404_for_an_unknown_one(api, open311, clock):
    appeal = submit(api, clock, NOW - timedelta(days=1))

    as_json, as_xml = open311(f"requests/{appeal['id']}.json"), open311(f"requests/{appeal['id']}.xml")

    assert as_json.status == 200
    (request,) = as_json.json()
    assert_request(request)
    assert request["service_request_id"] == appeal["id"]
    (row,) = xml_rows(as_xml.xml(), "service_requests", "request")
    assert_xml_request(row)
    assert row["service_request_id"] == appeal["id"]
    for path in ("requests/apl_nothing.json", "requests/apl_nothing.xml"):
        reply = open311(path)
        assert reply.status == 404
    assert open311("requests/apl_nothing.json").json()[0]["code"] == 404
    assert open311("requests/apl_nothing.xml").xml().find("error").findtext("code") == "404"
    assert open311(f"requests/{appeal['id']}.csv").status == 404


@pytest.mark.parametrize(
    ("query", "problem"),
    [
        ({"start_date": "2025-01-01T00:00:00+08:00", "end_date": "2025-04-02T00:00:00+08:00"}, "90 days"),
        ({"start_date": "2025-03-01T00:00:00+08:00", "end_date": "2025-02-01T00:00:00+08:00"}, "before"),
        ({"start_date": "yesterday"}, "ISO 8601"),
        ({"status": "pending"}, "open, closed"),
        ({"service_code": "potholes"}, "potholes"),
        ({"service_request_id": ",".join(f"apl_{n}" for n in range(101))}, "100"),
    ],
)
def test_bad_arguments_are_400_in_the_specifications_error_format(open311, query, problem):
    as_json, as_xml = open311("requests.json", **query), open311("requests.xml", **query)

    assert as_json.status == 400
    (error,) = as_json.json()
    assert error["code"] == 400
    assert problem in error["description"]
    assert as_xml.status == 400
    root = as_xml.xml()
    assert root.tag == "errors"
    assert [(e.findtext("code"), e.findtext("description")) for e in root] == [("400", error["description"])]


def test_no_open311_response_shows_the_description_contact_or_exact_location(api, open311, clock):
    # Given an appeal with a description, a contact and exact coordinates, assigned with a due time
    appeal = submit(api, clock, NOW - timedelta(days=2), **PRIVATE_APPEAL)
    clock.now = NOW - timedelta(days=1)
    assign = api(
        "POST",
        f"/v1/appeals/{appeal['id']}/assign",
        STAFF,
        {"assignee": "消防科 王科长", "due_at": "2025-07-03T18:00:00+08:00"},
    )
    assert assign.status == 200
    clock.now = NOW

    # When every Open311 document that can show it is read, in both formats
    bodies = [
        open311(path, **query).text
        for path, query in [
            ("requests.json", {}),
            ("requests.xml", {}),
            ("requests.json", {"service_code": "public_safety"}),
            ("requests.xml", {"service_code": "public_safety,environment", "status": "open"}),
            ("requests.json", {"service_request_id": appeal["id"]}),
            (f"requests/{appeal['id']}.json", {}),
            (f"requests/{appeal['id']}.xml", {}),
            ("services.json", {}),
            ("services.xml", {}),
            ("discovery.json", {}),
        ]
    ]

    # Then none holds any private value, while the request is there with its rounded coordinates
    for body in bodies:
        for what, value in PRIVATE.items():
            assert value not in body, f"{what} leaked"
        assert "王科长" not in body
    (request,) = json.loads(bodies[5])
    assert (request["lat"], request["long"]) == (25.607, 100.268)
    assert request["description"] == "消防通道堵塞"
    assert request["expected_datetime"] == "2025-07-03T18:00:00+08:00"
    assert request["updated_datetime"] == "2025-06-29T12:00:00+08:00"  # the assignment


# --- bounded reads ---------------------------------------------------------------------------------


def test_a_search_reads_the_city_index_once_and_a_single_code_one_query_per_community(api, open311, clock, calls):
    # Given a few appeals
    for day in range(3):
        submit(api, clock, NOW - timedelta(days=day + 1))
    clock.now = NOW
    calls.reset()

    # When the requests are searched without a code, then with one
    assert open311("requests.json").status == 200
    without_code = calls.of("dynamodb")
    calls.reset()
    assert open311("requests.xml", service_code="environment").status == 200
    with_code = calls.of("dynamodb")

    # Then the city's time index is one Query, and one code is one Query per community (no Scan: see ``calls``)
    assert without_code == {"dynamodb.Query": 1}
    assert with_code == {"dynamodb.Query": len(directory().communities)}


def test_at_most_the_limit_comes_back_newest_first_across_communities(api, clock, monkeypatch, calls):
    # Given appeals alternating between two communities
    made = [
        submit(api, clock, NOW - timedelta(hours=n), community_id=(NINGHE, SANHE)[n % 2], category="medical")
        for n in range(1, 8)
    ]
    monkeypatch.setattr(dal, "STREAM_PAGE", 2)
    monkeypatch.setattr(dal, "CITY_PAGE", 2)
    search = dal.Search(start="2025-06-01T00:00:00.000Z", end="2025-07-01T00:00:00.000Z", limit=5)

    # When the newest 5 are asked for, through the per-community merge and through the city's index
    by_community = dal.search(
        dal.Search(**{**search.__dict__, "categories": ("medical",)}), community_ids=[NINGHE, SANHE]
    )
    by_city = dal.search(search, community_ids=[NINGHE, SANHE])

    # Then both give the same 5, newest first, reading pages only as the merge needs them
    expected = [a["id"] for a in made[:5]]
    assert [a.id for a in by_community.appeals] == expected
    assert [a.id for a in by_city.appeals] == expected
    assert by_community.queries <= 2 + 5 // 2 + 1
    assert by_city.queries == 3


def test_the_budget_stops_a_search_with_a_newest_first_prefix(api, clock, monkeypatch, calls):
    # Given 6 appeals of which only the oldest is closed
    made = [submit(api, clock, NOW - timedelta(hours=n)) for n in range(1, 7)]
    assert api("POST", f"/v1/appeals/{made[-1]['id']}/close", STAFF, {"reason": "withdrawn"}).status == 200
    monkeypatch.setattr(dal, "CITY_PAGE", 2)
    monkeypatch.setattr(dal, "EXAMINE_BUDGET", 4)

    # When open appeals are searched with room to examine only 4
    found = dal.search(
        dal.Search(start="2025-06-01T00:00:00.000Z", end="2025-07-01T00:00:00.000Z", statuses=("submitted",)),
        community_ids=[NINGHE],
    )
    closed = dal.search(
        dal.Search(start="2025-06-01T00:00:00.000Z", end="2025-07-01T00:00:00.000Z", statuses=("closed",)),
        community_ids=[NINGHE],
    )

    # Then the 4 newest are examined and returned in order, and the search says it stopped early
    assert [a.id for a in found.appeals] == [a["id"] for a in made[:4]]
    assert (found.examined, found.exhausted) == (4, False)
    assert (closed.appeals, closed.examined, closed.exhausted) == ([], 4, False)
