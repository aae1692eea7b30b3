"""Member units at work over HTTP against the local server (API.md, "Units at work"): an appeal assigned to a
unit, co-organised activities and projects, funding from a unit; a departed unit is a 422 problem naming the
field; and a unit leaving while an appeal is being assigned to it, raced for real.

The server runs against a ``moto_server`` of this module's own, so the test writes unit items where the
server reads them (the complex service's API is another branch's; ``testkit.units`` writes its layout)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import boto3
import pytest
import requests

from testkit import units
from tests.callers import STAFF
from tests.http.conftest import LocalServer, moto_server, start_server, stop_server

pytestmark = pytest.mark.http

NINGHE = "cm_ninghe"


@pytest.fixture(scope="module")
def local(tmp_path_factory) -> Iterator[tuple[LocalServer, object]]:
    with moto_server() as endpoint:
        server = start_server(tmp_path_factory.mktemp("units-home"), "--empty", endpoint_url=endpoint)
        try:
            yield server, boto3.client("dynamodb", endpoint_url=endpoint, region_name="us-east-1")
        finally:
            stop_server(server)


@pytest.fixture(scope="module")
def staff(local) -> dict[str, str]:
    server, _ = local
    return server.headers(STAFF.named(f"staff-{uuid.uuid4().hex[:6]}"))


def post(server: LocalServer, path: str, headers: dict, body: dict) -> requests.Response:
    return requests.post(server.url(path), json=body, headers=headers, timeout=30)


def field_of(response: requests.Response) -> list[str]:
    assert response.status_code == 422, response.text
    assert response.headers["Content-Type"] == "application/problem+json"
    return [e["field"] for e in response.json()["errors"]]


def new_appeal(server: LocalServer, staff: dict) -> dict:
    body = {"community_id": NINGHE, "category": "medical", "title": "行动不便需上门", "description": "老人需要上门体检"}
    response = post(server, "/v1/appeals", staff, body)
    assert response.status_code == 201, response.text
    return response.json()


def test_an_appeal_assigned_to_a_unit_over_http(local, staff):
    server, client = local
    unit = units.pair("宁河社区卫生服务中心", community_id=NINGHE, client=client)
    appeal = new_appeal(server, staff)
    response = post(server, f"/v1/appeals/{appeal['id']}/assign", staff, {"member_unit_id": unit})
    assert response.status_code == 200, response.text
    assert (response.json()["assignee"], response.json()["member_unit_id"]) == ("宁河社区卫生服务中心", unit)


def test_a_departed_unit_is_a_422_problem_naming_the_field(local, staff):
    server, client = local
    unit = units.pair("已退出单位", community_id=NINGHE, client=client)
    assert units.leave(unit, client=client)
    appeal = new_appeal(server, staff)
    assert field_of(post(server, f"/v1/appeals/{appeal['id']}/assign", staff, {"member_unit_id": unit})) == [
        "member_unit_id"
    ]
    shown = requests.get(server.url(f"/v1/appeals/{appeal['id']}"), headers=staff, timeout=30).json()
    assert (shown["status"], shown["version"]) == ("submitted", 1)


def test_activities_projects_and_funding_name_units_over_http(local, staff):
    server, client = local
    unit, gone = (units.pair(name, community_id=NINGHE, client=client) for name in ("州医院", "旧单位"))
    units.leave(gone, client=client)
    helper = post(
        server,
        "/v1/volunteers",
        staff,
        {"name": "王五", "phone": "13600002222", "community_id": NINGHE, "group": "youth"},
    ).json()
    activity = {
        "community_id": NINGHE,
        "title": "义诊进社区",
        "field": "health",
        "started_at": "2025-03-01T09:00:00+08:00",
        "ended_at": "2025-03-01T12:00:00+08:00",
        "residents_served": 80,
        "participants": [{"volunteer_id": helper["id"], "hours": 3}],
    }
    logged = post(server, "/v1/activities", staff, {**activity, "member_unit_ids": [unit]})
    assert (logged.status_code, logged.json()["member_unit_ids"]) == (201, [unit])
    assert field_of(post(server, "/v1/activities", staff, {**activity, "member_unit_ids": [unit, gone]})) == [
        "member_unit_ids[1]"
    ]
    project_body = {"community_id": NINGHE, "kind": "secretary_led", "title": "加装电梯", "year": 2025}
    project = post(server, "/v1/projects", staff, {**project_body, "member_unit_ids": [unit]})
    assert (project.status_code, project.json()["member_unit_ids"]) == (201, [unit])
    assert field_of(post(server, "/v1/projects", staff, {**project_body, "member_unit_ids": [gone]})) == [
        "member_unit_ids[0]"
    ]
    funding = {"source": "member_unit", "amount": 300_000, "currency": "CNY", "received_on": "2025-03-01"}
    path = f"/v1/projects/{project.json()['id']}/funding"
    given = post(server, path, staff, {**funding, "member_unit_id": unit})
    assert (given.status_code, given.json()["member_unit_id"]) == (201, unit)
    assert field_of(post(server, path, staff, funding)) == ["member_unit_id"]
    assert field_of(post(server, path, staff, {**funding, "member_unit_id": gone})) == ["member_unit_id"]
    assert field_of(post(server, path, staff, {**funding, "source": "fiscal", "member_unit_id": unit})) == [
        "member_unit_id"
    ]


def test_a_unit_leaving_while_an_appeal_is_assigned_to_it_over_http(local, staff):
    """The assignment and the leave race through the server and moto_server; each run ends one way: assigned
    (with one history entry more) or a 422 with the appeal as it was."""
    server, client = local
    for run in range(10):
        unit = units.pair("赛跑单位", community_id=NINGHE, client=client)
        appeal = new_appeal(server, staff)
        path = f"/v1/appeals/{appeal['id']}"
        reply, left = units.race(
            lambda path=path, unit=unit: post(server, f"{path}/assign", staff, {"member_unit_id": unit}),
            lambda unit=unit, delay=run * 0.005: units.leave(unit, after_seconds=delay, client=client),
        )
        assert left is True
        shown = requests.get(server.url(path), headers=staff, timeout=30).json()
        history = requests.get(server.url(f"{path}/history"), headers=staff, timeout=30).json()["items"]
        if reply.status_code == 200:
            assert (shown["status"], shown["member_unit_id"], len(history)) == ("assigned", unit, 2)
        else:
            assert field_of(reply) == ["member_unit_id"]
            assert (shown["status"], shown["version"], len(history)) == ("submitted", 1, 1)
