"""The one event envelope, and the publisher that puts events on the bus.

Every event is an EventBridge entry with source ``canger.<service>``, detail-type the PascalCase
past-tense name (``AppealSubmitted``) and detail::

    {"metadata": {"event_id", "event_type", "version", "occurred_at", "correlation_id"},
     "data": {... "community_id", "street_id" ...}}

Producers build events with ``new_event``; consumers parse the detail with ``Event.model_validate``,
so producer and consumer share one model.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_serializer

from services.common import aws
from services.common.config import get_settings
from services.common.ids import new_id
from services.common.observability import logger

PUT_EVENTS_BATCH = 10  # the PutEvents limit per call


def utc_now() -> datetime:
    return datetime.now(UTC)


def to_rfc3339(moment: datetime) -> str:
    """UTC with ``Z`` and milliseconds: ``2024-01-02T03:04:05.678Z``. Sorts as text in time order."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _to_millisecond(moment: datetime) -> datetime:
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


class EventMetadata(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    event_id: str
    event_type: str
    version: int = Field(default=1, ge=1)
    occurred_at: AwareDatetime
    correlation_id: str | None = None

    @field_serializer("occurred_at")
    def _utc(self, value: datetime) -> str:
        return to_rfc3339(value)


class Event(BaseModel):
    """An event as it travels: ``metadata`` and ``data``. ``source`` rides outside the detail."""

    model_config = ConfigDict(frozen=True)

    source: str = Field(exclude=True, default="canger")
    metadata: EventMetadata
    data: dict[str, Any]

    @property
    def event_id(self) -> str:
        return self.metadata.event_id

    def detail_json(self) -> str:
        return json.dumps(self.model_dump(mode="json"), ensure_ascii=False, separators=(",", ":"))


def new_event(
    service: str,
    event_type: str,
    data: dict[str, Any],
    *,
    occurred_at: datetime | None = None,
    correlation_id: str | None = None,
    version: int = 1,
) -> Event:
    """``new_event("appeals", "AppealSubmitted", {...})``: a fresh event from ``canger.appeals``."""
    return Event(
        source=f"canger.{service}",
        metadata=EventMetadata(
            event_id=new_id("evt"),
            event_type=event_type,
            version=version,
            # Millisecond precision, as serialized: the event read back equals the event sent.
            occurred_at=_to_millisecond(occurred_at or utc_now()),
            correlation_id=correlation_id,
        ),
        data=data,
    )


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
