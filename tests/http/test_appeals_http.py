"""Appeals over HTTP against the local server: the roles table, masking, idempotency, races, validations."""

from __future__ import annotations

import json
import threading
import uuid

import pytest
import requests

from tests.callers import ADMIN, GRID_WORKER, OFFICER, OTHER_STAFF, RESIDENT, STAFF

pytestmark = pytest.mark.http

NINGHE, SANHE = "cm_ninghe", "cm_sanhe"
NEW = {
    "community_id": NINGHE,
    "category": "housing_property",
    "title": "楼道灯坏了",
    "description": "三单元楼道灯一周没亮",
    "contact": {"name": "赵六", "phone": "13712345678"},
}


@pytest.fixture(scope="module")
def who(server):
    """Headers per caller, each with a fresh subject so tests do not see each other's appeals."""
    run = uuid.uuid4().hex[:6]
    return {
        "resident": server.headers(RESIDENT.named(f"resident-{run}")),
        "other_resident": server.headers(RESIDENT.named(f"other-{run}")),
        "grid_worker": server.headers(GRID_WORKER.named(f"grid-{run}")),
        "staff": server.headers(STAFF.named(f"staff-{run}")),
        "other_staff": server.headers(OTHER_STAFF.named(f"staff2-{run}")),
        "officer": server.headers(OFFICER.named(f"officer-{run}")),
        "admin": server.headers(ADMIN.named(f"admin-{run}")),
    }


def post(server, path, headers, body, key=None):
    extra = {"Idempotency-Key": key} if key else {}
    return requests.post(server.url(path), json=body, headers={**headers, **extra}, timeout=30)


def get(server, path, headers, **params):
    return requests.get(server.url(path), headers=headers, params=params, timeout=30)


def submit(server, headers, **changes) -> dict:
    response = post(server, "/v1/appeals", headers, {**NEW, **changes})
    assert response.status_code == 201, response.text
    # The appeal as GET shows it: the POST answer adds its possible duplicates.
    return {k: v for k, v in response.json().items() if k != "possible_duplicates"}


def problem(response, status) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"] == "application/problem+json"
    return response.json()


@pytest.mark.parametrize(
    ("caller", "community", "status"),
    [
        ("resident", NINGHE, 201),
        ("grid_worker", NINGHE, 201),
        ("grid_worker", SANHE, 403),
        ("staff", NINGHE, 201),
        ("other_staff", NINGHE, 403),
        ("officer", NINGHE, 403),
        ("admin", SANHE, 201),
    ],
)
def test_who_may_submit(server, who, caller, community, status):
    response = post(server, "/v1/appeals", who[caller], {**NEW, "community_id": community})
    assert response.status_code == status, response.text


def test_submit_without_a_token_is_401(server):
    problem(requests.post(server.url("/v1/appeals"), json=NEW, timeout=30), 401)


@pytest.mark.parametrize(
    ("caller", "status"),
    [("staff", 200), ("grid_worker", 403), ("other_staff", 404), ("officer", 404), ("resident", 403), ("admin", 200)],
)
def test_who_may_assign_at_community_level(server, who, caller, status):
    appeal = submit(server, who["resident"])
    response = post(server, f"/v1/appeals/{appeal['id']}/assign", who[caller], {"assignee": "物业公司"})
    assert response.status_code == status, response.text


def test_officer_acts_once_escalated_and_staff_no_longer_may(server, who):
    appeal = submit(server, who["resident"])
    path = f"/v1/appeals/{appeal['id']}"
    assert post(server, f"{path}/escalate", who["staff"], {"reason": "跨小区"}).status_code == 200
    problem(post(server, f"{path}/resolve", who["staff"], {"resolution": "x", "on_site": True}), 403)
    resolved = post(server, f"{path}/resolve", who["officer"], {"resolution": "已修", "on_site": True})
    assert resolved.json()["status"] == "resolved"
    problem(post(server, f"{path}/rate", who["other_resident"], {"satisfaction": 5}), 404)
    assert post(server, f"{path}/rate", who["resident"], {"satisfaction": 4}).json()["status"] == "closed"


def test_phone_numbers_are_masked_for_those_who_may_not_see_them(server, who):
    appeal = submit(server, who["resident"])
    path = f"/v1/appeals/{appeal['id']}"
    phones = {
        caller: get(server, path, who[caller]).json()["contact"]["phone"]
        for caller in ("resident", "staff", "admin", "grid_worker")
    }
    assert phones == {
        "resident": "13712345678",
        "staff": "13712345678",
        "admin": "13712345678",
        "grid_worker": "137****5678",
    }
    listed = get(server, "/v1/appeals", who["grid_worker"]).json()["items"]
    assert [a["contact"]["phone"] for a in listed if a["id"] == appeal["id"]] == ["137****5678"]


def test_retry_with_the_same_key_replays_and_creates_nothing(server, who):
    key = f"retry-{uuid.uuid4()}"
    first = post(server, "/v1/appeals", who["other_resident"], NEW, key=key)
    # Same JSON, other key order and white space: still the same request.
    reordered = json.dumps(dict(reversed(list(NEW.items()))), indent=2, ensure_ascii=False).encode()
    headers = {**who["other_resident"], "Idempotency-Key": key, "Content-Type": "application/json"}
    second = requests.post(server.url("/v1/appeals"), data=reordered, headers=headers, timeout=30)
    assert (first.status_code, second.status_code) == (201, 201)
    assert second.json() == first.json()
    assert second.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    mine = get(server, "/v1/appeals", who["other_resident"]).json()["items"]
    assert [a["id"] for a in mine].count(first.json()["id"]) == 1
    assert len(mine) == 1
    different = post(server, "/v1/appeals", who["other_resident"], {**NEW, "title": "别的"}, key=key)
    assert problem(different, 422)["errors"][0]["field"] == "Idempotency-Key"


def test_retried_action_replays_instead_of_409(server, who):
    appeal = submit(server, who["resident"])
    path = f"/v1/appeals/{appeal['id']}/resolve"
    body = {"resolution": "已处理", "on_site": False}
    first = post(server, path, who["staff"], body, key="resolve-once")
    again = post(server, path, who["staff"], body, key="resolve-once")
    assert (first.status_code, again.status_code) == (200, 200)
    assert again.json() == first.json() and again.headers["Idempotent-Replayed"] == "true"
    assert len(get(server, f"/v1/appeals/{appeal['id']}/history", who["staff"]).json()["items"]) == 2


@pytest.mark.parametrize("attempt", range(3))
def test_two_officers_racing_exactly_one_wins(server, who, attempt):
    appeal = submit(server, who["resident"])
    path = f"/v1/appeals/{appeal['id']}"
    barrier = threading.Barrier(2)
    results: dict[str, requests.Response] = {}

    def act(name, action, body):
        barrier.wait()
        results[name] = post(server, f"{path}/{action}", who[name], body)

    threads = [
        threading.Thread(target=act, args=("staff", "resolve", {"resolution": "现场解决", "on_site": True})),
        threading.Thread(target=act, args=("admin", "close", {"reason": "duplicate"})),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(r.status_code for r in results.values()) == [200, 409]
    winner = next(r.json() for r in results.values() if r.status_code == 200)
    final = get(server, path, who["admin"]).json()
    assert (final["status"], final["version"]) == (winner["status"], 2)
    assert len(get(server, f"{path}/history", who["admin"]).json()["items"]) == 2


INVALID_APPEALS = [
    ({"category": "noise"}, "category"),
    ({"channel": "fax"}, "channel"),
    ({"contact": {"name": "赵六", "phone": "12345678901"}}, "contact.phone"),
    ({"contact": {"name": "赵六", "phone": "1371234567"}}, "contact.phone"),
    ({"contact": {"name": "赵六", "phone": "+8613712345678"}}, "contact.phone"),
    ({"contact": {"name": "赵六", "phone": 13712345678}}, "contact.phone"),
    ({"contact": {"name": "", "phone": "13712345678"}}, "contact.name"),
    ({"contact": {"name": "名" * 51, "phone": "13712345678"}}, "contact.name"),
    ({"contact": {"phone": "13712345678"}}, "contact.name"),
    ({"title": ""}, "title"),
    ({"title": "   "}, "title"),
    ({"title": "长" * 101}, "title"),
    ({"description": ""}, "description"),
    ({"description": "长" * 2001}, "description"),
    ({"community_id": "cm_atlantis"}, "community_id"),
    ({"grid_id": "gr_sanhe_01"}, "grid_id"),
    ({"location": {"lat": 25.6}}, "location"),
    ({"location": {"lat": 91, "lng": 100}}, "location.lat"),
    ({"location": {"address": "x", "lng": 181, "lat": 0}}, "location.lng"),
    ({"location": {}}, "location"),
    ({"urgent": True}, "urgent"),
    ({"category": None}, "category"),
]


@pytest.mark.parametrize(("change", "field"), INVALID_APPEALS, ids=[f for _, f in INVALID_APPEALS])
def test_invalid_appeal_is_422_naming_the_field(server, who, change, field):
    body = {**NEW, **change}
    assert field in {e["field"] for e in problem(post(server, "/v1/appeals", who["staff"], body), 422)["errors"]}


def test_missing_required_fields_are_each_named(server, who):
    body = problem(post(server, "/v1/appeals", who["staff"], {}), 422)
    assert {e["field"] for e in body["errors"]} == {"community_id", "category", "title", "description"}


def test_body_over_32_kib_is_413(server, who):
    problem(post(server, "/v1/appeals", who["staff"], {**NEW, "description": "x" * 33_000}), 413)


@pytest.mark.parametrize("raw", [b"{not json", b"[1, 2]", b'"text"'])
def test_body_that_is_not_a_json_object_is_400(server, who, raw):
    headers = {**who["staff"], "Content-Type": "application/json"}
    problem(requests.post(server.url("/v1/appeals"), data=raw, headers=headers, timeout=30), 400)


INVALID_ACTIONS = [
    ("assign", {}, "assignee"),
    ("assign", {"assignee": ""}, "assignee"),
    ("assign", {"assignee": "x", "due_at": "2020-01-01T00:00:00Z"}, "due_at"),
    ("assign", {"assignee": "x", "due_at": "2030-01-01T00:00:00"}, "due_at"),
    ("assign", {"assignee": "x", "due_at": "next week"}, "due_at"),
    ("assign", {"assignee": "x", "expected_version": 0}, "expected_version"),
    ("assign", {"assignee": "x", "expected_version": "1"}, "expected_version"),
    ("escalate", {}, "reason"),
    ("resolve", {"resolution": "x"}, "on_site"),
    ("resolve", {"resolution": "x", "on_site": "yes"}, "on_site"),
    ("resolve", {"resolution": "", "on_site": True}, "resolution"),
    ("resolve", {"resolution": "x", "on_site": True, "meeting_id": "mtg_01JD3J4ZQ6X8M3V0S5T7K2B9RC"}, "meeting_id"),
    ("close", {"reason": "bored"}, "reason"),
    ("close", {}, "reason"),
]


@pytest.mark.parametrize(("action", "body", "field"), INVALID_ACTIONS, ids=[f"{a}-{f}" for a, _, f in INVALID_ACTIONS])
def test_invalid_action_is_422_and_changes_nothing(server, who, action, body, field):
    appeal = submit(server, who["resident"])
    path = f"/v1/appeals/{appeal['id']}"
    errors = problem(post(server, f"{path}/{action}", who["staff"], body), 422)["errors"]
    assert field in {e["field"] for e in errors}
    assert get(server, path, who["staff"]).json() == appeal


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"satisfaction": 6}, "satisfaction"),
        ({"satisfaction": 0}, "satisfaction"),
        ({"satisfaction": "5"}, "satisfaction"),
        ({"satisfaction": 4.5}, "satisfaction"),
        ({"satisfaction": 5, "comment": "x" * 501}, "comment"),
        ({"reason": "x"}, "satisfaction"),
    ],
)
def test_invalid_rating_is_422(server, who, body, field):
    appeal = submit(server, who["resident"])
    path = f"/v1/appeals/{appeal['id']}"
    post(server, f"{path}/resolve", who["staff"], {"resolution": "x", "on_site": True})
    errors = problem(post(server, f"{path}/rate", who["resident"], body), 422)["errors"]
    assert field in {e["field"] for e in errors}
    assert get(server, path, who["resident"]).json()["status"] == "resolved"


MEETING = {"community_id": NINGHE, "building": "5 栋", "held_at": "2025-05-01T10:00:00+08:00", "chair": "书记"}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"resident_count": -1}, "resident_count"),
        ({"resident_count": 2.5}, "resident_count"),
        ({"held_at": "2025-05-01"}, "held_at"),
        ({"building": ""}, "building"),
        ({"appeal_ids": ["not-an-id"]}, "appeal_ids[0]"),
        ({"appeal_ids": "apl_x"}, "appeal_ids"),
        ({"departments": [""]}, "departments[0]"),
        ({"community_id": "cm_atlantis"}, "community_id"),
    ],
)
def test_invalid_meeting_is_422(server, who, change, field):
    body = {**MEETING, "resident_count": 10, "appeal_ids": [], **change}
    errors = problem(post(server, "/v1/meetings", who["staff"], body), 422)["errors"]
    assert field in {e["field"] for e in errors}


def test_meeting_listing_the_same_appeal_twice_is_422(server, who):
    appeal = submit(server, who["resident"])
    body = {**MEETING, "resident_count": 10, "appeal_ids": [appeal["id"], appeal["id"]]}
    errors = problem(post(server, "/v1/meetings", who["staff"], body), 422)["errors"]
    assert [e["field"] for e in errors] == ["appeal_ids[1]"]


def test_meeting_counts_the_appeals_discussed(server, who):
    ids = [submit(server, who["resident"])["id"] for _ in range(2)]
    response = post(server, "/v1/meetings", who["staff"], {**MEETING, "resident_count": 30, "appeal_ids": ids})
    assert response.status_code == 201, response.text
    assert response.json()["appeals_discussed"] == 2
    assert response.headers["Location"] == f"/v1/meetings/{response.json()['id']}"
    problem(post(server, "/v1/meetings", who["grid_worker"], {**MEETING, "resident_count": 1, "appeal_ids": []}), 403)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"limit": "0"}, "limit"),
        ({"limit": "101"}, "limit"),
        ({"status": "lost"}, "status"),
        ({"year": "1999"}, "year"),
    ],
)
def test_invalid_listing_query_is_422(server, who, params, field):
    errors = problem(get(server, "/v1/appeals", who["staff"], **params), 422)["errors"]
    assert field in {e["field"] for e in errors}


def test_unknown_appeal_is_404(server, who):
    problem(get(server, "/v1/appeals/apl_01JD3J4ZQ6X8M3V0S5T7K2B9RC", who["admin"]), 404)
    problem(get(server, "/v1/appeals/whatever", who["admin"]), 404)
