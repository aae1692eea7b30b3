"""Member units at work in volunteers and projects (API.md, "Units at work"): co-organisers of activities and
projects, funding from a unit (the ledger, events, tallies, 360Giving), and a unit leaving mid-write."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from services.common.data import member_units, outbox
from services.common.data.tally import read_year
from services.common.domain import contracts
from services.common.domain.contracts.tallies import ProjectsTally, VolunteersTally
from testkit import units
from tests.callers import NINGHE, SANHE, STAFF
from tests.conftest import FakeContext, http_event
from tests.giving_schema import errors
from tests.integration.conftest import api_for
from tests.integration.test_projects import events_of
from tests.integration.test_volunteers import activity_body, pending_events, volunteer


@pytest.fixture
def now(clock):
    clock.now = datetime(2025, 6, 16, 2, 0, tzinfo=UTC)
    return clock


@pytest.fixture
def volunteers(calls, now):
    return api_for("services.volunteers.handler")


@pytest.fixture
def projects(calls, now):
    return api_for("services.projects.handler")


def fields(reply) -> list[str]:
    return [e["field"] for e in reply.body["errors"]]


# --- activities ------------------------------------------------------------------------------------


def test_an_activity_with_co_organising_units_shows_them_and_counts_once(volunteers):
    first, second = units.pair("州医院", community_id=NINGHE), units.pair("三和物业", community_id=SANHE)
    helper = volunteer(volunteers)
    body = activity_body([{"volunteer_id": helper["id"], "hours": 2}], member_unit_ids=[first, second])
    reply = volunteers("POST", "/v1/activities", STAFF, body)
    assert reply.status == 201, reply.body
    assert reply.body["member_unit_ids"] == [first, second]
    assert volunteers("GET", f"/v1/activities/{reply.body['id']}", STAFF).body == reply.body
    [event] = pending_events("ActivityLogged")
    assert contracts.parse_data("ActivityLogged", event.data).member_unit_ids == [first, second]
    plain = volunteers("POST", "/v1/activities", STAFF, activity_body([{"volunteer_id": helper["id"], "hours": 1}]))
    assert (plain.status, plain.body["member_unit_ids"]) == (201, [])
    tally = read_year(VolunteersTally, 2025)[NINGHE]
    assert (tally.activities, tally.with_units) == (2, 1)


def test_an_activity_naming_an_unknown_or_departed_unit_is_422_and_nothing_is_written(volunteers):
    paired, gone = units.pair("在册单位", community_id=NINGHE), units.pair("已退出", community_id=NINGHE)
    units.leave(gone)
    helper = volunteer(volunteers)
    unknown = "mu_01JD0000000000000000000000"
    body = activity_body([{"volunteer_id": helper["id"], "hours": 2}], member_unit_ids=[paired, gone, unknown])
    reply = volunteers("POST", "/v1/activities", STAFF, body)
    assert reply.status == 422
    assert fields(reply) == ["member_unit_ids[1]", "member_unit_ids[2]"]
    assert volunteers("GET", "/v1/activities", STAFF).body["items"] == []
    assert pending_events("ActivityLogged") == []
    assert volunteers("GET", f"/v1/volunteers/{helper['id']}", STAFF).body["total_hours"] == 0


@pytest.mark.parametrize(
    ("unit_ids", "expected"),
    [
        (["物业公司", "mu_x"], ["member_unit_ids[0]"]),
        (["mu_same", "mu_same"], ["member_unit_ids[1]"]),
    ],
)
def test_activity_unit_ids_must_be_unit_ids_listed_once(volunteers, unit_ids, expected):
    helper = volunteer(volunteers)
    body = activity_body([{"volunteer_id": helper["id"], "hours": 2}], member_unit_ids=unit_ids)
    reply = volunteers("POST", "/v1/activities", STAFF, body)
    assert (reply.status, fields(reply)) == (422, expected)


def test_more_than_twenty_units_is_422(volunteers):
    helper = volunteer(volunteers)
    body = activity_body([{"volunteer_id": helper["id"], "hours": 2}], member_unit_ids=[f"mu_{n}" for n in range(21)])
    reply = volunteers("POST", "/v1/activities", STAFF, body)
    assert reply.status == 422
    assert any(f.startswith("member_unit_ids") for f in fields(reply))


def test_units_and_participants_together_fit_one_transaction(volunteers):
    """48 participants fill the transaction (96 of its 100 items), so no unit fits beside them: a 422, not a 500."""
    participants = [{"volunteer_id": f"vol_{n}", "hours": 1} for n in range(48)]
    body = activity_body(participants, member_unit_ids=["mu_a"])
    reply = volunteers("POST", "/v1/activities", STAFF, body)
    assert reply.status == 422
    assert "member_unit_ids" in fields(reply)


def test_a_unit_leaving_while_an_activity_is_logged_gives_one_outcome(volunteers):
    for run in range(8):
        unit = units.pair("赛跑单位", community_id=NINGHE)
        helper = volunteer(volunteers, phone=f"136{datetime.now(UTC).microsecond:08d}")
        body = activity_body([{"volunteer_id": helper["id"], "hours": 2}], member_unit_ids=[unit])
        reply, left = units.race(
            lambda body=body: volunteers("POST", "/v1/activities", STAFF, body),
            lambda unit=unit, delay=run * 0.006: units.leave(unit, after_seconds=delay),
        )
        hours = volunteers("GET", f"/v1/volunteers/{helper['id']}", STAFF).body["total_hours"]
        logged = [
            e
            for e in pending_events("ActivityLogged")
            if contracts.parse_data("ActivityLogged", e.data).member_unit_ids == [unit]
        ]
        assert left is True
        if reply.status == 201:
            assert (hours, len(logged)) == (2, 1)
        else:
            assert (reply.status, fields(reply), hours, logged) == (422, ["member_unit_ids[0]"], 0, [])


# --- projects --------------------------------------------------------------------------------------


def new_project(projects, **extra):
    body = {"community_id": NINGHE, "kind": "secretary_led", "title": "老旧小区加装电梯", "year": 2025} | extra
    return projects("POST", "/v1/projects", STAFF, body)


def test_a_project_with_co_organising_units(projects):
    unit = units.pair("州住建局", community_id=NINGHE, kind="agency")
    reply = new_project(projects, member_unit_ids=[unit])
    assert (reply.status, reply.body["member_unit_ids"]) == (201, [unit])
    assert projects("GET", f"/v1/projects/{reply.body['id']}", STAFF).body == reply.body
    [event] = events_of("ProjectCreated")
    assert contracts.parse_data("ProjectCreated", event.data).member_unit_ids == [unit]


def test_a_project_naming_a_departed_unit_is_422_and_not_created(projects):
    paired, gone = units.pair("在册", community_id=NINGHE), units.pair("已退出", community_id=NINGHE)
    units.leave(gone)
    reply = new_project(projects, member_unit_ids=[paired, gone])
    assert (reply.status, fields(reply)) == (422, ["member_unit_ids[1]"])
    assert projects("GET", "/v1/projects", STAFF).body["items"] == []
    assert events_of("ProjectCreated") == []
    assert new_project(projects, member_unit_ids=["mu_a", "mu_a"]).body["errors"][0]["field"] == "member_unit_ids[1]"


def fund(projects, project_id, **extra):
    body = {"source": "member_unit", "amount": 500_000, "currency": "CNY", "received_on": "2025-03-01"} | extra
    return projects("POST", f"/v1/projects/{project_id}/funding", STAFF, body)


def test_funding_from_a_unit_is_shown_evented_tallied_and_named_in_360giving(projects):
    unit = units.pair("大理州农业银行", community_id=NINGHE, kind="state_enterprise")
    project = new_project(projects).body
    reply = fund(projects, project["id"], member_unit_id=unit)
    assert reply.status == 201, reply.body
    assert (reply.body["source"], reply.body["member_unit_id"]) == ("member_unit", unit)
    fund(projects, project["id"], source="fiscal", amount=100)
    ledger = projects("GET", f"/v1/projects/{project['id']}/ledger", STAFF).body
    # Both lines share a day and a recording time: their order is the ids', so compare them sorted.
    assert sorted((line["source"], line["member_unit_id"] or "") for line in ledger["items"]) == [
        ("fiscal", ""),
        ("member_unit", unit),
    ]
    recorded = [contracts.parse_data("FundingRecorded", e.data) for e in events_of("FundingRecorded")]
    assert sorted((f.source, f.member_unit_id or "") for f in recorded) == [("fiscal", ""), ("member_unit", unit)]
    tally = read_year(ProjectsTally, 2025)[NINGHE]
    assert (tally.funding, tally.funding_from_units) == (500_100, 500_000)

    from services.projects.handler import lambda_handler

    response = lambda_handler(http_event("GET", "/v1/open-data/360giving/2025.json"), FakeContext())
    package = json.loads(response["body"])
    assert list(errors(package)) == []
    funders = sorted(
        (g["fundingOrganization"][0]["id"], g["fundingOrganization"][0]["name"]) for g in package["grants"]
    )
    assert funders == sorted(
        [(f"360G-canger-source-{unit}", "大理州农业银行"), ("360G-canger-source-fiscal", "财政资金")]
    )


@pytest.mark.parametrize(
    ("source", "unit", "case"),
    [("member_unit", None, "missing"), ("fiscal", "paired", "other source"), ("member_unit", "gone", "left")],
)
def test_funding_unit_rules_are_422_naming_member_unit_id_and_record_nothing(projects, source, unit, case):
    project = new_project(projects).body
    unit_id = None
    if unit:
        unit_id = units.pair("某单位", community_id=NINGHE)
        if unit == "gone":
            units.leave(unit_id)
    extra = {"member_unit_id": unit_id} if unit_id else {}
    reply = fund(projects, project["id"], source=source, **extra)
    assert (reply.status, fields(reply)) == (422, ["member_unit_id"]), case
    assert projects("GET", f"/v1/projects/{project['id']}/ledger", STAFF).body["items"] == []
    assert events_of("FundingRecorded") == []


def test_a_unit_leaving_after_the_check_fails_the_funding(projects, monkeypatch):
    unit = units.pair("正在退出", community_id=NINGHE)
    project = new_project(projects).body
    real_get = member_units.get

    def get_then_leave(unit_id: str, **kwargs):
        found = real_get(unit_id, **kwargs)
        assert units.leave(unit_id)
        return found

    monkeypatch.setattr(member_units, "get", get_then_leave)
    reply = fund(projects, project["id"], member_unit_id=unit)
    assert (reply.status, fields(reply)) == (422, ["member_unit_id"])
    after = projects("GET", f"/v1/projects/{project['id']}/ledger", STAFF).body
    assert (after["items"], after["funding_total"]["amount"]) == ([], 0)
    assert events_of("FundingRecorded") == []
    assert len(outbox.pending(due_by=None)) == 1  # ProjectCreated only
