"""A community's open appeals by category (需求清单), as the appeals service keeps them for the complex's matching.

    APPEALS#DEMAND#<community_id> / OPEN     {"cat_medical": 3, "cat_elderly_care": 1, ...}

The appeals service adds +1 when an appeal enters an open status (submitted, assigned, escalated) and −1 when
it leaves one, in the same transaction as the appeal (``services.appeals.dal.store``), so the counts are exact
whatever the concurrency. The complex service reads the item (one GetItem per community) to know a community's
demands without reading its appeals; neither service imports the other, both import this module.
"""

from __future__ import annotations

from collections.abc import Mapping

from services.common.config import get_settings
from services.common.data import dynamo

PREFIX = "APPEALS#DEMAND#"
SK = "OPEN"
COUNT_PREFIX = "cat_"


def demand_key(community_id: str) -> dict[str, str]:
    return {"pk": f"{PREFIX}{community_id}", "sk": SK}


def adjust(community_id: str, deltas: Mapping[str, int]) -> dynamo.TxItem:
    """An ``Update`` adding ``{category: ±n}`` to the community's open counts, labelled ``demand:<community>``.

    One item per community per transaction: the caller sums its changes first (DynamoDB refuses two
    operations on one item in a transaction)."""
    counts = {f"{COUNT_PREFIX}{category}": delta for category, delta in deltas.items() if delta}
    return dynamo.TxItem(
        f"demand:{community_id}", dynamo.add_update(get_settings().records_table, demand_key(community_id), counts)
    )


def open_by_category(community_id: str) -> dict[str, int]:
    """``{category: open appeals}`` of one community, categories with none left out: one GetItem."""
    item = dynamo.get_item(get_settings().records_table, demand_key(community_id)) or {}
    return {
        name.removeprefix(COUNT_PREFIX): int(value)
        for name, value in item.items()
        if name.startswith(COUNT_PREFIX) and int(value) > 0
    }
