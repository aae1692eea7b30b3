"""The statistics counters in the Stats table, and the consumer's exactly-once way of adding to them.

    pk FIGURES#<year>   sk city | street:<id> | community:<id>   {counter: n, ..., updated_at}

One item per scope and year: live figures are one GetItem, a year's report one Query (city, 5
streets, 44 communities: 50 items, however many records). Beside them, the complex's items
(``services.stats.logic.counting`` names them; the keys are here)::

    pk PAIRINGS          sk <scope>     joined_<Y>, left_<Y>, joined_<Y>_<kind>, …, sites_<Y>_<kind>
    pk UNITS#<year>      sk <mu_id>     a member unit's figures of that year
    pk UNITS             sk <mu_id>     the unit registry: community_id, street_id, kind, joined_on, left_on

Live figures of a scope read its figures and its pairings in one BatchGetItem; every scope's, two
Queries; a year's units, two paged Queries (the year's figures and the registry).

``apply`` writes a batch as few transactions as DynamoDB's 100 items allow. Each holds, for every
event in it, the outbox item's "consumed" update (whose condition fails for an event applied before),
and one ``ADD`` per (year, scope) with the deltas of those events summed. A duplicate fails its
condition; the transaction is cancelled, the duplicates (named by their items' labels, "event:<id>")
are dropped, and the rest is written again. So an event is counted once, whatever happens.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from services.common.config import get_settings
from services.common.data import aws, dynamo, outbox
from services.common.domain import clock
from services.common.domain.clock import to_rfc3339

MAX_TRANSACTION_ITEMS = 100
RETRIES = 3
PAIRINGS = "PAIRINGS"
UNITS = "UNITS"
_BOOKKEEPING = ("pk", "sk", "updated_at")


@dataclass(frozen=True)
class Pairings:
    """A scope's pairings and sites, counted by year: one item for every year (see the module docstring)."""

    scope: str


@dataclass(frozen=True)
class UnitYear:
    """One member unit's own figures of one year."""

    year: int
    member_unit_id: str


@dataclass(frozen=True)
class Unit:
    """One member unit's registry entry: where it is paired, its kind and dates."""

    member_unit_id: str


Key = tuple[int, str] | Pairings | UnitYear | Unit  # (year, scope): the figures of a scope


def figures_key(year: int, scope: str) -> dict[str, str]:
    return {"pk": f"FIGURES#{year}", "sk": scope}


def key_of(key: Key) -> dict[str, str]:
    """The Stats table key of a counted item (``counting.Key``)."""
    match key:
        case Pairings(scope):
            return {"pk": PAIRINGS, "sk": scope}
        case UnitYear(year, member_unit_id):
            return {"pk": f"UNITS#{year}", "sk": member_unit_id}
        case Unit(member_unit_id):
            return {"pk": UNITS, "sk": member_unit_id}
        case (year, scope):
            return figures_key(year, scope)
    raise TypeError(f"not a counted item: {key!r}")


@dataclass
class Counted:
    """An event to apply: its id, the queue message it came in, and what it adds."""

    event_id: str
    message_id: str
    deltas: dict[Key, Counter[str]]
    facts: dict[Key, dict[str, str]] = field(default_factory=dict)

    def keys(self) -> set[Key]:
        return set(self.deltas) | set(self.facts)


@dataclass
class Outcome:
    applied: list[Counted] = field(default_factory=list)
    duplicates: list[Counted] = field(default_factory=list)
    failed: list[Counted] = field(default_factory=list)
    transactions: int = 0


def _chunks(events: Sequence[Counted]) -> Iterator[list[Counted]]:
    """Consecutive runs of events whose consumed-updates and counter items fit in one transaction."""
    chunk: list[Counted] = []
    keys: set[Key] = set()
    for event in events:
        new_keys = event.keys() - keys
        if chunk and len(chunk) + 1 + len(keys) + len(new_keys) > MAX_TRANSACTION_ITEMS:
            yield chunk
            chunk, keys = [], set()
            new_keys = event.keys()
        chunk.append(event)
        keys |= new_keys
    if chunk:
        yield chunk


def _counter_update(key: Key, counts: Counter[str], facts: dict[str, str], now: str) -> dict[str, Any]:
    return dynamo.add_update(get_settings().stats_table, key_of(key), counts, stamp=("updated_at", now), facts=facts)


def summed(events: Sequence[Counted]) -> dict[Key, Counter[str]]:
    """The deltas of many events added up per (year, scope): one counter update each."""
    total: dict[Key, Counter[str]] = {}
    for event in events:
        for key, counts in event.deltas.items():
            total.setdefault(key, Counter()).update(counts)
    return {key: counts for key, counts in total.items() if any(counts.values())}


def facts(events: Sequence[Counted]) -> dict[Key, dict[str, str]]:
    """The facts many events set, per item (the same on every event that carries them)."""
    total: dict[Key, dict[str, str]] = {}
    for event in events:
        for key, values in event.facts.items():
            total.setdefault(key, {}).update(values)
    return total


def _transaction(events: Sequence[Counted]) -> list[dynamo.TransactItem]:
    now = clock.utc_now()
    stamp = to_rfc3339(now)
    confirmations = [dynamo.TxItem(f"event:{e.event_id}", outbox.consumed_update(e.event_id, now=now)) for e in events]
    counts, known = summed(events), facts(events)
    updates = [
        _counter_update(key, counts.get(key, Counter()), known.get(key, {}), stamp) for key in {**counts, **known}
    ]
    return [*confirmations, *updates]


def apply(events: Sequence[Counted]) -> Outcome:
    from botocore.exceptions import BotoCoreError, ClientError

    outcome = Outcome()
    for chunk in _chunks(events):
        pending, errors = list(chunk), 0
        while pending:
            try:
                outcome.transactions += 1
                dynamo.transact_write(_transaction(pending))
                outcome.applied += pending
                pending = []
            except dynamo.WriteConflict as conflict:
                # Only consumed-updates carry conditions: each failure is an event counted before.
                seen = set(conflict.failed("event"))
                outcome.duplicates += [e for e in pending if e.event_id in seen]
                pending = [e for e in pending if e.event_id not in seen]
            except (ClientError, BotoCoreError):
                # Throttled, or cancelled for another reason: after a few tries the queue gets these
                # records back (reported as batch item failures) and delivers them again later.
                errors += 1
                if errors >= RETRIES:
                    outcome.failed += pending
                    pending = []
                else:
                    time.sleep(0.05 * 2**errors)
    return outcome


def counts(item: dict[str, Any]) -> dict[str, int]:
    """An item's counters, without its keys and bookkeeping."""
    return {k: int(v) for k, v in item.items() if k not in _BOOKKEEPING}


def read(year: int, scope: str) -> dict[str, int]:
    item = dynamo.get_item(get_settings().stats_table, figures_key(year, scope)) or {}
    return counts(item)


def read_with_pairings(year: int, scope: str) -> tuple[dict[str, int], dict[str, int]]:
    """A scope's counters for ``year`` and its pairings (every year): one BatchGetItem of two keys."""
    table = get_settings().stats_table
    items = dynamo.batch_get(table, [figures_key(year, scope), key_of(Pairings(scope))])
    found = {item["pk"]: counts(item) for item in items}
    return found.get(f"FIGURES#{year}", {}), found.get(PAIRINGS, {})


def read_year(year: int) -> dict[str, dict[str, int]]:
    """Every scope's counters for ``year``: ``{scope: {counter: n}}`` (one Query)."""
    items = dynamo.partition_items(get_settings().stats_table, f"FIGURES#{year}")
    return {i["sk"]: counts(i) for i in items}


def _partition(pk: str) -> list[dict[str, Any]]:
    """Every item of a partition, page after page (403 units fit in one page; more would still be read)."""
    client, table = aws.client("dynamodb"), get_settings().stats_table
    request: dict[str, Any] = {
        "TableName": table,
        "KeyConditionExpression": "pk = :pk",
        "ExpressionAttributeValues": {":pk": {"S": pk}},
    }
    items: list[dict[str, Any]] = []
    while True:
        response = client.query(**request)
        items += [dynamo.unmarshal(raw) for raw in response.get("Items", [])]
        if not response.get("LastEvaluatedKey"):
            return items
        request["ExclusiveStartKey"] = response["LastEvaluatedKey"]


def read_pairings() -> dict[str, dict[str, int]]:
    """Every scope's pairings: ``{scope: {"joined_2025": n, ...}}`` (one Query)."""
    return {i["sk"]: counts(i) for i in _partition(PAIRINGS)}


def unit_year_key(year: int, member_unit_id: str) -> dict[str, str]:
    return key_of(UnitYear(year, member_unit_id))


@dataclass(frozen=True)
class UnitEntry:
    """A member unit as the statistics know it from its MemberUnitJoined/Left events."""

    member_unit_id: str
    community_id: str
    street_id: str
    kind: str
    joined_on: str
    left_on: str | None


def read_units(year: int) -> tuple[dict[str, UnitEntry], dict[str, dict[str, int]]]:
    """The unit registry and the year's figures of every unit: two paged Queries."""
    registry = {
        i["sk"]: UnitEntry(
            member_unit_id=i["sk"],
            community_id=str(i["community_id"]),
            street_id=str(i["street_id"]),
            kind=str(i["kind"]),
            joined_on=str(i["joined_on"]),
            left_on=str(i["left_on"]) if i.get("left_on") else None,
        )
        for i in _partition(UNITS)
    }
    return registry, {i["sk"]: counts(i) for i in _partition(f"UNITS#{year}")}
