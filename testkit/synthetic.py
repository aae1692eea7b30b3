"""Synthetic events for benchmarks and volume tests: realistic envelopes, their outbox items, SQS records.

Events are made with the real contracts (so the consumer parses them as it parses production
events) across all 44 communities, and their outbox items are written with BatchWriteItem, which is
what the consumer's exactly-once confirmation needs to find; no handler runs, so thousands of
events take seconds, not minutes.
"""

from __future__ import annotations

import json
import random
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from services.common.config import get_settings
from services.common.data import aws
from services.common.data.dynamo import marshal
from services.common.data.outbox import outbox_put
from services.common.domain import years
from services.common.domain.contracts import appeals as a
from services.common.domain.contracts import complex as cx
from services.common.domain.contracts import parse_data
from services.common.domain.contracts import projects as p
from services.common.domain.contracts import volunteers as v
from services.common.domain.contracts.tallies import (
    AppealsTally,
    ComplexTally,
    ProjectsTally,
    TallyFigures,
    VolunteersTally,
)
from services.common.domain.events import Event, new_event, raw_event
from services.common.domain.reference import AppealCategory, MemberUnitKind, ServiceField, SiteKind, directory


def events(count: int, *, year: int = 2025, seed: int = 7) -> list[Event]:
    """``count`` events, about half appeals submitted, a quarter resolved, a quarter activities."""
    rng = random.Random(seed)  # noqa: S311 - test data, reproducible on purpose
    communities = list(directory().communities.values())
    start = datetime(year, 1, 1, tzinfo=UTC)
    made: list[Event] = []
    for n in range(count):
        community = communities[n % len(communities)]
        scope = {"community_id": community.id, "street_id": community.street_id}
        at = start + timedelta(minutes=rng.randrange(0, 360 * 24 * 60))
        kind = n % 4
        if kind in (0, 1):
            data = {
                **scope,
                "appeal_id": f"apl_{n}",
                "category": rng.choice(list(AppealCategory)).value,
                "level": "community",
                "submitted_at": at.isoformat(),
                "at": at.isoformat(),
                "channel": "online",
            }
            made.append(raw_event("appeals", "AppealSubmitted", data, occurred_at=at))
        elif kind == 2:
            data = {
                **scope,
                "appeal_id": f"apl_{n}",
                "category": "medical",
                "level": "community",
                "submitted_at": at.isoformat(),
                "at": (at + timedelta(hours=5)).isoformat(),
                "first": True,
                "on_site": rng.random() < 0.5,
                "at_meeting": False,
                "meeting_id": None,
                "seconds_to_resolve": 5 * 3600,
            }
            made.append(raw_event("appeals", "AppealResolved", data, occurred_at=at))
        else:
            data = {
                **scope,
                "activity_id": f"act_{n}",
                "team_id": None,
                "field": rng.choice(list(ServiceField)).value,
                "started_at": at.isoformat(),
                "ended_at": (at + timedelta(hours=2)).isoformat(),
                "residents_served": rng.randrange(0, 200),
                "participants": [
                    {"volunteer_id": f"vol_{n}_{p}", "hours_tenths": 15, "newly_active": ["community"]}
                    for p in range(3)
                ],
            }
            made.append(raw_event("volunteers", "ActivityLogged", data, occurred_at=at))
    return made


def write_outbox(made: list[Event]) -> None:
    """The outbox items the producers would have written, 25 per BatchWriteItem."""
    client, table = aws.client("dynamodb"), get_settings().records_table
    items = [outbox_put(event)["Put"]["Item"] for event in made]
    for start in range(0, len(items), 25):
        request = {table: [{"PutRequest": {"Item": item}} for item in items[start : start + 25]]}
        while request:
            request = client.batch_write_item(RequestItems=request).get("UnprocessedItems") or {}


def sqs_records(made: list[Event]) -> list[dict[str, Any]]:
    """The events as the rule delivers them to SQS and Lambda hands them to the consumer."""
    return [
        {
            "messageId": f"msg-{n}-{event.event_id}",
            "receiptHandle": f"rh-{n}",
            "body": json.dumps(
                {
                    "version": "0",
                    "id": event.event_id,
                    "detail-type": event.metadata.event_type,
                    "source": event.source,
                    "time": event.metadata.occurred_at.isoformat(),
                    "detail": json.loads(event.detail_json()),
                }
            ),
            "attributes": {"ApproximateReceiveCount": "1"},
            "messageAttributes": {},
            "md5OfBody": "",
            "eventSource": "aws:sqs",
            "eventSourceARN": "arn:aws:sqs:us-east-1:000000000000:canger-events",
            "awsRegion": "us-east-1",
        }
        for n, event in enumerate(made)
    ]


# The complex (API.md, "The complex"): member units, sites, and units at work in the other services.


@dataclass(frozen=True)
class PlannedUnit:
    """A member unit of ``complex_events``: what the complex service would hold."""

    id: str
    name: str
    kind: str
    community_id: str
    street_id: str
    joined_on: date
    left_on: date | None

    def active_at_end_of(self, year: int) -> bool:
        end = date(year, 12, 31)
        return self.joined_on <= end and (self.left_on is None or self.left_on > end)

    def paired_in(self, year: int) -> bool:
        return self.joined_on <= date(year, 12, 31) and (self.left_on is None or self.left_on >= date(year, 1, 1))


def planned_units(*, year: int = 2025, communities: int = 44, per_community: int = 3) -> list[PlannedUnit]:
    """Units of ``communities`` communities spread over the streets (宁和社区 first): paired for years, joined
    this year, some left (this year, so not active at its end; or the year before, so not paired in it at all)."""
    kinds = list(MemberUnitKind)
    units = []
    every = list(directory().communities.values())
    chosen = every[:: max(1, len(every) // communities)][:communities]  # spread over the streets
    for i, community in enumerate(chosen):
        for j in range(per_community):
            joined = date(year - 2, 3, 1) if j == 0 else date(year, 1 + (i + j) % 12, 10)
            left = None
            if j == 0 and i % 5 == 0:
                left = date(year, 6, 30)
            elif j == 0 and i % 9 == 4:
                left = date(year - 1, 11, 1)
            units.append(
                PlannedUnit(
                    id=f"mu_{community.id.removeprefix('cm_')}{j}",
                    name=f"{community.name}共建单位{j + 1}",
                    kind=kinds[(i + j) % len(kinds)].value,
                    community_id=community.id,
                    street_id=community.street_id,
                    joined_on=joined,
                    left_on=left,
                )
            )
    return units


def write_units(units: list[PlannedUnit]) -> None:
    """The units' items as the complex service writes them (``services.common.data.member_units``)."""
    from services.common.data import member_units

    client, table = aws.client("dynamodb"), get_settings().records_table
    for unit in units:
        item: dict[str, Any] = {
            **member_units.unit_key(unit.id),
            "id": unit.id,
            "name": unit.name,
            "kind": unit.kind,
            "community_id": unit.community_id,
            "street_id": unit.street_id,
            "joined_on": unit.joined_on.isoformat(),
        }
        if unit.left_on:
            item["left_on"] = unit.left_on.isoformat()
        client.put_item(TableName=table, Item=marshal(item))


def complex_events(units: list[PlannedUnit], *, year: int = 2025) -> list[Event]:
    """Each unit's pairing (and leaving), a site per community, and the units at work in ``year``: appeals
    of the unit's community assigned to it (one reassigned to it again), some resolved; one activity and
    one project it co-organises, with funding it gave; plus work without units, which no unit counts."""
    made: list[Event] = []
    sites = list(SiteKind)
    seen: set[str] = set()
    for n, unit in enumerate(units):
        scope = {"community_id": unit.community_id, "street_id": unit.street_id}
        noon = datetime(unit.joined_on.year, unit.joined_on.month, unit.joined_on.day, 4, tzinfo=UTC)
        made.append(
            new_event(
                "complex",
                cx.MemberUnitJoined(**scope, member_unit_id=unit.id, kind=unit.kind, joined_on=unit.joined_on, at=noon),
            )
        )
        if unit.left_on:
            made.append(
                new_event(
                    "complex",
                    cx.MemberUnitLeft(
                        **scope,
                        member_unit_id=unit.id,
                        kind=unit.kind,
                        joined_on=unit.joined_on,
                        left_on=unit.left_on,
                        at=noon,
                    ),
                )
            )
        if unit.community_id not in seen:
            seen.add(unit.community_id)
            opened = date(year - n % 2, 5, 1)
            site = sites[n % len(sites)].value
            made.append(
                new_event(
                    "complex",
                    cx.SiteOpened(**scope, site_id=f"site_{n}", kind=site, opened_on=opened, at=_noon(opened)),
                )
            )
            later = date(year + 1, 2, 1)  # opened after the year: not counted in it
            made.append(
                new_event(
                    "complex",
                    cx.SiteOpened(**scope, site_id=f"site_{n}_b", kind=site, opened_on=later, at=_noon(later)),
                )
            )
        if not unit.paired_in(year):
            continue
        at = datetime(year, 1 + n % 11, 1 + n % 27, 3, tzinfo=UTC)
        for k in range(1 + n % 3):
            appeal = {
                **scope,
                "appeal_id": f"apl_{unit.id}_{k}",
                "category": "medical",
                "level": "community",
                "submitted_at": at.isoformat(),
            }
            made.append(
                new_event(
                    "appeals",
                    a.AppealAssigned(
                        **appeal,
                        at=at + timedelta(hours=1),
                        assignee=unit.name,
                        member_unit_id=unit.id,
                        unit_first=True,
                        appeal_first_unit=True,
                    ),
                )
            )
            if k == 0:  # reopened and assigned to the same unit again: still one appeal of the unit
                made.append(
                    new_event(
                        "appeals",
                        a.AppealAssigned(
                            **appeal, at=at + timedelta(hours=30), assignee=unit.name, member_unit_id=unit.id
                        ),
                    )
                )
            if k % 2 == 0:
                made.append(
                    new_event(
                        "appeals",
                        a.AppealResolved(
                            **appeal,
                            at=at + timedelta(hours=5),
                            first=True,
                            on_site=False,
                            at_meeting=False,
                            meeting_id=None,
                            seconds_to_resolve=5 * 3600,
                            member_unit_id=unit.id,
                        ),
                    )
                )
        for with_unit in (True, False):
            made.append(
                new_event(
                    "volunteers",
                    v.ActivityLogged(
                        **scope,
                        activity_id=f"act_{unit.id}_{with_unit}",
                        team_id=None,
                        field="health",
                        started_at=at,
                        ended_at=at + timedelta(hours=2),
                        residents_served=10 + n,
                        participants=[
                            v.ParticipantHours(volunteer_id=f"vol_{unit.id}_{seat}", hours_tenths=15, newly_active=[])
                            for seat in range(2)
                        ],
                        member_unit_ids=[unit.id] if with_unit else [],
                    ),
                )
            )
        project = {**scope, "project_id": f"prj_{unit.id}", "kind": "partner", "year": year}
        made.append(
            new_event(
                "projects",
                p.ProjectCreated(**project, budget=None, target_beneficiaries=None, at=at, member_unit_ids=[unit.id]),
            )
        )
        received = date(year, 4, 1 + n % 28)
        for source, giver in (("member_unit", unit.id), ("fiscal", None)):
            made.append(
                new_event(
                    "projects",
                    p.FundingRecorded(
                        **project,
                        funding_id=f"fund_{unit.id}_{source}",
                        source=source,
                        amount=100_000 * (1 + n % 4),
                        received_on=received,
                        member_unit_id=giver,
                    ),
                )
            )
    return made


def _noon(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 4, tzinfo=UTC)


def tallies_of(made: list[Event]) -> dict[tuple[type[TallyFigures], int, str], Counter[str]]:
    """What the producing services tally in their own transactions for ``complex_events``' events
    (``services.common.domain.contracts.tallies``): ``{(AppealsTally, 2025, "cm_ninghe"): Counter(...)}``."""
    tallied: dict[tuple[type[TallyFigures], int, str], Counter[str]] = defaultdict(Counter)
    for event in made:
        data = parse_data(event.metadata.event_type, event.data)
        community = data.community_id
        match data:
            case cx.MemberUnitJoined():
                tallied[(ComplexTally, data.joined_on.year, community)]["units_joined"] += 1
            case cx.MemberUnitLeft():
                tallied[(ComplexTally, data.left_on.year, community)]["units_left"] += 1
            case cx.SiteOpened():
                tallied[(ComplexTally, data.opened_on.year, community)]["sites_opened"] += 1
            case a.AppealAssigned() if data.appeal_first_unit:
                tallied[(AppealsTally, years.year_of(data.at), community)]["to_units"] += 1
            case a.AppealResolved() if data.first:
                tallied[(AppealsTally, years.year_of(data.at), community)]["resolved"] += 1
            case v.ActivityLogged():
                counts = tallied[(VolunteersTally, years.year_of(data.started_at), community)]
                counts.update(
                    activities=1,
                    hours_tenths=sum(x.hours_tenths for x in data.participants),
                    residents_served=data.residents_served,
                    with_units=int(bool(data.member_unit_ids)),
                )
            case p.ProjectCreated():
                tallied[(ProjectsTally, data.year, community)].update(
                    {"started": 1, ProjectsTally.started_field(data.kind): 1}
                )
            case p.FundingRecorded():
                tallied[(ProjectsTally, data.received_on.year, community)].update(
                    funding=data.amount, funding_from_units=data.amount if data.member_unit_id else 0
                )
    return tallied


def write_tallies(tallied: dict[tuple[type[TallyFigures], int, str], Counter[str]]) -> None:
    """The tallies as the services' transactions would have left them."""
    from services.common.data.tally import prefix_of, tally_key

    client, table = aws.client("dynamodb"), get_settings().records_table
    for (source, year, community), counts in tallied.items():
        item = {**tally_key(prefix_of(source), year, community), **{k: int(n) for k, n in counts.items()}}
        client.put_item(TableName=table, Item=marshal(item))
