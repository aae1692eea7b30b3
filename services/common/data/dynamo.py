"""Low-level DynamoDB access shared by every service's data-access layer.

Items cross this module as plain dicts of Python values (``str``, ``int``, ``bool``, ``None``,
``list``, ``dict``, ``Decimal``); floats are refused by the serializer on purpose, so money and hours
can never drift. Each service's ``dal`` maps its models to such dicts explicitly.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import random
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, Generic, TypeVar

from services.common.data import aws
from services.common.domain.errors import Conflict, FieldError, InvalidInput

T = TypeVar("T")


@cache
def _serdes() -> tuple[Any, Any]:
    # boto3 is imported on first use, not with the handler module: the cold-start budget (issue 2)
    # leaves no room for a 75 ms import that a request which never reaches DynamoDB does not need.
    from boto3.dynamodb.types import TypeDeserializer, TypeSerializer

    return TypeSerializer(), TypeDeserializer()


def marshal(item: Mapping[str, Any]) -> dict[str, Any]:
    """Python values → DynamoDB attribute values. ``None`` values are left out, not stored as NULL."""
    serializer = _serdes()[0]
    return {key: serializer.serialize(value) for key, value in item.items() if value is not None}


def unmarshal(item: Mapping[str, Any]) -> dict[str, Any]:
    deserializer = _serdes()[1]
    return {key: deserializer.deserialize(value) for key, value in item.items()}


def values(mapping: Mapping[str, Any]) -> dict[str, Any]:
    """Marshal ``ExpressionAttributeValues``: ``values({":v": 3})``."""
    serializer = _serdes()[0]
    return {key: serializer.serialize(value) for key, value in mapping.items()}


class WriteConflict(Conflict):
    """A conditional write or transaction was refused.

    ``reasons`` has one code per transaction item (``"ConditionalCheckFailed"``, ``"None"`` …) and
    ``labels`` the items' labels (``TxItem``); a data-access layer asks by label which condition failed::

        except dynamo.WriteConflict as conflict:
            if conflict.failed("meeting"):          # the item labelled "meeting" or "meeting:<id>"
                raise InvalidInput.field("meeting_id", "…") from None
    """

    def __init__(
        self,
        reasons: Sequence[str],
        labels: Sequence[str] = (),
        detail: str = "The record changed; reload it and try again.",
    ) -> None:
        super().__init__(detail)
        self.reasons = list(reasons)
        self.labels = list(labels) or [""] * len(self.reasons)

    def invalid_references(self, kind: str, field: str, ids: Sequence[str], message: str) -> InvalidInput | None:
        """``InvalidInput`` naming ``field[n]`` for each of ``ids`` whose ``kind`` check failed, or ``None``::

        invalid = conflict.invalid_references("team", "team_ids", volunteer.team_ids, "No team …")
        """
        wrong = set(self.failed(kind))
        errors = [FieldError(f"{field}[{n}]", message) for n, ref in enumerate(ids) if ref in wrong]
        return InvalidInput(errors) if errors else None

    def failed(self, kind: str) -> list[str]:
        """The ids (``"team:<id>"`` → ``<id>``; ``""`` for a bare ``"appeal"``) of ``kind``'s items whose
        condition failed, in transaction order. Empty if none did."""
        return [
            label.partition(":")[2]
            for label, reason in zip(self.labels, self.reasons, strict=False)
            if reason == "ConditionalCheckFailed" and label.partition(":")[0] == kind
        ]


@dataclass(frozen=True)
class TxItem:
    """One ``TransactWriteItems`` item with the label a cancellation is reported by: ``"appeal"``,
    ``"meeting:mtg_…"``, ``"team:team_…"``. The label never reaches DynamoDB."""

    label: str
    request: Mapping[str, Any]


# An unlabelled item is still accepted (tests, one-item transactions); it reports as label "".
TransactItem = TxItem | Mapping[str, Any]


def put(table: str, item: Mapping[str, Any], condition: str, condition_values: Mapping[str, Any] | None = None) -> dict:
    """A ``Put`` transaction item: ``put(table, item, "attribute_not_exists(pk)")``."""
    request: dict[str, Any] = {"TableName": table, "Item": marshal(item), "ConditionExpression": condition}
    if condition_values:
        request["ExpressionAttributeValues"] = values(condition_values)
    return {"Put": request}


def update(
    table: str,
    key: Mapping[str, Any],
    expression: str,
    expression_values: Mapping[str, Any],
    *,
    condition: str | None = None,
    names: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """An ``Update`` transaction item: ``update(table, key, "ADD member_count :one", {":one": 1},
    condition="attribute_exists(pk)")``. Values are marshalled here; ``names`` only when given."""
    request: dict[str, Any] = {
        "TableName": table,
        "Key": marshal(key),
        "UpdateExpression": expression,
        "ExpressionAttributeValues": values(expression_values),
    }
    if condition:
        request["ConditionExpression"] = condition
    if names:
        request["ExpressionAttributeNames"] = dict(names)
    return {"Update": request}


def in_community(table: str, key: Mapping[str, Any], community_id: str) -> dict:
    """A ``ConditionCheck`` transaction item: the item at ``key`` exists and belongs to ``community_id``.

    How a write checks a reference (an appeal discussed at a meeting, a volunteer's team) without
    reading it first: the check fails the whole transaction, and its label (``TxItem``) says which
    reference was wrong.
    """
    return {
        "ConditionCheck": {
            "TableName": table,
            "Key": marshal(key),
            "ConditionExpression": "attribute_exists(pk) AND community_id = :cid",
            "ExpressionAttributeValues": values({":cid": community_id}),
        }
    }


def add_update(
    table: str,
    key: Mapping[str, Any],
    counts: Mapping[str, int],
    *,
    stamp: tuple[str, str] | None = None,
    facts: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """An ``Update`` transaction item adding ``counts`` to the item at ``key`` (created if absent).

    ``stamp=("updated_at", "2025-…Z")`` also sets that attribute, and ``facts`` sets those (values
    that are the same whoever writes them: ``{"kind": "agency"}``). Counter names go through
    placeholders, so any name works (``cat_medical``, ``status``…).
    """
    names = {f"#c{n}": name for n, name in enumerate(counts)}
    expression_values: dict[str, Any] = {f":c{n}": int(value) for n, value in enumerate(counts.values())}
    sets = dict(facts or {})
    if stamp:
        sets[stamp[0]] = stamp[1]
    for n, (name, value) in enumerate(sets.items()):
        names[f"#s{n}"], expression_values[f":s{n}"] = name, value
    clauses = []
    if sets:
        clauses.append("SET " + ", ".join(f"#s{n} = :s{n}" for n in range(len(sets))))
    if counts:
        clauses.append("ADD " + ", ".join(f"#c{n} :c{n}" for n in range(len(counts))))
    return update(table, key, " ".join(clauses), expression_values, names=names)


def year_range(bounds: tuple[str, str] | None) -> tuple[str, str] | None:
    """Sort-key bounds for ``<time>#<id>`` keys within a year (``years.year_bounds``), or None for all."""
    return (bounds[0], bounds[1] + "#~") if bounds else None


CONFLICT_ATTEMPTS = 5


def transact_write(transact_items: Sequence[TransactItem]) -> None:
    """One ``TransactWriteItems``; a failed condition becomes ``WriteConflict``, naming items by label.

    A transaction cancelled because another one was writing the same item at that moment
    (``TransactionConflict``, e.g. two requests adding to one community's tally) is retried after a
    short random pause: it is nobody's fault and succeeds on a later try. botocore keeps the same
    ``ClientRequestToken`` across its own retries, so a retried request is not applied twice.
    """
    from botocore.exceptions import ClientError

    labels = [item.label if isinstance(item, TxItem) else "" for item in transact_items]
    requests = [dict(item.request) if isinstance(item, TxItem) else dict(item) for item in transact_items]
    for attempt in range(CONFLICT_ATTEMPTS):
        try:
            aws.client("dynamodb").transact_write_items(TransactItems=requests)
            return
        except ClientError as error:
            if error.response["Error"]["Code"] != "TransactionCanceledException":
                raise
            reasons = [reason.get("Code", "None") for reason in error.response.get("CancellationReasons", [])]
            if "ConditionalCheckFailed" in reasons:
                raise WriteConflict(reasons, labels) from error
            if "TransactionConflict" not in reasons or attempt == CONFLICT_ATTEMPTS - 1:
                raise
            time.sleep(random.uniform(0.01, 0.05) * 2**attempt)  # noqa: S311 - jitter, not security


def put_item(table: str, item: Mapping[str, Any]) -> None:
    """An unconditional ``PutItem``: for items only one writer replaces whole (configuration)."""
    aws.client("dynamodb").put_item(TableName=table, Item=marshal(item))


BATCH_KEYS = 100  # BatchGetItem's limit per request


def _batch_drain(request: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """One BatchGetItem, then the keys DynamoDB did not get to (throttling, 16 MB) asked again, as its API says."""
    found: dict[str, list[dict[str, Any]]] = {}
    while request:
        response = aws.client("dynamodb").batch_get_item(RequestItems=request)
        for table, items in response.get("Responses", {}).items():
            found.setdefault(table, []).extend(unmarshal(item) for item in items)
        request = response.get("UnprocessedKeys") or {}
    return found


def batch_get(
    table: str,
    keys: Sequence[Mapping[str, Any]],
    *,
    projection: str | None = None,
    names: Mapping[str, str] | None = None,
) -> list[dict[str, Any]]:
    """The items at ``keys`` that exist, in no particular order: 100 keys a BatchGetItem, repeats asked once::

    batch_get(table, [{"pk": "APPEALS#APPEAL#apl_…", "sk": "APPEAL"}, …], projection="id, title")
    """
    unique = list({json.dumps(dict(key), sort_keys=True): key for key in keys}.values())
    found: list[dict[str, Any]] = []
    for offset in range(0, len(unique), BATCH_KEYS):
        request: dict[str, Any] = {"Keys": [marshal(key) for key in unique[offset : offset + BATCH_KEYS]]}
        if projection:
            request["ProjectionExpression"] = projection
        if names:
            request["ExpressionAttributeNames"] = dict(names)
        found += _batch_drain({table: request}).get(table, [])
    return found


def batch_get_across(keys: Mapping[str, Sequence[Mapping[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    """Items of several tables in one BatchGetItem (at most 100 keys in all): ``{table: [item, …]}``."""
    if sum(len(table_keys) for table_keys in keys.values()) > BATCH_KEYS:
        raise ValueError(f"batch_get_across reads at most {BATCH_KEYS} keys; use batch_get per table")
    request = {table: {"Keys": [marshal(key) for key in wanted]} for table, wanted in keys.items() if wanted}
    found = _batch_drain(request) if request else {}
    return {table: found.get(table, []) for table in keys}


def get_item(table: str, key: Mapping[str, Any], *, consistent: bool = False) -> dict[str, Any] | None:
    response = aws.client("dynamodb").get_item(TableName=table, Key=marshal(key), ConsistentRead=consistent)
    item = response.get("Item")
    return unmarshal(item) if item else None


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a listing: the items (raw dicts here; a ``dal`` maps them to its models) and the cursor."""

    items: list[T]
    next_cursor: str | None


# A cursor is the page's last key, MAC'd with the listing it came from:
#     base64url(json(key)) "." base64url(HMAC-SHA256(settings.cursor_key, listing + "\n" + payload))
# so a cursor that this listing did not issue (forged, edited, or from another listing, scope or
# filter) is a 422 before it reaches DynamoDB, which would otherwise answer a ValidationException (500).
_CURSOR_INVALID = "The cursor is not one this listing returned."


def _cursor_mac(listing: str, payload: str) -> str:
    from services.common.config import get_settings

    key = get_settings().cursor_key.encode()
    digest = hmac.new(key, f"{listing}\n{payload}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def encode_cursor(last_evaluated_key: Mapping[str, Any] | None, *, listing: str) -> str | None:
    """The opaque cursor for the page after ``last_evaluated_key``, valid only for ``listing``."""
    if not last_evaluated_key:
        return None
    raw = json.dumps(unmarshal(last_evaluated_key), separators=(",", ":"), default=str).encode()
    payload = base64.urlsafe_b64encode(raw).decode().rstrip("=")
    return f"{payload}.{_cursor_mac(listing, payload)}"


def decode_cursor(cursor: str | None, *, listing: str) -> dict[str, Any] | None:
    """The ``ExclusiveStartKey`` a cursor stands for; 422 for any cursor ``listing`` did not issue."""
    if not cursor:
        return None
    payload, _, mac = cursor.partition(".")
    if not hmac.compare_digest(mac.encode(), _cursor_mac(listing, payload).encode()):
        raise InvalidInput.field("cursor", _CURSOR_INVALID)
    try:
        key = json.loads(base64.urlsafe_b64decode((payload + "=" * (-len(payload) % 4)).encode()))
    except (ValueError, binascii.Error) as error:  # only a bug of ours could get here: the MAC matched
        raise InvalidInput.field("cursor", _CURSOR_INVALID) from error
    if not isinstance(key, dict) or not all(isinstance(v, str) for v in key.values()):
        raise InvalidInput.field("cursor", _CURSOR_INVALID)
    return marshal(key)


def _listing(request: Mapping[str, Any]) -> str:
    # Everything that decides which items a query can return: table, index, key condition and
    # filter with their values. A cursor is only good for exactly the same question.
    shape = {k: request.get(k) for k in ("TableName", "IndexName", "KeyConditionExpression", "FilterExpression")}
    shape["names"] = request.get("ExpressionAttributeNames")
    shape["values"] = request.get("ExpressionAttributeValues")
    shape["forward"] = request.get("ScanIndexForward")
    return json.dumps(shape, sort_keys=True, separators=(",", ":"), default=str)


def query_page(
    table: str,
    *,
    index: str | None,
    partition_key: str,
    partition_value: str,
    sort_key: str | None = None,
    sort_between: tuple[str, str] | None = None,
    limit: int,
    cursor: str | None = None,
    newest_first: bool = True,
    filter_expression: str | None = None,
    filter_names: Mapping[str, str] | None = None,
    filter_values: Mapping[str, Any] | None = None,
) -> Page[dict[str, Any]]:
    """One page of a key-condition query (never a Scan), with an opaque cursor for the next page.

    With a filter, DynamoDB may return fewer than ``limit`` items and still have more; the query
    keeps reading until the page is full or the partition is exhausted.
    """
    condition = "#pk = :pk"
    names = {"#pk": partition_key}
    expression_values: dict[str, Any] = {":pk": partition_value}
    if sort_between and sort_key:
        condition += " AND #sk BETWEEN :lo AND :hi"
        names["#sk"] = sort_key
        expression_values[":lo"], expression_values[":hi"] = sort_between
    if filter_names:
        names.update(filter_names)
    if filter_values:
        expression_values.update(filter_values)
    request: dict[str, Any] = {
        "TableName": table,
        "KeyConditionExpression": condition,
        "ExpressionAttributeNames": names,
        "ExpressionAttributeValues": values(expression_values),
        "ScanIndexForward": not newest_first,
    }
    if index:
        request["IndexName"] = index
    if filter_expression:
        request["FilterExpression"] = filter_expression
    listing = _listing(request)
    start = decode_cursor(cursor, listing=listing)
    items: list[dict[str, Any]] = []
    client = aws.client("dynamodb")
    while True:
        if start:
            request["ExclusiveStartKey"] = start
        request["Limit"] = limit - len(items)
        response = client.query(**request)
        items.extend(unmarshal(item) for item in response.get("Items", []))
        start = response.get("LastEvaluatedKey")
        if not start or len(items) >= limit:
            break
    return Page(items=items, next_cursor=encode_cursor(start, listing=listing))


def query_index(
    table: str,
    index: str,
    partition: str,
    *,
    sort_between: tuple[str, str] | None,
    limit: int,
    cursor: str | None,
    filters: Mapping[str, Any] | None = None,
) -> Page[dict[str, Any]]:
    """One page of a listing index named by Canger's convention (``gsi1`` keyed ``gsi1pk`` / ``gsi1sk``),
    newest first; ``filters`` (``{"status": "resolved"}``) must equal, ``None`` values are left out."""
    wanted = {name: value for name, value in (filters or {}).items() if value is not None}
    return query_page(
        table,
        index=index,
        partition_key=f"{index}pk",
        partition_value=partition,
        sort_key=f"{index}sk",
        sort_between=sort_between,
        limit=limit,
        cursor=cursor,
        filter_expression=" AND ".join(f"#{name} = :{name}" for name in wanted) or None,
        filter_names={f"#{name}": name for name in wanted} or None,
        filter_values={f":{name}": value for name, value in wanted.items()} or None,
    )


def partition_items(table: str, partition: str) -> list[dict[str, Any]]:
    """Every item of a small partition (a year's tallies or counters), in key order: one Query."""
    return query_page(
        table, index=None, partition_key="pk", partition_value=partition, limit=10_000, newest_first=False
    ).items
