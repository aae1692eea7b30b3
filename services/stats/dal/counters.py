"""The statistics counters in the Stats table, and the consumer's exactly-once way of adding to them.

    pk FIGURES#<year>   sk city | street:<id> | community:<id>   {counter: n, ..., updated_at}

One item per scope and year: live figures are one GetItem, a year's report one Query (city, 5
streets, 44 communities: 50 items, however many records).

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
from services.common.data import dynamo, outbox
from services.common.domain import clock
from services.common.domain.clock import to_rfc3339

MAX_TRANSACTION_ITEMS = 100
RETRIES = 3

Key = tuple[int, str]  # (year, scope)


def figures_key(year: int, scope: str) -> dict[str, str]:
    return {"pk": f"FIGURES#{year}", "sk": scope}


@dataclass
class Counted:
    """An event to apply: its id, the queue message it came in, and what it adds."""

    event_id: str
    message_id: str
    deltas: dict[Key, Counter[str]]


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
        new_keys = set(event.deltas) - keys
        if chunk and len(chunk) + 1 + len(keys) + len(new_keys) > MAX_TRANSACTION_ITEMS:
            yield chunk
            chunk, keys = [], set()
            new_keys = set(event.deltas)
        chunk.append(event)
        keys |= new_keys
    if chunk:
        yield chunk


def _counter_update(key: Key, counts: Counter[str], now: str) -> dict[str, Any]:
    return dynamo.add_update(get_settings().stats_table, figures_key(*key), counts, stamp=("updated_at", now))


def summed(events: Sequence[Counted]) -> dict[Key, Counter[str]]:
    """The deltas of many events added up per (year, scope): one counter update each."""
    total: dict[Key, Counter[str]] = {}
    for event in events:
        for key, counts in event.deltas.items():
            total.setdefault(key, Counter()).update(counts)
    return {key: counts for key, counts in total.items() if any(counts.values())}


def _transaction(events: Sequence[Counted]) -> list[dynamo.TransactItem]:
    now = clock.utc_now()
    stamp = to_rfc3339(now)
    confirmations = [dynamo.TxItem(f"event:{e.event_id}", outbox.consumed_update(e.event_id, now=now)) for e in events]
    return [*confirmations, *(_counter_update(key, counts, stamp) for key, counts in summed(events).items())]


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


def read(year: int, scope: str) -> dict[str, int]:
    item = dynamo.get_item(get_settings().stats_table, figures_key(year, scope)) or {}
    return {k: int(v) for k, v in item.items() if k not in ("pk", "sk", "updated_at")}


def read_year(year: int) -> dict[str, dict[str, int]]:
    """Every scope's counters for ``year``: ``{scope: {counter: n}}`` (one Query)."""
    items = dynamo.partition_items(get_settings().stats_table, f"FIGURES#{year}")
    return {i["sk"]: {k: int(v) for k, v in i.items() if k not in ("pk", "sk", "updated_at")} for i in items}
