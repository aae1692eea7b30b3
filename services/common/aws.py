"""boto3 clients, created on first use and cached.

Importing a handler creates no client, so cold starts stay short and tests import freely.
boto3 itself honours ``AWS_ENDPOINT_URL``, which is how the local server points every client at moto.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import boto3
from botocore.config import Config

# Standard retry mode backs off on throttling; connect/read timeouts fail fast instead of hanging
# a request that API Gateway will cut at 30 s anyway.
_CONFIG = Config(retries={"mode": "standard", "max_attempts": 4}, connect_timeout=3, read_timeout=10)


@cache
def client(service: str) -> Any:
    """A cached boto3 client: ``client("dynamodb")``, ``client("events")``."""
    return boto3.session.Session().client(service, config=_CONFIG)


def reset_clients() -> None:
    """Forget cached clients (tests that change the endpoint or start a new moto)."""
    client.cache_clear()
