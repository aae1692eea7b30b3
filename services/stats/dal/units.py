"""Member units as the complex's records hold them: their names for the yearly report's units table, and
whether one exists for its figures.

The complex service owns the items (``services.common.data.member_units``: pk ``COMPLEX#UNIT#<id>``,
sk ``UNIT``); the yearly-metrics job only reads them (``references`` in the catalog), 100 keys a
BatchGetItem: 403 units cost 5 requests, however many records the year has.
"""

from __future__ import annotations

from collections.abc import Iterable

from services.common.config import get_settings
from services.common.data import dynamo, member_units
from services.stats.dal import counters


def with_year(year: int, member_unit_id: str) -> tuple[member_units.UnitRef | None, dict[str, int]]:
    """The unit (None if the complex never had it) and its figures of ``year``: one BatchGetItem, two tables."""
    settings = get_settings()
    found = dynamo.batch_get_across(
        {
            settings.records_table: [member_units.unit_key(member_unit_id)],
            settings.stats_table: [counters.unit_year_key(year, member_unit_id)],
        }
    )
    units = found[settings.records_table]
    figures = found[settings.stats_table]
    return (
        member_units.from_item(units[0]) if units else None,
        counters.counts(figures[0]) if figures else {},
    )


def names(member_unit_ids: Iterable[str]) -> dict[str, member_units.UnitRef]:
    """The units with these ids that exist, by id."""
    items = dynamo.batch_get(
        get_settings().records_table,
        [member_units.unit_key(i) for i in member_unit_ids],
        projection="pk, #name, kind, community_id, street_id, left_on",
        names={"#name": "name"},
    )
    return {ref.id: ref for ref in map(member_units.from_item, items)}
