"""A Lambda function per entry of ``services.catalog``, each with its own least-privilege role."""

from __future__ import annotations

from collections.abc import Mapping

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as sources
from aws_cdk import aws_logs as logs
from cdk_nag import NagSuppressions
from constructs import Construct

from infra_cdk.constructs import lambda_defaults
from infra_cdk.constructs.data import Database
from infra_cdk.constructs.messaging import EventBus
from infra_cdk.constructs.reports import ReportsBucket
from services import catalog
from services.common.config import OPEN_DATA_PREFIXES, Settings
from services.common.data import tables

_READ = ["dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:ConditionCheckItem"]
_WRITE = ["dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"]


def open_data_environment(prefixes: Mapping[str, str]) -> dict[str, str]:
    """``{"grant": "360G-dalicity"}`` → ``{"OPEN_DATA_GRANT_PREFIX": "360G-dalicity"}``, checked now: a bad
    prefix fails the synth, not the first export (the keys are those of ``config.OPEN_DATA_PREFIXES``)."""
    unknown = set(prefixes) - set(OPEN_DATA_PREFIXES)
    if unknown:
        raise ValueError(f"unknown open data prefixes {sorted(unknown)}; known: {list(OPEN_DATA_PREFIXES)}")
    Settings.model_validate({f"open_data_{key}_prefix": value for key, value in prefixes.items()})
    return {f"OPEN_DATA_{key.upper()}_PREFIX": value for key, value in prefixes.items()}


class ServiceFunctions(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        database: Database,
        event_bus: EventBus,
        reports: ReportsBucket,
        report_timezone: str,
        log_retention: logs.RetentionDays,
        removal_policy: RemovalPolicy,
        skip_layer_build: bool,
        sdk_tracing: bool,
        open_data_prefixes: Mapping[str, str],
    ) -> None:
        super().__init__(scope, construct_id)
        self._database = database
        self._event_bus = event_bus
        self._reports = reports
        code = lambda_defaults.service_code()
        layer = lambda_defaults.dependency_layer(self, skip_build=skip_layer_build)
        environment = {
            "RECORDS_TABLE": database.records.table_name,
            "STATS_TABLE": database.stats.table_name,
            "IDEMPOTENCY_TABLE": database.idempotency.table_name,
            "EVENT_BUS": event_bus.bus.event_bus_name,
            "REPORTS_BUCKET": reports.bucket.bucket_name,
            "REPORT_TIMEZONE": report_timezone,
            "POWERTOOLS_METRICS_NAMESPACE": "Canger",
            # Lambda's active tracing records every invocation; the X-Ray SDK (subsegments per AWS call)
            # costs ~170 ms of cold start, so it is opt-in (services/common/observability.py).
            "POWERTOOLS_TRACE_DISABLED": "false" if sdk_tracing else "true",
            **open_data_environment(open_data_prefixes),
        }
        self.by_name: dict[str, lambda_.Function] = {}
        for spec in catalog.FUNCTIONS:
            group = lambda_defaults.log_group(self, spec.name, retention=log_retention, removal=removal_policy)
            function = lambda_.Function(
                self,
                spec.name,
                description=spec.description,
                handler=spec.handler,
                code=code,
                layers=[layer],
                role=self._role(spec, group),
                log_group=group,
                environment={**environment, "POWERTOOLS_SERVICE_NAME": spec.service},
                **lambda_defaults.function_settings(timeout_seconds=spec.timeout_seconds, memory_mb=spec.memory_mb),
            )
            if isinstance(spec, catalog.QueueFunction):
                function.add_event_source(
                    sources.SqsEventSource(
                        event_bus.queue,
                        batch_size=spec.batch_size,
                        max_batching_window=Duration.seconds(5),
                        report_batch_item_failures=True,
                        # Every batch adds to the same city counter item: a few consumers at a time keep
                        # transaction conflicts rare while a backlog still drains in parallel.
                        max_concurrency=spec.max_concurrency,
                    )
                )
                event_bus.queue.grant_consume_messages(function)
            self.by_name[spec.name] = function

    def _role(self, spec: catalog.Function, group: logs.LogGroup) -> iam.Role:
        role = iam.Role(
            self,
            f"{spec.name}Role",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description=f"Canger {spec.name}: only what it needs",
        )
        # Written out instead of AWSLambdaBasicExecutionRole, whose logs grant covers every log group.
        role.add_to_policy(
            iam.PolicyStatement(actions=["logs:CreateLogStream", "logs:PutLogEvents"], resources=[group.log_group_arn])
        )
        role.add_to_policy(
            iam.PolicyStatement(actions=["xray:PutTraceSegments", "xray:PutTelemetryRecords"], resources=["*"])
        )
        access = spec.access
        if access.records_prefixes:
            records = self._database.records
            index_arns = [f"{records.table_arn}/index/{i.name}" for i in tables.RECORDS.indexes]
            role.add_to_policy(
                iam.PolicyStatement(
                    actions=_READ + (_WRITE if access.records_write else []),
                    resources=[records.table_arn, *index_arns],
                    conditions={
                        "ForAllValues:StringLike": {
                            "dynamodb:LeadingKeys": [f"{prefix}*" for prefix in access.records_prefixes]
                        }
                    },
                )
            )
        if access.stats != "none":
            stats = self._database.stats
            role.add_to_policy(
                iam.PolicyStatement(
                    actions=_READ + (_WRITE if access.stats == "write" else []),
                    resources=[stats.table_arn],
                )
            )
        if access.idempotency:
            role.add_to_policy(
                iam.PolicyStatement(
                    actions=[
                        "dynamodb:GetItem",
                        "dynamodb:PutItem",
                        "dynamodb:UpdateItem",
                        "dynamodb:DeleteItem",
                    ],
                    resources=[self._database.idempotency.table_arn],
                )
            )
        if access.reports != "none":
            # Written out instead of bucket.grant_*, which adds List* and Abort* that no function needs.
            role.add_to_policy(
                iam.PolicyStatement(
                    actions=["s3:GetObject"] if access.reports == "read" else ["s3:PutObject"],
                    resources=[self._reports.bucket.arn_for_objects("reports/*")],
                )
            )
            NagSuppressions.add_resource_suppressions(
                role,
                [
                    {
                        "id": "AwsSolutions-IAM5",
                        "reason": "Reports are one object per year and format under reports/; the function "
                        "reads (or writes) only that prefix of the reports bucket, one action.",
                        "appliesTo": [{"regex": "/^Resource::<Reports.*\\.Arn>\\/reports\\/\\*$/g"}],
                    }
                ],
                apply_to_children=True,
            )
        if access.publishes_events:
            role.add_to_policy(
                iam.PolicyStatement(actions=["events:PutEvents"], resources=[self._event_bus.bus.event_bus_arn])
            )
        NagSuppressions.add_resource_suppressions(
            role,
            [
                {
                    "id": "AwsSolutions-IAM5",
                    "reason": "X-Ray's PutTraceSegments and PutTelemetryRecords support no resource-level "
                    "permissions; the AWS-managed AWSXRayDaemonWriteAccess uses '*' too.",
                    "appliesTo": ["Resource::*"],
                }
            ],
            apply_to_children=True,
        )
        return role
