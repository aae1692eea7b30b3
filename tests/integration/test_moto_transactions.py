"""``canger_local.moto_patches`` against moto as it ships: the same answers, the same tables, no copies kept.

One corpus of transactions (successes; every kind of failure; ADD/SET/REMOVE updates; conditions on
missing items; ``ReturnValuesOnConditionCheckFailure``) runs step by step against unpatched and patched
moto. After every step the two must agree on the answer (or the error, its message and cancellation
reasons), on every item of both tables, and on a set of queries (table and index, both directions,
paged, filtered), which is what checks the patched Query and its index map.
"""

from __future__ import annotations

import importlib.metadata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws
from moto.dynamodb.models.dynamo_type import Item
from moto.dynamodb.models.table import Table

from canger_local import moto_patches

MAIN, SIMPLE = "main", "simple"
BIG = "x" * 410_000  # beyond DynamoDB's 400 KB item size


def s(value: str) -> dict[str, str]:
    return {"S": value}


def n(value: int) -> dict[str, str]:
    return {"N": str(value)}


def key(pk: str, sk: str) -> dict[str, Any]:
    return {"pk": s(pk), "sk": s(sk)}


def put(item: dict[str, Any], table: str = MAIN, **extra: Any) -> dict[str, Any]:
    return {"Put": {"TableName": table, "Item": item, **extra}}


def update(k: dict[str, Any], expression: str, values: dict | None = None, **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"TableName": extra.pop("table", MAIN), "Key": k, "UpdateExpression": expression}
    if values:
        body["ExpressionAttributeValues"] = values
    return {"Update": {**body, **extra}}


def delete(k: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"Delete": {"TableName": extra.pop("table", MAIN), "Key": k, **extra}}


def check(k: dict[str, Any], condition: str, **extra: Any) -> dict[str, Any]:
    return {
        "ConditionCheck": {"TableName": extra.pop("table", MAIN), "Key": k, "ConditionExpression": condition, **extra}
    }


def row(pk: str, sk: str, **attrs: Any) -> dict[str, Any]:
    return {**key(pk, sk), **attrs}


LOG = "SET #l = list_append(if_not_exists(#l, :empty), :more) ADD #c :one"
LOG_NAMES: dict[str, Any] = {"ExpressionAttributeNames": {"#l": "log", "#c": "count"}}

# Each step is a list of TransactItems; the state carries over from step to step.
CORPUS: list[tuple[str, list[dict[str, Any]]]] = [
    (
        "seed: puts in two partitions and two index partitions, a hash-only table",
        [
            put(row("a", "1", gsi_pk=s("red"), gsi_sk=s("2025-01"), n=n(1))),
            put(row("a", "2", gsi_pk=s("red"), gsi_sk=s("2025-02"), n=n(2), tags={"SS": ["x"]})),
            put(row("a", "3", gsi_pk=s("blue"), gsi_sk=s("2025-01"), n=n(3))),
            put(row("b", "1", gsi_pk=s("red"), gsi_sk=s("2025-03"), n=n(4), gone=s("soon"))),
            put({"id": s("one"), "n": n(1)}, table=SIMPLE),
        ],
    ),
    (
        "success: SET/ADD/REMOVE, a delete, a passing condition check, a new item by update",
        [
            update(
                key("a", "1"),
                "SET title = :t, n = n + :one ADD tags :x",
                {":t": s("hi"), ":one": n(1), ":x": {"SS": ["y"]}},
            ),
            update(key("b", "1"), "REMOVE gone SET gsi_pk = :blue", {":blue": s("blue")}),
            delete(key("a", "3")),
            check(key("a", "2"), "attribute_exists(pk)"),
            update(
                key("c", "1"),
                "SET gsi_pk = :red, gsi_sk = :m, n = if_not_exists(n, :zero) + :one",
                {":red": s("red"), ":m": s("2025-04"), ":zero": n(0), ":one": n(1)},
            ),
            update({"id": s("one")}, "ADD n :five", {":five": n(5)}, table=SIMPLE),
        ],
    ),
    (
        "success: one update expression for two items (the patch parses it once), list_append, names",
        [
            update(key("a", "1"), LOG, {":empty": {"L": []}, ":more": {"L": [s("x")]}, ":one": n(1)}, **LOG_NAMES),
            update(
                key("a", "2"), LOG, {":empty": {"L": []}, ":more": {"L": [s("y"), s("z")]}, ":one": n(2)}, **LOG_NAMES
            ),
        ],
    ),
    (
        "one condition text with two values (the patch parses each pair once): the second item fails",
        [
            check(key("b", "1"), "gsi_pk = :c", ExpressionAttributeValues={":c": s("blue")}),
            check(key("b", "1"), "gsi_pk = :c", ExpressionAttributeValues={":c": s("red")}),
        ],
    ),
    (
        "success: the same expression again, now that the list is there",
        [update(key("a", "1"), LOG, {":empty": {"L": []}, ":more": {"L": [s("w")]}, ":one": n(3)}, **LOG_NAMES)],
    ),
    (
        "a put's condition fails: reasons in item order, None for the others, nothing written",
        [
            put(row("d", "1", gsi_pk=s("red"), gsi_sk=s("2025-05"))),
            put(row("a", "1", n=n(99)), ConditionExpression="attribute_not_exists(pk)"),
            update(key("a", "2"), "SET gsi_pk = :blue", {":blue": s("blue")}),
        ],
    ),
    (
        "a condition check fails with ALL_OLD: the current item comes back in its reason",
        [
            update(key("a", "2"), "SET n = :z", {":z": n(0)}),
            check(
                key("a", "1"),
                "n = :wrong",
                ExpressionAttributeValues={":wrong": n(7)},
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            ),
        ],
    ),
    (
        "conditions on a missing item: attribute_exists fails (ALL_OLD has nothing to return), not_exists passes",
        [
            update(key("zz", "1"), "SET v = :v", {":v": s("v")}, ConditionExpression="attribute_not_exists(pk)"),
            update(
                key("zz", "2"),
                "SET v = :v",
                {":v": s("v")},
                ConditionExpression="attribute_exists(pk)",
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            ),
        ],
    ),
    (
        "several failures: each named at its own position",
        [
            delete(
                key("a", "1"),
                ConditionExpression="attribute_not_exists(pk)",
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            ),
            put(row("e", "1", gsi_pk=s("red"), gsi_sk=s("2025-06"))),
            check(key("b", "1"), "gsi_pk = :red", ExpressionAttributeValues={":red": s("red")}),
        ],
    ),
    (
        "an update that moves an item to another index partition, then a failure: it moves back",
        [
            update(key("a", "1"), "SET gsi_pk = :green", {":green": s("green")}),
            update(key("c", "1"), "REMOVE gsi_pk"),
            check(key("nope", "1"), "attribute_exists(pk)"),
        ],
    ),
    (
        "item too large on a put after a successful item: a validation error, the first item undone",
        [
            update(key("a", "2"), "SET n = :n", {":n": n(42)}),
            put(row("f", "1", blob=s(BIG))),
        ],
    ),
    (
        "an update makes an item too large: a validation error, nothing written",
        [
            put(row("g", "1", gsi_pk=s("red"), gsi_sk=s("2025-07"))),
            update(key("a", "2"), "SET payload = :b", {":b": s(BIG)}),
        ],
    ),
    (
        "the same item twice in one transaction: a validation error, nothing written",
        [
            update(key("a", "2"), "SET n = :n", {":n": n(7)}),
            put(row("a", "2", n=n(8))),
        ],
    ),
    (
        "ADD of a number to a string: a validation error after an applied item, which is undone",
        [
            put(row("h", "1", gsi_pk=s("blue"), gsi_sk=s("2025-08"))),
            update(key("a", "1"), "ADD title :one", {":one": n(1)}),
        ],
    ),
    (
        "a key of the wrong type: a validation error",
        [
            put(row("i", "1")),
            put({"pk": n(1), "sk": s("1")}),
        ],
    ),
    (
        "an item in a table that does not exist: that item's reason, the others undone",
        [
            put(row("j", "1", gsi_pk=s("red"), gsi_sk=s("2025-09"))),
            check({"id": s("x")}, "attribute_exists(id)", table="no-such-table"),
        ],
    ),
    (
        "two operations in one item, first in the request: a validation error",
        [
            {**put(row("k", "1")), **delete(key("a", "1"))},
            put(row("k", "2")),
        ],
    ),
    (
        "101 items: a validation error",
        [put(row("many", str(i))) for i in range(101)],
    ),
    (
        "100 items: fine",
        [put(row("many", f"{i:03d}", gsi_pk=s("many"), gsi_sk=s(f"{i:03d}"))) for i in range(100)],
    ),
    (
        "deletes, including of an item that is not there, and of a whole partition",
        [delete(key("many", f"{i:03d}")) for i in range(0, 100, 2)]
        + [delete(key("never", "1")), delete(key("b", "1"))],
    ),
]


def queries(client: Any) -> Callable[[], list[Any]]:
    """What the tables look like through Query: every shape Canger uses, and paging."""

    def run() -> list[Any]:
        shown: list[Any] = []
        asks: list[dict[str, Any]] = [
            {"KeyConditionExpression": "pk = :p", "ExpressionAttributeValues": {":p": s("a")}},
            {
                "KeyConditionExpression": "pk = :p",
                "ExpressionAttributeValues": {":p": s("many")},
                "ScanIndexForward": False,
            },
            {
                "IndexName": "by_colour",
                "KeyConditionExpression": "gsi_pk = :c",
                "ExpressionAttributeValues": {":c": s("red")},
            },
            {
                "IndexName": "by_colour",
                "KeyConditionExpression": "gsi_pk = :c",
                "ExpressionAttributeValues": {":c": s("blue")},
            },
            {
                "IndexName": "by_colour",
                "KeyConditionExpression": "gsi_pk = :c",
                "ExpressionAttributeValues": {":c": s("green")},
            },
            {
                "IndexName": "by_colour",
                "KeyConditionExpression": "gsi_pk = :c AND begins_with(gsi_sk, :y)",
                "ExpressionAttributeValues": {":c": s("red"), ":y": s("2025-0")},
                "ScanIndexForward": False,
                "FilterExpression": "attribute_exists(n)",
            },
        ]
        for ask in asks:
            start: dict | None = None
            pages = 0
            while True:
                page = client.query(TableName=MAIN, Limit=7, **ask, **({"ExclusiveStartKey": start} if start else {}))
                shown.append((page["Items"], page.get("LastEvaluatedKey"), page["Count"]))
                start, pages = page.get("LastEvaluatedKey"), pages + 1
                if not start or pages > 30:
                    break
        return shown

    return run


def contents(client: Any) -> dict[str, list[Any]]:
    return {
        name: sorted(client.scan(TableName=name)["Items"], key=lambda item: repr(sorted(item.items())))
        for name in (MAIN, SIMPLE)
    }


def outcome(client: Any, items: list[dict[str, Any]]) -> Any:
    try:
        answer = client.transact_write_items(TransactItems=items)
        return ("ok", {k: v for k, v in answer.items() if k != "ResponseMetadata"})
    except ClientError as error:
        return ("error", error.response["Error"], error.response.get("CancellationReasons"))


@contextmanager
def tables() -> Iterator[Any]:
    with mock_aws():
        client = boto3.client("dynamodb", region_name="us-east-1")
        client.create_table(
            TableName=MAIN,
            BillingMode="PAY_PER_REQUEST",
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
            AttributeDefinitions=[
                {"AttributeName": name, "AttributeType": "S"} for name in ("pk", "sk", "gsi_pk", "gsi_sk")
            ],
            GlobalSecondaryIndexes=[
                {
                    "IndexName": "by_colour",
                    "KeySchema": [
                        {"AttributeName": "gsi_pk", "KeyType": "HASH"},
                        {"AttributeName": "gsi_sk", "KeyType": "RANGE"},
                    ],
                    "Projection": {"ProjectionType": "ALL"},
                }
            ],
        )
        client.create_table(
            TableName=SIMPLE,
            BillingMode="PAY_PER_REQUEST",
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        )
        yield client


def run_corpus() -> list[Any]:
    """Every step's answer, the tables after it, and the queries after it."""
    seen = []
    with tables() as client:
        look = queries(client)
        look()  # build the patched index maps before the writes, so they are kept up, not rebuilt
        for label, items in CORPUS:
            seen.append((label, outcome(client, items), contents(client), look()))
    return seen


@pytest.fixture(autouse=True)
def patch_state() -> Iterator[None]:
    """Each test decides itself; whatever the rest of the suite had stays as it was."""
    with moto_patches.unpatched():
        yield


def test_patched_moto_answers_and_stores_exactly_what_moto_does():
    # Given the corpus run against moto as it ships
    expected = run_corpus()
    # When it runs against the patched moto
    moto_patches.apply()
    actual = run_corpus()
    # Then every step agrees: answer or error, reasons, tables, queries
    assert [step[0] for step in actual] == [label for label, _ in CORPUS]
    for want, got in zip(expected, actual, strict=True):
        assert want == got, want[0]


def test_the_corpus_covers_every_kind_of_answer():
    # A guard on the corpus itself: the comparison above means something only if these all happen.
    moto_patches.apply()
    answers = [step[1] for step in run_corpus()]
    codes = {a[1]["Code"] for a in answers if a[0] == "error"}
    reasons = {r["Code"] for a in answers if a[0] == "error" and a[2] for r in a[2]}
    assert codes == {"TransactionCanceledException", "ValidationException"}
    assert {"None", "ConditionalCheckFailed", "ResourceNotFoundException"} <= reasons
    assert any("Item" in r for a in answers if a[0] == "error" and a[2] for r in a[2])
    assert sum(a[0] == "ok" for a in answers) == 6


def test_a_second_operation_in_a_later_item_undoes_the_items_before_it():
    # moto writes the first item and then raises, leaving it; DynamoDB (and the patch) writes nothing.
    moto_patches.apply()
    with tables() as client:
        answer = outcome(client, [put(row("p", "1")), {**put(row("p", "2")), **delete(key("p", "3"))}])
        assert answer[1]["Code"] == "ValidationException"
        assert client.scan(TableName=MAIN)["Items"] == []


def test_transactions_copy_no_table_and_keep_no_item():
    # Given the patched moto and a table with some items
    moto_patches.apply()
    with tables() as client:
        for i in range(50):
            client.put_item(TableName=MAIN, Item=row("seed", str(i), gsi_pk=s("red"), gsi_sk=s(str(i))))
        tracked = (len(Table.instances_tracked), len(Item.instances_tracked))  # type: ignore[attr-defined]
        # When transactions succeed and fail, and queries copy their results
        for i in range(30):
            outcome(client, [update(key("seed", str(i)), "ADD n :one", {":one": n(1)}), put(row("new", str(i)))])
            outcome(client, [put(row("x", str(i))), check(key("none", "1"), "attribute_exists(pk)")])
            client.query(
                TableName=MAIN,
                IndexName="by_colour",
                KeyConditionExpression="gsi_pk = :c",
                ExpressionAttributeValues={":c": s("red")},
            )
        # Then moto's instance tracker holds no new table (no copies) and no new item
        assert (len(Table.instances_tracked), len(Item.instances_tracked)) == tracked  # type: ignore[attr-defined]


def test_unpatched_moto_keeps_a_table_copy_per_item_of_every_transaction():
    # What the patch is for: if moto stops doing this, the patch may be dropped (see the module docstring).
    with tables() as client:
        before = len(Table.instances_tracked)  # type: ignore[attr-defined]
        for i in range(5):
            outcome(client, [put(row("x", str(i))), put(row("y", str(i)))])
        assert len(Table.instances_tracked) - before == 5 * 2  # type: ignore[attr-defined]


def test_the_patch_is_rechecked_when_moto_changes():
    installed = importlib.metadata.version("moto")
    assert installed == moto_patches.PATCHED_MOTO, (
        f"moto is now {installed}; canger_local/moto_patches.py was written against {moto_patches.PATCHED_MOTO}. "
        "Re-read moto's DynamoDBBackend.transact_write_items and Table.query: if they no longer copy tables or "
        "walk the whole table, drop the patch; otherwise re-target it and update PATCHED_MOTO."
    )
