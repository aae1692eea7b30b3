"""The deadline job's budget (issue 13), in-process against moto: it reads O(appeals due), not O(appeals).

20,000 open appeals of one city, 100 of them past their respond_by: the job runs once (flags the 100),
then again (finds nothing). Reported: DynamoDB calls by operation, the items the reads returned, and
the time. Budget: the items read are the due appeals (plus the settings partition's), whatever the
number of open appeals; a second run writes nothing.

    .venv/bin/python benchmarks/deadlines.py [--open 20000] [--due 100]

Two things moto does that DynamoDB does not, and what this benchmark does about them:

- moto evaluates a Query by walking the whole index in-process, so its time grows with the table where
  DynamoDB's does not (a key-condition Query reads only the matching range). The item counts are what
  DynamoDB would read and bill; the time is an upper bound.
- moto snapshots every table a transaction touches (a deep copy, kept alive) so it can roll back: 100
  transactions on a table of 20,000 appeals take minutes and 14 GB. Here the snapshot is skipped: no
  transaction of this benchmark is cancelled (checked: ``stale == 0``), so no rollback is ever needed.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import offline

offline()

from moto import mock_aws  # noqa: E402

from canger_local import resources  # noqa: E402
from services.appeals.dal import store  # noqa: E402
from services.appeals.logic import deadlines, settings  # noqa: E402
from services.appeals.models.records import AppealRecord  # noqa: E402
from services.appeals.models.resources import Level, Status  # noqa: E402
from services.common.config import get_settings  # noqa: E402
from services.common.data import aws, dynamo  # noqa: E402
from services.common.domain.clock import set_now  # noqa: E402
from services.common.domain.ids import new_id  # noqa: E402
from services.common.domain.reference import directory  # noqa: E402
from services.common.observability import logger  # noqa: E402

NOW = datetime.fromisoformat("2025-10-10T09:00:00+08:00")
EARLY = datetime.fromisoformat("2025-09-30T10:00:00+08:00")  # respond_by Oct 9: due at NOW
RECENT = datetime.fromisoformat("2025-10-10T08:00:00+08:00")  # respond_by Oct 11: not yet


class ReadMeter:
    """DynamoDB calls by operation, and how many items the reads returned (what DynamoDB bills)."""

    def __init__(self) -> None:
        self.calls: Counter[str] = Counter()
        self.items = 0

    def _before(self, model, **_) -> None:  # type: ignore[no-untyped-def]
        self.calls[model.name] += 1

    def _after(self, http_response, parsed, model, **_) -> None:  # type: ignore[no-untyped-def]
        if model.name in ("Query", "GetItem", "BatchGetItem"):
            self.items += parsed.get("Count", 1 if parsed.get("Item") else 0)

    def __enter__(self) -> ReadMeter:
        events = aws.client("dynamodb").meta.events
        events.register("before-call.dynamodb", self._before, unique_id="meter-before")
        events.register("after-call.dynamodb", self._after, unique_id="meter-after")
        return self

    def __exit__(self, *_: object) -> None:
        events = aws.client("dynamodb").meta.events
        events.unregister("before-call.dynamodb", unique_id="meter-before")
        events.unregister("after-call.dynamodb", unique_id="meter-after")


def without_transaction_snapshots() -> None:
    """moto's TransactWriteItems deep-copies each table it touches first; return the table itself instead."""
    import copy

    from moto.dynamodb import models
    from moto.dynamodb.models.table import Table

    class _Copy:
        @staticmethod
        def deepcopy(value: object, memo: dict | None = None) -> object:
            return value if isinstance(value, Table) else copy.deepcopy(value, memo)

    models.copy = _Copy  # type: ignore[attr-defined]


def seed(open_count: int, due: int) -> None:
    """Open appeals written straight through the data layer's item mapping (the API would take minutes)."""
    current = settings.current()
    communities = list(directory().communities.values())
    client, table = aws.client("dynamodb"), get_settings().records_table
    batch: list[dict] = []
    for n in range(open_count):
        community = communities[n % len(communities)]
        submitted = (EARLY if n < due else RECENT) + timedelta(seconds=n % 3600)
        appeal = AppealRecord(
            id=new_id("apl"),
            community_id=community.id,
            street_id=community.street_id,
            grid_id=None,
            category="public_facilities",
            title="路灯不亮",
            description="晚上很黑",
            channel="online",
            status=Status.SUBMITTED,
            level=Level.COMMUNITY,
            submitted_by=f"resident-{n}",
            submitted_at=submitted,
            respond_by=deadlines.respond_by(submitted, current),
            awaiting_response=True,
            version=1,
        )
        batch.append({"PutRequest": {"Item": dynamo.marshal(store._appeal_item(appeal))}})
        if len(batch) == 25:
            client.batch_write_item(RequestItems={table: batch})
            batch = []
    if batch:
        client.batch_write_item(RequestItems={table: batch})


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--open", type=int, default=20_000)
    parser.add_argument("--due", type=int, default=100)
    args = parser.parse_args()
    logger.registered_handler.setStream(open(os.devnull, "w"))  # noqa: SIM115 - for the whole run
    from services.appeals.logic import overdue

    without_transaction_snapshots()
    with mock_aws():
        aws.reset_clients()
        get_settings.cache_clear()
        resources.create_all(get_settings())
        settings.forget()
        started = time.perf_counter()
        seed(args.open, args.due)
        seeded = time.perf_counter() - started
        set_now(NOW)
        settings.forget()  # a cold job instance: it reads the policy too
        runs = []
        for _ in range(2):
            with ReadMeter() as meter:
                started = time.perf_counter()
                result = overdue.sweep()
                runs.append((result, meter, time.perf_counter() - started))
        set_now(None)
    print(f"deadline job, {args.open:,} open appeals of which {args.due} due (seeded in {seeded:.1f} s)")
    print(f"  {'run':<8} {'due':>5} {'flagged':>8} {'items read':>11} {'time':>9}  DynamoDB calls")
    failures = []
    for n, (result, meter, seconds) in enumerate(runs, 1):
        calls = ", ".join(f"{op} {k}" for op, k in sorted(meter.calls.items()))
        print(f"  {n:<8} {result.due:>5} {result.overdue:>8} {meter.items:>11} {seconds * 1000:7.0f}ms  {calls}")
    first, second = runs[0], runs[1]
    if first[0].overdue != args.due or first[0].stale:
        failures.append(f"first run flagged {first[0].overdue}, expected {args.due}")
    if first[1].items > args.due + 1:  # the due appeals, and the policy item at most
        failures.append(f"first run read {first[1].items} items for {args.due} due")
    if second[0].overdue or second[1].calls.get("TransactWriteItems"):
        failures.append("a second run changed something")
    for failure in failures:
        print(f"OVER BUDGET: {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
