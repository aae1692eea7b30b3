"""Per-community, per-year tallies that a service keeps in the same transaction as its records.

    APPEALS#TALLY#2025 / cm_ninghe     {"submitted": 412, "resolved": 371, "meetings_held": 9, ...}

The figures each service keeps are a contract (``services.common.domain.contracts.tallies``).

They are the Records table's own count of what happened, exact because each is written atomically
with the record it counts. The yearly-metrics job reads them (one Query per service and year: 44 items
for Dali, however many records there are) and compares them with the statistics counters that arrive
through events, so a lost or doubled event shows up as drift instead of going unnoticed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

from services.common.config import get_settings
from services.common.data import dynamo
from services.common.domain.contracts.tallies import TallyFigures

F = TypeVar("F", bound=TallyFigures)

TALLY_MARK = "TALLY#"


def prefix_of(source: type[TallyFigures]) -> str:
    """The key prefix of the service whose tally this is: ``AppealsTally`` → ``APPEALS#``."""
    return f"{source.source.upper()}#"


def tally_key(service_prefix: str, year: int, community_id: str) -> dict[str, str]:
    return {"pk": f"{service_prefix}{TALLY_MARK}{year}", "sk": community_id}


def read_year(source: type[F], year: int) -> dict[str, F]:
    """Every community's tally of ``source`` for ``year``: ``{community_id: AppealsTally(...)}``."""
    items = dynamo.partition_items(get_settings().records_table, f"{prefix_of(source)}{TALLY_MARK}{year}")
    return {
        item["sk"]: source.model_validate({k: int(v) for k, v in item.items() if k not in ("pk", "sk")})
        for item in items
    }


@dataclass(frozen=True)
class Tally:
    """What one write adds to its community's tally: ``Tally(2025, "cm_ninghe", AppealsTally(submitted=1))``."""

    year: int
    community_id: str
    figures: TallyFigures

    def item(self, service_prefix: str | None = None) -> dynamo.TxItem:
        """The ``Update`` transaction item adding these figures to the tally, labelled ``"tally"``."""
        key = tally_key(service_prefix or prefix_of(type(self.figures)), self.year, self.community_id)
        return dynamo.TxItem("tally", dynamo.add_update(get_settings().records_table, key, self.figures.deltas()))
