"""The volunteers service's only door to DynamoDB: teams, volunteers, activities, service records.

Items (Records table; every key starts ``VOLUNTEERS#``)::

    team           pk VOLUNTEERS#TEAM#<id>            sk TEAM           member_count
    membership     pk VOLUNTEERS#TEAM#<team>          sk MEMBER#<volunteer>
    volunteer      pk VOLUNTEERS#VOLUNTEER#<id>       sk VOLUNTEER      total_tenths (hours × 10)
    service entry  pk VOLUNTEERS#VOLUNTEER#<id>       sk SERVICE#<started_at>#<activity>
    phone claim    pk VOLUNTEERS#PHONE#<sha256>       sk PHONE          volunteer_id (a phone registers once)
    tally          pk VOLUNTEERS#TALLY#<year>         sk <community>    registered, activities, hours_tenths, …

A volunteer item's ``active_scopes`` (``2025#city``, ``2025#street#st_…``, ``2025#community#cm_…``)
records where they have served each year, so an activity knows whom it makes "active" for the first
time; the condition ``NOT contains(active_scopes, …)`` keeps two racing activities from both claiming it.
    activity       pk VOLUNTEERS#ACTIVITY#<id>        sk ACTIVITY

A volunteer's service entries sort just before the profile (``SERVICE#…`` < ``VOLUNTEER``), so one
Query from a year's first entry to the profile returns that year's record and the volunteer together.

Listings (sort key ``<registered_at | created_at | started_at>#<id>``)::

    gsi1  VOLUNTEERS#COMMUNITY#<cid>#TEAMS | #VOLUNTEERS | #ACTIVITIES
    gsi2  VOLUNTEERS#COMMUNITY#<cid>#ACTIVITIES#FIELD#<field>
    gsi5  VOLUNTEERS#STREET#<sid>#TEAMS | #VOLUNTEERS | #ACTIVITIES
    gsi6  VOLUNTEERS#CITY#TEAMS | #VOLUNTEERS | #ACTIVITIES
"""

from __future__ import annotations

import hashlib
from typing import Any

from services.common.config import get_settings
from services.common.data import dynamo, member_units, outbox, records, unit_refs
from services.common.data.dynamo import TxItem
from services.common.data.tally import Tally
from services.common.domain.clock import to_rfc3339
from services.common.domain.errors import Conflict, InvalidInput
from services.common.domain.events import Event
from services.common.domain.hours import from_tenths
from services.common.domain.reach import Reach, ReachKind
from services.volunteers.models.records import ActivityRecord, VolunteerRecord
from services.volunteers.models.resources import ServiceEntry, Team

PREFIX = "VOLUNTEERS#"
TEAM_SK, VOLUNTEER_SK, ACTIVITY_SK, PHONE_SK = "TEAM", "VOLUNTEER", "ACTIVITY", "PHONE"
SERVICE_PREFIX = "SERVICE#"


def _table() -> str:
    return get_settings().records_table


def team_key(team_id: str) -> dict[str, str]:
    return {"pk": f"VOLUNTEERS#TEAM#{team_id}", "sk": TEAM_SK}


def volunteer_key(volunteer_id: str) -> dict[str, str]:
    return {"pk": f"VOLUNTEERS#VOLUNTEER#{volunteer_id}", "sk": VOLUNTEER_SK}


def activity_key(activity_id: str) -> dict[str, str]:
    return {"pk": f"VOLUNTEERS#ACTIVITY#{activity_id}", "sk": ACTIVITY_SK}


def phone_key(phone: str) -> dict[str, str]:
    # Hashed: the key (which shows up in metrics and capacity reports) does not spell out the number.
    return {"pk": f"VOLUNTEERS#PHONE#{hashlib.sha256(phone.encode()).hexdigest()}", "sk": PHONE_SK}


def _listed(kind: str, community_id: str, street_id: str, sort: str) -> dict[str, str]:
    return {
        "gsi1pk": f"VOLUNTEERS#COMMUNITY#{community_id}#{kind}",
        "gsi1sk": sort,
        "gsi5pk": f"VOLUNTEERS#STREET#{street_id}#{kind}",
        "gsi5sk": sort,
        "gsi6pk": f"VOLUNTEERS#CITY#{kind}",
        "gsi6sk": sort,
    }


# --- teams -----------------------------------------------------------------------------------------


def _team_item(team: Team) -> dict[str, Any]:
    sort = f"{to_rfc3339(team.created_at)}#{team.id}"
    return records.to_item(team, **team_key(team.id), **_listed("TEAMS", team.community_id, team.street_id, sort))


def _team(item: dict[str, Any]) -> Team:
    return records.from_item(Team, item)


def create_team(team: Team, events: list[Event]) -> None:
    outbox.write_and_publish(
        [TxItem("team", dynamo.put(_table(), _team_item(team), "attribute_not_exists(pk)"))], events
    )


def get_team(team_id: str) -> Team | None:
    item = dynamo.get_item(_table(), team_key(team_id))
    return _team(item) if item else None


def list_teams(reach: Reach, *, limit: int, cursor: str | None) -> dynamo.Page[Team]:
    page = _query(*_listing(reach, "TEAMS"), None, limit, cursor)
    return dynamo.Page([_team(i) for i in page.items], page.next_cursor)


# --- volunteers ------------------------------------------------------------------------------------


def _volunteer_item(volunteer: VolunteerRecord) -> dict[str, Any]:
    sort = f"{to_rfc3339(volunteer.registered_at)}#{volunteer.id}"
    listed = _listed("VOLUNTEERS", volunteer.community_id, volunteer.street_id, sort)
    return records.to_item(volunteer, **volunteer_key(volunteer.id), **listed)


def _volunteer(item: dict[str, Any]) -> VolunteerRecord:
    return records.from_item(VolunteerRecord, item)


def register(volunteer: VolunteerRecord, events: list[Event], tally: Tally) -> None:
    """The volunteer, their phone's claim, their team memberships (each team checked and counted): one transaction.

    Raises ``Conflict`` with ``existing_id`` if the phone is registered, ``InvalidInput`` naming
    ``team_ids[i]`` for a team that is not the volunteer's community's.
    """
    table = _table()
    teams = [
        TxItem(
            f"team:{team_id}",
            dynamo.update(
                table,
                team_key(team_id),
                "ADD member_count :one",
                {":one": 1, ":cid": volunteer.community_id},
                condition="attribute_exists(pk) AND community_id = :cid",
            ),
        )
        for team_id in volunteer.team_ids
    ]
    members = [
        TxItem(
            f"member:{t}",
            dynamo.put(
                table,
                {"pk": team_key(t)["pk"], "sk": f"MEMBER#{volunteer.id}", "volunteer_id": volunteer.id},
                "attribute_not_exists(pk)",
            ),
        )
        for t in volunteer.team_ids
    ]
    phone_claim = {**phone_key(volunteer.phone), "volunteer_id": volunteer.id}
    items = [
        TxItem("phone", dynamo.put(table, phone_claim, "attribute_not_exists(pk)")),
        TxItem("volunteer", dynamo.put(table, _volunteer_item(volunteer), "attribute_not_exists(pk)")),
        *teams,
        *members,
        tally.item(),
    ]
    try:
        outbox.write_and_publish(items, events)
    except dynamo.WriteConflict as conflict:
        if conflict.failed("phone"):
            claim = dynamo.get_item(table, phone_key(volunteer.phone), consistent=True) or {}
            raise Conflict(
                "A volunteer with this phone number is registered already.", existing_id=claim.get("volunteer_id")
            ) from None
        message = "No team of this community has this id."
        invalid = conflict.invalid_references("team", "team_ids", volunteer.team_ids, message)
        if invalid:
            raise invalid from None
        raise


def get_volunteer(volunteer_id: str) -> VolunteerRecord | None:
    item = dynamo.get_item(_table(), volunteer_key(volunteer_id))
    return _volunteer(item) if item else None


def list_volunteers(reach: Reach, *, limit: int, cursor: str | None) -> dynamo.Page[VolunteerRecord]:
    page = _query(*_listing(reach, "VOLUNTEERS"), None, limit, cursor)
    return dynamo.Page([_volunteer(i) for i in page.items], page.next_cursor)


def list_team_members(team_id: str, *, limit: int, cursor: str | None) -> dynamo.Page[VolunteerRecord]:
    """A team's volunteers: its membership items (one Query), then the volunteers (one BatchGetItem)."""
    page = dynamo.query_page(
        _table(),
        index=None,
        partition_key="pk",
        partition_value=team_key(team_id)["pk"],
        sort_key="sk",
        sort_between=("MEMBER#", "MEMBER#~"),
        limit=limit,
        cursor=cursor,
    )
    ids = [item["volunteer_id"] for item in page.items]
    found = _batch_get([volunteer_key(i) for i in ids])
    by_id = {item["id"]: _volunteer(item) for item in found}
    return dynamo.Page([by_id[i] for i in ids if i in by_id], page.next_cursor)


def _batch_get(keys: list[dict[str, str]], projection: str | None = None) -> list[dict[str, Any]]:
    return dynamo.batch_get(_table(), keys, projection=projection)


def service_record(
    volunteer_id: str, bounds: tuple[str, str]
) -> tuple[VolunteerRecord | None, list[ServiceEntry], int]:
    """The volunteer, their service entries within ``bounds`` and those entries' total tenths: one Query."""
    page = dynamo.query_page(
        _table(),
        index=None,
        partition_key="pk",
        partition_value=volunteer_key(volunteer_id)["pk"],
        sort_key="sk",
        sort_between=(f"{SERVICE_PREFIX}{bounds[0]}", VOLUNTEER_SK),
        limit=10_000,
        newest_first=False,
    )
    volunteer = next((_volunteer(i) for i in page.items if i["sk"] == VOLUNTEER_SK), None)
    # The range runs on to the profile, past the year's end; later entries are dropped here.
    within = [i for i in page.items if i["sk"].startswith(SERVICE_PREFIX) and i["started_at"] <= bounds[1]]
    entries = [
        ServiceEntry(
            id=i["activity_id"],
            title=i["title"],
            field=i["field"],
            date=i["date"],
            hours=from_tenths(i["hours_tenths"]),
        )
        for i in within
    ]
    return volunteer, entries, sum(int(i["hours_tenths"]) for i in within)


# --- activities ------------------------------------------------------------------------------------


def _activity_item(activity: ActivityRecord) -> dict[str, Any]:
    sort = f"{to_rfc3339(activity.started_at)}#{activity.id}"
    return records.to_item(
        activity,
        **activity_key(activity.id),
        gsi2pk=f"VOLUNTEERS#COMMUNITY#{activity.community_id}#ACTIVITIES#FIELD#{activity.field}",
        gsi2sk=sort,
        **_listed("ACTIVITIES", activity.community_id, activity.street_id, sort),
    )


def _activity(item: dict[str, Any]) -> ActivityRecord:
    return records.from_item(ActivityRecord, item)


def active_scopes(volunteer_ids: list[str]) -> dict[str, set[str]]:
    """Where each existing volunteer has served, per year (one BatchGetItem); unknown ids are absent."""
    found = _batch_get([volunteer_key(v) for v in volunteer_ids], projection="pk, active_scopes")
    return {item["pk"].rpartition("#")[2]: set(item.get("active_scopes") or ()) for item in found}


def _participant_update(volunteer_id: str, hours_tenths: int, new_scopes: set[str]) -> TxItem:
    values: dict[str, Any] = {":t": hours_tenths}
    expression, condition = "ADD total_tenths :t", "attribute_exists(pk)"
    if new_scopes:
        values[":new"] = set(new_scopes)
        expression += ", active_scopes :new"
        for n, scope in enumerate(sorted(new_scopes)):
            values[f":s{n}"] = scope
            condition += f" AND NOT contains(active_scopes, :s{n})"
    return TxItem(
        f"total:{volunteer_id}",
        dynamo.update(_table(), volunteer_key(volunteer_id), expression, values, condition=condition),
    )


class ActiveRace(Exception):
    """Another activity made one of these volunteers active in the same scope first: read again and retry."""


def log_activity(
    activity: ActivityRecord,
    new_scopes: dict[str, set[str]],
    date: str,
    events: list[Event],
    tally: Tally,
) -> None:
    """The activity, each participant's total, active scopes and service entry, its team check: one transaction.

    Raises ``InvalidInput`` naming ``team_id`` for a team of another community, ``member_unit_ids[n]`` for a
    co-organising unit unknown or no longer paired (``member_units.paired``, checked in the transaction),
    ``ActiveRace`` when a concurrent activity claimed a participant's first service in a scope first.
    """
    table = _table()
    started = to_rfc3339(activity.started_at)
    tenths = {p.volunteer_id: p.hours_tenths for p in activity.participants}
    totals = [_participant_update(v, t, new_scopes.get(v, set())) for v, t in tenths.items()]
    entries = [
        TxItem(
            f"service:{volunteer_id}",
            dynamo.put(
                table,
                {
                    "pk": volunteer_key(volunteer_id)["pk"],
                    "sk": f"{SERVICE_PREFIX}{started}#{activity.id}",
                    "activity_id": activity.id,
                    "title": activity.title,
                    "field": activity.field,
                    "started_at": started,
                    "date": date,
                    "hours_tenths": hours_tenths,
                },
                "attribute_not_exists(pk)",
            ),
        )
        for volunteer_id, hours_tenths in tenths.items()
    ]
    activity_put = dynamo.put(table, _activity_item(activity), "attribute_not_exists(pk)")
    items = [TxItem("activity", activity_put), *totals, *entries]
    if activity.team_id:
        check = dynamo.in_community(table, team_key(activity.team_id), activity.community_id)
        items.append(TxItem(f"team:{activity.team_id}", check))
    items.extend(member_units.paired(unit_id) for unit_id in activity.member_unit_ids)
    items.append(tally.item())
    try:
        outbox.write_and_publish(items, events)
    except dynamo.WriteConflict as conflict:
        if conflict.failed("team"):
            raise InvalidInput.field("team_id", "No team of this community has this id.") from None
        units = activity.member_unit_ids
        invalid = conflict.invalid_references(member_units.LABEL, "member_unit_ids", units, unit_refs.NOT_PAIRED)
        if invalid:
            raise invalid from None
        if conflict.failed("total"):
            raise ActiveRace from None
        raise


def get_activity(activity_id: str) -> ActivityRecord | None:
    item = dynamo.get_item(_table(), activity_key(activity_id))
    return _activity(item) if item else None


def list_activities(
    reach: Reach, *, bounds: tuple[str, str] | None, field: str | None, limit: int, cursor: str | None
) -> dynamo.Page[ActivityRecord]:
    index, partition = _listing(reach, "ACTIVITIES")
    if field is not None and reach.kind is ReachKind.COMMUNITY:
        # A community and a field: that exact partition, no filter.
        index, partition, field = "gsi2", f"{partition}#FIELD#{field}", None
    page = _query(index, partition, bounds, limit, cursor, field=field)
    return dynamo.Page([_activity(i) for i in page.items], page.next_cursor)


_LISTING_INDEX = {ReachKind.COMMUNITY: "gsi1", ReachKind.STREET: "gsi5", ReachKind.CITY: "gsi6"}


def _listing(reach: Reach, kind: str) -> tuple[str, str]:
    """(index, partition) of ``kind`` (``TEAMS``, ``VOLUNTEERS``, ``ACTIVITIES``) within a community, street or city."""
    if reach.kind not in _LISTING_INDEX:
        raise ValueError(f"volunteers are not listed by {reach.kind}")
    owner = f"#{reach.id}" if reach.id else ""
    return _LISTING_INDEX[reach.kind], f"VOLUNTEERS#{reach.kind.upper()}{owner}#{kind}"


def _query(
    index: str, partition: str, bounds: tuple[str, str] | None, limit: int, cursor: str | None, field: str | None = None
) -> dynamo.Page[dict[str, Any]]:
    sort_between = dynamo.year_range(bounds)
    return dynamo.query_index(
        _table(), index, partition, sort_between=sort_between, limit=limit, cursor=cursor, filters={"field": field}
    )
