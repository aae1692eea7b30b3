"""Shared test set-up: a clean, offline AWS environment and helpers to build Lambda events."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest

# Set before any handler or Powertools import: no real AWS account is ever reachable from tests.
os.environ.update(
    {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "POWERTOOLS_TRACE_DISABLED": "true",
        "POWERTOOLS_METRICS_DISABLED": "true",
        "POWERTOOLS_SERVICE_NAME": "canger-tests",
        "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20",
    }
)
os.environ.pop("AWS_ENDPOINT_URL", None)


class FakeContext:
    function_name = "canger-test"
    memory_limit_in_mb = 128
    invoked_function_arn = "arn:aws:lambda:us-east-1:000000000000:function:canger-test"
    aws_request_id = "test-request"

    def get_remaining_time_in_millis(self) -> int:
        return 30_000


def http_event(
    method: str,
    path: str,
    *,
    body: Any = None,
    raw_body: str | None = None,
    claims: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
    query: dict[str, str] | None = None,
) -> dict[str, Any]:
    """An API Gateway v2 event as the HTTP API would send it."""
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": f"{method} {path}",
        "rawPath": path,
        "rawQueryString": "&".join(f"{k}={v}" for k, v in (query or {}).items()),
        "headers": {k.lower(): v for k, v in (headers or {}).items()},
        "requestContext": {
            "http": {"method": method, "path": path, "protocol": "HTTP/1.1", "sourceIp": "127.0.0.1"},
            "requestId": "req-1",
            "routeKey": f"{method} {path}",
            "stage": "$default",
        },
        "isBase64Encoded": False,
    }
    if query:
        event["queryStringParameters"] = query
    if claims is not None:
        event["requestContext"]["authorizer"] = {"jwt": {"claims": claims, "scopes": None}}
    if raw_body is not None or body is not None:
        # As a client sends JSON; a test of another media type passes its own Content-Type.
        event["headers"].setdefault("content-type", "application/json")
    if raw_body is not None:
        event["body"] = raw_body
    elif body is not None:
        event["body"] = json.dumps(body)
    return event


@dataclass
class Clock:
    """What ``now`` is for every function: ``clock.now = datetime(2025, 6, 15, 2, 0, tzinfo=UTC)``;
    ``None`` is the real time."""

    now: datetime | None = None


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """The one clock fixture: patches ``services.common.domain.clock.utc_now``, which every function reads."""
    from services.common.domain import clock as domain_clock

    fixed = Clock()
    monkeypatch.setattr(domain_clock, "utc_now", lambda: fixed.now or datetime.now(UTC))
    return fixed


@pytest.fixture
def context() -> FakeContext:
    return FakeContext()


@pytest.fixture
def aws_stack() -> Iterator[Any]:
    """moto with Canger's tables, bus, rule and queues, created from the CDK stack's definitions."""
    from moto import mock_aws

    from canger_local import moto_patches, resources
    from services.appeals.logic import settings as appeal_settings
    from services.common.config import get_settings
    from services.common.data import aws
    from services.common.domain import clock

    moto_patches.apply()  # as the local server's embedded moto: transactions cost their items, not tables
    with mock_aws():
        aws.reset_clients()
        get_settings.cache_clear()
        # Fresh tables: nothing a function instance kept from the last test's tables may carry over.
        appeal_settings.forget()
        queues = resources.create_all(get_settings())
        yield queues
    aws.reset_clients()
    appeal_settings.forget()
    clock.set_now(None)
