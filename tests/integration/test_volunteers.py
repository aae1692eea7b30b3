"""The volunteers handler against moto: teams, registration, activities, exact hours, service records."""

from __future__ import annotations

import pytest

from services.common.data import outbox
from services.common.domain import contracts
from services.common.domain.events import Event
from tests.callers import ADMIN, GRID_WORKER, NINGHE, OFFICER, OTHER_STAFF, SANHE, STAFF
from tests.integration.conftest import api_for

PHONE = "13600001111"


@pytest.fixture
def api(calls):
    return api_for("services.volunteers.handler")


def team(api, who=STAFF, community=NINGHE, name="宁和党员先锋队") -> dict:
    reply = api("POST", "/v1/teams", who, {"name": name, "community_id": community, "group": "party_member"})
    assert reply.status == 201, reply.body
    return reply.body


def volunteer(api, phone=PHONE, who=STAFF, community=NINGHE, **extra) -> dict:
    body = {"name": "王五", "phone": phone, "community_id": community, "group": "youth", "skills": ["health"], **extra}
    reply = api("POST", "/v1/volunteers", who, body)
    assert reply.status == 201, reply.body
    return reply.body


def activity_body(participants, **extra) -> dict:
    return {  # extra may replace the participants too
        "community_id": NINGHE,
        "title": "义诊进社区",
        "field": "health",
        "started_at": "2025-03-01T09:00:00+08:00",
        "ended_at": "2025-03-01T12:00:00+08:00",
        "residents_served": 120,
        "participants": participants,
    } | extra


def with_id(value, volunteer_id):
    """``change`` with each ``"{a}"`` replaced by the test's volunteer id."""
    if isinstance(value, dict):
        return {k: with_id(v, volunteer_id) for k, v in value.items()}
    if isinstance(value, list):
        return [with_id(v, volunteer_id) for v in value]
    return volunteer_id if value == "{a}" else value


def pending_events(event_type: str) -> list[Event]:
    found = [Event.model_validate_json(item["detail"]) for item in outbox.pending(due_by=None)]
    return [e for e in found if e.metadata.event_type == event_type]


def test_register_with_a_team_counts_the_member(api):
    crew = team(api)
    registered = volunteer(api, team_ids=[crew["id"]])
    assert (registered["total_hours"], registered["team_ids"], registered["phone"]) == (0, [crew["id"]], PHONE)
    assert api("GET", f"/v1/teams/{crew['id']}", STAFF).body["member_count"] == 1
    roster = api("GET", "/v1/volunteers", STAFF, query={"team_id": crew["id"]}).body["items"]
    assert [v["id"] for v in roster] == [registered["id"]]


def test_a_phone_registers_once_and_the_409_names_the_volunteer(api):
    first = volunteer(api)
    reply = api(
        "POST",
        "/v1/volunteers",
        OTHER_STAFF,
        {"name": "别人", "phone": PHONE, "community_id": SANHE, "group": "women", "skills": []},
    )
    assert (reply.status, reply.body["existing_id"]) == (409, first["id"])
    assert len(api("GET", "/v1/volunteers", OTHER_STAFF).body["items"]) == 0


def test_a_team_of_another_community_is_422_and_nothing_is_registered(api):
    theirs = team(api, OTHER_STAFF, SANHE)
    body = {"name": "王五", "phone": PHONE, "community_id": NINGHE, "group": "youth", "team_ids": [theirs["id"]]}
    reply = api("POST", "/v1/volunteers", STAFF, body)
    assert (reply.status, [e["field"] for e in reply.body["errors"]]) == (422, ["team_ids[0]"])
    # The phone was not claimed: the same registration with a right team goes through.
    assert volunteer(api)["phone"] == PHONE


def test_activity_adds_each_participants_hours(api):
    a, b = volunteer(api), volunteer(api, phone="13600002222")
    reply = api(
        "POST",
        "/v1/activities",
        STAFF,
        activity_body([{"volunteer_id": a["id"], "hours": 2.5}, {"volunteer_id": b["id"], "hours": 3}]),
    )
    assert reply.status == 201, reply.body
    assert reply.headers["Location"] == f"/v1/activities/{reply.body['id']}"
    assert reply.body["total_hours"] == 5.5
    assert api("GET", f"/v1/volunteers/{a['id']}", STAFF).body["total_hours"] == 2.5
    assert api("GET", f"/v1/volunteers/{b['id']}", STAFF).body["total_hours"] == 3.0


def test_activity_event_carries_participants_hours_in_tenths_and_no_names(api):
    a = volunteer(api)
    api("POST", "/v1/activities", STAFF, activity_body([{"volunteer_id": a["id"], "hours": 2.5}]))
    [event] = pending_events("ActivityLogged")
    data = contracts.parse_data("ActivityLogged", event.data)
    assert (data.field, data.residents_served, data.street_id) == ("health", 120, "st_xiaguan")
    assert [(p.volunteer_id, p.hours_tenths) for p in data.participants] == [(a["id"], 25)]
    assert data.started_at.isoformat() == "2025-03-01T01:00:00+00:00"
    [registered] = pending_events("VolunteerRegistered")
    assert PHONE not in registered.detail_json() and "王五" not in registered.detail_json()


def test_tenths_of_hours_stay_exact_over_many_activities(api):
    a = volunteer(api)
    for _ in range(150):
        reply = api("POST", "/v1/activities", STAFF, activity_body([{"volunteer_id": a["id"], "hours": 0.1}]))
        assert reply.status == 201
    assert api("GET", f"/v1/volunteers/{a['id']}", STAFF).body["total_hours"] == 15.0
    record = api("GET", f"/v1/volunteers/{a['id']}/record", STAFF, query={"year": "2025"}).body
    assert (record["total_hours"], len(record["activities"])) == (15.0, 150)


def test_the_beijing_new_year_decides_the_record_year(api):
    a = volunteer(api)
    # 2024-12-31T16:30Z is 2025-01-01 00:30 in Beijing: it belongs to 2025.
    body = activity_body(
        [{"volunteer_id": a["id"], "hours": 1}],
        started_at="2024-12-31T16:30:00Z",
        ended_at="2024-12-31T18:00:00Z",
    )
    activity = api("POST", "/v1/activities", STAFF, body).body
    earlier = api(
        "POST",
        "/v1/activities",
        STAFF,
        activity_body(
            [{"volunteer_id": a["id"], "hours": 0.5}],
            started_at="2024-12-31T15:00:00Z",
            ended_at="2024-12-31T15:30:00Z",
        ),
    ).body
    record_2025 = api("GET", f"/v1/volunteers/{a['id']}/record", STAFF, query={"year": "2025"}).body
    assert record_2025["activities"] == [
        {"id": activity["id"], "title": "义诊进社区", "field": "health", "date": "2025-01-01", "hours": 1.0}
    ]
    assert record_2025["total_hours"] == 1.0
    record_2024 = api("GET", f"/v1/volunteers/{a['id']}/record", STAFF, query={"year": "2024"}).body
    assert [(x["id"], x["date"]) for x in record_2024["activities"]] == [(earlier["id"], "2024-12-31")]
    listed = api("GET", "/v1/activities", STAFF, query={"year": "2025"}).body["items"]
    assert [x["id"] for x in listed] == [activity["id"]]


@pytest.mark.parametrize(
    ("change", "fields"),
    [
        ({"ended_at": "2025-03-01T08:00:00+08:00"}, ["ended_at"]),
        ({"ended_at": "2025-03-02T09:00:01+08:00"}, ["ended_at"]),
        ({"participants": [{"volunteer_id": "{a}", "hours": 3.5}]}, ["participants[0].hours"]),
        ({"participants": [{"volunteer_id": "{a}", "hours": 1.25}]}, ["participants[0].hours"]),
        ({"participants": [{"volunteer_id": "{a}", "hours": 0}]}, ["participants[0].hours"]),
        (
            {"participants": [{"volunteer_id": "{a}", "hours": 1}, {"volunteer_id": "{a}", "hours": 1}]},
            ["participants[1].volunteer_id"],
        ),
        (
            {"participants": [{"volunteer_id": "vol_01JD3J4ZQ6X8M3V0S5T7K2B9RC", "hours": 1}]},
            ["participants[0].volunteer_id"],
        ),
        ({"participants": []}, ["participants"]),
        ({"residents_served": -1}, ["residents_served"]),
        ({"team_id": "team_01JD3J4ZQ6X8M3V0S5T7K2B9RC"}, ["team_id"]),
        ({"field": "chess"}, ["field"]),
    ],
)
def test_invalid_activity_is_422_naming_the_field_and_changes_nothing(api, change, fields):
    a = volunteer(api)
    body = activity_body([{"volunteer_id": a["id"], "hours": 1}]) | with_id(change, a["id"])
    reply = api("POST", "/v1/activities", STAFF, body)
    assert reply.status == 422, reply.body
    assert [e["field"] for e in reply.body["errors"]] == fields
    assert api("GET", f"/v1/volunteers/{a['id']}", STAFF).body["total_hours"] == 0
    assert api("GET", "/v1/activities", STAFF).body["items"] == []


def test_activities_list_by_field_through_its_own_partition(api):
    a = volunteer(api)
    health = api("POST", "/v1/activities", STAFF, activity_body([{"volunteer_id": a["id"], "hours": 1}])).body
    api("POST", "/v1/activities", STAFF, activity_body([{"volunteer_id": a["id"], "hours": 1}], field="environment"))
    listed = api("GET", "/v1/activities", STAFF, query={"field": "health"}).body["items"]
    assert [x["id"] for x in listed] == [health["id"]]
    by_officer = api("GET", "/v1/activities", OFFICER, query={"field": "health"}).body["items"]
    assert [x["id"] for x in by_officer] == [health["id"]]


def test_officers_read_their_street_with_phones_masked_and_may_not_write(api):
    a = volunteer(api)
    assert api("GET", f"/v1/volunteers/{a['id']}", OFFICER).body["phone"] == "136****1111"
    assert [v["id"] for v in api("GET", "/v1/volunteers", OFFICER).body["items"]] == [a["id"]]
    assert api("POST", "/v1/teams", OFFICER, {"name": "x", "community_id": NINGHE, "group": "youth"}).status == 403
    assert api("GET", "/v1/volunteers", OFFICER, query={"community_id": SANHE}).status == 403


def test_other_roles_may_not_read_volunteers(api):
    a = volunteer(api)
    assert api("GET", "/v1/volunteers", GRID_WORKER).status == 403
    assert api("GET", f"/v1/volunteers/{a['id']}", GRID_WORKER).status == 403
    assert api("GET", f"/v1/volunteers/{a['id']}", OTHER_STAFF).status == 404
    assert api("GET", "/v1/volunteers", OTHER_STAFF, query={"community_id": NINGHE}).status == 403


def test_city_admin_lists_the_city(api):
    a, b = volunteer(api), volunteer(api, phone="13600003333", who=OTHER_STAFF, community=SANHE)
    assert [v["id"] for v in api("GET", "/v1/volunteers", ADMIN).body["items"]] == [b["id"], a["id"]]


def test_reads_are_one_request_and_an_activity_one_transaction(api, calls):
    a = volunteer(api)
    calls.reset()
    api("GET", f"/v1/volunteers/{a['id']}", STAFF)
    assert calls.counts == {"dynamodb.GetItem": 1}
    calls.reset()
    api("GET", f"/v1/volunteers/{a['id']}/record", STAFF, query={"year": "2025"})
    assert calls.counts == {"dynamodb.Query": 1}
    calls.reset()
    api("POST", "/v1/activities", STAFF, activity_body([{"volunteer_id": a["id"], "hours": 1}]))
    # One read: where the participants have served this year, so the event can say who is newly active.
    assert calls.counts == {"dynamodb.BatchGetItem": 1, "dynamodb.TransactWriteItems": 1, "events.PutEvents": 1}


def test_the_event_says_in_which_scopes_a_volunteer_is_active_for_the_first_time_that_year(api):
    a = volunteer(api)

    def newly(**changes):
        reply = api("POST", "/v1/activities", ADMIN, activity_body([{"volunteer_id": a["id"], "hours": 1}]) | changes)
        assert reply.status == 201, reply.body
        [event] = [e for e in pending_events("ActivityLogged") if e.data["activity_id"] == reply.body["id"]]
        return event.data["participants"][0]["newly_active"]

    assert newly() == ["city", "street", "community"]
    assert newly() == []
    # cm_xiaguan_02 is in the same street as 宁和社区; 三和社区 is in another street.
    assert newly(community_id="cm_xiaguan_02") == ["community"]
    assert newly(community_id=SANHE) == ["street", "community"]
    # A new Beijing year starts over.
    assert newly(started_at="2025-12-31T16:30:00Z", ended_at="2025-12-31T18:00:00Z") == ["city", "street", "community"]
