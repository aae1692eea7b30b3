"""Shared data: the Records, Stats and Idempotency tables, built from ``services.common.data.tables``."""

from __future__ import annotations

from aws_cdk import RemovalPolicy
from aws_cdk import aws_dynamodb as dynamodb
from constructs import Construct

from services.common.data import tables
from services.common.data.tables import TableDefinition


def _attribute(name: str) -> dynamodb.Attribute:
    return dynamodb.Attribute(name=name, type=dynamodb.AttributeType.STRING)


class Database(Construct):
    """On-demand, point-in-time recovery, encrypted at rest, TTL where the definition has one."""

    def __init__(self, scope: Construct, construct_id: str, *, removal_policy: RemovalPolicy) -> None:
        super().__init__(scope, construct_id)
        protect = removal_policy == RemovalPolicy.RETAIN
        self.records = self._table(tables.RECORDS, removal_policy, protect)
        self.stats = self._table(tables.STATS, removal_policy, protect)
        self.idempotency = self._table(tables.IDEMPOTENCY, removal_policy, protect)

    def _table(self, definition: TableDefinition, removal: RemovalPolicy, protect: bool) -> dynamodb.TableV2:
        return dynamodb.TableV2(
            self,
            definition.logical_name,
            partition_key=_attribute(definition.partition_key),
            sort_key=_attribute(definition.sort_key) if definition.sort_key else None,
            billing=dynamodb.Billing.on_demand(),
            encryption=dynamodb.TableEncryptionV2.aws_managed_key(),
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
                point_in_time_recovery_enabled=True
            ),
            time_to_live_attribute=definition.ttl_attribute,
            deletion_protection=protect,
            removal_policy=removal,
            global_secondary_indexes=[
                dynamodb.GlobalSecondaryIndexPropsV2(
                    index_name=index.name,
                    partition_key=_attribute(index.partition_key),
                    sort_key=_attribute(index.sort_key),
                    projection_type=dynamodb.ProjectionType.ALL,
                )
                for index in definition.indexes
            ],
        )
