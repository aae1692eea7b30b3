"""The merged OpenAPI 3.1 document of every HTTP function, built with Powertools' ``OpenAPIMerge``.

Each function's resolver describes its own routes (operation id, summary, description, models); this
merges them and adds what only the whole API knows, from the route table (``services.catalog``):

- which operations need the bearer token (public ones say ``security: []``);
- the problem answers each operation can give, all with the one ``Problem`` schema as
  ``application/problem+json`` (Powertools' own 422 ``HTTPValidationError`` is not what we send);
- the ``Idempotency-Key`` header on every write, and ``Idempotent-Replayed`` on its answers;
- request examples that work when sent against the demo data.

The directory function serves a generated copy (``services/directory/openapi.json``) so that it never
has to import another service; a test fails when the copy is stale, and ``make openapi`` refreshes it
together with ``docs/openapi.json`` and ``docs/API.md``.
"""

from __future__ import annotations

import importlib
import json
import re
from pathlib import Path
from typing import Any

from aws_lambda_powertools.event_handler.openapi.merge import OpenAPIMerge
from aws_lambda_powertools.event_handler.openapi.models import HTTPBearer

from services import catalog
from services.common.domain.reference import directory
from services.common.edge import api, problems, strict_json
from services.directory import logic as directory_logic

DOCUMENT_PATH = Path(directory_logic.__file__).with_name("openapi.json")
DOCS_DIR = Path(__file__).resolve().parents[1] / "docs"

DESCRIPTION = """\
Canger (苍洱): residents' appeals, volunteer service and community project funding for a city's community \
service complex, with the yearly figures officials quote.

Conventions: JSON in and out (UTF-8), field names `snake_case`; times RFC 3339, output in UTC with `Z`; \
money is `{"amount": <integer fen>, "currency": "CNY"}`; lists take `limit` (1–100) and `cursor` and answer \
`{"items", "next_cursor"}`, newest first.

Errors are `application/problem+json` (`Problem`). Bad input never reaches a 500: a write not sent as \
`application/json` is 415; a body nested deeper than 32 levels or with a repeated key is 400; integers \
outside ±10^15, numbers that are not finite or underflow to zero, control characters (other than `\\n` and \
`\\t`) and lone surrogates in text, a `cursor` this listing did not issue, and a `year` that is not four \
digits are 422. A known path asked with a method it does not have answers 405 with `Allow`; an unknown \
path 404.

Sign in: `Authorization: Bearer <JWT>` (Cognito's ID token in AWS, `canger token` locally).
"""

WRITE_METHODS = frozenset({"post", "patch", "put", "delete"})
OPEN311 = "/open311/"

# status → when it happens (API.md, "Conventions"); every one is a Problem.
STATUS_DESCRIPTIONS = {
    400: "The body is not JSON, not one object, nested deeper than 32 levels, or repeats a key",
    401: "Missing, expired or badly signed bearer token",
    403: "The caller may not do this (wrong role, or another community's data)",
    404: "No such resource, or one the caller may not see",
    409: "The action does not fit the current state (transition, stale `expected_version`, overdraw, duplicate), "
    "or a request with this `Idempotency-Key` is still in progress",
    413: "The body is over 32 KiB",
    415: "The body is not sent as `application/json`",
    422: "A field, query or path value fails validation (see `errors`), an unknown reference, a cursor this "
    "listing did not issue, or an `Idempotency-Key` reused with a different request",
}

IDEMPOTENCY_PARAMETER = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": "Send the same key again (same caller, same body, within 24 h) to get the first answer "
    "again, with `Idempotent-Replayed: true`, and change nothing. The same key with another body is 422.",
    "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[\\x21-\\x7e]+$"},
}

REPLAYED_HEADER = {
    "description": "`true` when this is the stored answer to an earlier request with the same `Idempotency-Key`",
    "schema": {"type": "string", "enum": ["true"]},
}

VOLUNTEER_PLACEHOLDER = "vol_FROM_REGISTER_VOLUNTEER"
APPEAL_PLACEHOLDER = "apl_FROM_SUBMIT_APPEAL"
# No id is known before its record is made: examples name these placeholders, and say where the id comes from.
PLACEHOLDERS = {
    VOLUNTEER_PLACEHOLDER: "a volunteer's id (registerVolunteer's answer, or GET /v1/volunteers)",
    APPEAL_PLACEHOLDER: "another open appeal's id of the same community (submitAppeal's answer, or GET /v1/appeals)",
}
# Request bodies that work when sent with a city_admin token against the demo data (`make run`);
# tests/http/test_openapi_document.py sends each of them. Path ids in examples come from earlier answers.
EXAMPLES: dict[str, dict[str, Any]] = {
    "submitAppeal": {
        "community_id": "cm_ninghe",
        "category": "elderly_care",
        "title": "楼道灯坏了",
        "description": "3号楼2单元楼道灯坏了一周，老人晚上出行不便。",
        "channel": "walk_in",
        "location": {"address": "宁河社区3号楼", "lat": 25.6065, "lng": 100.2676},
    },
    "assignAppeal": {"assignee": "物业服务中心", "note": "请三天内修复"},
    "escalateAppeal": {"reason": "需要街道协调供电部门"},
    "resolveAppeal": {"resolution": "已更换楼道灯", "on_site": True},
    "rateAppeal": {"satisfaction": 5, "comment": "修得很快"},
    "reopenAppeal": {"reason": "灯又坏了"},
    "closeAppeal": {"reason": "duplicate"},
    "requestExtension": {"days": 3, "reason": "需协调供电部门，零件待到货"},
    "decideExtension": {"approve": True, "note": "同意延期"},
    "superviseAppeal": {"note": "群众反映强烈，请加快办理"},
    "mergeAppeal": {"into": APPEAL_PLACEHOLDER, "note": "同一楼道灯问题"},
    "putCalendar": {"holidays": ["2027-01-01", "2027-02-08"], "workdays": ["2027-02-06"]},
    "putAppealPolicy": {
        "respond_days": 1,
        "handle_days": {"default": 5, "neighbour_dispute": 10},
        "max_extension_days": 10,
        "auto_escalate_overdue": False,
        "duplicate_window_days": 30,
        "duplicate_radius_m": 250,
    },
    "recordMeeting": {
        "community_id": "cm_ninghe",
        "building": "3号楼",
        "held_at": "2025-06-01T19:30:00+08:00",
        "chair": "社区党委书记",
        "departments": ["物业服务中心"],
        "resident_count": 12,
        "appeal_ids": [],
    },
    "createTeam": {"name": "宁河党员志愿服务队", "community_id": "cm_ninghe", "group": "party_member"},
    "registerVolunteer": {
        "name": "李华",
        "phone": "13912345678",
        "community_id": "cm_ninghe",
        "group": "youth",
        "skills": ["elderly_care"],
    },
    "logActivity": {
        "community_id": "cm_ninghe",
        "title": "敬老院陪伴",
        "field": "elderly_care",
        "started_at": "2025-05-01T09:00:00+08:00",
        "ended_at": "2025-05-01T11:30:00+08:00",
        "residents_served": 20,
        # No id is known before a volunteer is registered: this one is a placeholder (see the description).
        "participants": [{"volunteer_id": VOLUNTEER_PLACEHOLDER, "hours": 2.5}],
    },
    "createProject": {
        "community_id": "cm_ninghe",
        "kind": "secretary_led",
        "title": "老旧小区加装电梯",
        "year": 2025,
        "budget": {"amount": 5000000, "currency": "CNY"},
    },
    "updateProject": {"status": "in_progress"},
    "addFunding": {"source": "fiscal", "amount": 2000000, "currency": "CNY", "received_on": "2025-03-01"},
    "addDisbursement": {"amount": 500000, "currency": "CNY", "paid_on": "2025-04-01", "purpose": "设备采购"},
    "addSession": {"held_on": "2025-04-15", "title": "电梯使用培训", "residents_served": 30},
    "createMemberUnit": {
        "name": "大理市人民医院",
        "kind": "institution",
        "community_id": "cm_ninghe",
        "party_org": "大理市人民医院党委",
        "contact": {"name": "王医生", "phone": "13812341234"},
        "offers": [{"kind": "expertise", "field": "health", "description": "每月一次义诊"}],
        "joined_on": "2025-03-01",
    },
    "updateMemberUnit": {
        "offers": [
            {"kind": "expertise", "field": "health", "description": "每月两次义诊"},
            {"kind": "venue", "description": "周末开放会议室"},
        ]
    },
    "createSite": {
        "name": "宁河社区党群服务中心",
        "kind": "party_service_center",
        "community_id": "cm_ninghe",
        "address": "宁河社区文化路1号",
        "services": ["elderly_care", "culture_sports"],
        "opened_on": "2024-07-01",
    },
}


def _problem_response(status: int) -> dict[str, Any]:
    response: dict[str, Any] = {
        "description": STATUS_DESCRIPTIONS[status],
        "content": {problems.CONTENT_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }
    if status == 401:
        response["headers"] = {
            "WWW-Authenticate": {"description": 'Always `Bearer realm="canger"`', "schema": {"type": "string"}}
        }
    return response


def _statuses(method: str, route: catalog.Route, operation: dict[str, Any]) -> list[int]:
    """The problem statuses an operation can answer, from what the edge and the gateway do."""
    statuses = [422]  # every query or path value is checked, and bodies are validated
    if method in WRITE_METHODS:
        statuses += [400, 409, 413, 415]
    if not route.public:
        statuses.append(401)
        if route.path != "/v1/me":  # any signed-in caller may ask who they are
            statuses.append(403)
    names = {parameter["name"] for parameter in operation.get("parameters", [])}
    # A resource it names may not exist; a year's report files exist once the yearly job has run for it.
    may_be_missing = re.search(r"\{(?!year\})", route.path) or "team_id" in names
    if may_be_missing or route.path.startswith("/v1/reports/"):
        statuses.append(404)
    return sorted(statuses)


def _finish_operation(method: str, route: catalog.Route, operation: dict[str, Any]) -> None:
    responses = operation["responses"]
    for status in _statuses(method, route, operation):
        if route.path.startswith(OPEN311) and str(status) in responses:
            # Open311 answers its 400 and 404 with the specification's own error array; a path value no
            # route takes (a control character) is refused before it, as a problem.
            responses[str(status)]["content"].update(_problem_response(status)["content"])
            continue
        responses[str(status)] = _problem_response(status)
    operation["security"] = [] if route.public else [{"bearer": []}]
    if method in WRITE_METHODS:
        operation.setdefault("parameters", []).append(IDEMPOTENCY_PARAMETER)
        for status, response in responses.items():
            if status.startswith("2"):
                response.setdefault("headers", {})[api.REPLAYED_HEADER] = REPLAYED_HEADER
    for parameter in operation.get("parameters", []):
        if parameter["in"] == "query":
            _text_rule(parameter["schema"])  # every query value is held to the text rule (api.check_parameters)
        if parameter["name"] == "community_id":
            _only_known_communities(parameter["schema"])
        if parameter["name"] == "scope":
            parameter["schema"]["enum"] = _scopes()
    example = EXAMPLES.get(operation["operationId"])
    if example is not None:
        operation["requestBody"]["content"]["application/json"]["example"] = example
        for placeholder, what in PLACEHOLDERS.items():
            if placeholder in json.dumps(example):
                operation["description"] += f" In the example, replace `{placeholder}` with {what}."


COMMUNITY_REF = {"$ref": "#/components/schemas/CommunityId"}


def _community_id_schema() -> dict[str, Any]:
    # Communities are reference data (GET /v1/communities): say which ids exist, so that a client (and a
    # fuzzer) knows another id is refused rather than learning it from a 422.
    return {
        "type": "string",
        "enum": sorted(directory().communities),
        "description": "A community id from GET /v1/communities",
    }


def _only_known_communities(schema: dict[str, Any]) -> None:
    kept = {k: v for k, v in schema.items() if k in ("description", "default")}
    optional = any(branch.get("type") == "null" for branch in schema.get("anyOf", []))
    schema.clear()
    schema.update(kept)
    if optional:
        schema["anyOf"] = [COMMUNITY_REF, {"type": "null"}]
    else:
        schema.update(COMMUNITY_REF)


def _scopes() -> list[str]:
    places = directory()
    return [
        "city",
        *(f"street:{s}" for s in sorted(places.streets)),
        *(f"community:{c}" for c in sorted(places.communities)),
    ]


# What strict_json refuses in any text (API.md, "Bad input, precisely"), said as a JSON Schema pattern.
NO_CONTROL_CHARACTERS = "^[^\\u0000-\\u0008\\u000b-\\u001f\\u007f-\\u009f]*$"
# A text that must have a character after trimming (Text100 …): at least one that is neither space nor control.
NOT_BLANK = (
    "^[^\\u0000-\\u0008\\u000b-\\u001f\\u007f-\\u009f]*[^\\s\\u0000-\\u001f\\u007f-\\u009f]"
    "[^\\u0000-\\u0008\\u000b-\\u001f\\u007f-\\u009f]*$"
)


def _refs(node: Any) -> set[str]:
    if isinstance(node, dict):
        found = {node["$ref"].rpartition("/")[2]} if "$ref" in node else set()
        return found.union(*(_refs(v) for v in node.values()))
    if isinstance(node, list):
        return set().union(*(_refs(v) for v in node))
    return set()


def _text_rule(schema: dict[str, Any]) -> None:
    """What strict_json holds every request to, in the schema: text without control characters, numbers
    within ±10^15."""
    if schema.get("type") == "string" and not {"enum", "format", "pattern", "const"} & set(schema):
        schema["pattern"] = NOT_BLANK if schema.get("minLength", 0) >= 1 else NO_CONTROL_CHARACTERS
    if schema.get("type") in ("integer", "number"):
        schema.setdefault("maximum", strict_json.MAX_MAGNITUDE)
        schema.setdefault("minimum", -strict_json.MAX_MAGNITUDE)
    for key in ("anyOf", "oneOf", "allOf"):
        for branch in schema.get(key, []):
            _text_rule(branch)
    if isinstance(schema.get("items"), dict):
        _text_rule(schema["items"])
    for value in schema.get("properties", {}).values():
        _text_rule(value)


def _request_schemas(document: dict[str, Any]) -> set[str]:
    """Names of every schema a request body uses, directly or through others."""
    schemas = document["components"]["schemas"]
    pending = set().union(
        *(_refs(o.get("requestBody", {})) for item in document["paths"].values() for o in item.values())
    )
    found: set[str] = set()
    while pending:
        name = pending.pop()
        if name not in found:
            found.add(name)
            pending |= _refs(schemas[name]) - found
    return found


def _cross_field_rules(schemas: dict[str, Any]) -> None:
    """Rules the models check across fields (their validators), said in JSON Schema as well."""
    number, null = {"type": "number"}, {"type": "null"}
    schemas["Location"]["allOf"] = [
        {  # lat and lng together, or neither
            "anyOf": [
                {"properties": {"lat": number, "lng": number}, "required": ["lat", "lng"]},
                {"properties": {"lat": null, "lng": null}},
            ]
        },
        {  # an address, or coordinates
            "anyOf": [
                {"properties": {"address": {"type": "string"}}, "required": ["address"]},
                {"properties": {"lat": number}, "required": ["lat"]},
            ]
        },
    ]
    # Lists whose entries must differ ("Listed twice" is a 422).
    for name, field in (("NewVolunteer", "skills"), ("NewVolunteer", "team_ids"), ("NewMeeting", "appeal_ids")):
        field_schema = schemas[name]["properties"][field]
        for branch in [field_schema, *field_schema.get("anyOf", [])]:
            if branch.get("type") == "array":
                branch["uniqueItems"] = True


def _problem_schemas() -> dict[str, Any]:
    schema = problems.Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    definitions = schema.pop("$defs", {})
    return {"Problem": schema, **definitions}


def merged() -> dict[str, Any]:
    merge = OpenAPIMerge(
        title="Canger API",
        version="1.0.0",
        description=DESCRIPTION,
        security_schemes={"bearer": HTTPBearer(bearerFormat="JWT", description="A Cognito ID token")},
        on_conflict="error",
    )
    seen: dict[str, Any] = {}
    for function in catalog.http_functions():
        module_name = function.handler.rpartition(".")[0]
        schema = importlib.import_module(module_name).app.get_openapi_schema()
        # The merge keeps the first of two schemas with one name; two different ones must not share it.
        for name, component in ((schema.components and schema.components.schemas) or {}).items():
            if name in seen and seen[name] != component:
                raise ValueError(f"two different schemas are named {name}: rename one model")
            seen[name] = component
        merge.add_schema(schema)
    # Powertools serializes its models properly here (enums as values, schemes as objects).
    document = json.loads(merge.get_openapi_json_schema())
    schemas = document["components"]["schemas"]
    for name in ("HTTPValidationError", "ValidationError", "ResponseValidationError"):
        schemas.pop(name, None)
    schemas.update(_problem_schemas())
    schemas["CommunityId"] = _community_id_schema()
    for name in _request_schemas(document):
        schema = schemas[name]
        _text_rule(schema)
        if "community_id" in schema.get("properties", {}):
            _only_known_communities(schema["properties"]["community_id"])
    _cross_field_rules(schemas)
    # A change must change something: a status or the beneficiaries covered (else 422).
    schemas["ProjectChange"]["anyOf"] = [
        {"required": ["status"], "properties": {"status": {"type": "string"}}},
        {"required": ["beneficiaries_covered"], "properties": {"beneficiaries_covered": {"type": "integer"}}},
    ]
    for function in catalog.http_functions():
        for route in function.routes:
            operation = document["paths"].get(route.path, {}).get(route.method.lower())
            if operation is None:
                continue  # not in the document: /openapi.json, /docs
            operation["responses"].pop("422", None)  # Powertools' HTTPValidationError: replaced below
            _finish_operation(route.method.lower(), route, operation)
    return document


def merged_json() -> str:
    return json.dumps(merged(), ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def reference_markdown() -> str:
    """``docs/API.md``: every operation of the document in one page, generated (``make openapi``)."""
    document = merged()
    lines = [
        "# Canger API reference",
        "",
        "Generated from the OpenAPI document (`docs/openapi.json`, served at `GET /openapi.json`) by",
        "`make openapi`; do not edit by hand. Errors are `application/problem+json` (`Problem`).",
        "",
    ]
    by_tag: dict[str, list[tuple[str, str, dict[str, Any]]]] = {}
    for path, item in document["paths"].items():
        for method, operation in item.items():
            by_tag.setdefault(operation.get("tags", ["other"])[0], []).append((path, method, operation))
    for tag, operations in by_tag.items():
        lines += [f"## {tag}", ""]
        for path, method, operation in sorted(operations, key=lambda o: (o[0], o[1])):
            access = "public" if operation["security"] == [] else "bearer token"
            lines += [f"### `{method.upper()} {path}` — {operation['summary']}", ""]
            lines += [f"`{operation['operationId']}`, {access}. {operation['description']}", ""]
            parameters = [p for p in operation.get("parameters", []) if p["in"] != "header"]
            if parameters:
                rendered = ", ".join(f"`{p['name']}` ({p['in']})" for p in parameters)
                lines += [f"Parameters: {rendered}.", ""]
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if body:
                lines += [f"Body: `{body['schema']['$ref'].rpartition('/')[2]}`; example:", ""]
                lines += ["```json", json.dumps(body["example"], ensure_ascii=False), "```", ""]
            statuses = ", ".join(sorted(operation["responses"]))
            lines += [f"Answers: {statuses}.", ""]
    return "\n".join(lines).rstrip() + "\n"


def write_all() -> list[Path]:
    """Write the served copy, ``docs/openapi.json`` and ``docs/API.md``; return their paths."""
    text = merged_json()
    written = [DOCUMENT_PATH, DOCS_DIR / "openapi.json", DOCS_DIR / "API.md"]
    written[0].write_text(text, encoding="utf-8")
    written[1].write_text(text, encoding="utf-8")
    written[2].write_text(reference_markdown(), encoding="utf-8")
    return written
