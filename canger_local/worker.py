"""The background half of the local stack: queue consumers, schedules, and drain.

In AWS, Lambda's SQS event source polls the events queue and EventBridge Scheduler runs the jobs.
Here one thread per consumer does the polling with the same batch semantics (a batch of up to
``batch_size`` records; the function's ``batchItemFailures`` stay on the queue and come back after the
visibility timeout, and after ``EVENTS_MAX_RECEIVES`` go to the dead-letter queue), and one thread
runs the schedules.
"""

from __future__ import annotations

import re
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cached_property
from typing import Any
from zoneinfo import ZoneInfo

from canger_local.gateway import invoke
from services import catalog
from services.common.data import aws, outbox
from services.common.observability import logger

RECEIVE_MAX = 10  # SQS ReceiveMessage's limit per call
FAILED_RETRY_SECONDS = 2  # locally, failed records come back after this instead of the full timeout
# A batch grows while events keep arriving and closes after this quiet gap, after the window (the event
# source's batching window, as in AWS: infra_cdk/constructs/functions.py), or at the batch size. The quiet
# gap keeps /_local/drain quick: once requests stop, the open batch closes. Without these a busy local stack
# invokes the consumer once per event (a programme load: ~4,700 invocations instead of ~50), and a small
# batch writes each counter item once per few events instead of once per hundred.
BATCH_QUIET_SECONDS = 0.1
BATCH_WINDOW_SECONDS = 5.0


def sqs_event(messages: list[dict[str, Any]], queue_arn: str) -> dict[str, Any]:
    return {
        "Records": [
            {
                "messageId": m["MessageId"],
                "receiptHandle": m["ReceiptHandle"],
                "body": m["Body"],
                "attributes": {
                    "ApproximateReceiveCount": m.get("Attributes", {}).get("ApproximateReceiveCount", "1"),
                    "SentTimestamp": m.get("Attributes", {}).get("SentTimestamp", str(int(time.time() * 1000))),
                },
                "messageAttributes": {},
                "md5OfBody": m.get("MD5OfBody", ""),
                "eventSource": "aws:sqs",
                "eventSourceARN": queue_arn,
                "awsRegion": queue_arn.split(":")[3],
            }
            for m in messages
        ]
    }


@dataclass
class Consumer:
    function: catalog.QueueFunction
    queue_url: str
    busy: threading.Event = field(default_factory=threading.Event)

    @cached_property
    def queue_arn(self) -> str:
        attributes = aws.client("sqs").get_queue_attributes(QueueUrl=self.queue_url, AttributeNames=["QueueArn"])
        return attributes["Attributes"]["QueueArn"]

    def receive_batch(self) -> list[dict[str, Any]]:
        sqs = aws.client("sqs")
        batch: list[dict[str, Any]] = []
        opened = last = 0.0
        while len(batch) < self.function.batch_size:
            got = sqs.receive_message(
                QueueUrl=self.queue_url,
                MaxNumberOfMessages=min(RECEIVE_MAX, self.function.batch_size - len(batch)),
                WaitTimeSeconds=0 if batch else 1,
                AttributeNames=["All"],
            ).get("Messages", [])
            now = time.monotonic()
            if got:
                opened, last = opened or now, now
                batch.extend(got)
            elif not batch or now - last >= BATCH_QUIET_SECONDS or now - opened >= BATCH_WINDOW_SECONDS:
                break
            else:
                time.sleep(BATCH_QUIET_SECONDS / 2)
        return batch

    def deliver_once(self) -> int:
        """Receive one batch, invoke the function, delete what succeeded. Returns the batch size."""
        messages = self.receive_batch()
        if not messages:
            return 0
        self.busy.set()
        try:
            sqs = aws.client("sqs")
            try:
                response = invoke(self.function, sqs_event(messages, self.queue_arn)) or {}
                failed = {f["itemIdentifier"] for f in response.get("batchItemFailures", [])}
            except Exception:
                # A function error fails the whole batch, as with Lambda's event source mapping.
                logger.exception("consumer failed", function=self.function.name)
                failed = {m["MessageId"] for m in messages}
            done = [m for m in messages if m["MessageId"] not in failed]
            for start in range(0, len(done), RECEIVE_MAX):
                sqs.delete_message_batch(
                    QueueUrl=self.queue_url,
                    Entries=[
                        {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]}
                        for i, m in enumerate(done[start : start + RECEIVE_MAX])
                    ],
                )
            for m in messages:
                if m["MessageId"] in failed:
                    sqs.change_message_visibility(
                        QueueUrl=self.queue_url,
                        ReceiptHandle=m["ReceiptHandle"],
                        VisibilityTimeout=FAILED_RETRY_SECONDS,
                    )
            return len(messages)
        finally:
            self.busy.clear()

    def queue_empty(self) -> bool:
        attributes = aws.client("sqs").get_queue_attributes(
            QueueUrl=self.queue_url,
            AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
        )["Attributes"]
        waiting = int(attributes["ApproximateNumberOfMessages"])
        in_flight = int(attributes["ApproximateNumberOfMessagesNotVisible"])
        return waiting == 0 and in_flight == 0 and not self.busy.is_set()


def _interval_seconds(expression: str) -> float | None:
    """Seconds between runs of a ``rate(...)`` schedule; None for any other expression."""
    if not expression.startswith("rate("):
        return None
    amount, unit = expression[5:-1].split()
    return int(amount) * {"minute": 60, "minutes": 60, "hour": 3600, "hours": 3600, "day": 86400, "days": 86400}[unit]


_DAILY = re.compile(r"^cron\((?P<minute>\d{1,2}) (?P<hour>\d{1,2}) \* \* \? \*\)$")


def seconds_until_next(schedule: catalog.Schedule, now: datetime) -> float | None:
    """For a daily ``cron(M H * * ? *)`` in its time zone: seconds from ``now`` to the next run.

    Other cron forms are not interpreted here (they still run on demand through /_local/schedules).
    """
    match = _DAILY.match(schedule.expression)
    if not match:
        return None
    local = now.astimezone(ZoneInfo(schedule.timezone))
    run = local.replace(hour=int(match["hour"]), minute=int(match["minute"]), second=0, microsecond=0)
    if run <= local:
        run += timedelta(days=1)
    return (run - local).total_seconds()


class Worker:
    def __init__(self, queue_urls: dict[str, str]) -> None:
        self.consumers = [Consumer(f, queue_urls[f.consumes_queue]) for f in catalog.queue_functions()]
        self.schedules = {f.schedule.name: f for f in catalog.scheduled_functions()}
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        for consumer in self.consumers:
            self._spawn(self._consume_forever, consumer, name=f"consumer-{consumer.function.name}")
        for name, function in self.schedules.items():
            interval = _interval_seconds(function.schedule.expression)
            if interval:
                self._spawn(self._schedule_forever, name, interval, name=f"schedule-{name}")
            elif seconds_until_next(function.schedule, datetime.now(UTC)) is not None:
                self._spawn(self._daily_forever, name, function.schedule, name=f"schedule-{name}")

    def stop(self) -> None:
        self._stop.set()

    def _spawn(self, target: Any, *args: Any, name: str) -> None:
        thread = threading.Thread(target=target, args=args, name=name, daemon=True)
        thread.start()
        self._threads.append(thread)

    def _consume_forever(self, consumer: Consumer) -> None:
        while not self._stop.is_set():
            try:
                consumer.deliver_once()
            except Exception:
                logger.exception("delivery loop error", function=consumer.function.name)
                self._stop.wait(1)

    def _schedule_forever(self, name: str, interval: float) -> None:
        while not self._stop.wait(interval):
            try:
                self.run_schedule(name, {})
            except Exception:
                logger.exception("scheduled job failed", schedule=name)

    def _daily_forever(self, name: str, schedule: catalog.Schedule) -> None:
        while not self._stop.wait(seconds_until_next(schedule, datetime.now(UTC)) or 86400):
            try:
                self.run_schedule(name, {})
            except Exception:
                logger.exception("scheduled job failed", schedule=name)

    def run_schedule(self, name: str, payload: dict[str, Any]) -> Any:
        """Run a scheduled function now, with the input EventBridge Scheduler would pass it."""
        function = self.schedules[name]
        return invoke(function, {**payload, "schedule": name, "invocation_id": str(uuid.uuid4())})

    def drain(self, timeout_seconds: float = 60) -> dict[str, Any]:
        """Wait until every queue is empty and every outboxed event is confirmed by its consumer.

        Events whose publishing failed are republished at once rather than after the relay's back-off.
        With no consumer deployed yet nothing can confirm an event, so drain publishes what is pending
        once and reports how many remain.
        """
        deadline = time.monotonic() + timeout_seconds
        relayed = 0
        while time.monotonic() < deadline:
            if not all(c.queue_empty() for c in self.consumers):
                time.sleep(0.05)
                continue
            pending = outbox.pending(due_by=None, limit=1)
            if not pending or not self.consumers:
                if pending:
                    relayed += outbox.relay(not_yet_due=True).published
                remaining = len(outbox.pending(due_by=None))
                return {
                    "drained": remaining == 0,
                    "pending": remaining,
                    "relayed": relayed,
                    "at": datetime.now(UTC).isoformat(),
                }
            relayed += outbox.relay(not_yet_due=True).published
            time.sleep(0.05)
        return {
            "drained": False,
            "pending": len(outbox.pending(due_by=None)),
            "relayed": relayed,
            "at": datetime.now(UTC).isoformat(),
        }
