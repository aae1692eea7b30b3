"""The transactional outbox against moto: nothing is lost when PutEvents fails, and the relay delivers."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest

from services.common.config import get_settings
from services.common.data import aws, dynamo, outbox
from services.common.domain.clock import utc_now
from services.common.domain.events import raw_event


def _queued_event_ids(queue_url: str) -> list[str]:
    sqs = aws.client("sqs")
    ids: list[str] = []
    while True:
        messages = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10).get("Messages", [])
        if not messages:
            return ids
        for message in messages:
            ids.append(json.loads(message["Body"])["detail"]["metadata"]["event_id"])
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])


def _item(key: str) -> dict[str, Any]:
    return {"Put": {"TableName": get_settings().records_table, "Item": dynamo.marshal({"pk": key, "sk": "A"})}}


class PartlyFailingEvents:
    """An EventBridge client whose first PutEvents loses the entries at ``fail_positions``."""

    def __init__(self, real: Any, fail_positions: set[int]) -> None:
        self.real, self.fail_positions, self.calls = real, fail_positions, 0

    def put_events(self, Entries: list[dict[str, Any]]) -> dict[str, Any]:
        self.calls += 1
        if self.calls > 1:
            return self.real.put_events(Entries=Entries)
        kept = [e for i, e in enumerate(Entries) if i not in self.fail_positions]
        sent = iter(self.real.put_events(Entries=kept)["Entries"]) if kept else iter(())
        results = [
            {"ErrorCode": "InternalFailure", "ErrorMessage": "injected"} if i in self.fail_positions else next(sent)
            for i in range(len(Entries))
        ]
        return {"FailedEntryCount": len(self.fail_positions), "Entries": results}


@pytest.fixture
def flaky_events(monkeypatch):
    def install(fail_positions: set[int]) -> PartlyFailingEvents:
        fake = PartlyFailingEvents(aws.client("events"), fail_positions)
        real_client = aws.client
        monkeypatch.setattr(aws, "client", lambda service: fake if service == "events" else real_client(service))
        return fake

    return install


def test_write_and_publish_delivers_item_and_event(aws_stack):
    event = raw_event("tests", "ThingHappened", {"community_id": "cm_ninghe"})
    outbox.write_and_publish([_item("TESTS#1")], [event])
    assert dynamo.get_item(get_settings().records_table, {"pk": "TESTS#1", "sk": "A"}) is not None
    assert _queued_event_ids(aws_stack.events_url) == [event.event_id]


def test_partial_put_events_failure_loses_nothing_and_relay_delivers_it(aws_stack, flaky_events):
    # Given three events whose first PutEvents loses the second entry
    fake = flaky_events({1})
    batch = [raw_event("tests", "ThingHappened", {"n": n}) for n in range(3)]
    outbox.write_and_publish([_item("TESTS#2")], batch)
    assert sorted(_queued_event_ids(aws_stack.events_url)) == sorted([batch[0].event_id, batch[2].event_id])

    # When the relay runs once the lost event is due
    result = outbox.relay(now=utc_now() + timedelta(minutes=5))

    # Then every pending event is republished (the lost one among them) and the lost one arrives
    assert fake.calls == 2
    assert result.published == 3 and result.failed == 0
    assert batch[1].event_id in _queued_event_ids(aws_stack.events_url)


def test_put_events_error_keeps_events_pending(aws_stack, monkeypatch):
    from botocore.exceptions import EndpointConnectionError

    class Down:
        def put_events(self, **_: Any) -> dict:
            raise EndpointConnectionError(endpoint_url="https://events")

    real_client = aws.client
    monkeypatch.setattr(aws, "client", lambda service: Down() if service == "events" else real_client(service))
    event = raw_event("tests", "ThingHappened", {})
    outbox.write_and_publish([_item("TESTS#3")], [event])  # the request itself still succeeds
    assert [i["pk"] for i in outbox.pending(due_by=None)] == [f"OUTBOX#{event.event_id}"]


def test_relay_leaves_events_alone_before_they_are_due(aws_stack):
    event = raw_event("tests", "ThingHappened", {})
    outbox.write_and_publish([_item("TESTS#4")], [event])
    _queued_event_ids(aws_stack.events_url)
    assert outbox.relay(now=utc_now()).due == 0


def test_consumed_event_leaves_the_pending_index_and_cannot_be_consumed_twice(aws_stack):
    event = raw_event("tests", "ThingHappened", {})
    outbox.write_and_publish([_item("TESTS#5")], [event])
    dynamo.transact_write([outbox.consumed_update(event.event_id)])
    assert outbox.pending(due_by=None) == []
    with pytest.raises(dynamo.WriteConflict):
        dynamo.transact_write([outbox.consumed_update(event.event_id)])


def test_failed_condition_writes_nothing_and_publishes_nothing(aws_stack):
    table = get_settings().records_table
    guarded = {
        "Put": {
            "TableName": table,
            "Item": dynamo.marshal({"pk": "TESTS#6", "sk": "A"}),
            "ConditionExpression": "attribute_exists(pk)",  # fails: the item does not exist
        }
    }
    event = raw_event("tests", "ThingHappened", {})
    with pytest.raises(dynamo.WriteConflict) as raised:
        outbox.write_and_publish([guarded], [event])
    assert raised.value.reasons[0] == "ConditionalCheckFailed"
    assert outbox.pending(due_by=None) == []
    assert _queued_event_ids(aws_stack.events_url) == []


def test_relay_backs_off_after_each_attempt(aws_stack, monkeypatch):
    event = raw_event("tests", "ThingHappened", {})
    outbox.write_and_publish([_item("TESTS#7")], [event])
    later = utc_now() + timedelta(minutes=2)
    assert outbox.relay(now=later).published == 1
    # Right after an attempt the event is not due again; an hour later it is.
    assert outbox.relay(now=later + timedelta(seconds=10)).due == 0
    assert outbox.relay(now=later + timedelta(hours=1)).due == 1
