"""The one event envelope every producer builds and every consumer parses.

Every event is an EventBridge entry with source ``canger.<service>``, detail-type the PascalCase
past-tense name (``AppealSubmitted``) and detail::

    {"metadata": {"event_id", "event_type", "version", "occurred_at", "correlation_id"},
     "data": {... "community_id", "street_id" ...}}

Producers build events with ``new_event`` from a contract model (``services.common.domain.contracts``);
consumers parse the detail with ``Event.model_validate``,
so producer and consumer share one model. ``services.common.data.bus`` puts them on the bus.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_serializer

from services.common.domain import clock
from services.common.domain.clock import to_rfc3339
from services.common.domain.contracts.base import EventData
from services.common.domain.ids import new_id


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
    data: EventData,
    *,
    occurred_at: datetime | None = None,
    correlation_id: str | None = None,
    version: int = 1,
) -> Event:
    """``new_event("appeals", AppealSubmitted(...))``: a fresh event from ``canger.appeals``, its type the
    contract class's name, so a producer cannot send data under another type's name."""
    return raw_event(
        service,
        type(data).__name__,
        data.model_dump(mode="json"),
        occurred_at=occurred_at,
        correlation_id=correlation_id,
        version=version,
    )


def raw_event(
    service: str,
    event_type: str,
    data: dict[str, Any],
    *,
    occurred_at: datetime | None = None,
    correlation_id: str | None = None,
    version: int = 1,
) -> Event:
    """An event from an already serialized ``data``, unchecked: for tools and tests that build events
    the way a stored or foreign producer would. Services use ``new_event``."""
    return Event(
        source=f"canger.{service}",
        metadata=EventMetadata(
            event_id=new_id("evt"),
            event_type=event_type,
            version=version,
            # Millisecond precision, as serialized: the event read back equals the event sent.
            occurred_at=_to_millisecond(occurred_at or clock.utc_now()),
            correlation_id=correlation_id,
        ),
        data=data,
    )
