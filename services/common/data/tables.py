"""Key schemas of Canger's DynamoDB tables, defined once.

The CDK stack (``infra_cdk.constructs.data``), the local server's moto set-up and the tests all build
their tables from these definitions, so a key or index that code relies on cannot be missing in one place.

Records table layout: every item's ``pk`` and every GSI partition key starts with its owner's prefix
(``APPEALS#``, ``VOLUNTEERS#``, ``PROJECTS#``, ``OUTBOX#``), which is what lets IAM limit each function
to its own items with ``dynamodb:LeadingKeys``. The GSIs are generic (``gsi1pk``/``gsi1sk`` …): each
service decides what a listing stores there (for example ``APPEALS#COMMUNITY#<id>`` / ``<submitted_at>#<id>``).
The sparse ``outbox`` index holds only events not yet confirmed by their consumer. The sparse ``deadline``
index holds an open appeal only while it has a deadline nobody has found missed yet, keyed by that
deadline, so the deadline job reads what is due and nothing else (API.md, "Deadlines, supervision and
merging"). CloudFormation adds one GSI per stack update: add a new index in a deployment of its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Index:
    name: str
    partition_key: str
    sort_key: str


@dataclass(frozen=True)
class TableDefinition:
    logical_name: str
    partition_key: str
    sort_key: str | None = None
    indexes: tuple[Index, ...] = field(default=())
    ttl_attribute: str | None = None

    def attribute_names(self) -> list[str]:
        names = [self.partition_key] + ([self.sort_key] if self.sort_key else [])
        for index in self.indexes:
            names += [index.partition_key, index.sort_key]
        return list(dict.fromkeys(names))

    def create_table_kwargs(self, table_name: str) -> dict[str, Any]:
        """Arguments for boto3 ``create_table`` (moto, or a plain DynamoDB endpoint)."""
        key_schema = [{"AttributeName": self.partition_key, "KeyType": "HASH"}]
        if self.sort_key:
            key_schema.append({"AttributeName": self.sort_key, "KeyType": "RANGE"})
        kwargs: dict[str, Any] = {
            "TableName": table_name,
            "BillingMode": "PAY_PER_REQUEST",
            "KeySchema": key_schema,
            "AttributeDefinitions": [{"AttributeName": name, "AttributeType": "S"} for name in self.attribute_names()],
        }
        if self.indexes:
            kwargs["GlobalSecondaryIndexes"] = [
                {
                    "IndexName": index.name,
                    "KeySchema": [
                        {"AttributeName": index.partition_key, "KeyType": "HASH"},
                        {"AttributeName": index.sort_key, "KeyType": "RANGE"},
                    ],
                    "Projection": {"ProjectionType": "ALL"},
                }
                for index in self.indexes
            ]
        return kwargs


RECORDS = TableDefinition(
    logical_name="Records",
    partition_key="pk",
    sort_key="sk",
    indexes=(
        Index("gsi1", "gsi1pk", "gsi1sk"),
        Index("gsi2", "gsi2pk", "gsi2sk"),
        Index("gsi3", "gsi3pk", "gsi3sk"),
        Index("gsi4", "gsi4pk", "gsi4sk"),
        Index("gsi5", "gsi5pk", "gsi5sk"),
        Index("gsi6", "gsi6pk", "gsi6sk"),
        Index("outbox", "outbox_pk", "outbox_sk"),
        Index("deadline", "deadline_pk", "deadline_sk"),
    ),
    ttl_attribute="expires_at",
)

STATS = TableDefinition(logical_name="Stats", partition_key="pk", sort_key="sk", ttl_attribute="expires_at")

# Powertools Idempotency's default attribute names.
IDEMPOTENCY = TableDefinition(logical_name="Idempotency", partition_key="id", ttl_attribute="expiration")

ALL = (RECORDS, STATS, IDEMPOTENCY)
