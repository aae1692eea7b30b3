"""Per-community, per-year tallies that a service keeps in the same transaction as its records.

    APPEALS#TALLY#2025 / cm_ninghe     {"submitted": 412, "resolved": 371, "meetings_held": 9, ...}

They are the Records table's own count of what happened, exact because each is written atomically
with the record it counts. The yearly-metrics job reads them (one Query per service and year: 44 items
for Dali, however many records there are) and compares them with the statistics counters that arrive
through events, so a lost or doubled event shows up as drift instead of going unnoticed.
"""

from __future__ import annotations

from typing import Any

from services.common.config import get_settings
from services.common.data import dynamo

TALLY_MARK = "TALLY#"


def tally_key(service_prefix: str, year: int, community_id: str) -> dict[str, str]:
    return {"pk": f"{service_prefix}{TALLY_MARK}{year}", "sk": community_id}


def read_year(service_prefix: str, year: int) -> dict[str, dict[str, int]]:
    """Every community's tally of ``service_prefix`` for ``year``: ``{community_id: {figure: n}}``."""
    page = dynamo.query_page(
        get_settings().records_table,
        index=None,
        partition_key="pk",
        partition_value=f"{service_prefix}{TALLY_MARK}{year}",
        limit=10_000,
        newest_first=False,
    )
    return {item["sk"]: {k: int(v) for k, v in item.items() if k not in ("pk", "sk")} for item in page.items}


class Tally:
    """What one write adds to its community's tally: ``Tally(2025, "cm_ninghe", submitted=1)``."""

    def __init__(self, year: int, community_id: str, **deltas: int) -> None:
        self.year = year
        self.community_id = community_id
        self.deltas = deltas

    def item(self, service_prefix: str) -> dict[str, Any]:
        """The ``Update`` transaction item adding these deltas to the tally."""
        key = tally_key(service_prefix, self.year, self.community_id)
        return dynamo.add_update(get_settings().records_table, key, self.deltas)
