"""Create Canger's AWS resources on moto (or any endpoint): tables, bus, rule, queues, reports bucket.

Built from the same definitions as the CDK stack: ``services.common.data.tables`` and ``services.catalog``.
Creating what already exists is not an error, so a restart against a long-lived ``moto_server`` works.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from botocore.exceptions import ClientError

from services import catalog
from services.common.config import Settings
from services.common.data import aws, tables


@dataclass(frozen=True)
class Queues:
    events_url: str
    events_dlq_url: str


TABLE_NAMES = {
    tables.RECORDS: lambda s: s.records_table,
    tables.STATS: lambda s: s.stats_table,
    tables.IDEMPOTENCY: lambda s: s.idempotency_table,
}


def create_tables(settings: Settings) -> None:
    dynamodb = aws.client("dynamodb")
    for definition, name_of in TABLE_NAMES.items():
        name = name_of(settings)
        try:
            dynamodb.create_table(**definition.create_table_kwargs(name))
        except ClientError as error:
            if error.response["Error"]["Code"] != "ResourceInUseException":
                raise
        if definition.ttl_attribute:
            dynamodb.update_time_to_live(
                TableName=name,
                TimeToLiveSpecification={"Enabled": True, "AttributeName": definition.ttl_attribute},
            )


def create_events(settings: Settings) -> Queues:
    sqs, events = aws.client("sqs"), aws.client("events")
    dlq_url = sqs.create_queue(QueueName=catalog.EVENTS_DLQ)["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    queue_url = sqs.create_queue(
        QueueName=catalog.EVENTS_QUEUE,
        Attributes={
            "VisibilityTimeout": str(catalog.EVENTS_VISIBILITY_SECONDS),
            "RedrivePolicy": json.dumps(
                {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": str(catalog.EVENTS_MAX_RECEIVES)}
            ),
        },
    )["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    try:
        events.create_event_bus(Name=settings.event_bus)
    except ClientError as error:
        if error.response["Error"]["Code"] != "ResourceAlreadyExistsException":
            raise
    events.put_rule(
        Name="canger-all-events",
        EventBusName=settings.event_bus,
        EventPattern=json.dumps(catalog.EVENTS_RULE_PATTERN),
    )
    events.put_targets(
        Rule="canger-all-events",
        EventBusName=settings.event_bus,
        Targets=[{"Id": "events-queue", "Arn": queue_arn}],
    )
    return Queues(events_url=queue_url, events_dlq_url=dlq_url)


def create_reports_bucket(settings: Settings) -> None:
    s3 = aws.client("s3")
    region = s3.meta.region_name
    # S3 wants the region named for any bucket outside us-east-1 (IllegalLocationConstraintException
    # otherwise), and refuses it for us-east-1.
    where = {} if region == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": region}}
    try:
        s3.create_bucket(Bucket=settings.reports_bucket, **where)
    except ClientError as error:
        if error.response["Error"]["Code"] not in ("BucketAlreadyOwnedByYou", "BucketAlreadyExists"):
            raise


def create_all(settings: Settings) -> Queues:
    create_tables(settings)
    create_reports_bucket(settings)
    return create_events(settings)
