"""What one request costs: AWS calls by operation, and in-process latency against bare boto3.

For each scenario the real Lambda handler runs against moto (in-process) while every AWS call it makes
is recorded; the same calls, with the same parameters, are then replayed with bare boto3 against an
identical, empty set of resources in another region. ``ratio`` = median handler time / median replay
time: what Canger's code (routing, validation, models, logging, idempotency bookkeeping) adds on top
of the AWS calls it cannot avoid.

    .venv/bin/python benchmarks/request_cost.py [--runs 50] [--service appeals]

Budgets (issues 3-5), checked here and exit 1 when broken: a GET makes at most 1 DynamoDB read; an
action at most 1 read, 1 TransactWriteItems, the idempotency record's writes and 1 PutEvents.
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import os
import statistics
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import offline

offline()

from botocore import xform_name  # noqa: E402
from moto import mock_aws  # noqa: E402

from benchmarks import scenarios  # noqa: E402
from canger_local import resources  # noqa: E402
from services.common.config import get_settings  # noqa: E402
from services.common.data import aws, tables  # noqa: E402
from services.common.domain.reference import ServiceField  # noqa: E402
from services.common.observability import logger  # noqa: E402

REPLAY_REGION = "us-west-2"
READS = {"GetItem", "Query", "BatchGetItem"}


@dataclass
class Recorder:
    """Captures (service, operation, params) of every call the handler's clients make."""

    calls: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)

    def _capture(self, params: dict[str, Any], model: Any, **_: Any) -> None:
        self.calls.append((model.service_model.endpoint_prefix, model.name, copy.deepcopy(params)))

    def attach(self) -> None:
        for service in ("dynamodb", "events"):
            aws.client(service).meta.events.register("before-parameter-build", self._capture, unique_id="bench-rec")

    def detach(self) -> None:
        for service in ("dynamodb", "events"):
            aws.client(service).meta.events.unregister("before-parameter-build", unique_id="bench-rec")


def _replay_clients() -> dict[str, Any]:
    import boto3

    session = boto3.session.Session(region_name=REPLAY_REGION)
    clients = {"dynamodb": session.client("dynamodb"), "events": session.client("events")}
    settings = get_settings()
    for definition, name in (
        (tables.RECORDS, settings.records_table),
        (tables.STATS, settings.stats_table),
        (tables.IDEMPOTENCY, settings.idempotency_table),
    ):
        clients["dynamodb"].create_table(**definition.create_table_kwargs(name))
    clients["events"].create_event_bus(Name=settings.event_bus)
    return clients


def _replay(clients: dict[str, Any], calls: list[tuple[str, str, dict[str, Any]]]) -> float:
    started = time.perf_counter()
    for service, operation, params in calls:
        client = clients[service]
        method = getattr(client, xform_name(operation))
        with contextlib.suppress(client.exceptions.ClientError):
            method(**params)
    return time.perf_counter() - started


def _budget_problems(name: str, counts: Counter[str]) -> list[str]:
    reads = sum(n for op, n in counts.items() if op.split(".")[1] in READS and "idempotency" not in op)
    problems = []
    if "/matches" in name:
        # Matching: the community's demands (1 GetItem), its street's units (1 Query per page of 500), and two
        # small Queries per demanded service field for the city's offers (either side of the street's own key
        # range): O(units of the street), never a Scan.
        if counts.get("dynamodb.Scan", 0) or reads > 2 + 2 * len(ServiceField):
            problems.append(f"{name}: {reads} DynamoDB reads (budget 2 + two per demanded field, no Scan)")
    elif name.startswith("GET") and reads > 1:
        problems.append(f"{name}: {reads} DynamoDB reads (budget 1)")
    if name.startswith("POST /v1/appeals") and "{id}" not in name and counts.get("dynamodb.Query", 0) > 1:
        problems.append(f"{name}: {counts['dynamodb.Query']} Queries (budget: one, the duplicate hints)")
    if name.startswith(("POST", "PATCH")):
        if counts.get("dynamodb.TransactWriteItems", 0) > 1:
            problems.append(f"{name}: more than one transaction")
        if counts.get("events.PutEvents", 0) > 1:
            problems.append(f"{name}: more than one PutEvents")
    return problems


def run(scenario: scenarios.Scenario, runs: int, replay_clients: dict[str, Any]) -> tuple[Counter, float, float]:
    recorder = Recorder()
    recorder.attach()
    ours, bare = [], []
    counts: Counter[str] = Counter()
    for n in range(runs):
        recorder.calls.clear()
        request = scenario.prepare(n)
        setup = list(recorder.calls)
        recorder.calls.clear()
        started = time.perf_counter()
        status = scenario.invoke(request)
        ours.append(time.perf_counter() - started)
        if status != scenario.expected_status:
            raise RuntimeError(f"{scenario.name}: status {status}, expected {scenario.expected_status}")
        mine = list(recorder.calls)
        if n == runs - 1:
            # A warm function instance's calls: the appeal settings are read once a minute per instance
            # (services.appeals.logic.settings), not on every request.
            counts = Counter(f"{service}.{operation}" for service, operation, _ in mine)
        _replay(replay_clients, setup)  # untimed: the replay region gets the same state first
        bare.append(_replay(replay_clients, mine))
    recorder.detach()
    return counts, statistics.median(ours), statistics.median(bare)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--service", default=None, help="only this service's scenarios")
    args = parser.parse_args()
    failures: list[str] = []
    print(f"request cost, in-process against moto, median of {args.runs} runs (python {sys.version.split()[0]})")
    print(f"  {'scenario':<44} {'ours':>8} {'bare':>8} {'ratio':>6}  AWS calls")
    # The handlers log as in Lambda (JSON, INFO), into nothing: the cost stays, the noise goes.
    logger.registered_handler.setStream(open(os.devnull, "w"))  # noqa: SIM115 - for the whole run
    for scenario in scenarios.all_scenarios(args.service):
        # Fresh tables for each scenario: moto copies a whole table for every transaction, so a table
        # grown by earlier scenarios would make later ones look slower than they are.
        with mock_aws():
            aws.reset_clients()
            get_settings.cache_clear()
            resources.create_all(get_settings())
            scenarios.reset()
            replay_clients = _replay_clients()
            counts, ours, bare = run(scenario, args.runs, replay_clients)
        calls = ", ".join(f"{op} {n}" for op, n in sorted(counts.items()))
        print(f"  {scenario.name:<44} {ours * 1000:6.2f}ms {bare * 1000:6.2f}ms {ours / bare:5.2f}x  {calls}")
        failures += _budget_problems(scenario.name, counts)
    for failure in failures:
        print(f"OVER BUDGET: {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
