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
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from services.appeals.models.resources import Appeal, HistoryEntry, Level, Meeting
from services.common.config import get_settings
from services.common.data import dynamo, outbox
from services.common.data.tally import Tally
from services.common.domain.clock import to_rfc3339
from services.common.domain.errors import FieldError, InvalidInput
from services.common.domain.events import Event

PREFIX = "APPEALS#"
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


def _number(value: float | None) -> Decimal | None:
    # Through str, so 25.6 is stored as 25.6 and not as the binary float's 25.600000000000001…
    return Decimal(str(value)) if value is not None else None


# --- appeals ---------------------------------------------------------------------------------------


def _appeal_item(appeal: Appeal) -> dict[str, Any]:
    sort = f"{_time(appeal.submitted_at)}#{appeal.id}"
    community = f"APPEALS#COMMUNITY#{appeal.community_id}"
    item: dict[str, Any] = {
        **appeal_key(appeal.id),
        "id": appeal.id,
        "community_id": appeal.community_id,
        "street_id": appeal.street_id,
        "grid_id": appeal.grid_id,
        "category": appeal.category,
        "title": appeal.title,
        "description": appeal.description,
        "channel": appeal.channel,
        "status": appeal.status.value,
        "level": appeal.level.value,
        "assignee": appeal.assignee,
        "due_at": _time(appeal.due_at),
        "contact": appeal.contact.model_dump() if appeal.contact else None,
        "location": (
            {
                "address": appeal.location.address,
                "lat": _number(appeal.location.lat),
                "lng": _number(appeal.location.lng),
            }
            if appeal.location
            else None
        ),
        "submitted_by": appeal.submitted_by,
        "submitted_at": _time(appeal.submitted_at),
        "resolved_at": _time(appeal.resolved_at),
        "resolution": appeal.resolution,
        "resolved_on_site": appeal.resolved_on_site,
        "meeting_id": appeal.meeting_id,
        "satisfaction": appeal.satisfaction,
        "closed_at": _time(appeal.closed_at),
        "close_reason": appeal.close_reason,
        "first_resolved_at": _time(appeal.first_resolved_at),
        "version": appeal.version,
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
        item["gsi5pk"], item["gsi5sk"] = f"APPEALS#STREET#{appeal.street_id}", sort
    # None values are left out by marshal: DynamoDB keeps no empty attributes.
    if item["location"]:
        item["location"] = {k: v for k, v in item["location"].items() if v is not None}
    return item


def _appeal(item: dict[str, Any]) -> Appeal:
    location = item.get("location")
    if location:
        location = {k: (float(v) if isinstance(v, Decimal) else v) for k, v in location.items()}
    fields = {name: item.get(name) for name in Appeal.model_fields if name not in ("location", "version")}
    if fields["satisfaction"] is not None:
        fields["satisfaction"] = int(fields["satisfaction"])
    return Appeal.model_validate({**fields, "location": location, "version": int(item["version"])})


def _history_item(appeal_id: str, version: int, entry: HistoryEntry) -> dict[str, Any]:
    return {
        "pk": appeal_key(appeal_id)["pk"],
        "sk": f"{HISTORY_PREFIX}{version:06d}",
        "at": _time(entry.at),
        "actor": entry.actor,
        "action": entry.action.value,
        "from_status": entry.from_status.value if entry.from_status else None,
        "to_status": entry.to_status.value,
        "level": entry.level.value,
        "note": entry.note,
    }


def _history_entry(item: dict[str, Any]) -> HistoryEntry:
    return HistoryEntry.model_validate({name: item.get(name) for name in HistoryEntry.model_fields})


def _put(item: dict[str, Any], condition: str, condition_values: dict[str, Any] | None = None) -> dict[str, Any]:
    return dynamo.put(_table(), item, condition, condition_values)


def _belongs_to(key: dict[str, str], community_id: str) -> dict[str, Any]:
    return dynamo.in_community(_table(), key, community_id)


def get_appeal(appeal_id: str) -> Appeal | None:
    item = dynamo.get_item(_table(), appeal_key(appeal_id), consistent=True)
    return _appeal(item) if item else None


def get_with_history(appeal_id: str) -> tuple[Appeal | None, list[HistoryEntry]]:
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


def create_appeal(appeal: Appeal, entry: HistoryEntry, events: list[Event], tally: Tally) -> None:
    outbox.write_and_publish(
        [
            _put(_appeal_item(appeal), "attribute_not_exists(pk)"),
            _put(_history_item(appeal.id, appeal.version, entry), "attribute_not_exists(pk)"),
            tally.item(PREFIX),
        ],
        events,
    )


def save_transition(
    appeal: Appeal,
    *,
    read_version: int,
    entry: HistoryEntry,
    events: list[Event],
    meeting_id: str | None = None,
    tally: Tally | None = None,
) -> None:
    """Replace the appeal if it is still at ``read_version``, append its history, record its events.

    Two officers acting at once both read the same version; the first transaction wins and the
    second fails its condition (``WriteConflict`` → 409). ``meeting_id``, if given, must name a
    meeting of the appeal's community, checked in the same transaction (else 422).
    """
    items = [
        _put(_appeal_item(appeal), "version = :v", {":v": read_version}),
        _put(_history_item(appeal.id, appeal.version, entry), "attribute_not_exists(pk)"),
    ]
    if meeting_id:
        items.append(_belongs_to(meeting_key(meeting_id), appeal.community_id))
    if tally:
        items.append(tally.item(PREFIX))
    try:
        outbox.write_and_publish(items, events)
    except dynamo.WriteConflict as conflict:
        if meeting_id and conflict.reasons[2:3] == ["ConditionalCheckFailed"]:
            raise InvalidInput.field("meeting_id", "No meeting of this appeal's community has this id.") from None
        raise


@dataclass(frozen=True)
class Listing:
    """Which index partition a listing reads, and what is filtered within it."""

    index: str
    partition: str
    year_bounds: tuple[str, str] | None = None
    status: str | None = None
    category: str | None = None
    community_id: str | None = None
    escalated_only: bool = False


def list_appeals(listing: Listing, *, limit: int, cursor: str | None) -> dynamo.Page:
    conditions, names, values = [], {}, {}
    for attribute, value in (
        ("status", listing.status),
        ("category", listing.category),
        ("community_id", listing.community_id),
    ):
        if value is not None:
            conditions.append(f"#{attribute} = :{attribute}")
            names[f"#{attribute}"], values[f":{attribute}"] = attribute, value
    if listing.escalated_only:
        conditions.append("#level <> :community")
        names["#level"], values[":community"] = "level", Level.COMMUNITY.value
    page = dynamo.query_page(
        _table(),
        index=listing.index,
        partition_key=f"{listing.index}pk",
        partition_value=listing.partition,
        sort_key=f"{listing.index}sk",
        sort_between=dynamo.year_range(listing.year_bounds),
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
    return {
        **meeting_key(meeting.id),
        **meeting.model_dump(mode="json"),
        "gsi1pk": f"APPEALS#MEETINGS#COMMUNITY#{meeting.community_id}",
        "gsi1sk": sort,
        "gsi5pk": f"APPEALS#MEETINGS#STREET#{meeting.street_id}",
        "gsi5sk": sort,
        "gsi6pk": "APPEALS#MEETINGS#CITY",
        "gsi6sk": sort,
    }


def _meeting(item: dict[str, Any]) -> Meeting:
    fields = {name: item.get(name) for name in Meeting.model_fields}
    fields["resident_count"] = int(fields["resident_count"])
    fields["appeals_discussed"] = int(fields["appeals_discussed"])
    return Meeting.model_validate(fields)


def create_meeting(meeting: Meeting, events: list[Event], tally: Tally) -> None:
    """The meeting, a check that each appeal discussed exists in its community, and its event: one transaction."""
    checks = [_belongs_to(appeal_key(appeal_id), meeting.community_id) for appeal_id in meeting.appeal_ids]
    items = [_put(_meeting_item(meeting), "attribute_not_exists(pk)"), *checks, tally.item(PREFIX)]
    try:
        outbox.write_and_publish(items, events)
    except dynamo.WriteConflict as conflict:
        failed = [
            FieldError(f"appeal_ids[{n}]", "No appeal of this community has this id.")
            for n, reason in enumerate(conflict.reasons[1 : 1 + len(checks)])
            if reason == "ConditionalCheckFailed"
        ]
        if failed:
            raise InvalidInput(failed) from None
        raise


def get_meeting(meeting_id: str) -> Meeting | None:
    item = dynamo.get_item(_table(), meeting_key(meeting_id))
    return _meeting(item) if item else None


def list_meetings(
    index: str, partition: str, *, year_bounds: tuple[str, str] | None, limit: int, cursor: str | None
) -> dynamo.Page:
    page = dynamo.query_page(
        _table(),
        index=index,
        partition_key=f"{index}pk",
        partition_value=partition,
        sort_key=f"{index}sk",
        sort_between=dynamo.year_range(year_bounds),
        limit=limit,
        cursor=cursor,
    )
    return dynamo.Page(items=[_meeting(item) for item in page.items], next_cursor=page.next_cursor)
