"""boto3 clients, created on first use and cached.

Importing a handler creates no client, so cold starts stay short and tests import freely.
boto3 itself honours ``AWS_ENDPOINT_URL``, which is how the local server points every client at moto.
"""

from __future__ import annotations

from functools import cache
from typing import Any


@cache
def client(service: str) -> Any:
    """A cached boto3 client: ``client("dynamodb")``, ``client("events")``."""
    # Imported here, not at module level: a function that never calls AWS (the directory) never pays
    # boto3's ~120 ms import.
    import boto3
    from botocore.config import Config

    # Standard retry mode backs off on throttling; connect/read timeouts fail fast instead of
    # hanging a request that API Gateway will cut at 30 s anyway.
    config = Config(retries={"mode": "standard", "max_attempts": 4}, connect_timeout=3, read_timeout=10)
    return boto3.session.Session().client(service, config=config)


def reset_clients() -> None:
    """Forget cached clients (tests that change the endpoint or start a new moto)."""
    client.cache_clear()
