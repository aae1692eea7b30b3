"""Statistics of the complex against moto: the complex block at every scope, each member unit's figures,
the units table of the yearly report, and their reconciliation with the services' tallies.

The events are synthetic (``testkit.synthetic.complex_events``): units of 44 communities, some paired for
years, some joined in 2025, some left in 2025 or 2024; a site per community (and one opened in 2026); units
at work on their own community's appeals, activities, projects and funding, and work without units.
"""

from __future__ import annotations

import base64
import csv
import io
import json
import random
from collections import Counter
from datetime import UTC, datetime

import pytest

from services.common.domain import years
from services.common.domain.contracts import parse_data
from services.common.domain.reference import MemberUnitKind, SiteKind, directory
from testkit import synthetic
from tests.conftest import FakeContext, http_event
from tests.integration.conftest import api_for

YEAR = 2025
NINGHE = "cm_ninghe"
COMMUNITIES = 10  # ten communities have units, spread over the streets (moto makes 44 slow to feed twice)


@pytest.fixture
def stats_api(aws_stack):
    return api_for("services.stats.handler")


@pytest.fixture
def world(aws_stack, clock):
    """The units in the records, their events in the outbox; clock on 2025-06-15 (Beijing)."""
    clock.now = datetime(2025, 6, 15, 2, 0, tzinfo=UTC)
    units = synthetic.planned_units(year=YEAR, communities=COMMUNITIES)
    synthetic.write_units(units)
    made = synthetic.complex_events(units, year=YEAR)
    synthetic.write_outbox(made)
    return units, made


def consume(made, *, batch: int = 100, seed: int | None = None, twice: bool = False) -> None:
    from services.stats.consumer import lambda_handler

    records = synthetic.sqs_records(made)
    if twice:
        records = records + synthetic.sqs_records(made)
    if seed is not None:
        random.Random(seed).shuffle(records)
    for start in range(0, len(records), batch):
        response = lambda_handler({"Records": records[start : start + batch]}, FakeContext())
        assert response["batchItemFailures"] == []


def stats(stats_api, scope: str = "city", year: int = YEAR) -> dict:
    reply = stats_api("GET", f"/v1/stats/{year}", None, query={"scope": scope})
    assert reply.status == 200, reply.body
    return reply.body


def in_scope(community_id: str, street_id: str, scope: str) -> bool:
    return scope == "city" or scope in (f"community:{community_id}", f"street:{street_id}")


def expected_complex(units, made, scope: str, year: int = YEAR) -> dict:
    """The complex block as API.md defines it, worked out from the units and the events themselves."""
    mine = [u for u in units if in_scope(u.community_id, u.street_id, scope) and u.active_at_end_of(year)]
    data = [(e.metadata.event_type, parse_data(e.metadata.event_type, e.data)) for e in made]
    data = [(kind, d) for kind, d in data if in_scope(d.community_id, d.street_id, scope)]
    return {
        "member_units": len(mine),
        "units_by_kind": {k.value: sum(1 for u in mine if u.kind == k.value) for k in MemberUnitKind},
        "sites_by_kind": {
            k.value: sum(1 for t, d in data if t == "SiteOpened" and d.kind == k.value and d.opened_on.year <= year)
            for k in SiteKind
        },
        "appeals_to_units": sum(
            1 for t, d in data if t == "AppealAssigned" and d.appeal_first_unit and years.year_of(d.at) == year
        ),
        "activities_with_units": sum(
            1 for t, d in data if t == "ActivityLogged" and d.member_unit_ids and years.year_of(d.started_at) == year
        ),
        "funding_from_units": sum(
            d.amount for t, d in data if t == "FundingRecorded" and d.member_unit_id and d.received_on.year == year
        ),
    }


SCOPES = ("city", "street:st_xiaguan", f"community:{NINGHE}", "community:cm_sanhe", "community:cm_baile")


def test_the_complex_block_at_every_scope(stats_api, world):
    units, made = world
    consume(made)
    for scope in SCOPES:
        shown = stats(stats_api, scope)["complex"]
        assert shown == expected_complex(units, made, scope), scope
    city = stats(stats_api)["complex"]
    assert city["member_units"] > 0 and city["appeals_to_units"] > 0 and city["funding_from_units"] > 0
    assert sum(city["units_by_kind"].values()) == city["member_units"]


def test_member_units_of_an_earlier_year_are_those_active_at_its_end(stats_api, world):
    units, made = world
    consume(made)
    earlier = stats(stats_api, year=YEAR - 1)["complex"]
    # Units that joined in 2025 do not count at the end of 2024; one that left on 2024-11-01 does not either;
    # one that leaves on 2025-06-30 still did.
    assert earlier == expected_complex(units, made, "city", year=YEAR - 1)
    assert earlier["member_units"] == sum(1 for u in units if u.active_at_end_of(YEAR - 1))
    assert earlier["member_units"] != stats(stats_api)["complex"]["member_units"]


def test_exact_under_duplicates_and_reordering(stats_api, world):
    units, made = world
    consume(made, batch=13, seed=5, twice=True)  # every event twice, in a shuffled order
    for scope in SCOPES:
        assert stats(stats_api, scope)["complex"] == expected_complex(units, made, scope), scope
    reply = stats_api("GET", "/v1/stats/2025/scopes", None)
    assert reply.body["communities"][NINGHE]["complex"] == expected_complex(units, made, f"community:{NINGHE}")


def test_a_unit_that_left_before_its_joining_arrived_adds_up(stats_api, world):
    units, made = world
    left = next(u for u in units if u.left_on and u.left_on.year == YEAR)
    events = [
        e for e in made if e.data.get("member_unit_id") == left.id and e.metadata.event_type.startswith("MemberUnit")
    ]
    assert [e.metadata.event_type for e in events] == ["MemberUnitJoined", "MemberUnitLeft"]
    scope = f"community:{left.community_id}"
    consume(events[1:])  # the leaving first: its left_2025 waits for the joined_<year> it cancels
    consume(made)
    assert stats(stats_api, scope)["complex"] == expected_complex(units, made, scope)


def figures_of(stats_api, unit_id: str, year: int | None = YEAR):
    return stats_api(
        "GET", f"/v1/member-units/{unit_id}/figures", None, query={"year": str(year)} if year is not None else None
    )


def expected_unit(unit_id: str, made, year: int = YEAR) -> dict:
    """A unit's figures as API.md defines them, from the events."""
    got = Counter()
    for event in made:
        t, d = event.metadata.event_type, parse_data(event.metadata.event_type, event.data)
        if t == "AppealAssigned" and d.member_unit_id == unit_id and d.unit_first and years.year_of(d.at) == year:
            got["appeals_assigned"] += 1
        elif t == "AppealResolved" and d.member_unit_id == unit_id and d.first and years.year_of(d.at) == year:
            got["appeals_resolved"] += 1
        elif t == "ActivityLogged" and unit_id in d.member_unit_ids and years.year_of(d.started_at) == year:
            got.update(
                activities=1,
                volunteer_tenths=sum(x.hours_tenths for x in d.participants),
                residents_served=d.residents_served,
            )
        elif t == "ProjectCreated" and unit_id in d.member_unit_ids and d.year == year:
            got["projects"] += 1
        elif t == "FundingRecorded" and d.member_unit_id == unit_id and d.received_on.year == year:
            got["funding"] += d.amount
    names = ("appeals_assigned", "appeals_resolved", "activities", "residents_served", "projects", "funding")
    return {**{n: got[n] for n in names}, "volunteer_hours": got["volunteer_tenths"] / 10}


def test_a_units_figures(stats_api, world):
    units, made = world
    consume(made, batch=9, seed=3, twice=True)
    unit = next(u for u in units if u.community_id == NINGHE and u.paired_in(YEAR))
    reply = figures_of(stats_api, unit.id)
    assert reply.status == 200, reply.body
    assert reply.body == {"member_unit_id": unit.id, "year": YEAR, **expected_unit(unit.id, made)}
    assert reply.body["appeals_assigned"] >= 1 and reply.body["volunteer_hours"] == 3.0
    # Without a year: this Beijing year (the clock says 2025-06-15).
    assert figures_of(stats_api, unit.id, year=None).body == reply.body
    # A year with nothing: zeros, not 404 (the unit exists).
    assert figures_of(stats_api, unit.id, year=2030).body == {
        "member_unit_id": unit.id,
        "year": 2030,
        **dict.fromkeys(("appeals_assigned", "appeals_resolved", "activities", "residents_served"), 0),
        "volunteer_hours": 0.0,
        "projects": 0,
        "funding": 0,
    }


def test_a_units_figures_are_one_read_of_two_items(stats_api, world, calls):
    units, _ = world
    calls.reset()
    assert figures_of(stats_api, units[0].id).status == 200
    # One BatchGetItem across two tables: the unit (404 if unknown) and its figures of the year.
    assert calls.counts == {"dynamodb.BatchGetItem": 1}


def test_an_unknown_unit_is_404_problem_json(stats_api, world):
    reply = figures_of(stats_api, "mu_nobody")
    assert reply.status == 404
    assert reply.headers["Content-Type"].startswith("application/problem+json")


@pytest.mark.parametrize("year", ["1999", "2101", "twenty", "2025.0"])
def test_a_bad_year_is_422_naming_it(stats_api, world, year):
    units, _ = world
    reply = stats_api("GET", f"/v1/member-units/{units[0].id}/figures", None, query={"year": year})
    assert (reply.status, reply.body["errors"][0]["field"]) == (422, "year")


def yearly(year: int) -> dict:
    from services.stats.yearly import lambda_handler

    return lambda_handler({"year": year}, FakeContext())


def report(stats_api) -> dict:
    reply = stats_api("GET", f"/v1/reports/{YEAR}", None)
    assert reply.status == 200, reply.body
    return reply.body


def test_units_figures_add_up_to_the_complex_totals(stats_api, world, clock):
    units, made = world
    consume(made, batch=50, seed=8, twice=True)
    clock.now = None
    yearly(YEAR)
    body = report(stats_api)
    by_unit = body["member_units"]
    assert set(by_unit) == {u.id for u in units if u.paired_in(YEAR)}
    # Every unit here works on its own community's appeals and activities, each activity has one unit, and
    # each funding record one giver: so per community, the units' figures add up to the community's complex
    # figures exactly (a unit reassigned the same appeal counts it once, as appeals_to_units does).
    for community_id in directory().communities:
        mine = [by_unit[u.id] for u in units if u.community_id == community_id and u.id in by_unit]
        shown = body["communities"][community_id]["complex"]
        assert sum(f["appeals_assigned"] for f in mine) == shown["appeals_to_units"], community_id
        assert sum(f["activities"] for f in mine) == shown["activities_with_units"], community_id
        assert sum(f["funding"] for f in mine) == shown["funding_from_units"], community_id
    city = body["city"]["complex"]
    assert sum(f["appeals_assigned"] for f in by_unit.values()) == city["appeals_to_units"] > 0
    assert sum(f["funding"] for f in by_unit.values()) == city["funding_from_units"] > 0
    # Units figures of the report are the endpoint's.
    some = next(iter(by_unit))
    assert {k: v for k, v in figures_of(stats_api, some).body.items() if k not in ("member_unit_id", "year")} == (
        by_unit[some]
    )
    assert body["city"]["complex"] == expected_complex(units, made, "city")


def units_csv(year: int = YEAR) -> tuple[int, bytes, dict]:
    from services.stats.handler import lambda_handler

    response = lambda_handler(http_event("GET", f"/v1/reports/{year}/units.csv"), FakeContext())
    raw = response.get("body") or ""
    body = base64.b64decode(raw) if response.get("isBase64Encoded") else raw.encode()
    return response["statusCode"], body, response.get("headers") or {}


def test_the_units_csv_has_a_bom_chinese_headers_and_a_row_per_unit(world, clock):
    units, made = world
    assert units_csv()[0] == 404  # before the job
    consume(made)
    clock.now = None
    yearly(YEAR)
    status, raw, headers = units_csv()
    assert status == 200 and headers["Content-Type"].startswith("text/csv")
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == [
        "成员单位编号",
        "成员单位",
        "单位类型",
        "结对社区",
        "街道",
        "承办诉求数",
        "办结诉求数",
        "志愿活动场次",
        "志愿服务时长(小时)",
        "服务人次",
        "参与项目数",
        "投入资金(元)",
    ]
    paired = [u for u in units if u.paired_in(YEAR)]
    assert len(rows) == 1 + len(paired)
    unit = next(u for u in paired if u.community_id == NINGHE)
    row = dict(zip(rows[0], next(r for r in rows if r[0] == unit.id), strict=True))
    expected = expected_unit(unit.id, made)
    assert (row["成员单位"], row["结对社区"], row["街道"]) == (
        unit.name,
        "宁和社区",
        directory().streets[unit.street_id].name,
    )
    assert row["投入资金(元)"] == f"{expected['funding'] / 100:.2f}"
    assert (row["承办诉求数"], row["志愿服务时长(小时)"]) == (str(expected["appeals_assigned"]), "3.0")
    assert units_csv(2031)[0] == 404


def test_reconciliation_has_no_drift_when_the_tallies_match(stats_api, world, clock):
    _, made = world
    synthetic.write_tallies(synthetic.tallies_of(made))
    consume(made, batch=40, seed=1, twice=True)
    clock.now = None
    assert yearly(YEAR) == {"reports": [{"year": YEAR, "final": True, "drift": 0}]}
    assert report(stats_api)["reconciliation"] == {"ok": True, "drift": []}


@pytest.mark.parametrize(
    ("lost_type", "figure"),
    [
        ("MemberUnitJoined", "units_joined"),
        ("MemberUnitLeft", "units_left"),
        ("SiteOpened", "sites_opened"),
        ("AppealAssigned", "appeals_to_units"),
        ("ActivityLogged", "activities_with_units"),
        ("FundingRecorded", "funding_from_units"),
    ],
)
def test_a_lost_complex_event_shows_as_drift(stats_api, world, clock, lost_type, figure):
    _, made = world
    synthetic.write_tallies(synthetic.tallies_of(made))

    def counts_in_2025(e) -> bool:
        d = e.data
        dated_by = {"MemberUnitJoined": "joined_on", "MemberUnitLeft": "left_on", "SiteOpened": "opened_on"}
        when = d[dated_by.get(lost_type) or next(k for k in ("received_on", "started_at", "at") if k in d)]
        unit_work = bool(d.get("member_unit_id") or d.get("member_unit_ids") or d.get("appeal_first_unit"))
        return when.startswith(str(YEAR)) and (unit_work or lost_type in dated_by)

    lost = next(e for e in made if e.metadata.event_type == lost_type and counts_in_2025(e))
    consume([e for e in made if e is not lost])
    clock.now = None
    assert yearly(YEAR)["reports"][0]["drift"] >= 1
    drift = report(stats_api)["reconciliation"]
    assert drift["ok"] is False
    assert {"scope": f"community:{lost.data['community_id']}", "figure": figure} in [
        {k: d[k] for k in ("scope", "figure")} for d in drift["drift"]
    ]
    assert json.dumps(drift)  # plain JSON, as the job logs it


def test_the_yearly_job_reads_the_units_in_a_few_requests(world, calls, clock):
    units, made = world
    consume(made)
    clock.now = None
    calls.reset()
    yearly(YEAR)
    # Counters, pairings, four tallies, the unit registry and the year's unit figures (one page each here),
    # and the units' names: 100 keys a BatchGetItem.
    named = len({u.id for u in units})
    assert calls.of("dynamodb") == {"dynamodb.Query": 8, "dynamodb.BatchGetItem": -(-named // 100)}
