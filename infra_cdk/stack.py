"""The Canger stack: it only composes constructs; stage differences arrive as keyword arguments."""

from __future__ import annotations

from collections.abc import Mapping

from aws_cdk import CfnOutput, RemovalPolicy, Stack
from aws_cdk import aws_logs as logs
from cdk_nag import NagSuppressions
from constructs import Construct

from infra_cdk.constructs.api import HttpApi
from infra_cdk.constructs.dashboard import Dashboard
from infra_cdk.constructs.data import Database
from infra_cdk.constructs.functions import ServiceFunctions
from infra_cdk.constructs.messaging import EventBus
from infra_cdk.constructs.reports import ReportsBucket
from infra_cdk.constructs.schedules import Schedules
from infra_cdk.constructs.users import UserDirectory


class CangerStack(Stack):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        allowed_origins: list[str],
        report_timezone: str = "Asia/Shanghai",
        removal_policy: RemovalPolicy = RemovalPolicy.RETAIN,
        log_retention: logs.RetentionDays = logs.RetentionDays.SIX_MONTHS,
        rate_limit: int = 200,
        burst_limit: int = 400,
        event_archive_days: int = 400,
        skip_layer_build: bool = False,
        sdk_tracing: bool = False,
        open_data_prefixes: Mapping[str, str] | None = None,
        **kwargs,
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)
        database = Database(self, "Data", removal_policy=removal_policy)
        event_bus = EventBus(self, "Events", archive_days=event_archive_days)
        users = UserDirectory(self, "Users", removal_policy=removal_policy)
        reports = ReportsBucket(self, "Reports", removal_policy=removal_policy)
        functions = ServiceFunctions(
            self,
            "Functions",
            database=database,
            event_bus=event_bus,
            reports=reports,
            report_timezone=report_timezone,
            log_retention=log_retention,
            removal_policy=removal_policy,
            skip_layer_build=skip_layer_build,
            sdk_tracing=sdk_tracing,
            # 360Giving identifier prefixes ({"grant": …, "recipient": …, "funder": …}); README, "Open data".
            open_data_prefixes=open_data_prefixes or {},
        )
        dashboard = Dashboard(self, "Dashboard", removal_policy=removal_policy)
        api = HttpApi(
            self,
            "Http",
            functions=functions.by_name,
            users=users,
            allowed_origins=[*allowed_origins, dashboard.origin],  # the dashboard calls the public API
            rate_limit=rate_limit,
            burst_limit=burst_limit,
            log_retention=log_retention,
        )
        Schedules(self, "Schedules", functions=functions.by_name)
        dashboard.publish(api_url=api.url)

        CfnOutput(self, "ApiUrl", value=api.url)
        CfnOutput(self, "UserPoolId", value=users.pool.user_pool_id)
        CfnOutput(self, "UserPoolClientId", value=users.client.user_pool_client_id)
        CfnOutput(self, "EventBusName", value=event_bus.bus.event_bus_name)
        CfnOutput(self, "ReportsBucketName", value=reports.bucket.bucket_name)
        CfnOutput(self, "DashboardUrl", value=dashboard.url)
        NagSuppressions.add_stack_suppressions(
            self,
            [
                {
                    "id": "AwsSolutions-L1",
                    "reason": "Functions pin python3.13, the newest runtime that aws-lambda-powertools and "
                    "the arm64 wheels of pydantic-core are released and tested for; moving is a deliberate change.",
                },
            ],
        )
