"""Integration tests: the real handlers against moto, with tables from the CDK stack's definitions."""

from __future__ import annotations

import importlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from testkit.calls import CallCounter
from tests.callers import Caller
from tests.conftest import FakeContext, http_event


@dataclass
class Reply:
    status: int
    body: Any
    headers: dict[str, str]


@dataclass
class Api:
    """Calls one service's Lambda handler as API Gateway would."""

    handler: Any

    def __call__(
        self,
        method: str,
        path: str,
        who: Caller | None,
        body: Any = None,
        *,
        query: dict[str, str] | None = None,
        key: str | None = None,
    ) -> Reply:
        headers = {"Idempotency-Key": key} if key else None
        claims = who.claims() if who is not None else None
        event = http_event(method, path, body=body, claims=claims, query=query, headers=headers)
        response = self.handler(event, FakeContext())
        text = response.get("body") or "null"
        return Reply(response["statusCode"], json.loads(text), response.get("headers") or {})


def api_for(module: str) -> Api:
    return Api(importlib.import_module(module).lambda_handler)


@pytest.fixture
def calls(aws_stack) -> Iterator[CallCounter]:
    """Counts every DynamoDB and EventBridge call, and fails the test if any of them is a Scan."""
    with CallCounter(["dynamodb", "events"]) as counter:
        yield counter
    assert not any(name.endswith(".Scan") for name in counter.counts), "a request path used Scan"
