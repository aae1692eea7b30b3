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


# --- the complex (issue 14) ---------------------------------------------------------------------------


@cache
def complex_handler() -> LambdaHandler:
    from services.complex.handler import lambda_handler

    return lambda_handler


@cache
def stats_handler() -> LambdaHandler:
    from services.stats.handler import lambda_handler

    return lambda_handler


CITY = {"sub": "bench-admin", "cognito:groups": "[city_admin]"}
STREET_UNITS = 60  # units paired with Xiaguan's communities, for matching: a street of Dali's size has ~100


def _unit_body(n: int, community_id: str = "cm_ninghe") -> dict:
    fields = ("elderly_care", "health", "mass_work", "environment", "legal_publicity")
    return {
        "community_id": community_id,
        "name": f"共建单位{n}",
        "kind": ("agency", "institution", "state_enterprise")[n % 3],
        "contact": {"name": "联络员", "phone": "13908722100"},
        "offers": [{"kind": "expertise", "field": fields[n % len(fields)], "description": "专业服务"}],
    }


_units: dict[str, Any] = {}


def _new_unit(n: int) -> dict:
    return event("POST", "/v1/member-units", STAFF, _unit_body(n))


def _the_unit() -> dict:
    if "one" not in _units:
        _units["one"] = call(complex_handler(), _new_unit(0))
    return _units["one"]


def _patch_unit(n: int) -> dict:
    unit = _the_unit()
    body = {"expected_version": unit["version"], "offers": _unit_body(n + 1)["offers"]}
    unit["version"] += 1  # the next run patches the version this one makes
    return event("PATCH", f"/v1/member-units/{unit['id']}", STAFF, body)


def _street_units() -> None:
    if "street" not in _units:
        communities = ("cm_ninghe", "cm_xiaguan_02", "cm_xiaguan_03", "cm_xiaguan_04")
        for n in range(STREET_UNITS):
            call(complex_handler(), event("POST", "/v1/member-units", CITY, _unit_body(n, communities[n % 4])))
        for category in ("elderly_care", "medical", "environment"):
            body = {**NEW_APPEAL, "category": category}
            call(appeals_handler(), event("POST", "/v1/appeals", RESIDENT, body))
        _units["street"] = "yes"


def _list_units(_: int) -> dict:
    _street_units()
    return event("GET", "/v1/member-units", STAFF, query={"community_id": "cm_ninghe", "limit": "20"})


def _matches(_: int) -> dict:
    _street_units()
    return event("GET", "/v1/communities/cm_ninghe/matches", STAFF)


def _assign_to_unit(_: int) -> dict:
    appeal = call(appeals_handler(), _new_appeal(0))
    body = {"member_unit_id": _the_unit()["id"], "note": "请共建单位协助"}
    return event("POST", f"/v1/appeals/{appeal['id']}/assign", STAFF, body)


def _unit_figures(_: int) -> dict:
    return event("GET", f"/v1/member-units/{_the_unit()['id']}/figures", {}, query={"year": "2025"})


def complex_() -> list[Scenario]:
    return [
        Scenario("POST /v1/member-units", complex_handler, _new_unit, 201),
        Scenario("PATCH /v1/member-units/{id} (offers)", complex_handler, _patch_unit, 200),
        Scenario("GET /v1/member-units (20 of a community)", complex_handler, _list_units, 200),
        Scenario(f"GET /v1/communities/{{id}}/matches ({STREET_UNITS} units)", complex_handler, _matches, 200),
        Scenario("POST /v1/appeals/{id}/assign (member unit)", appeals_handler, _assign_to_unit, 200),
        Scenario("GET /v1/member-units/{id}/figures", stats_handler, _unit_figures, 200),
    ]


SERVICES: dict[str, Callable[[], list[Scenario]]] = {
    "appeals": appeals,
    "volunteers": volunteers,
    "projects": projects,
    "complex": complex_,
}


def reset() -> None:
    """Forget what earlier scenarios created: each scenario runs against fresh tables."""
    _last_appeal.clear()
    _crew.clear()
    _project.clear()
    _units.clear()


def all_scenarios(service: str | None) -> Iterator[Scenario]:
    for name, scenarios in SERVICES.items():
        if service in (None, name):
            yield from scenarios()
