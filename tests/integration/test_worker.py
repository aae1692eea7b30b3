"""The local server's queue delivery: SQS batch semantics with partial batch failures."""

from __future__ import annotations

import json

from canger_local import worker
from services import catalog
from services.common.data import aws


def _send(queue_url: str, n: int) -> None:
    for i in range(n):
        aws.client("sqs").send_message(QueueUrl=queue_url, MessageBody=json.dumps({"n": i}))


def _consumer(queue_url: str, batch_size: int = 100) -> worker.Consumer:
    function = catalog.QueueFunction(
        name="test-consumer",
        handler="unused",
        service="tests",
        description="",
        consumes_queue="q",
        batch_size=batch_size,
    )
    return worker.Consumer(function, queue_url)


def test_batch_collects_more_than_one_receive_call(aws_stack, monkeypatch):
    seen: list[int] = []
    monkeypatch.setattr(
        worker, "invoke", lambda _f, event: seen.append(len(event["Records"])) or {"batchItemFailures": []}
    )
    _send(aws_stack.events_url, 25)
    consumer = _consumer(aws_stack.events_url)
    assert consumer.deliver_once() == 25
    assert seen == [25]
    assert consumer.queue_empty()


def test_reported_failures_stay_on_the_queue_and_the_rest_are_deleted(aws_stack, monkeypatch):
    def fail_odd(_function, event):
        return {
            "batchItemFailures": [
                {"itemIdentifier": r["messageId"]} for r in event["Records"] if json.loads(r["body"])["n"] % 2
            ]
        }

    monkeypatch.setattr(worker, "invoke", fail_odd)
    _send(aws_stack.events_url, 6)
    consumer = _consumer(aws_stack.events_url)
    consumer.deliver_once()
    attributes = aws.client("sqs").get_queue_attributes(QueueUrl=aws_stack.events_url, AttributeNames=["All"])
    waiting = int(attributes["Attributes"]["ApproximateNumberOfMessages"])
    in_flight = int(attributes["Attributes"]["ApproximateNumberOfMessagesNotVisible"])
    assert waiting + in_flight == 3


def test_a_crashing_consumer_fails_the_whole_batch(aws_stack, monkeypatch):
    def crash(_function, _event):
        raise RuntimeError("consumer bug")

    monkeypatch.setattr(worker, "invoke", crash)
    _send(aws_stack.events_url, 4)
    consumer = _consumer(aws_stack.events_url)
    assert consumer.deliver_once() == 4
    assert not consumer.queue_empty()


def test_batch_size_caps_a_batch(aws_stack, monkeypatch):
    sizes: list[int] = []
    monkeypatch.setattr(worker, "invoke", lambda _f, event: sizes.append(len(event["Records"])) or {})
    _send(aws_stack.events_url, 15)
    consumer = _consumer(aws_stack.events_url, batch_size=10)
    consumer.deliver_once()
    consumer.deliver_once()
    assert sizes == [10, 5]
