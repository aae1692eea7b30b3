"""Member units as other services meet them: read one, and check one is paired, inside a transaction.

The complex service owns member units (``services/complex``); appeals, volunteers and projects only refer
to them (API.md, "The complex": ``assign`` with ``member_unit_id``, activities and projects with
``member_unit_ids``, funding from source ``member_unit``). They never import the complex service: the key
and the condition a reference must meet are written once, here::

    unit  pk COMPLEX#UNIT#<mu_id>   sk UNIT   name, kind, community_id, street_id, left_on (absent while paired)

A write that names a unit carries ``paired(unit_id)`` in its own ``TransactWriteItems``. DynamoDB
serializes that check with the complex service's ``left_on`` update, so a unit leaving at the same moment
either makes the write fail (422 naming the field) or leaves after it: never a write that refers to a unit
which had already left. The check is labelled ``member_unit:<id>`` (``WriteConflict.failed("member_unit")``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from services.common.config import get_settings
from services.common.data import dynamo

PREFIX = "COMPLEX#UNIT#"
UNIT_SK = "UNIT"
LABEL = "member_unit"


def unit_key(member_unit_id: str) -> dict[str, str]:
    return {"pk": f"{PREFIX}{member_unit_id}", "sk": UNIT_SK}


@dataclass(frozen=True)
class UnitRef:
    """What another service may know of a unit: enough to name it and to count by it."""

    id: str
    name: str
    kind: str
    community_id: str
    street_id: str
    paired: bool


def from_item(item: dict[str, Any]) -> UnitRef:
    """A unit item (at least pk, name, kind, community_id, street_id and left_on if set) as a ``UnitRef``."""
    return UnitRef(
        id=str(item["pk"]).removeprefix(PREFIX),
        name=str(item["name"]),
        kind=str(item["kind"]),
        community_id=str(item["community_id"]),
        street_id=str(item["street_id"]),
        paired=item.get("left_on") is None,
    )


def get(member_unit_id: str, *, consistent: bool = False) -> UnitRef | None:
    item = dynamo.get_item(get_settings().records_table, unit_key(member_unit_id), consistent=consistent)
    return from_item(item) if item else None


def paired(member_unit_id: str) -> dynamo.TxItem:
    """A ``ConditionCheck``: the unit exists and its pairing has not ended. Labelled ``member_unit:<id>``."""
    return dynamo.TxItem(
        f"{LABEL}:{member_unit_id}",
        {
            "ConditionCheck": {
                "TableName": get_settings().records_table,
                "Key": dynamo.marshal(unit_key(member_unit_id)),
                "ConditionExpression": "attribute_exists(pk) AND attribute_not_exists(left_on)",
            }
        },
    )
