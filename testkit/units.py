"""Member units for tests of the services that refer to them, written in the layout ``member_units`` reads
(the complex service's item; its own API is not needed to make one)::

    unit_id = units.pair("宁河社区卫生服务中心", community_id="cm_ninghe")   # a paired unit
    units.leave(unit_id)                                                     # its pairing ends

``leave`` is the complex service's update in miniature: ``SET left_on`` only while it is absent, so a test
can race it against a writer's ``member_units.paired`` check.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from services.common.config import get_settings
from services.common.data import aws, dynamo, member_units
from services.common.domain.ids import new_id
from services.common.domain.reference import directory


def pair(
    name: str, *, community_id: str, kind: str = "institution", joined_on: str = "2025-01-01", client: Any = None
) -> str:
    """A new paired unit of ``community_id`` (its street from the directory); returns its id. ``client``: a
    DynamoDB client of another endpoint (a ``moto_server`` behind a local server), else Canger's own."""
    community = directory().community(community_id)
    street_id = community.street_id if community else "st_unknown"
    unit_id = new_id("mu")
    item: dict[str, Any] = {
        **member_units.unit_key(unit_id),
        "id": unit_id,
        "name": name,
        "kind": kind,
        "community_id": community_id,
        "street_id": street_id,
        "joined_on": joined_on,
        "version": 1,
    }
    (client or aws.client("dynamodb")).put_item(TableName=get_settings().records_table, Item=dynamo.marshal(item))
    return unit_id


def leave(unit_id: str, *, left_on: str = "2025-06-30", after_seconds: float = 0, client: Any = None) -> bool:
    """End the unit's pairing (after a pause, for races); False if it had left already (the condition failed)."""
    time.sleep(after_seconds)
    client = client or aws.client("dynamodb")
    try:
        client.update_item(
            TableName=get_settings().records_table,
            Key=dynamo.marshal(member_units.unit_key(unit_id)),
            UpdateExpression="SET left_on = :left",
            ConditionExpression="attribute_exists(pk) AND attribute_not_exists(left_on)",
            ExpressionAttributeValues=dynamo.values({":left": left_on}),
        )
    except client.exceptions.ConditionalCheckFailedException:
        return False
    return True


def race(*calls: Callable[[], Any]) -> list[Any]:
    """Run ``calls`` at the same moment, each in its own thread released by one barrier; their results in
    order (an exception in a call is re-raised here)::

        reply, left = units.race(lambda: api("POST", path, STAFF, body), lambda: units.leave(unit_id))
    """
    start = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)
    failures: list[BaseException] = []

    def run(n: int, call: Callable[[], Any]) -> None:
        start.wait()
        try:
            results[n] = call()
        except BaseException as failure:
            failures.append(failure)

    threads = [threading.Thread(target=run, args=(n, call)) for n, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise failures[0]
    return results
