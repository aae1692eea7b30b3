"""Statistics consumer: the events queue in batches → the counters, each event exactly once.

    SQS batch (≤100) ──parse each record (Powertools BatchProcessor: a bad record fails alone)
                     ──sum the deltas per (year, scope) ──few transactions (dal.counters.apply)
                     ──report failures as batchItemFailures: SQS delivers those again, then to the DLQ

Parsing is per record, so one malformed message never holds up the other 99; writing is per
batch, so 1,000 events cost a few dozen write requests instead of thousands.
"""

from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from services.common.domain.events import Event
from services.common.observability import logger, metrics, traced
from services.stats.dal import counters
from services.stats.logic.counting import deltas_of, facts_of

processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)


def parse(body: str) -> Event:
    """An EventBridge event as SQS delivers it → our envelope (``detail``) with its source."""
    envelope = json.loads(body)
    return Event.model_validate({**envelope["detail"], "source": envelope["source"]})


def handle_batch(records: list[dict[str, Any]], context: Any = None) -> PartialItemFailureResponse:
    counted: dict[str, counters.Counted] = {}  # by event_id: a duplicate within one batch counts once

    def count(record: SQSRecord) -> None:
        event = parse(record.body)
        counted.setdefault(
            event.event_id, counters.Counted(event.event_id, record.message_id, deltas_of(event), facts_of(event))
        )

    with processor(records=records, handler=count, lambda_context=context):
        processor.process()
    response = processor.response()
    outcome = counters.apply(list(counted.values()))
    response["batchItemFailures"] += [{"itemIdentifier": e.message_id} for e in outcome.failed]
    metrics.add_metric(name="EventsApplied", unit=MetricUnit.Count, value=len(outcome.applied))
    metrics.add_metric(name="EventsDuplicate", unit=MetricUnit.Count, value=len(outcome.duplicates))
    logger.info(
        "batch applied",
        records=len(records),
        applied=len(outcome.applied),
        duplicates=len(outcome.duplicates),
        failed=len(response["batchItemFailures"]),
        transactions=outcome.transactions,
    )
    return response


@logger.inject_lambda_context(clear_state=True)
@traced
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: Any) -> PartialItemFailureResponse:
    return handle_batch(event["Records"], context)
