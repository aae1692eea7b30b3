"""The requests ``request_cost.py`` measures, per service: each prepares its state, then sends one request."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

from services.common.edge.api import LambdaHandler

STAFF = {"sub": "bench-staff", "cognito:groups": "[community_staff]", "custom:community_id": "cm_ninghe"}
RESIDENT = {"sub": "bench-resident", "cognito:groups": "[resident]"}


class Context:
    function_name = "bench"
    memory_limit_in_mb = 512
    invoked_function_arn = "arn:aws:lambda:us-east-1:000000000000:function:bench"
    aws_request_id = "bench"

    def get_remaining_time_in_millis(self) -> int:
        return 30_000


def event(method: str, path: str, claims: dict, body: Any = None, query: dict | None = None, key: str | None = None):
    headers = {"content-type": "application/json", **({"idempotency-key": key} if key else {})}
    return {
        "version": "2.0",
        "routeKey": f"{method} {path}",
        "rawPath": path,
        "rawQueryString": "&".join(f"{k}={v}" for k, v in (query or {}).items()),
        "queryStringParameters": query,
        "headers": headers,
        "requestContext": {
            "http": {"method": method, "path": path, "protocol": "HTTP/1.1", "sourceIp": "127.0.0.1"},
            "requestId": "bench",
            "stage": "$default",
            "authorizer": {"jwt": {"claims": claims, "scopes": None}},
        },
        "body": json.dumps(body, ensure_ascii=False) if body is not None else None,
        "isBase64Encoded": False,
    }


@dataclass
class Scenario:
    name: str
    handler: Callable[[], LambdaHandler]
    prepare: Callable[[int], dict]
    expected_status: int

    def invoke(self, request: dict) -> int:
        return self.handler()(request, Context())["statusCode"]


def call(handler: LambdaHandler, request: dict) -> dict:
    response = handler(request, Context())
    return json.loads(response["body"])


# --- appeals ---------------------------------------------------------------------------------------


@cache
def appeals_handler() -> LambdaHandler:
    from services.appeals.handler import lambda_handler

    return lambda_handler


NEW_APPEAL = {
    "community_id": "cm_ninghe",
    "grid_id": "gr_ninghe_01",
    "category": "parking_traffic",
    "title": "小区门口乱停车",
    "description": "晚上消防通道被占，希望物业和交警一起处理",
    "channel": "grid_visit",
    "contact": {"name": "李四", "phone": "13912345678"},
}


def _new_appeal(_: int) -> dict:
    return event("POST", "/v1/appeals", RESIDENT, NEW_APPEAL)


def _new_appeal_idempotent(n: int) -> dict:
    return event("POST", "/v1/appeals", RESIDENT, NEW_APPEAL, key=f"bench-{n}")


def _assign(_: int) -> dict:
    appeal = call(appeals_handler(), _new_appeal(0))
    return event("POST", f"/v1/appeals/{appeal['id']}/assign", STAFF, {"assignee": "物业公司", "note": "三天内"})


_last_appeal: dict[str, str] = {}


def _get(n: int) -> dict:
    if not _last_appeal:
        _last_appeal["id"] = call(appeals_handler(), _new_appeal(0))["id"]
    return event("GET", f"/v1/appeals/{_last_appeal['id']}", STAFF)


def _list(_: int) -> dict:
    if "listed" not in _last_appeal:
        for _ in range(25):
            call(appeals_handler(), _new_appeal(0))
        _last_appeal["listed"] = "yes"
    return event("GET", "/v1/appeals", STAFF, query={"limit": "20"})


def appeals() -> list[Scenario]:
    return [
        Scenario("POST /v1/appeals", appeals_handler, _new_appeal, 201),
        Scenario("POST /v1/appeals (Idempotency-Key)", appeals_handler, _new_appeal_idempotent, 201),
        Scenario("POST /v1/appeals/{id}/assign", appeals_handler, _assign, 200),
        Scenario("GET /v1/appeals/{id}", appeals_handler, _get, 200),
        Scenario("GET /v1/appeals (a page of 20 of 25)", appeals_handler, _list, 200),
    ]


# --- volunteers ------------------------------------------------------------------------------------


@cache
def volunteers_handler() -> LambdaHandler:
    from services.volunteers.handler import lambda_handler

    return lambda_handler


def _new_volunteer(n: int) -> dict:
    body = {"name": "志愿者", "phone": f"159{n:08d}", "community_id": "cm_ninghe", "group": "youth"}
    return event("POST", "/v1/volunteers", STAFF, body)


_crew: list[str] = []


def _activity(n: int) -> dict:
    if not _crew:
        _crew.extend(call(volunteers_handler(), _new_volunteer(90_000_000 + i))["id"] for i in range(10))
    body = {
        "community_id": "cm_ninghe",
        "title": "义诊进社区",
        "field": "health",
        "started_at": "2025-03-01T09:00:00+08:00",
        "ended_at": "2025-03-01T12:00:00+08:00",
        "residents_served": 120,
        "participants": [{"volunteer_id": v, "hours": 2.5} for v in _crew],
    }
    return event("POST", "/v1/activities", STAFF, body)


def _record(_: int) -> dict:
    if not _crew:
        _activity(0)
    return event("GET", f"/v1/volunteers/{_crew[0]}/record", STAFF, query={"year": "2025"})


def volunteers() -> list[Scenario]:
    return [
        Scenario("POST /v1/volunteers", volunteers_handler, _new_volunteer, 201),
        Scenario("POST /v1/activities (10 participants)", volunteers_handler, _activity, 201),
        Scenario("GET /v1/volunteers/{id}/record", volunteers_handler, _record, 200),
    ]


# --- projects --------------------------------------------------------------------------------------


@cache
def projects_handler() -> LambdaHandler:
    from services.projects.handler import lambda_handler

    return lambda_handler


_project: dict[str, str] = {}


def _the_project() -> str:
    if not _project:
        body = {"community_id": "cm_ninghe", "kind": "secretary_led", "title": "加装电梯", "year": 2025}
        _project["id"] = call(projects_handler(), event("POST", "/v1/projects", STAFF, body))["id"]
        funding = {"source": "fiscal", "amount": 10**11, "currency": "CNY", "received_on": "2025-03-01"}
        call(projects_handler(), event("POST", f"/v1/projects/{_project['id']}/funding", STAFF, funding))
    return _project["id"]


def _disburse(_: int) -> dict:
    body = {"amount": 100_000, "currency": "CNY", "paid_on": "2025-04-01", "purpose": "施工款"}
    return event("POST", f"/v1/projects/{_the_project()}/disbursements", STAFF, body)


def _ledger(_: int) -> dict:
    return event("GET", f"/v1/projects/{_the_project()}/ledger", STAFF)


def projects() -> list[Scenario]:
    return [
        Scenario("POST /v1/projects/{id}/disbursements", projects_handler, _disburse, 201),
        Scenario("GET /v1/projects/{id}/ledger", projects_handler, _ledger, 200),
    ]


SERVICES: dict[str, Callable[[], list[Scenario]]] = {
    "appeals": appeals,
    "volunteers": volunteers,
    "projects": projects,
}


def reset() -> None:
    """Forget what earlier scenarios created: each scenario runs against fresh tables."""
    _last_appeal.clear()
    _crew.clear()
    _project.clear()


def all_scenarios(service: str | None) -> Iterator[Scenario]:
    for name, scenarios in SERVICES.items():
        if service in (None, name):
            yield from scenarios()
