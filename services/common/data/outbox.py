"""The transactional outbox: a state change and its events are written together, then published.

    request ──TransactWriteItems──► Records: the item(s) + one OUTBOX#<event_id> item per event (pending)
            └─PutEvents──────────► bus ──► rule ──► queue ──► consumer
    consumer, in the transaction that applies the event: marks the outbox item consumed (and so
            deduplicates: a second delivery finds it consumed and changes nothing)
    relay (every minute): republishes pending items whose next attempt is due, backing off

Confirmation is the consumer's receipt, not the publisher's: a request then costs one transaction
and one PutEvents, and a crash between the two, a failed PutEvents, or a partial failure
(``FailedEntryCount > 0``) all leave the item pending for the relay. Pending items sit in the sparse
``outbox`` index (partition ``OUTBOX#PENDING``, sort ``<next attempt>#<event_id>``); consumed items
leave the index and expire after ``CONSUMED_RETENTION``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from services.common.config import get_settings
from services.common.data import aws, bus, dynamo
from services.common.domain import clock
from services.common.domain.clock import to_rfc3339
from services.common.domain.events import Event
from services.common.observability import logger

PENDING = "OUTBOX#PENDING"
CONSUMED_RETENTION = timedelta(days=30)
MAX_BACKOFF = timedelta(hours=1)


def _key(event_id: str) -> dict[str, str]:
    return {"pk": f"OUTBOX#{event_id}", "sk": "EVENT"}


def outbox_put(event: Event, *, grace: timedelta | None = None) -> dict[str, Any]:
    """The transaction item that records ``event`` as pending, first due for relay after ``grace``."""
    if grace is None:
        grace = timedelta(seconds=get_settings().outbox_grace_seconds)
    due = to_rfc3339(event.metadata.occurred_at + grace)
    item = {
        **_key(event.event_id),
        "source": event.source,
        "detail_type": event.metadata.event_type,
        "detail": event.detail_json(),
        "occurred_at": to_rfc3339(event.metadata.occurred_at),
        "attempts": 0,
        "outbox_pk": PENDING,
        "outbox_sk": f"{due}#{event.event_id}",
    }
    return {
        "Put": {
            "TableName": get_settings().records_table,
            "Item": dynamo.marshal(item),
            "ConditionExpression": "attribute_not_exists(pk)",
        }
    }


def write_and_publish(transact_items: Sequence[dynamo.TransactItem], new_events: Sequence[Event]) -> None:
    """Write ``transact_items`` and an outbox item per event in one transaction, then publish.

    Outbox items are labelled ``"outbox:<event_id>"``.

    Raises ``dynamo.WriteConflict`` if a condition fails (nothing is written, nothing published).
    A publishing failure is logged and left to the relay; the caller's request still succeeds.
    """
    dynamo.transact_write(
        [*transact_items, *(dynamo.TxItem(f"outbox:{event.event_id}", outbox_put(event)) for event in new_events)]
    )
    failed = bus.publish(new_events)
    if failed:
        logger.warning("events left for the relay", count=len(failed))


def consumed_update(event_id: str, *, now: datetime | None = None) -> dict[str, Any]:
    """The transaction item a consumer adds to mark ``event_id`` consumed.

    Its condition fails if the event was consumed before (or is unknown), so a consumer that puts
    it in the same transaction as its own writes applies every event at most once.
    """
    now = now or clock.utc_now()
    return dynamo.update(
        get_settings().records_table,
        _key(event_id),
        "SET consumed_at = :now, expires_at = :exp REMOVE outbox_pk, outbox_sk",
        {":now": to_rfc3339(now), ":exp": int((now + CONSUMED_RETENTION).timestamp())},
        condition="attribute_exists(pk) AND attribute_not_exists(consumed_at)",
    )


@dataclass(frozen=True)
class RelayResult:
    due: int
    published: int
    failed: int


def _backoff(attempts: int, grace: timedelta) -> timedelta:
    return min(max(grace, timedelta(seconds=30)) * (2**attempts), MAX_BACKOFF)


def _event_from_item(item: Mapping[str, Any]) -> Event:
    return Event.model_validate({**json.loads(item["detail"]), "source": item["source"]})


def pending(*, due_by: datetime | None, limit: int = 500) -> list[dict[str, Any]]:
    """Pending outbox items whose next attempt is due by ``due_by`` (``None``: all of them), oldest first."""
    upper = f"{to_rfc3339(due_by)}#~" if due_by else "~"
    page = dynamo.query_page(
        get_settings().records_table,
        index="outbox",
        partition_key="outbox_pk",
        partition_value=PENDING,
        sort_key="outbox_sk",
        sort_between=("0", upper),
        limit=limit,
        newest_first=False,
    )
    return page.items


def relay(*, now: datetime | None = None, not_yet_due: bool = False, limit: int = 500) -> RelayResult:
    """Republish every due pending event; push each one's next attempt back (1, 2, 4 … 60 minutes).

    ``not_yet_due=True`` republishes every pending event at once (the local server's drain).
    Safe to run concurrently with consumers: an item consumed meanwhile is left alone, and a
    consumer deduplicates an event it receives twice.
    """
    now = now or clock.utc_now()
    settings = get_settings()
    grace = timedelta(seconds=settings.outbox_grace_seconds)
    due = pending(due_by=None if not_yet_due else now, limit=limit)
    if not due:
        return RelayResult(due=0, published=0, failed=0)
    from botocore.exceptions import ClientError  # with boto3, on first use

    to_send = [_event_from_item(item) for item in due]
    failed = bus.publish(to_send)
    client = aws.client("dynamodb")
    for item, event in zip(due, to_send, strict=True):
        attempts = int(item.get("attempts", 0)) + 1
        next_due = to_rfc3339(now + _backoff(attempts, grace))
        try:
            client.update_item(
                TableName=settings.records_table,
                Key=dynamo.marshal(_key(event.event_id)),
                UpdateExpression="SET attempts = :a, outbox_sk = :sk",
                ConditionExpression="attribute_exists(outbox_pk)",
                ExpressionAttributeValues=dynamo.values({":a": attempts, ":sk": f"{next_due}#{event.event_id}"}),
            )
        except ClientError as error:
            if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise
    result = RelayResult(due=len(due), published=len(due) - len(failed), failed=len(failed))
    logger.info("outbox relayed", due=result.due, published=result.published, failed=result.failed)
    return result
