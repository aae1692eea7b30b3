"""Count the AWS calls a piece of code makes, by operation: what the per-request budgets are measured with.

    with CallCounter(["dynamodb", "events"]) as calls:
        handler(event, context)
    calls.counts == {"dynamodb.GetItem": 1, "dynamodb.TransactWriteItems": 1, "events.PutEvents": 1}

It hooks the cached clients of ``services.common.data.aws`` (the ones handlers use) through botocore's
event system, so it sees every request that would go over the wire, retries included.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from services.common.data import aws


class CallCounter:
    def __init__(self, services: list[str]) -> None:
        self.services = services
        self.counts: Counter[str] = Counter()

    def _count(self, model: Any, **_: Any) -> None:
        self.counts[f"{model.service_model.endpoint_prefix}.{model.name}"] += 1

    def __enter__(self) -> CallCounter:
        for service in self.services:
            aws.client(service).meta.events.register("before-call", self._count, unique_id=f"count-{id(self)}")
        return self

    def __exit__(self, *_: Any) -> None:
        for service in self.services:
            aws.client(service).meta.events.unregister("before-call", unique_id=f"count-{id(self)}")

    def of(self, service: str) -> dict[str, int]:
        return {name: n for name, n in self.counts.items() if name.startswith(f"{service}.")}

    def reset(self) -> None:
        self.counts.clear()
