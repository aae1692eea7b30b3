"""EventBridge Scheduler schedules for the functions that have one in ``services.catalog``."""

from __future__ import annotations

from aws_cdk import Stack, TimeZone
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_scheduler as scheduler
from aws_cdk import aws_scheduler_targets as targets
from cdk_nag import NagSuppressions
from constructs import Construct

from services import catalog


class Schedules(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, functions: dict[str, lambda_.Function]) -> None:
        super().__init__(scope, construct_id)
        for spec in catalog.scheduled_functions():
            scheduler.Schedule(
                self,
                spec.schedule.name,
                description=spec.description,
                schedule=scheduler.ScheduleExpression.expression(
                    spec.schedule.expression, TimeZone.of(spec.schedule.timezone)
                ),
                target=targets.LambdaInvoke(
                    functions[spec.name],
                    input=scheduler.ScheduleTargetInput.from_object({"schedule": spec.schedule.name}),
                    retry_attempts=2,
                ),
            )
        # The target role CDK creates may invoke the function's versions and aliases ("<arn>:*").
        NagSuppressions.add_stack_suppressions(
            Stack.of(self),
            [
                {
                    "id": "AwsSolutions-IAM5",
                    "reason": "EventBridge Scheduler's target role may invoke only its own function; the ':*' "
                    "suffix covers that function's versions and aliases, nothing else.",
                    "appliesTo": [{"regex": "/^Resource::<Functions.*\\.Arn>:\\*$/g"}],
                }
            ],
        )
