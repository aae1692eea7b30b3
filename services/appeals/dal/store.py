"""The appeals service's only door to DynamoDB: appeals, their history, and meetings.

Items (Records table; every key starts ``APPEALS#``, which the function's IAM role is limited to)::

    appeal    pk APPEALS#APPEAL#<id>   sk APPEAL
    history   pk APPEALS#APPEAL#<id>   sk HISTORY#<version, 6 digits>   (append-only: put-if-absent)
    meeting   pk APPEALS#MEETING#<id>  sk MEETING

Listings (sort key ``<submitted_at or held_at>#<id>``, so newest first and a year is a BETWEEN)::

    gsi1  APPEALS#COMMUNITY#<cid>                       MEETINGS: APPEALS#MEETINGS#COMMUNITY#<cid>
    gsi2  APPEALS#COMMUNITY#<cid>#STATUS#<status>
    gsi3  APPEALS#COMMUNITY#<cid>#CATEGORY#<category>
    gsi4  APPEALS#SUBMITTER#<sub>                       (a resident's own)
    gsi5  APPEALS#STREET#<sid>  only once escalated     MEETINGS: APPEALS#MEETINGS#STREET#<sid>
    gsi6  APPEALS#CITY                                  MEETINGS: APPEALS#MEETINGS#CITY
    deadline  APPEALS#DEADLINES / <deadline>#<id>       only while a deadline is watched (sparse)

Open appeals, for the duplicate hints (one Query of one community and category, by submission time)::

    open      pk APPEALS#OPEN#<cid>#<category>  sk <submitted_at>#<id>   {hint: JSON of id, text, place}
    demand    pk APPEALS#DEMAND#<cid>           sk OPEN    open appeals by category (common.data.open_demand)
              written with the appeal, deleted when it leaves submitted/assigned/escalated, back on reopen

An assignment to a member unit checks the unit's item (``COMPLEX#UNIT#<mu_id>``, read-only here) in its
transaction: ``member_units.paired``.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from services.appeals.models.records import AppealRecord
from services.appeals.models.resources import OPEN_STATUSES, HistoryEntry, Level, Meeting
from services.common.config import get_settings
from services.common.data import dynamo, member_units, open_demand, outbox, records, unit_refs
from services.common.data.dynamo import TxItem
from services.common.data.tally import Tally
from services.common.domain.clock import to_rfc3339
from services.common.domain.errors import InvalidInput
from services.common.domain.events import Event
from services.common.domain.reach import Reach, ReachKind

PREFIX = "APPEALS#"
DEADLINES_PK = "APPEALS#DEADLINES"
DEADLINE_INDEX = "deadline"
APPEAL_SK = "APPEAL"
MEETING_SK = "MEETING"
HISTORY_PREFIX = "HISTORY#"


def _table() -> str:
    return get_settings().records_table


def appeal_key(appeal_id: str) -> dict[str, str]:
    return {"pk": f"APPEALS#APPEAL#{appeal_id}", "sk": APPEAL_SK}


def meeting_key(meeting_id: str) -> dict[str, str]:
    return {"pk": f"APPEALS#MEETING#{meeting_id}", "sk": MEETING_SK}


def _time(value: datetime | None) -> str | None:
    return to_rfc3339(value) if value else None


# --- appeals ---------------------------------------------------------------------------------------


def _appeal_item(appeal: AppealRecord) -> dict[str, Any]:
    sort = f"{_time(appeal.submitted_at)}#{appeal.id}"
    community = f"APPEALS#COMMUNITY#{appeal.community_id}"
    indexes = {
        "gsi1pk": community,
        "gsi1sk": sort,
        "gsi2pk": f"{community}#STATUS#{appeal.status.value}",
        "gsi2sk": sort,
        "gsi3pk": f"{community}#CATEGORY#{appeal.category}",
        "gsi3sk": sort,
        "gsi4pk": f"APPEALS#SUBMITTER#{appeal.submitted_by}",
        "gsi4sk": sort,
        "gsi6pk": "APPEALS#CITY",
        "gsi6sk": sort,
    }
    if appeal.level is not Level.COMMUNITY:
        indexes["gsi5pk"], indexes["gsi5sk"] = f"APPEALS#STREET#{appeal.street_id}", sort
    watched = appeal.watched_deadline
    if watched:
        kind, at = watched
        indexes["deadline_pk"], indexes["deadline_sk"] = DEADLINES_PK, f"{_time(at)}#{appeal.id}"
        indexes["deadline_kind"] = kind
    return records.to_item(appeal, **appeal_key(appeal.id), **indexes)


def _appeal(item: dict[str, Any]) -> AppealRecord:
    return records.from_item(AppealRecord, item)


def open_key(appeal: AppealRecord) -> dict[str, str]:
    return {
        "pk": f"APPEALS#OPEN#{appeal.community_id}#{appeal.category}",
        "sk": f"{_time(appeal.submitted_at)}#{appeal.id}",
    }


def _open_item(appeal: AppealRecord) -> dict[str, Any]:
    """What the duplicate hints compare a new appeal with: its text and place, nothing personal, as one
    JSON attribute (one attribute to read back per candidate, whatever the appeal holds)."""
    location = appeal.location
    hint = {
        "id": appeal.id,
        "title": appeal.title,
        "description": appeal.description,
        "lat": location.lat if location else None,
        "lng": location.lng if location else None,
    }
    return {**open_key(appeal), "hint": json.dumps(hint, ensure_ascii=False, separators=(",", ":"))}


def open_marker_changes(before: AppealRecord | None, after: AppealRecord) -> list[TxItem]:
    """The open-appeals item follows the status: put on entering an open status, deleted on leaving it."""
    was_open = before is not None and before.status in OPEN_STATUSES
    is_open = after.status in OPEN_STATUSES
    label = f"open:{after.id}"
    if is_open and not was_open:
        return [TxItem(label, _put(_open_item(after), "attribute_not_exists(pk)"))]
    if was_open and not is_open:
        return [TxItem(label, {"Delete": {"TableName": _table(), "Key": dynamo.marshal(open_key(after))}})]
    return []


def _demand_changes(pairs: list[tuple[AppealRecord | None, AppealRecord]]) -> list[TxItem]:
    """The communities' open counts by category (``open_demand``), one item per community, net of every change."""
    deltas: dict[str, Counter[str]] = defaultdict(Counter)
    for before, after in pairs:
        was_open = before is not None and before.status in OPEN_STATUSES
        is_open = after.status in OPEN_STATUSES
        if was_open != is_open:
            deltas[after.community_id][after.category] += 1 if is_open else -1
    return [open_demand.adjust(community, counts) for community, counts in deltas.items() if any(counts.values())]


@dataclass(frozen=True)
class OpenAppeal:
    id: str
    title: str
    description: str
    submitted_at: datetime
    lat: float | None
    lng: float | None


def open_appeals(community_id: str, category: str, *, since: datetime, limit: int = 50) -> list[OpenAppeal]:
    """The newest ``limit`` open appeals of one community and category submitted since ``since``: one Query."""
    page = dynamo.query_page(
        _table(),
        index=None,
        partition_key="pk",
        partition_value=f"APPEALS#OPEN#{community_id}#{category}",
        sort_key="sk",
        sort_between=(to_rfc3339(since), "~"),
        limit=limit,
    )
    found = []
    for item in page.items:
        hint = json.loads(item["hint"])
        found.append(
            OpenAppeal(
                id=hint["id"],
                title=hint["title"],
                description=hint["description"],
                submitted_at=datetime.fromisoformat(item["sk"].rpartition("#")[0]),
                lat=hint["lat"],
                lng=hint["lng"],
            )
        )
    return found


def _history_item(appeal_id: str, version: int, entry: HistoryEntry) -> dict[str, Any]:
    return records.to_item(entry, pk=appeal_key(appeal_id)["pk"], sk=f"{HISTORY_PREFIX}{version:06d}")


def _history_entry(item: dict[str, Any]) -> HistoryEntry:
    return records.from_item(HistoryEntry, item)


def _put(item: dict[str, Any], condition: str, condition_values: dict[str, Any] | None = None) -> dict[str, Any]:
    return dynamo.put(_table(), item, condition, condition_values)


def _belongs_to(key: dict[str, str], community_id: str) -> dict[str, Any]:
    return dynamo.in_community(_table(), key, community_id)


def get_appeal(appeal_id: str) -> AppealRecord | None:
    item = dynamo.get_item(_table(), appeal_key(appeal_id), consistent=True)
    return _appeal(item) if item else None


def get_with_history(appeal_id: str) -> tuple[AppealRecord | None, list[HistoryEntry]]:
    """The appeal and its history in one Query: they share a partition."""
    page = dynamo.query_page(
        _table(),
        index=None,
        partition_key="pk",
        partition_value=appeal_key(appeal_id)["pk"],
        sort_key="sk",
        sort_between=(APPEAL_SK, f"{HISTORY_PREFIX}~"),
        limit=1000,
        newest_first=False,
    )
    appeal = next((_appeal(i) for i in page.items if i["sk"] == APPEAL_SK), None)
    return appeal, [_history_entry(i) for i in page.items if i["sk"].startswith(HISTORY_PREFIX)]


def create_appeal(appeal: AppealRecord, entry: HistoryEntry, events: list[Event], tally: Tally) -> None:
    outbox.write_and_publish(
        [
            TxItem("appeal", _put(_appeal_item(appeal), "attribute_not_exists(pk)")),
            TxItem("history", _put(_history_item(appeal.id, appeal.version, entry), "attribute_not_exists(pk)")),
            tally.item(),
            *open_marker_changes(None, appeal),
            *_demand_changes([(None, appeal)]),
        ],
        events,
    )


@dataclass(frozen=True)
class Change:
    """An appeal replaced if it is still at ``before.version``, with one history entry per version it moved on."""

    before: AppealRecord
    after: AppealRecord
    entries: tuple[HistoryEntry, ...]

    def items(self) -> list[TxItem]:
        first = self.before.version + 1
        appeal_id = self.after.id
        return [
            TxItem(f"appeal:{appeal_id}", _put(_appeal_item(self.after), "version = :v", {":v": self.before.version})),
            *(
                TxItem(
                    f"history:{appeal_id}",
                    _put(_history_item(appeal_id, first + n, entry), "attribute_not_exists(pk)"),
                )
                for n, entry in enumerate(self.entries)
            ),
            *open_marker_changes(self.before, self.after),
        ]


def save_changes(
    changes: list[Change],
    *,
    events: list[Event],
    meeting_id: str | None = None,
    member_unit_id: str | None = None,
    tally: Tally | None = None,
) -> None:
    """Every change, its history, its events and the tally in one transaction.

    Two officers acting at once both read the same version; the first transaction wins and the
    second fails its condition (``WriteConflict`` → 409). ``meeting_id``, if given, must name a
    meeting of the first appeal's community, checked in the same transaction (else 422);
    ``member_unit_id`` a member unit still paired (``member_units.paired``, else 422).
    """
    items: list[TxItem] = []
    for change in changes:
        items.extend(change.items())
    items.extend(_demand_changes([(change.before, change.after) for change in changes]))
    if meeting_id:
        items.append(
            TxItem(f"meeting:{meeting_id}", _belongs_to(meeting_key(meeting_id), changes[0].after.community_id))
        )
    if member_unit_id:
        items.append(member_units.paired(member_unit_id))
    if tally:
        items.append(tally.item())
    try:
        outbox.write_and_publish(items, events)
    except dynamo.WriteConflict as conflict:
        if conflict.failed("meeting"):
            raise InvalidInput.field("meeting_id", "No meeting of this appeal's community has this id.") from None
        if conflict.failed(member_units.LABEL):
            raise InvalidInput.field("member_unit_id", unit_refs.NOT_PAIRED) from None
        raise


def save_transition(
    appeal: AppealRecord,
    *,
    before: AppealRecord,
    entry: HistoryEntry,
    events: list[Event],
    meeting_id: str | None = None,
    member_unit_id: str | None = None,
    tally: Tally | None = None,
) -> None:
    """One appeal's action: ``save_changes`` of one change with one history entry."""
    save_changes(
        [Change(before, appeal, (entry,))],
        events=events,
        meeting_id=meeting_id,
        member_unit_id=member_unit_id,
        tally=tally,
    )


def due_appeals(now: datetime, *, limit: int = 500, cursor: str | None = None) -> dynamo.Page[AppealRecord]:
    """Open appeals whose watched deadline is at or before ``now``, earliest first: a Query of the sparse
    deadline index, which holds only appeals with a deadline still watched, so it reads what is due."""
    page = dynamo.query_page(
        _table(),
        index=DEADLINE_INDEX,
        partition_key="deadline_pk",
        partition_value=DEADLINES_PK,
        sort_key="deadline_sk",
        sort_between=("0", f"{to_rfc3339(now)}#~"),
        limit=limit,
        cursor=cursor,
        newest_first=False,
    )
    return dynamo.Page(items=[_appeal(item) for item in page.items], next_cursor=page.next_cursor)


def _appeal_partition(reach: Reach, status: str | None, category: str | None) -> tuple[str, str]:
    """The narrowest (index, partition): a community's is narrowed further by status, else by category."""
    if reach.kind is ReachKind.COMMUNITY:
        base = f"APPEALS#COMMUNITY#{reach.id}"
        if status is not None:
            return "gsi2", f"{base}#STATUS#{status}"
        if category is not None:
            return "gsi3", f"{base}#CATEGORY#{category}"
        return "gsi1", base
    if reach.kind is ReachKind.SUBMITTER:
        return "gsi4", f"APPEALS#SUBMITTER#{reach.id}"
    if reach.kind is ReachKind.STREET:
        return "gsi5", f"APPEALS#STREET#{reach.id}"  # only escalated appeals are in this index
    return "gsi6", "APPEALS#CITY"


def list_appeals(
    reach: Reach,
    *,
    status: str | None = None,
    category: str | None = None,
    community_id: str | None = None,
    escalated_only: bool = False,
    year_bounds: tuple[str, str] | None = None,
    overdue: bool | None = None,
    supervised: bool | None = None,
    due_before: datetime | None = None,
    limit: int,
    cursor: str | None,
) -> dynamo.Page[AppealRecord]:
    """Appeals within ``reach``, newest first. Filters the partition does not already apply are applied
    within it: a submitter's appeals in one community, a community's escalated ones (street officers)."""
    index, partition = _appeal_partition(reach, status, category)
    community_filter = community_id if reach.kind is ReachKind.SUBMITTER else None
    filters = {
        "status": None if index == "gsi2" else status,  # gsi2's partition is the status
        "category": None if index == "gsi3" else category,  # gsi3's is the category
        "community_id": community_filter,
        "overdue": overdue,
        "supervised": supervised,
    }
    conditions, names, values = [], {}, {}
    for attribute, value in filters.items():
        if value is not None:
            conditions.append(f"#{attribute} = :{attribute}")
            names[f"#{attribute}"], values[f":{attribute}"] = attribute, value
    if escalated_only and reach.kind is ReachKind.COMMUNITY:
        conditions.append("#level <> :community")
        names["#level"], values[":community"] = "level", Level.COMMUNITY.value
    if due_before is not None:
        # Stored as to_rfc3339 text, which sorts in time order; appeals without a due_at have no attribute.
        conditions.append("#due_at < :due_before")
        names["#due_at"], values[":due_before"] = "due_at", to_rfc3339(due_before)
    page = dynamo.query_page(
        _table(),
        index=index,
        partition_key=f"{index}pk",
        partition_value=partition,
        sort_key=f"{index}sk",
        sort_between=dynamo.year_range(year_bounds),
        limit=limit,
        cursor=cursor,
        filter_expression=" AND ".join(conditions) or None,
        filter_names=names or None,
        filter_values=values or None,
    )
    return dynamo.Page(items=[_appeal(item) for item in page.items], next_cursor=page.next_cursor)


# --- meetings --------------------------------------------------------------------------------------


def _meeting_item(meeting: Meeting) -> dict[str, Any]:
    sort = f"{_time(meeting.held_at)}#{meeting.id}"
    return records.to_item(
        meeting,
        **meeting_key(meeting.id),
        gsi1pk=f"APPEALS#MEETINGS#COMMUNITY#{meeting.community_id}",
        gsi1sk=sort,
        gsi5pk=f"APPEALS#MEETINGS#STREET#{meeting.street_id}",
        gsi5sk=sort,
        gsi6pk="APPEALS#MEETINGS#CITY",
        gsi6sk=sort,
    )


def _meeting(item: dict[str, Any]) -> Meeting:
    return records.from_item(Meeting, item)


def create_meeting(meeting: Meeting, events: list[Event], tally: Tally) -> None:
    """The meeting, a check that each appeal discussed exists in its community, and its event: one transaction."""
    checks = [
        TxItem(f"appeal:{appeal_id}", _belongs_to(appeal_key(appeal_id), meeting.community_id))
        for appeal_id in meeting.appeal_ids
    ]
    items = [TxItem("meeting", _put(_meeting_item(meeting), "attribute_not_exists(pk)")), *checks, tally.item()]
    try:
        outbox.write_and_publish(items, events)
    except dynamo.WriteConflict as conflict:
        message = "No appeal of this community has this id."
        invalid = conflict.invalid_references("appeal", "appeal_ids", meeting.appeal_ids, message)
        if invalid:
            raise invalid from None
        raise


def get_meeting(meeting_id: str) -> Meeting | None:
    item = dynamo.get_item(_table(), meeting_key(meeting_id))
    return _meeting(item) if item else None


_MEETING_INDEX = {ReachKind.COMMUNITY: "gsi1", ReachKind.STREET: "gsi5", ReachKind.CITY: "gsi6"}


def list_meetings(
    reach: Reach, *, year_bounds: tuple[str, str] | None, limit: int, cursor: str | None
) -> dynamo.Page[Meeting]:
    """Meetings of a community, a street or the city, newest first (a submitter's reach has none)."""
    index = _MEETING_INDEX[reach.kind]
    partition = f"APPEALS#MEETINGS#{reach.kind.upper()}#{reach.id}".rstrip("#")
    bounds = dynamo.year_range(year_bounds)
    page = dynamo.query_index(_table(), index, partition, sort_between=bounds, limit=limit, cursor=cursor)
    return dynamo.Page(items=[_meeting(item) for item in page.items], next_cursor=page.next_cursor)
