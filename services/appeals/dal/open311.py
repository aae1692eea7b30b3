"""Bounded, public-only reads of appeals for Open311 GeoReport v2 (API.md, "Open data").

Two rules shape every read here:

* **Only public attributes leave DynamoDB.** Each read carries a ``ProjectionExpression`` naming the
  attributes an Open311 request may show (``location.lat`` / ``location.lng`` but never
  ``location.address``; never ``description`` or ``contact``), so private data is not even in memory.
* **Reads are bounded whatever the city's size.** A search walks one or more index partitions newest
  first, with a key condition on the time window (never a Scan), merges them, and stops at the
  requested number of requests or after examining ``EXAMINE_BUDGET`` appeals, whichever comes first.

Which partitions a search walks (the listing indexes of ``store``; sort key ``<submitted_at>#<id>``)::

    one service code   gsi3  APPEALS#COMMUNITY#<cid>#CATEGORY#<code>   one per community, merged
    otherwise          gsi6  APPEALS#CITY                              one partition, newest first

One code per community is an exact key: without a status filter nothing read is thrown away (at most
``1,000 + communities × STREAM_PAGE`` items for 1,000 answers). Several codes, or none, read the city's
partition, which is already in time order; codes and statuses are then a filter, so the budget is what
bounds a search for something rare.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from services.common.config import get_settings
from services.common.data import aws, dynamo

# Appeals examined per search, matching or not. With the 90-day window this is about two years of a
# busy Dali (≈ 5,000 appeals a quarter) read through a filter; every page is a 1 MB-or-less Query.
EXAMINE_BUDGET = 10_000
# Items asked for per Query of one community's partition: ≥ 1,000 / 44 communities, so a typical
# search needs one Query per community; small, so the first round reads little beyond what is used.
STREAM_PAGE = 100
# Items asked for per Query of the city's partition.
CITY_PAGE = 500
# BatchGetItem takes at most 100 keys.
BATCH_KEYS = 100

# What an Open311 request may show, and the keys that order them. Nothing else is read.
_PUBLIC = (
    "id",
    "community_id",
    "street_id",
    "category",
    "title",
    "status",
    "level",
    "due_at",
    "submitted_at",
    "resolved_at",
    "closed_at",
    "close_reason",
    "updated_at",
)
_PROJECTION = ", ".join([*(f"#a{n}" for n in range(len(_PUBLIC))), "#loc.#lat", "#loc.#lng"])
_PROJECTION_NAMES = {
    **{f"#a{n}": name for n, name in enumerate(_PUBLIC)},
    "#loc": "location",
    "#lat": "lat",
    "#lng": "lng",
}


@dataclass(frozen=True)
class PublicAppeal:
    """The public attributes of an appeal, as stored (times are UTC RFC 3339 text)."""

    id: str
    community_id: str
    street_id: str
    category: str
    title: str
    status: str
    level: str
    submitted_at: str
    due_at: str | None = None
    resolved_at: str | None = None
    closed_at: str | None = None
    close_reason: str | None = None
    updated_at: str | None = None  # the last action's time; absent before the first
    lat: Decimal | None = None
    lng: Decimal | None = None

    @property
    def order(self) -> str:
        # The listing indexes' sort key: newest first is the greatest first.
        return f"{self.submitted_at}#{self.id}"


def _public(item: dict[str, Any]) -> PublicAppeal:
    location = item.get("location") or {}
    return PublicAppeal(
        **{name: item.get(name) for name in _PUBLIC},  # type: ignore[arg-type]
        lat=location.get("lat"),
        lng=location.get("lng"),
    )


@dataclass(frozen=True)
class Search:
    """What to find: requests submitted between ``start`` and ``end`` (UTC RFC 3339 text, inclusive)."""

    start: str
    end: str
    categories: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()  # stored appeal statuses, e.g. ("closed",)
    limit: int = 1000


@dataclass(frozen=True)
class Found:
    appeals: list[PublicAppeal]
    examined: int  # appeals read from DynamoDB, matching or not
    queries: int  # Query calls made
    exhausted: bool  # False when the budget stopped the search before the window was read through


@dataclass
class _Stream:
    """One index partition read newest first, a page at a time."""

    index: str
    partition: str
    page: int
    buffer: list[PublicAppeal] = field(default_factory=list)
    start_key: dict[str, Any] | None = None
    done: bool = False


def _filter(search: Search, *, with_categories: bool) -> tuple[str | None, dict[str, str], dict[str, Any]]:
    conditions: list[str] = []
    names: dict[str, str] = {}
    values: dict[str, Any] = {}
    for attribute, wanted in (("category", search.categories if with_categories else ()), ("status", search.statuses)):
        if wanted:
            placeholders = [f":{attribute}{n}" for n in range(len(wanted))]
            conditions.append(f"#f_{attribute} IN ({', '.join(placeholders)})")
            names[f"#f_{attribute}"] = attribute
            values.update(zip(placeholders, wanted, strict=True))
    return (" AND ".join(conditions) or None), names, values


class _Reader:
    """Runs the Queries of one search and keeps count of what they cost."""

    def __init__(self, search: Search, *, with_categories: bool) -> None:
        self.search = search
        self.filter, self.filter_names, self.filter_values = _filter(search, with_categories=with_categories)
        self.examined = 0
        self.queries = 0

    @property
    def over_budget(self) -> bool:
        return self.examined >= EXAMINE_BUDGET

    def fill(self, stream: _Stream) -> None:
        """Read pages of ``stream`` until it has something buffered, is exhausted, or the budget is spent."""
        while not stream.buffer and not stream.done and not self.over_budget:
            request: dict[str, Any] = {
                "TableName": get_settings().records_table,
                "IndexName": stream.index,
                "KeyConditionExpression": "#pk = :pk AND #sk BETWEEN :lo AND :hi",
                "ProjectionExpression": _PROJECTION,
                "ExpressionAttributeNames": {
                    "#pk": f"{stream.index}pk",
                    "#sk": f"{stream.index}sk",
                    **_PROJECTION_NAMES,
                    **self.filter_names,
                },
                "ExpressionAttributeValues": dynamo.values(
                    {
                        ":pk": stream.partition,
                        ":lo": self.search.start,
                        ":hi": self.search.end + "#~",
                        **self.filter_values,
                    }
                ),
                "ScanIndexForward": False,
                "Limit": min(stream.page, EXAMINE_BUDGET - self.examined),
            }
            if self.filter:
                request["FilterExpression"] = self.filter
            if stream.start_key:
                request["ExclusiveStartKey"] = stream.start_key
            response = aws.client("dynamodb").query(**request)
            self.queries += 1
            self.examined += int(response.get("ScannedCount", 0))
            stream.buffer = [_public(dynamo.unmarshal(item)) for item in response.get("Items", [])]
            stream.buffer.reverse()  # pop() from the end gives the newest
            stream.start_key = response.get("LastEvaluatedKey")
            stream.done = stream.start_key is None


def _merge(reader: _Reader, streams: Sequence[_Stream]) -> Iterator[PublicAppeal]:
    """Newest first across ``streams``: an appeal is yielded only once every unfinished stream has a
    buffered head to compare it with, so what comes out is in order even if the budget stops the walk."""
    heap: list[_Head] = []

    def push(number: int) -> bool:
        stream = streams[number]
        reader.fill(stream)
        if stream.buffer:
            heapq.heappush(heap, _Head(stream.buffer[-1].order, number))
            return True
        return stream.done  # exhausted is fine; empty only because of the budget is not

    if not all(push(number) for number in range(len(streams))):
        return
    while heap:
        number = heapq.heappop(heap).stream
        yield streams[number].buffer.pop()
        if not push(number):
            return


@dataclass(frozen=True)
class _Head:
    """A stream's newest buffered appeal, ordered so that heapq (a min-heap) pops the newest first."""

    order: str
    stream: int

    def __lt__(self, other: _Head) -> bool:
        return self.order > other.order


def search(search: Search, *, community_ids: Sequence[str]) -> Found:
    """The newest ``search.limit`` appeals matching ``search``, read by index (see the module docstring)."""
    if len(search.categories) == 1:
        (category,) = search.categories
        streams = [
            _Stream("gsi3", f"APPEALS#COMMUNITY#{cid}#CATEGORY#{category}", STREAM_PAGE) for cid in community_ids
        ]
        reader = _Reader(search, with_categories=False)
    else:
        streams = [_Stream("gsi6", "APPEALS#CITY", CITY_PAGE)]
        reader = _Reader(search, with_categories=True)
    found: list[PublicAppeal] = []
    for appeal in _merge(reader, streams):
        found.append(appeal)
        if len(found) >= search.limit:
            break
    exhausted = len(found) >= search.limit or all(s.done and not s.buffer for s in streams)
    return Found(found, reader.examined, reader.queries, exhausted)


def get_many(appeal_ids: Sequence[str]) -> dict[str, PublicAppeal]:
    """The appeals with these ids that exist, by id: BatchGetItem, 100 keys a call, public attributes only."""
    keys = [{"pk": f"APPEALS#APPEAL#{i}", "sk": "APPEAL"} for i in appeal_ids]
    items = dynamo.batch_get(get_settings().records_table, keys, projection=_PROJECTION, names=_PROJECTION_NAMES)
    return {appeal.id: appeal for appeal in map(_public, items)}
