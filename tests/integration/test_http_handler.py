"""The shared HTTP entry point against moto: body checks, idempotent POSTs, problem responses."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import BaseModel, Field

from services.common.config import get_settings
from services.common.data import dynamo
from services.common.domain.errors import Conflict
from services.common.edge.api import caller, create_app, http_handler
from tests.callers import STAFF
from tests.conftest import http_event

CLAIMS = STAFF.claims()


class Note(BaseModel):
    text: str = Field(min_length=1, max_length=20)
    tags: list[str] = []


def build_app() -> tuple[Any, dict[str, int]]:
    """A small service built like the real ones, counting how often its route really runs."""
    app = create_app()
    runs = {"count": 0}

    @app.post("/v1/notes")
    def add_note(body: Note) -> dict:
        runs["count"] += 1
        if body.text == "boom":
            raise RuntimeError("internal detail that must not leak")
        if body.text == "taken":
            raise Conflict("That note exists.")
        who = caller(app)
        key = {"pk": f"TESTS#{runs['count']}", "sk": "NOTE"}
        dynamo.transact_write(
            [
                {
                    "Put": {
                        "TableName": get_settings().records_table,
                        "Item": dynamo.marshal({**key, "by": who.sub}),
                    }
                }
            ]
        )
        return {"number": runs["count"], "text": body.text}

    return app, runs


@pytest.fixture
def service(aws_stack):
    app, runs = build_app()
    return http_handler(app), runs


def call(handler, context, body=None, raw=None, key=None, claims=CLAIMS) -> dict:
    headers = {"Idempotency-Key": key} if key is not None else {}
    return handler(http_event("POST", "/v1/notes", body=body, raw_body=raw, claims=claims, headers=headers), context)


def test_same_key_same_body_replays_first_response(service, context):
    handler, runs = service
    first = call(handler, context, {"text": "hello", "tags": ["a"]}, key="k-1")
    # Same JSON, other key order and white space
    again = call(handler, context, raw='{ "tags": ["a"],   "text": "hello" }', key="k-1")
    assert (first["statusCode"], again["statusCode"]) == (200, 200)
    assert json.loads(again["body"]) == json.loads(first["body"])
    assert again["headers"]["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first["headers"]
    assert runs["count"] == 1


def test_same_key_different_body_is_422(service, context):
    handler, runs = service
    call(handler, context, {"text": "hello"}, key="k-2")
    response = call(handler, context, {"text": "other"}, key="k-2")
    assert response["statusCode"] == 422
    assert json.loads(response["body"])["errors"][0]["field"] == "Idempotency-Key"
    assert runs["count"] == 1


def test_same_key_from_another_caller_is_independent(service, context):
    handler, runs = service
    call(handler, context, {"text": "hello"}, key="k-3")
    other = STAFF.named("staff-2").claims()
    response = call(handler, context, {"text": "hello"}, key="k-3", claims=other)
    assert response["statusCode"] == 200 and "Idempotent-Replayed" not in response["headers"]
    assert runs["count"] == 2


def test_refused_request_is_replayed_too(service, context):
    handler, runs = service
    first = call(handler, context, {"text": "taken"}, key="k-4")
    again = call(handler, context, {"text": "taken"}, key="k-4")
    assert (first["statusCode"], again["statusCode"]) == (409, 409)
    assert again["headers"]["Idempotent-Replayed"] == "true"
    assert runs["count"] == 1


def test_server_error_is_not_remembered(service, context):
    handler, runs = service
    first = call(handler, context, {"text": "boom"}, key="k-5")
    again = call(handler, context, {"text": "boom"}, key="k-5")
    assert (first["statusCode"], again["statusCode"]) == (500, 500)
    assert "internal detail" not in first["body"]
    assert runs["count"] == 2  # retried for real, not replayed


def test_without_key_every_request_runs(service, context):
    handler, runs = service
    call(handler, context, {"text": "hello"})
    call(handler, context, {"text": "hello"})
    assert runs["count"] == 2


@pytest.mark.parametrize("key", ["", "x" * 256, "naïve", "has space"])
def test_malformed_key_is_422(service, context, key):
    handler, runs = service
    response = call(handler, context, {"text": "hello"}, key=key)
    assert response["statusCode"] == 422
    assert runs["count"] == 0


@pytest.mark.parametrize(
    ("raw", "status"),
    [("{not json", 400), ("[1, 2]", 400), ('"text"', 400), ("{}", 422), ('{"text": ""}', 422)],
)
def test_bad_bodies_are_problems(service, context, raw, status):
    handler, runs = service
    response = call(handler, context, raw=raw)
    assert response["statusCode"] == status
    assert response["headers"]["Content-Type"] == "application/problem+json"
    assert runs["count"] == 0


def test_validation_problem_names_the_field(service, context):
    handler, _ = service
    body = json.loads(call(handler, context, {"text": "x" * 21})["body"])
    assert [e["field"] for e in body["errors"]] == ["text"]


def test_body_over_32_kib_is_413(service, context):
    handler, runs = service
    response = call(handler, context, raw=json.dumps({"text": "a", "tags": ["x" * 33_000]}))
    assert response["statusCode"] == 413
    assert runs["count"] == 0


def test_missing_caller_is_401(service, context):
    handler, _ = service
    response = handler(http_event("POST", "/v1/notes", body={"text": "hello"}), context)
    assert response["statusCode"] == 401
