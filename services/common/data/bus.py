"""The publisher: puts events (``services.common.domain.events.Event``) on the EventBridge bus."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from services.common.config import get_settings
from services.common.data import aws
from services.common.domain.events import Event
from services.common.observability import logger

PUT_EVENTS_BATCH = 10  # the PutEvents limit per call


def _entry(event: Event, bus: str) -> dict[str, Any]:
    return {
        "Source": event.source,
        "DetailType": event.metadata.event_type,
        "Detail": event.detail_json(),
        "EventBusName": bus,
        "Time": event.metadata.occurred_at,
    }


def _batches(events: Sequence[Event]) -> Iterable[Sequence[Event]]:
    for start in range(0, len(events), PUT_EVENTS_BATCH):
        yield events[start : start + PUT_EVENTS_BATCH]


def publish(events: Sequence[Event]) -> set[str]:
    """Put events on the bus; return the ids of those that did not get there.

    Never raises for a delivery failure: the outbox keeps every event, and the relay retries what
    this returns (or what a crash kept it from returning). A response with ``FailedEntryCount > 0``
    names the failed entries by position; an error response fails the whole batch.
    """
    from botocore.exceptions import BotoCoreError, ClientError  # with boto3, on first use

    failed: set[str] = set()
    bus = get_settings().event_bus
    for batch in _batches(events):
        try:
            response = aws.client("events").put_events(Entries=[_entry(event, bus) for event in batch])
        except (ClientError, BotoCoreError) as error:
            logger.warning("put events failed", error=type(error).__name__, count=len(batch))
            failed.update(event.event_id for event in batch)
            continue
        if response.get("FailedEntryCount", 0):
            entries = response.get("Entries", [])
            for event, result in zip(batch, entries, strict=False):
                if "EventId" not in result or result.get("ErrorCode"):
                    failed.add(event.event_id)
            # A response shorter than the request is malformed: treat the rest as failed too.
            failed.update(event.event_id for event in batch[len(entries) :])
            logger.warning("put events partly failed", failed=response["FailedEntryCount"], count=len(batch))
    return failed
