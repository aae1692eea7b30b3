"""API.md, "Bad input, precisely", over HTTP: each gets its problem, changes nothing, and never a 500."""

from __future__ import annotations

import base64
import json
import uuid

import pytest
import requests

from tests.callers import ADMIN, STAFF

pytestmark = pytest.mark.http

NINGHE = "cm_ninghe"
NEW = {"community_id": NINGHE, "category": "other", "title": "坏了的路灯", "description": "两盏灯不亮"}


@pytest.fixture(scope="module")
def admin(server):
    return server.headers(ADMIN.named(f"bad-input-{uuid.uuid4().hex[:6]}"))


def send(server, headers, raw: str | bytes, content_type="application/json", path="/v1/appeals", method="POST"):
    return requests.request(
        method, server.url(path), data=raw, headers={**headers, "Content-Type": content_type}, timeout=30
    )


def problem(response, status: int) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"] == "application/problem+json"
    body = response.json()
    assert (body["status"], body["type"].startswith("urn:canger:problem:")) == (status, True)
    return body


def fields(response) -> list[str]:
    return [error["field"] for error in problem(response, 422)["errors"]]


def my_appeal_count(server, headers) -> int:
    listing = requests.get(server.url("/v1/appeals"), headers=headers, params={"limit": 100}, timeout=30)
    return len(listing.json()["items"])


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "application/jsonx"])
def test_a_write_not_sent_as_json_is_415(server, admin, content_type):
    problem(send(server, admin, json.dumps(NEW), content_type), 415)


def test_a_write_without_content_type_is_415(server, admin):
    response = requests.post(server.url("/v1/appeals"), data=json.dumps(NEW).encode(), headers=admin, timeout=30)
    problem(response, 415)


def test_json_with_a_charset_is_json(server, admin):
    assert send(server, admin, json.dumps(NEW), "application/json; charset=utf-8").status_code == 201


@pytest.mark.parametrize("depth", [33, 1_000, 16_000])  # 16,000: the deepest that fits in 32 KiB
def test_json_nested_deeper_than_32_is_400(server, admin, depth):
    body = '{"community_id": "cm_ninghe", "x": ' + "[" * depth + "]" * depth + "}"
    assert "nested deeper than 32" in problem(send(server, admin, body), 400)["detail"]


def test_json_nested_32_deep_is_read(server, admin):
    # 32 levels, the body's own object included: read, then refused field by field (422, not 400).
    body = '{"community_id": "cm_ninghe", "x": ' + "[" * 31 + "]" * 31 + "}"
    problem(send(server, admin, body), 422)


def test_a_repeated_key_is_400(server, admin):
    body = json.dumps(NEW)[:-1] + ', "title": "另一个标题"}'
    assert "appears twice" in problem(send(server, admin, body), 400)["detail"]


@pytest.mark.parametrize(
    ("location", "field"),
    [
        ('{"address": "x", "lat": 1e-200, "lng": 100.2}', "location.lat"),  # underflows (DynamoDB keeps ≥ 1e-130)
        ('{"address": "x", "lat": 1e-400, "lng": 100.2}', "location.lat"),  # a float would say 0.0
        ('{"address": "x", "lat": NaN, "lng": 100.2}', "location.lat"),
        ('{"address": "x", "lat": 25.6, "lng": Infinity}', "location.lng"),
        ('{"address": "x", "lat": 25.6, "lng": -1e400}', "location.lng"),
    ],
)
def test_numbers_that_are_not_finite_or_underflow_are_422(server, admin, location, field):
    body = json.dumps(NEW)[:-1] + f', "location": {location}}}'
    assert field in fields(send(server, admin, body))


@pytest.mark.parametrize("number", ["1000000000000001", "-1000000000000001", "9" * 4_301, "1e16"])
def test_integers_outside_plus_minus_10_to_the_15_are_422(server, admin, number):
    body = json.dumps({"satisfaction": 5})[:-1] + f', "expected_version": {number}}}'
    response = send(server, admin, body, path="/v1/appeals/apl_01JAAAAAAAAAAAAAAAAAAAAAAA/rate")
    assert fields(response) == ["expected_version"]


def test_an_integer_at_10_to_the_15_is_an_integer(server, admin):
    body = json.dumps({"satisfaction": 5, "expected_version": 10**15})
    response = send(server, admin, body, path="/v1/appeals/apl_01JAAAAAAAAAAAAAAAAAAAAAAA/rate")
    problem(response, 404)  # past validation: there is no such appeal


@pytest.mark.parametrize(
    ("title", "description"),
    [("灯\u0000坏了", "x"), ("灯\u001b[31m", "x"), ("灯\u0085", "x"), ("灯\r坏了", "x"), ("x", "坏\ud800了")],
)
def test_control_characters_and_lone_surrogates_in_text_are_422(server, admin, title, description):
    body = json.dumps({**NEW, "title": title, "description": description})  # ASCII JSON: \u escapes
    assert fields(send(server, admin, body)) == ["title" if title != "x" else "description"]


def test_newlines_and_tabs_in_free_text_are_kept(server, admin):
    response = send(server, admin, json.dumps({**NEW, "description": "第一行\n\t第二行"}))
    assert response.status_code == 201, response.text
    assert response.json()["description"] == "第一行\n\t第二行"


def test_a_control_character_in_a_query_value_is_422(server, admin):
    response = requests.get(server.url("/v1/appeals"), headers=admin, params={"community_id": "cm\x01"}, timeout=30)
    assert fields(response) == ["community_id"]


def test_bad_writes_change_nothing(server):
    staff = server.headers(STAFF.named(f"bad-{uuid.uuid4().hex[:6]}"))
    before = my_appeal_count(server, staff)
    for raw, content_type in [
        (json.dumps(NEW), "text/plain"),
        (json.dumps(NEW)[:-1] + ', "title": "重复"}', "application/json"),
        (json.dumps({**NEW, "title": "\u0000"}), "application/json"),
        (json.dumps(NEW)[:-1] + ', "location": {"lat": 1e-200, "lng": 1}}', "application/json"),
    ]:
        assert send(server, staff, raw, content_type).status_code in (400, 415, 422)
    assert my_appeal_count(server, staff) == before


def _cursor_of(server, headers, path, **params) -> str:
    page = requests.get(server.url(path), headers=headers, params={"limit": 1, **params}, timeout=30).json()
    assert page["next_cursor"], page
    return page["next_cursor"]


def test_only_a_cursor_this_listing_issued_is_accepted(server, admin):
    for _ in range(2):
        assert send(server, admin, json.dumps(NEW)).status_code == 201
    issued = _cursor_of(server, admin, "/v1/appeals", community_id=NINGHE)
    payload, _, mac = issued.partition(".")
    key = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    forged = base64.urlsafe_b64encode(json.dumps({"gsi1pk": "APPEALS#COMMUNITY#cm_ninghe"}).encode()).decode()
    edited_key = {**key, **{k: v + "0" for k, v in key.items() if k.endswith("sk")}}
    edited = base64.urlsafe_b64encode(json.dumps(edited_key).encode()).decode().rstrip("=") + "." + mac

    def listing(cursor, **params):
        query = {"limit": 1, "cursor": cursor, "community_id": NINGHE, **params}
        return requests.get(server.url("/v1/appeals"), headers=admin, params=query, timeout=30)

    assert listing(issued).status_code == 200
    for cursor in [forged, edited, issued + "x", "not a cursor", issued.replace(".", "")]:
        assert fields(listing(cursor)) == ["cursor"], cursor
    assert fields(listing(issued, community_id="cm_sanhe")) == ["cursor"]  # another scope
    assert fields(listing(issued, status="submitted")) == ["cursor"]  # another filter
    meetings = requests.get(server.url("/v1/meetings"), headers=admin, params={"cursor": issued}, timeout=30)
    assert fields(meetings) == ["cursor"]  # another listing


@pytest.mark.parametrize("year", ["2024.0", "02024", "24", "%202024", "2024%20", "1e3", "٢٠٢٤"])
def test_a_path_year_that_is_not_four_digits_is_422(server, year):
    assert fields(requests.get(server.url(f"/v1/stats/{year}"), timeout=30)) == ["year"]


def test_a_query_year_that_is_not_four_digits_is_422(server, admin):
    response = requests.get(server.url("/v1/appeals"), headers=admin, params={"year": "2025.0"}, timeout=30)
    assert fields(response) == ["year"]


@pytest.mark.parametrize("name", ["2025.json", "2025.CSV", "2025.csv.json", "2025.xlsx"])
def test_a_report_with_another_suffix_is_404(server, name):
    problem(requests.get(server.url(f"/v1/reports/{name}"), timeout=30), 404)


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("PUT", "/v1/appeals", "GET, POST"),
        ("DELETE", "/v1/appeals/apl_01JAAAAAAAAAAAAAAAAAAAAAAA", "GET"),
        ("GET", "/v1/appeals/apl_01JAAAAAAAAAAAAAAAAAAAAAAA/assign", "POST"),
        ("POST", "/v1/meta", "GET"),
        ("PATCH", "/v1/stats/2025", "GET"),
        ("POST", "/openapi.json", "GET"),
    ],
)
def test_a_known_path_with_another_method_is_405_with_allow(server, admin, method, path, allow):
    response = requests.request(method, server.url(path), headers=admin, data=b"{}", timeout=30)
    problem(response, 405)
    assert response.headers["Allow"] == allow


def test_an_unknown_path_is_404_whatever_the_method(server):
    for method in ("GET", "POST", "DELETE"):
        problem(requests.request(method, server.url("/v1/nothing-here"), timeout=30), 404)


def test_an_integral_number_is_an_integer_as_json_schema_says(server):
    # JSON has one number type; JSON Schema's "integer" admits 100.0 and 1e2. Money stays exact: 100 fen.
    staff = server.headers(STAFF)
    project = {"community_id": NINGHE, "kind": "care", "title": "助老餐", "year": 2025}
    created = requests.post(server.url("/v1/projects"), json=project, headers=staff, timeout=30).json()
    funding = {"source": "fiscal", "currency": "CNY", "received_on": "2025-01-15"}
    for literal in ("100.0", "1e2", "1.00E+2"):
        raw = json.dumps(funding)[:-1] + f', "amount": {literal}}}'
        response = send(server, staff, raw, path=f"/v1/projects/{created['id']}/funding")
        assert (response.status_code, response.json()["amount"]) == (201, {"amount": 100, "currency": "CNY"})
    problem(
        send(server, staff, json.dumps({**funding, "amount": 100.5}), path=f"/v1/projects/{created['id']}/funding"), 422
    )
