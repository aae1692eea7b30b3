"""Volunteers over HTTP against the local server: roles, every validation, idempotency, the year boundary."""

from __future__ import annotations

import random
import uuid

import pytest
import requests

from tests.callers import ADMIN, GRID_WORKER, OFFICER, OTHER_OFFICER, OTHER_STAFF, RESIDENT, STAFF

pytestmark = pytest.mark.http

NINGHE, SANHE = "cm_ninghe", "cm_sanhe"


def new_phone() -> str:
    return "15" + "".join(random.choices("0123456789", k=9))


@pytest.fixture(scope="module")
def who(server):
    run = uuid.uuid4().hex[:6]
    return {
        "staff": server.headers(STAFF.named(f"vstaff-{run}")),
        "other_staff": server.headers(OTHER_STAFF.named(f"vstaff2-{run}")),
        "officer": server.headers(OFFICER.named(f"vofficer-{run}")),
        "other_officer": server.headers(OTHER_OFFICER.named(f"vofficer2-{run}")),
        "grid_worker": server.headers(GRID_WORKER.named(f"vgrid-{run}")),
        "resident": server.headers(RESIDENT.named(f"vresident-{run}")),
        "admin": server.headers(ADMIN.named(f"vadmin-{run}")),
    }


def post(server, path, headers, body, key=None):
    extra = {"Idempotency-Key": key} if key else {}
    return requests.post(server.url(path), json=body, headers={**headers, **extra}, timeout=30)


def get(server, path, headers, **params):
    return requests.get(server.url(path), headers=headers, params=params, timeout=30)


def errors_of(response) -> list[str]:
    assert response.status_code == 422, response.text
    assert response.headers["Content-Type"] == "application/problem+json"
    return [e["field"] for e in response.json()["errors"]]


def new_volunteer(**changes) -> dict:
    body = {
        "name": "志愿者",
        "phone": new_phone(),
        "community_id": NINGHE,
        "group": "women",
        "skills": ["elderly_care"],
    }
    return body | changes


@pytest.fixture(scope="module")
def volunteer(server, who) -> dict:
    response = post(server, "/v1/volunteers", who["staff"], new_volunteer())
    assert response.status_code == 201, response.text
    return response.json()


def activity(volunteer_id: str, **changes) -> dict:
    body = {
        "community_id": NINGHE,
        "title": "助老送餐",
        "field": "elderly_care",
        "started_at": "2025-04-02T10:00:00+08:00",
        "ended_at": "2025-04-02T12:30:00+08:00",
        "residents_served": 15,
        "participants": [{"volunteer_id": volunteer_id, "hours": 2.5}],
    }
    return body | changes


@pytest.mark.parametrize(
    ("caller", "status"),
    [
        ("staff", 201),
        ("other_staff", 403),
        ("officer", 403),
        ("grid_worker", 403),
        ("resident", 403),
        ("admin", 201),
    ],
)
def test_who_may_create_teams_register_and_log(server, who, volunteer, caller, status):
    team = {"name": "巾帼志愿队", "community_id": NINGHE, "group": "women"}
    assert post(server, "/v1/teams", who[caller], team).status_code == status
    assert post(server, "/v1/volunteers", who[caller], new_volunteer()).status_code == status
    assert post(server, "/v1/activities", who[caller], activity(volunteer["id"])).status_code == status


@pytest.mark.parametrize(
    ("caller", "status", "phone"),
    [
        ("staff", 200, "whole"),
        ("admin", 200, "whole"),
        ("officer", 200, "masked"),
        ("other_officer", 404, None),
        ("other_staff", 404, None),
        ("grid_worker", 403, None),
        ("resident", 403, None),
    ],
)
def test_who_may_read_a_volunteer(server, who, volunteer, caller, status, phone):
    response = get(server, f"/v1/volunteers/{volunteer['id']}", who[caller])
    assert response.status_code == status
    if phone == "whole":
        assert response.json()["phone"] == volunteer["phone"]
    elif phone == "masked":
        assert response.json()["phone"] == volunteer["phone"][:3] + "****" + volunteer["phone"][-4:]


def test_registration_retried_with_its_key_replays_instead_of_409(server, who):
    body = new_volunteer()
    first = post(server, "/v1/volunteers", who["staff"], body, key="register-once")
    again = post(server, "/v1/volunteers", who["staff"], body, key="register-once")
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json() and again.headers["Idempotent-Replayed"] == "true"
    duplicate = post(server, "/v1/volunteers", who["staff"], body)
    assert (duplicate.status_code, duplicate.json()["existing_id"]) == (409, first.json()["id"])


INVALID_VOLUNTEERS = [
    ({"phone": "1234"}, "phone"),
    ({"phone": "10012345678"}, "phone"),
    ({"name": ""}, "name"),
    ({"name": "名" * 51}, "name"),
    ({"group": "aliens"}, "group"),
    ({"skills": ["juggling"]}, "skills[0]"),
    ({"skills": ["health", "health"]}, "skills[1]"),
    ({"team_ids": ["team_x"]}, "team_ids[0]"),
    ({"team_ids": ["team_01JD3J4ZQ6X8M3V0S5T7K2B9RC"]}, "team_ids[0]"),
    ({"community_id": "cm_nowhere"}, "community_id"),
    ({"extra": 1}, "extra"),
]


@pytest.mark.parametrize(("change", "field"), INVALID_VOLUNTEERS, ids=[f for _, f in INVALID_VOLUNTEERS])
def test_invalid_volunteer_is_422(server, who, change, field):
    assert field in errors_of(post(server, "/v1/volunteers", who["staff"], new_volunteer(**change)))


@pytest.mark.parametrize(
    ("change", "field"),
    [({"name": ""}, "name"), ({"group": "x"}, "group"), ({"community_id": "cm_x"}, "community_id"), ({}, "name")],
)
def test_invalid_team_is_422(server, who, change, field):
    body = {"name": "队", "community_id": NINGHE, "group": "youth"} | change
    if change == {}:
        del body["name"]
    assert field in errors_of(post(server, "/v1/teams", who["staff"], body))


INVALID_ACTIVITIES = [
    ({"ended_at": "2025-04-02T09:00:00+08:00"}, "ended_at"),
    ({"ended_at": "2025-04-03T10:00:01+08:00"}, "ended_at"),
    ({"started_at": "yesterday"}, "started_at"),
    ({"started_at": "2025-04-02T10:00:00"}, "started_at"),
    ({"title": ""}, "title"),
    ({"field": "x"}, "field"),
    ({"residents_served": -5}, "residents_served"),
    ({"residents_served": 1.5}, "residents_served"),
    ({"participants": []}, "participants"),
    ({"participants": [{"volunteer_id": "{v}", "hours": 2.55}]}, "participants[0].hours"),
    ({"participants": [{"volunteer_id": "{v}", "hours": 3}]}, "participants[0].hours"),
    ({"participants": [{"volunteer_id": "{v}", "hours": -1}]}, "participants[0].hours"),
    ({"participants": [{"volunteer_id": "{v}", "hours": "2"}]}, "participants[0].hours"),
    ({"participants": [{"volunteer_id": "{v}"}]}, "participants[0].hours"),
    (
        {"participants": [{"volunteer_id": "vol_01JD3J4ZQ6X8M3V0S5T7K2B9RC", "hours": 1}]},
        "participants[0].volunteer_id",
    ),
    (
        {"participants": [{"volunteer_id": "{v}", "hours": 1}, {"volunteer_id": "{v}", "hours": 1}]},
        "participants[1].volunteer_id",
    ),
    ({"team_id": "team_01JD3J4ZQ6X8M3V0S5T7K2B9RC"}, "team_id"),
]


@pytest.mark.parametrize(("change", "field"), INVALID_ACTIVITIES, ids=[f for _, f in INVALID_ACTIVITIES])
def test_invalid_activity_is_422_and_adds_no_hours(server, who, volunteer, change, field):
    body = activity(volunteer["id"]) | change
    for p in body["participants"]:
        if p.get("volunteer_id") == "{v}":
            p["volunteer_id"] = volunteer["id"]
    before = get(server, f"/v1/volunteers/{volunteer['id']}", who["staff"]).json()["total_hours"]
    assert field in errors_of(post(server, "/v1/activities", who["staff"], body))
    assert get(server, f"/v1/volunteers/{volunteer['id']}", who["staff"]).json()["total_hours"] == before


def test_an_activity_at_half_past_midnight_beijing_time_counts_in_the_new_year(server, who):
    created = post(server, "/v1/volunteers", who["staff"], new_volunteer()).json()
    body = activity(
        created["id"],
        started_at="2024-12-31T16:30:00Z",
        ended_at="2024-12-31T19:00:00Z",
        participants=[{"volunteer_id": created["id"], "hours": 2.5}],
    )
    logged = post(server, "/v1/activities", who["staff"], body)
    assert logged.status_code == 201, logged.text
    record = get(server, f"/v1/volunteers/{created['id']}/record", who["staff"], year=2025).json()
    assert [(a["date"], a["hours"]) for a in record["activities"]] == [("2025-01-01", 2.5)]
    assert get(server, f"/v1/volunteers/{created['id']}/record", who["staff"], year=2024).json()["activities"] == []
    listed = get(server, "/v1/activities", who["staff"], year=2025, field="elderly_care").json()["items"]
    assert logged.json()["id"] in [a["id"] for a in listed]


def test_team_roster_lists_its_members(server, who):
    team = post(
        server, "/v1/teams", who["staff"], {"name": "青年突击队", "community_id": NINGHE, "group": "youth"}
    ).json()
    members = [
        post(server, "/v1/volunteers", who["staff"], new_volunteer(team_ids=[team["id"]])).json() for _ in range(3)
    ]
    roster = get(server, "/v1/volunteers", who["officer"], team_id=team["id"]).json()["items"]
    assert sorted(v["id"] for v in roster) == sorted(m["id"] for m in members)
    assert all("****" in v["phone"] for v in roster)
    assert get(server, f"/v1/teams/{team['id']}", who["admin"]).json()["member_count"] == 3
