"""Reads for the 360Giving export: a year's funding lines and the projects they belong to.

Both are key reads, never a Scan: the year's funding lines are one index partition
(``gsi4 PROJECTS#FUNDING#<year>``, written with each line by ``store.add_funding``), read page by page;
their projects are BatchGetItem calls of up to 100 keys. Reads grow with what the export holds (one
grant per line), not with the table.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from services.common.config import get_settings
from services.common.data import aws, dynamo
from services.projects.dal.store import funding_year_partition, project_key

BATCH_KEYS = 100


@dataclass(frozen=True)
class FundingLine:
    id: str
    project_id: str
    source: str
    amount: int  # fen
    received_on: dt.date
    member_unit_id: str | None = None  # the giving unit (source member_unit), and its name when recorded
    member_unit_name: str | None = None


@dataclass(frozen=True)
class ProjectFacts:
    """What a grant says about its project: no lead, no free-text description, no money totals."""

    id: str
    community_id: str
    street_id: str
    kind: str
    title: str


def funding_of_year(year: int) -> list[FundingLine]:
    """Every funding line received in ``year`` (calendar dates), in date order."""
    client = aws.client("dynamodb")
    request: dict[str, Any] = {
        "TableName": get_settings().records_table,
        "IndexName": "gsi4",
        "KeyConditionExpression": "gsi4pk = :pk",
        # A ledger record's "date" is the day the money was received; the donor is not read.
        "ProjectionExpression": "id, project_id, #source, amount, #date, member_unit_id, member_unit_name",
        "ExpressionAttributeNames": {"#source": "source", "#date": "date"},
        "ExpressionAttributeValues": dynamo.values({":pk": funding_year_partition(year)}),
    }
    lines: list[FundingLine] = []
    while True:
        response = client.query(**request)
        for raw in response.get("Items", []):
            item = dynamo.unmarshal(raw)
            lines.append(
                FundingLine(
                    id=item["id"],
                    project_id=item["project_id"],
                    source=item["source"],
                    amount=int(item["amount"]),
                    received_on=dt.date.fromisoformat(item["date"]),
                    member_unit_id=item.get("member_unit_id"),
                    member_unit_name=item.get("member_unit_name"),
                )
            )
        if "LastEvaluatedKey" not in response:
            return lines
        request["ExclusiveStartKey"] = response["LastEvaluatedKey"]


def projects(project_ids: Iterable[str]) -> dict[str, ProjectFacts]:
    """The projects with these ids, by id: BatchGetItem, 100 keys a call, unprocessed keys asked again."""
    keys = [project_key(i) for i in project_ids]
    items = dynamo.batch_get(get_settings().records_table, keys, projection="id, community_id, street_id, kind, title")
    fields = ProjectFacts.__dataclass_fields__
    return {item["id"]: ProjectFacts(**{name: item[name] for name in fields}) for item in items}
