"""Under ``moto_guard``, a patched transaction is atomic to concurrent readers and writers.

The patched ``TransactWriteItems`` writes its items one after another and undoes them if one fails; the
guard is what keeps anyone else from seeing (or writing) in between. Writers move 40 counters together,
half of their transactions failing after all of them were written; a reader checks, all along, that
it never sees the counters apart.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from canger_local import moto_guard, moto_patches
from tests.http.conftest import free_port

TABLE = "guarded"
COUNTERS = [{"id": {"S": f"c{k}"}} for k in range(40)]  # many items: a long window between first and last


@pytest.fixture
def guarded_client() -> Iterator[Any]:
    from moto.server import ThreadedMotoServer

    moto_patches.apply()
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    client = boto3.client(
        "dynamodb",
        endpoint_url=f"http://127.0.0.1:{port}",
        region_name="us-east-1",
        config=Config(retries={"mode": "standard", "max_attempts": 1}, max_pool_connections=10),
    )
    moto_guard.serialize(client)
    client.create_table(
        TableName=TABLE,
        BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
    )
    for key in COUNTERS:
        client.put_item(TableName=TABLE, Item={**key, "n": {"N": "0"}})
    yield client
    server.stop()


def move_all(client: Any, fail: bool) -> bool:
    add = {"UpdateExpression": "ADD n :one", "ExpressionAttributeValues": {":one": {"N": "1"}}}
    items: list[dict[str, Any]] = [{"Update": {"TableName": TABLE, "Key": key, **add}} for key in COUNTERS]
    if fail:
        missing = {"TableName": TABLE, "Key": {"id": {"S": "none"}}, "ConditionExpression": "attribute_exists(id)"}
        items.append({"ConditionCheck": missing})
    try:
        client.transact_write_items(TransactItems=items)
        return True
    except ClientError as error:
        assert error.response["Error"]["Code"] == "TransactionCanceledException"
        return False


def values(client: Any) -> set[int]:
    """The distinct values of the counters: one value if they always move together."""
    got = client.batch_get_item(RequestItems={TABLE: {"Keys": COUNTERS, "ConsistentRead": True}})["Responses"][TABLE]
    assert len(got) == len(COUNTERS)
    return {int(item["n"]["N"]) for item in got}


def test_readers_never_see_part_of_a_transaction_under_the_guard(guarded_client):
    # Given three writers, half of whose transactions fail after writing every counter
    done = threading.Event()
    committed: list[bool] = []
    seen: list[set[int]] = []

    def write(offset: int) -> None:
        for i in range(40):
            committed.append(move_all(guarded_client, fail=(i + offset) % 2 == 0))

    def read() -> None:
        while not done.is_set():
            seen.append(values(guarded_client))

    writers = [threading.Thread(target=write, args=(k,)) for k in range(3)]
    reader = threading.Thread(target=read)
    reader.start()
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join()
    done.set()
    reader.join()
    # Then the reader never saw the counters apart, and they moved by exactly the committed transactions
    assert len(seen) > 10
    assert [found for found in seen if len(found) != 1] == []
    assert values(guarded_client) == {committed.count(True)} == {60}
