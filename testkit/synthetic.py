"""Synthetic events for benchmarks and volume tests: realistic envelopes, their outbox items, SQS records.

Events are made with the real contracts (so the consumer parses them as it parses production
events) across all 44 communities, and their outbox items are written with BatchWriteItem, which is
what the consumer's exactly-once confirmation needs to find; no handler runs, so thousands of
events take seconds, not minutes.
"""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta
from typing import Any

from services.common.config import get_settings
from services.common.data import aws
from services.common.data.outbox import outbox_put
from services.common.domain.events import Event, raw_event
from services.common.domain.reference import AppealCategory, ServiceField, directory


def events(count: int, *, year: int = 2025, seed: int = 7) -> list[Event]:
    """``count`` events, about half appeals submitted, a quarter resolved, a quarter activities."""
    rng = random.Random(seed)  # noqa: S311 - test data, reproducible on purpose
    communities = list(directory().communities.values())
    start = datetime(year, 1, 1, tzinfo=UTC)
    made: list[Event] = []
    for n in range(count):
        community = communities[n % len(communities)]
        scope = {"community_id": community.id, "street_id": community.street_id}
        at = start + timedelta(minutes=rng.randrange(0, 360 * 24 * 60))
        kind = n % 4
        if kind in (0, 1):
            data = {
                **scope,
                "appeal_id": f"apl_{n}",
                "category": rng.choice(list(AppealCategory)).value,
                "level": "community",
                "submitted_at": at.isoformat(),
                "at": at.isoformat(),
                "channel": "online",
            }
            made.append(raw_event("appeals", "AppealSubmitted", data, occurred_at=at))
        elif kind == 2:
            data = {
                **scope,
                "appeal_id": f"apl_{n}",
                "category": "medical",
                "level": "community",
                "submitted_at": at.isoformat(),
                "at": (at + timedelta(hours=5)).isoformat(),
                "first": True,
                "on_site": rng.random() < 0.5,
                "at_meeting": False,
                "meeting_id": None,
                "seconds_to_resolve": 5 * 3600,
            }
            made.append(raw_event("appeals", "AppealResolved", data, occurred_at=at))
        else:
            data = {
                **scope,
                "activity_id": f"act_{n}",
                "team_id": None,
                "field": rng.choice(list(ServiceField)).value,
                "started_at": at.isoformat(),
                "ended_at": (at + timedelta(hours=2)).isoformat(),
                "residents_served": rng.randrange(0, 200),
                "participants": [
                    {"volunteer_id": f"vol_{n}_{p}", "hours_tenths": 15, "newly_active": ["community"]}
                    for p in range(3)
                ],
            }
            made.append(raw_event("volunteers", "ActivityLogged", data, occurred_at=at))
    return made


def write_outbox(made: list[Event]) -> None:
    """The outbox items the producers would have written, 25 per BatchWriteItem."""
    client, table = aws.client("dynamodb"), get_settings().records_table
    items = [outbox_put(event)["Put"]["Item"] for event in made]
    for start in range(0, len(items), 25):
        request = {table: [{"PutRequest": {"Item": item}} for item in items[start : start + 25]]}
        while request:
            request = client.batch_write_item(RequestItems=request).get("UnprocessedItems") or {}


def sqs_records(made: list[Event]) -> list[dict[str, Any]]:
    """The events as the rule delivers them to SQS and Lambda hands them to the consumer."""
    return [
        {
            "messageId": f"msg-{n}-{event.event_id}",
            "receiptHandle": f"rh-{n}",
            "body": json.dumps(
                {
                    "version": "0",
                    "id": event.event_id,
                    "detail-type": event.metadata.event_type,
                    "source": event.source,
                    "time": event.metadata.occurred_at.isoformat(),
                    "detail": json.loads(event.detail_json()),
                }
            ),
            "attributes": {"ApproximateReceiveCount": "1"},
            "messageAttributes": {},
            "md5OfBody": "",
            "eventSource": "aws:sqs",
            "eventSourceARN": "arn:aws:sqs:us-east-1:000000000000:canger-events",
            "awsRegion": "us-east-1",
        }
        for n, event in enumerate(made)
    ]
