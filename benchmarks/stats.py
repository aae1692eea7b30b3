"""Statistics budgets (issue 6), in-process against moto.

1. Consumer: DynamoDB write requests per 1,000 events at a batch of 100 (budget: at most 100), and
   events per second: end to end against moto, and of Canger's own code alone (parsing, counting,
   chunking) — moto copies a whole table for every transaction, which dominates the first number.
2. Live figures: DynamoDB reads of one request, with an empty year and with a busy one (budget: O(1)).
3. Yearly report: reads and time for a year of 1,000 and of 100,000 appeals (budget: reads grow
   with the number of communities, not records).

    .venv/bin/python benchmarks/stats.py [--events 1000] [--appeals 100000]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import offline

offline()

from moto import mock_aws  # noqa: E402

from benchmarks.scenarios import Context, event  # noqa: E402
from canger_local import resources  # noqa: E402
from services.common.config import get_settings  # noqa: E402
from services.common.data import aws, dynamo  # noqa: E402
from services.common.data.tally import tally_key  # noqa: E402
from services.common.domain.reference import directory  # noqa: E402
from services.common.observability import logger  # noqa: E402
from services.stats import consumer  # noqa: E402
from services.stats.dal.counters import Counted, _chunks, _counter_update, figures_key, summed  # noqa: E402
from services.stats.logic.counting import deltas_of  # noqa: E402
from testkit import synthetic  # noqa: E402
from testkit.calls import CallCounter  # noqa: E402

WRITES = ("TransactWriteItems", "PutItem", "UpdateItem", "BatchWriteItem", "DeleteItem")


def fresh() -> None:
    aws.reset_clients()
    get_settings.cache_clear()
    resources.create_all(get_settings())


def bench_consumer(count: int) -> bool:
    made = synthetic.events(count)
    synthetic.write_outbox(made)
    records = synthetic.sqs_records(made)
    with CallCounter(["dynamodb"]) as calls:
        started = time.perf_counter()
        for i in range(0, len(records), 100):
            consumer.handle_batch(records[i : i + 100])
        elapsed = time.perf_counter() - started
    writes = sum(n for op, n in calls.counts.items() if op.split(".")[1] in WRITES)
    # Our own code alone: parse, count, sum and cut into transactions, no AWS.
    started = time.perf_counter()
    for i in range(0, len(records), 100):
        parsed = [consumer.parse(r["body"]) for r in records[i : i + 100]]
        counted = [Counted(e.event_id, e.event_id, deltas_of(e)) for e in parsed]
        for chunk in _chunks(counted):
            [_counter_update(key, counts, "now") for key, counts in summed(chunk).items()]
    ours = time.perf_counter() - started
    ok = writes <= count / 10
    print(f"consumer, {count} events in batches of 100:")
    verdict = "ok" if ok else "OVER BUDGET"
    print(f"  DynamoDB write requests      {writes:>8}   ({writes * 1000 / count:.0f} per 1,000; budget 100) {verdict}")
    print(f"  end to end against moto      {count / elapsed:>8.0f} events/s  ({elapsed:.1f} s)")
    print(f"  Canger's code alone          {count / ours:>8.0f} events/s")
    return ok


def bench_live() -> bool:
    from services.stats.handler import lambda_handler

    reads = {}
    for label in ("busy year (counters above)", "empty year"):
        year = "2025" if label.startswith("busy") else "2031"
        with CallCounter(["dynamodb"]) as calls:
            lambda_handler(event("GET", f"/v1/stats/{year}", {}, query={"scope": "community:cm_ninghe"}), Context())
        reads[label] = sum(calls.counts.values())
    print("live figures, one request:")
    for label, n in reads.items():
        print(f"  {label:<28} {n:>8} DynamoDB read(s)")
    return max(reads.values()) == 1


def seed_year(appeals: int, year: int) -> None:
    """A year of ``appeals`` appeals as the services and the consumer would have left it: the appeal
    items (with their index keys), each community's tally, and the counters."""
    client, table = aws.client("dynamodb"), get_settings().records_table
    communities = list(directory().communities.values())
    per_community: Counter[str] = Counter()
    batch = []
    for n in range(appeals):
        c = communities[n % len(communities)]
        per_community[c.id] += 1
        sort = f"{year}-03-01T00:00:00.000Z#apl_{n:08d}"
        item = {
            "pk": f"APPEALS#APPEAL#apl_{n:08d}",
            "sk": "APPEAL",
            "community_id": c.id,
            "street_id": c.street_id,
            "status": "submitted",
            "category": "medical",
            "version": 1,
            "gsi1pk": f"APPEALS#COMMUNITY#{c.id}",
            "gsi1sk": sort,
            "gsi6pk": "APPEALS#CITY",
            "gsi6sk": sort,
        }
        batch.append({"PutRequest": {"Item": dynamo.marshal(item)}})
        if len(batch) == 25:
            client.batch_write_item(RequestItems={table: batch})
            batch = []
    if batch:
        client.batch_write_item(RequestItems={table: batch})
    for community_id, n in per_community.items():
        client.put_item(
            TableName=table, Item=dynamo.marshal({**tally_key("APPEALS#", year, community_id), "submitted": n})
        )
    scopes: Counter[tuple[str, str]] = Counter()
    for c in communities:
        for scope in ("city", f"street:{c.street_id}", f"community:{c.id}"):
            scopes[(scope, "appeals_submitted")] += per_community[c.id]
            scopes[(scope, "cat_medical")] += per_community[c.id]
    stats = get_settings().stats_table
    for (scope, name), n in scopes.items():
        client.update_item(
            TableName=stats,
            Key=dynamo.marshal(figures_key(year, scope)),
            UpdateExpression="ADD #n :n",
            ExpressionAttributeNames={"#n": name},
            ExpressionAttributeValues=dynamo.values({":n": n}),
        )


def bench_report(sizes: list[int]) -> bool:
    from services.stats.yearly import lambda_handler

    print("yearly report:")
    reads_seen = set()
    for n, size in enumerate(sizes):
        year = 2030 + n
        started = time.perf_counter()
        seed_year(size, year)
        seeding = time.perf_counter() - started
        with CallCounter(["dynamodb", "s3"]) as calls:
            started = time.perf_counter()
            result = lambda_handler({"year": year}, Context())
            elapsed = time.perf_counter() - started
        reads = sum(n for op, n in calls.counts.items() if op.startswith("dynamodb."))
        reads_seen.add(reads)
        drift = result["reports"][0]["drift"]
        print(
            f"  {size:>7,} appeals   {elapsed * 1000:8.0f} ms   {reads} DynamoDB reads, "
            f"{calls.counts.get('s3.PutObject', 0)} S3 writes, drift {drift}   (seeding took {seeding:.0f} s)"
        )
    return len(reads_seen) == 1


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--appeals", type=int, default=100_000)
    args = parser.parse_args()
    logger.registered_handler.setStream(open(os.devnull, "w"))  # noqa: SIM115 - for the whole run
    print(f"statistics, in-process against moto (python {sys.version.split()[0]})")
    with mock_aws(), contextlib.redirect_stderr(io.StringIO()):
        fresh()
        ok = bench_consumer(args.events)
        ok &= bench_live()
    with mock_aws():
        fresh()
        ok &= bench_report([1_000, args.appeals])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
