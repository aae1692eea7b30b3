"""The event bus (with an archive) and the rule that sends every ``canger.*`` event to the stats queue."""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from services import catalog


class EventBus(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, archive_days: int) -> None:
        super().__init__(scope, construct_id)
        canger_events = events.EventPattern(source=events.Match.prefix(catalog.EVENT_SOURCE_PREFIX))
        self.bus = events.EventBus(self, "Bus")
        # Replaying from the archive rebuilds the statistics after a bug fix: consumers deduplicate.
        self.bus.archive(
            "Archive",
            event_pattern=canger_events,
            retention=Duration.days(archive_days),
            description="Every Canger event, for replay",
        )
        self.dead_letters = sqs.Queue(
            self,
            "EventsDLQ",
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            retention_period=Duration.days(14),
        )
        self.queue = sqs.Queue(
            self,
            "EventsQueue",
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            visibility_timeout=Duration.seconds(catalog.EVENTS_VISIBILITY_SECONDS),
            dead_letter_queue=sqs.DeadLetterQueue(
                max_receive_count=catalog.EVENTS_MAX_RECEIVES, queue=self.dead_letters
            ),
        )
        events.Rule(
            self,
            "AllEventsToQueue",
            event_bus=self.bus,
            event_pattern=canger_events,
            targets=[targets.SqsQueue(self.queue, dead_letter_queue=self.dead_letters, retry_attempts=185)],
        )
