"""Open311 read bounds (issue 16), in-process against moto: DynamoDB calls and items examined per search.

A busy window is loaded straight into the table (the appeal records and their index attributes, as
the appeals service writes them): ``--appeals`` over 89 days, spread over Dali's 44 communities,
13 categories and 5 statuses. Each search is then counted with botocore's hooks. The budget: no
Scan, and what a search reads is bounded by ``1,000 + communities × STREAM_PAGE`` items (one code) or
``EXAMINE_BUDGET`` items (the city index), whatever the table holds.

    .venv/bin/python benchmarks/open_data.py [--appeals 20000]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import random
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import offline

offline()

from moto import mock_aws  # noqa: E402

from canger_local import resources  # noqa: E402
from services.appeals.dal import open311 as dal  # noqa: E402
from services.appeals.dal import store  # noqa: E402
from services.appeals.logic import open311  # noqa: E402
from services.appeals.models.records import AppealRecord  # noqa: E402
from services.appeals.models.resources import Level, Status  # noqa: E402
from services.common.config import get_settings  # noqa: E402
from services.common.data import aws, dynamo  # noqa: E402
from services.common.domain import clock  # noqa: E402
from services.common.domain.reference import AppealCategory, directory  # noqa: E402
from services.common.observability import logger  # noqa: E402
from testkit.calls import CallCounter  # noqa: E402

NOW = datetime(2025, 6, 30, 4, 0, tzinfo=UTC)
SEARCHES = {
    "no filter": {},
    "one code": {"service_code": "medical"},
    "one code, open": {"service_code": "medical", "status": "open"},
    "status closed": {"status": "closed"},
    "two codes": {"service_code": "medical,employment"},
}


def load(count: int) -> None:
    rng = random.Random(16)
    communities = list(directory().communities.values())
    client, table = aws.client("dynamodb"), get_settings().records_table
    batch: list[dict] = []
    for n in range(count):
        community, status = rng.choice(communities), rng.choice(list(Status))
        record = AppealRecord(
            id=f"apl_{n:010d}",
            community_id=community.id,
            street_id=community.street_id,
            grid_id=None,
            category=rng.choice(list(AppealCategory)).value,
            title="路灯不亮",
            description="楼道的灯坏了一个月" * 10,
            channel="online",
            status=status,
            level=Level.COMMUNITY,
            submitted_by="bench",
            submitted_at=NOW - timedelta(seconds=rng.randint(0, 89 * 86_400)),
            closed_at=NOW if status is Status.CLOSED else None,
            version=1,
        )
        batch.append({"PutRequest": {"Item": dynamo.marshal(store._appeal_item(record))}})
        if len(batch) == 25:
            client.batch_write_item(RequestItems={table: batch})
            batch = []
    if batch:
        client.batch_write_item(RequestItems={table: batch})


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--appeals", type=int, default=20_000)
    args = parser.parse_args()
    logger.registered_handler.setStream(open(os.devnull, "w"))  # noqa: SIM115 - for the whole run
    communities = len(directory().communities)
    one_code_bound = open311.MAX_REQUESTS + communities * dal.STREAM_PAGE
    print(f"Open311 searches over {args.appeals:,} appeals in 89 days (python {sys.version.split()[0]})")
    ok = True
    with mock_aws(), contextlib.redirect_stderr(io.StringIO()):
        aws.reset_clients()
        get_settings.cache_clear()
        resources.create_all(get_settings())
        load(args.appeals)
        clock.utc_now = lambda: NOW  # the default window (the last 90 days) ends at the load's "now"
        # Items examined, as DynamoDB reports them (ScannedCount: read, whether or not a filter kept them).
        examined: list[int] = []
        aws.client("dynamodb").meta.events.register(
            "after-call.dynamodb.Query", lambda parsed, **_: examined.append(int(parsed.get("ScannedCount", 0)))
        )
        for label, query in SEARCHES.items():
            examined.clear()
            with CallCounter(["dynamodb"]) as calls:
                returned = len(open311.requests(**query))
            read = sum(examined)
            bound = one_code_bound if label == "one code" else dal.EXAMINE_BUDGET
            fine = "dynamodb.Scan" not in calls.counts and read <= bound
            ok &= fine
            queries = calls.counts.get("dynamodb.Query", 0)
            print(
                f"  {label:<16} {returned:>5} returned   {queries:>3} Queries   {read:>6} examined"
                f"   (bound {bound:,}) {'ok' if fine else 'OVER BUDGET'}"
            )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
