"""The appeals handler against moto: intake, the lifecycle, history, meetings, listings and their events."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from services.common.data import aws, outbox
from services.common.domain import contracts
from services.common.domain.events import Event
from tests.callers import ADMIN, GRID_WORKER, NINGHE, OFFICER, OTHER_RESIDENT, OTHER_STAFF, RESIDENT, SANHE, STAFF
from tests.integration.conftest import api_for

NEW = {
    "community_id": NINGHE,
    "grid_id": "gr_ninghe_01",
    "category": "parking_traffic",
    "title": "小区门口乱停车",
    "description": "晚上消防通道被占",
    "channel": "grid_visit",
    "contact": {"name": "李四", "phone": "13912345678"},
    "location": {"address": "宁和社区 3 栋", "lat": 25.6065, "lng": 100.2676},
}


@pytest.fixture
def api(calls):
    return api_for("services.appeals.handler")


def submit(api, who=RESIDENT, **changes) -> dict:
    reply = api("POST", "/v1/appeals", who, {**NEW, **changes})
    assert reply.status == 201, reply.body
    # The appeal as GET shows it: the POST answer adds its possible duplicates.
    return {k: v for k, v in reply.body.items() if k != "possible_duplicates"}


def published(aws_stack) -> list[Event]:
    """Every event that reached the events queue, parsed as the stats consumer will parse it."""
    sqs = aws.client("sqs")
    found = []
    while True:
        messages = sqs.receive_message(QueueUrl=aws_stack.events_url, MaxNumberOfMessages=10).get("Messages", [])
        if not messages:
            return found
        for message in messages:
            envelope = json.loads(message["Body"])
            found.append(Event.model_validate({**envelope["detail"], "source": envelope["source"]}))
            sqs.delete_message(QueueUrl=aws_stack.events_url, ReceiptHandle=message["ReceiptHandle"])


def test_submit_stores_the_appeal_and_answers_201_with_location(api):
    reply = api("POST", "/v1/appeals", RESIDENT, NEW)
    assert reply.status == 201
    assert reply.headers["Location"] == f"/v1/appeals/{reply.body['id']}"
    expected = {
        "community_id": NINGHE,
        "street_id": "st_xiaguan",
        "status": "submitted",
        "level": "community",
        "submitted_by": "resident-1",
        "version": 1,
        "contact": NEW["contact"],
        "location": NEW["location"],
        "resolved_at": None,
    }
    assert {k: reply.body[k] for k in expected} == expected
    # The POST answer is the appeal plus its possible duplicates (none here: the first of its kind).
    assert reply.body.pop("possible_duplicates") == []
    assert api("GET", f"/v1/appeals/{reply.body['id']}", RESIDENT).body == reply.body


def test_submit_publishes_appeal_submitted_with_what_statistics_need(api, aws_stack):
    appeal = submit(api)
    [event] = published(aws_stack)
    assert (event.source, event.metadata.event_type) == ("canger.appeals", "AppealSubmitted")
    data = contracts.parse_data("AppealSubmitted", event.data)
    assert data.model_dump(mode="json") == {
        "appeal_id": appeal["id"],
        "community_id": NINGHE,
        "street_id": "st_xiaguan",
        "category": "parking_traffic",
        "level": "community",
        "channel": "grid_visit",
        "submitted_at": appeal["submitted_at"],
        "at": appeal["submitted_at"],
    }


def test_event_carries_no_personal_data(api):
    submit(api)
    [item] = outbox.pending(due_by=None)
    for secret in ("13912345678", "李四", "消防通道", "3 栋"):
        assert secret not in item["detail"]


def test_the_whole_lifecycle_across_levels(api, aws_stack):
    meeting_appeal = submit(api)
    appeal = submit(api)
    path = f"/v1/appeals/{appeal['id']}"
    assert (
        api("POST", f"{path}/assign", STAFF, {"assignee": "社区物业办", "note": "先协调"}).body["status"] == "assigned"
    )
    escalated = api("POST", f"{path}/escalate", STAFF, {"reason": "需要街道协调"}).body
    assert (escalated["status"], escalated["level"]) == ("escalated", "street")
    assert api("POST", f"{path}/assign", OFFICER, {"assignee": "街道城管中队"}).body["status"] == "assigned"
    meeting = api(
        "POST",
        "/v1/meetings",
        STAFF,
        {
            "community_id": NINGHE,
            "building": "3 栋",
            "held_at": "2025-06-01T19:00:00+08:00",
            "chair": "王书记",
            "departments": ["城管", "交警"],
            "resident_count": 24,
            "appeal_ids": [meeting_appeal["id"], appeal["id"]],
        },
    ).body
    resolved = api(
        "POST", f"{path}/resolve", OFFICER, {"resolution": "划线", "on_site": True, "meeting_id": meeting["id"]}
    ).body
    assert (resolved["status"], resolved["meeting_id"], resolved["resolved_on_site"]) == (
        "resolved",
        meeting["id"],
        True,
    )
    closed = api("POST", f"{path}/rate", RESIDENT, {"satisfaction": 5, "comment": "满意"}).body
    assert (closed["status"], closed["satisfaction"], closed["version"]) == ("closed", 5, 6)

    history = api("GET", f"{path}/history", RESIDENT).body["items"]
    assert [(h["action"], h["from_status"], h["to_status"], h["level"], h["actor"]) for h in history] == [
        ("submit", None, "submitted", "community", "resident-1"),
        ("assign", "submitted", "assigned", "community", "staff-1"),
        ("escalate", "assigned", "escalated", "street", "staff-1"),
        ("assign", "escalated", "assigned", "street", "officer-1"),
        ("resolve", "assigned", "resolved", "street", "officer-1"),
        ("rate", "resolved", "closed", "street", "resident-1"),
    ]
    types = [e.metadata.event_type for e in published(aws_stack)]
    assert sorted(types) == sorted(
        ["AppealSubmitted"] * 2
        + ["AppealAssigned", "AppealEscalated", "AppealAssigned", "MeetingHeld", "AppealResolved", "AppealRated"]
    )


def test_resolution_event_says_first_on_site_at_meeting_and_time_taken(api, aws_stack, clock):
    clock.now = datetime(2025, 3, 1, 0, 0, tzinfo=UTC)
    appeal = submit(api)
    path = f"/v1/appeals/{appeal['id']}"
    clock.now += timedelta(hours=5, minutes=30)
    api("POST", f"{path}/resolve", STAFF, {"resolution": "已处理", "on_site": False})
    api("POST", f"{path}/reopen", RESIDENT, {"reason": "没有解决"})
    clock.now += timedelta(hours=1)
    api("POST", f"{path}/resolve", STAFF, {"resolution": "再次处理", "on_site": True})
    resolutions = [
        contracts.parse_data("AppealResolved", e.data)
        for e in published(aws_stack)
        if e.metadata.event_type == "AppealResolved"
    ]
    assert sorted((r.first, r.on_site, r.at_meeting, r.seconds_to_resolve) for r in resolutions) == [
        (False, True, False, 6.5 * 3600),
        (True, False, False, 5.5 * 3600),
    ]


def test_reopen_clears_the_resolution_and_keeps_the_level(api):
    appeal = submit(api)
    path = f"/v1/appeals/{appeal['id']}"
    api("POST", f"{path}/escalate", STAFF, {"reason": "街道"})
    api("POST", f"{path}/resolve", OFFICER, {"resolution": "好了", "on_site": False})
    reopened = api("POST", f"{path}/reopen", RESIDENT, {"reason": "没好"}).body
    assert (reopened["status"], reopened["level"], reopened["resolved_at"], reopened["resolution"]) == (
        "submitted",
        "street",
        None,
        None,
    )


def test_stale_expected_version_is_409_and_changes_nothing(api):
    appeal = submit(api)
    path = f"/v1/appeals/{appeal['id']}"
    reply = api("POST", f"{path}/assign", STAFF, {"assignee": "物业", "expected_version": 7})
    assert (reply.status, reply.body["current_version"]) == (409, 1)
    assert api("GET", path, STAFF).body == appeal
    assert len(api("GET", f"{path}/history", STAFF).body["items"]) == 1
    assert len(outbox.pending(due_by=None)) == 1


def test_invalid_transition_is_409(api):
    appeal = submit(api)
    reply = api("POST", f"/v1/appeals/{appeal['id']}/rate", RESIDENT, {"satisfaction": 3})
    assert reply.status == 409
    assert reply.body["detail"] == "An appeal that is submitted cannot be rated."


def test_escalating_beyond_the_city_is_409(api):
    path = f"/v1/appeals/{submit(api)['id']}"
    api("POST", f"{path}/escalate", STAFF, {"reason": "a"})
    api("POST", f"{path}/escalate", OFFICER, {"reason": "b"})
    reply = api("POST", f"{path}/escalate", ADMIN, {"reason": "c"})
    assert reply.status == 409


def test_resolving_at_a_meeting_of_another_community_is_422_and_changes_nothing(api):
    other = submit(api, community_id=SANHE, grid_id=None)
    meeting = api(
        "POST",
        "/v1/meetings",
        OTHER_STAFF,
        {
            "community_id": SANHE,
            "building": "1",
            "held_at": "2025-01-01T10:00:00Z",
            "chair": "x",
            "resident_count": 1,
            "appeal_ids": [other["id"]],
        },
    ).body
    appeal = submit(api)
    path = f"/v1/appeals/{appeal['id']}"
    reply = api("POST", f"{path}/resolve", STAFF, {"resolution": "x", "on_site": True, "meeting_id": meeting["id"]})
    assert (reply.status, reply.body["errors"][0]["field"]) == (422, "meeting_id")
    assert api("GET", path, STAFF).body["version"] == 1


def test_meeting_with_an_appeal_of_another_community_is_422_naming_it(api):
    mine, theirs = submit(api), submit(api, community_id=SANHE, grid_id=None)
    body = {
        "community_id": NINGHE,
        "building": "1",
        "held_at": "2025-01-01T10:00:00Z",
        "chair": "x",
        "resident_count": 1,
        "appeal_ids": [mine["id"], theirs["id"], "apl_01JD3J4ZQ6X8M3V0S5T7K2B9RC"],
    }
    reply = api("POST", "/v1/meetings", STAFF, body)
    assert reply.status == 422
    assert [e["field"] for e in reply.body["errors"]] == ["appeal_ids[1]", "appeal_ids[2]"]
    assert api("GET", "/v1/meetings", STAFF).body["items"] == []


def test_phone_is_masked_for_grid_workers_and_officers(api):
    appeal = submit(api)
    path = f"/v1/appeals/{appeal['id']}"
    assert api("GET", path, GRID_WORKER).body["contact"] == {"name": "李四", "phone": "139****5678"}
    api("POST", f"{path}/escalate", STAFF, {"reason": "街道"})
    assert api("GET", path, OFFICER).body["contact"]["phone"] == "139****5678"
    assert api("GET", path, STAFF).body["contact"]["phone"] == "13912345678"
    assert api("GET", path, ADMIN).body["contact"]["phone"] == "13912345678"


def test_another_residents_appeal_is_404(api):
    appeal = submit(api)
    assert api("GET", f"/v1/appeals/{appeal['id']}", OTHER_RESIDENT).status == 404
    assert api("GET", f"/v1/appeals/{appeal['id']}/history", OTHER_RESIDENT).status == 404


def test_listing_by_community_status_category_and_year_newest_first(api, clock):
    times = ["2024-12-31T15:59:59Z", "2024-12-31T16:00:00Z", "2025-06-01T00:00:00Z", "2025-12-31T16:00:00Z"]
    made = []
    for n, moment in enumerate(times):
        clock.now = datetime.fromisoformat(moment)
        made.append(submit(api, category="medical" if n % 2 else "employment"))
    ids = [a["id"] for a in made]
    clock.now = None
    api("POST", f"/v1/appeals/{ids[2]}/assign", STAFF, {"assignee": "卫健"})

    def listed(**query):
        reply = api("GET", "/v1/appeals", STAFF, query={k: str(v) for k, v in query.items()})
        assert reply.status == 200, reply.body
        return [a["id"] for a in reply.body["items"]]

    assert listed() == ids[::-1]
    # Beijing time: 2024-12-31T16:00Z is already 2025-01-01 08:00, and 2025-12-31T16:00Z is 2026.
    assert listed(year=2025) == [ids[2], ids[1]]
    assert listed(year=2024) == [ids[0]]
    assert listed(status="assigned") == [ids[2]]
    assert listed(status="submitted", year=2025) == [ids[1]]
    assert listed(category="medical") == [ids[3], ids[1]]
    assert listed(category="employment", status="submitted") == [ids[0]]


def test_listing_pages_with_a_cursor(api):
    ids = [submit(api)["id"] for _ in range(5)]
    seen, cursor = [], None
    while True:
        query = {"limit": "2", **({"cursor": cursor} if cursor else {})}
        body = api("GET", "/v1/appeals", STAFF, query=query).body
        seen += [a["id"] for a in body["items"]]
        cursor = body["next_cursor"]
        if not cursor:
            break
    assert seen == ids[::-1]


def test_listing_with_a_forged_cursor_is_422(api):
    reply = api("GET", "/v1/appeals", STAFF, query={"cursor": "bm90LWEtY3Vyc29y"})
    assert (reply.status, reply.body["errors"][0]["field"]) == (422, "cursor")


def test_residents_list_only_their_own(api):
    mine = submit(api)
    submit(api, who=OTHER_RESIDENT)
    assert [a["id"] for a in api("GET", "/v1/appeals", RESIDENT).body["items"]] == [mine["id"]]


def test_officers_list_only_escalated_appeals_of_their_street(api):
    submit(api)
    escalated = submit(api)
    api("POST", f"/v1/appeals/{escalated['id']}/escalate", STAFF, {"reason": "街道"})
    assert [a["id"] for a in api("GET", "/v1/appeals", OFFICER).body["items"]] == [escalated["id"]]
    by_community = api("GET", "/v1/appeals", OFFICER, query={"community_id": NINGHE}).body["items"]
    assert [a["id"] for a in by_community] == [escalated["id"]]
    assert api("GET", "/v1/appeals", OFFICER, query={"community_id": SANHE}).status == 403


def test_staff_listing_another_community_is_403(api):
    assert api("GET", "/v1/appeals", STAFF, query={"community_id": SANHE}).status == 403


def test_listing_an_unknown_community_is_422(api):
    reply = api("GET", "/v1/appeals", ADMIN, query={"community_id": "cm_atlantis"})
    assert (reply.status, reply.body["errors"][0]["field"]) == (422, "community_id")


def test_city_admin_lists_the_whole_city(api):
    a, b = submit(api), submit(api, community_id=SANHE, grid_id=None)
    assert [x["id"] for x in api("GET", "/v1/appeals", ADMIN).body["items"]] == [b["id"], a["id"]]


def test_meetings_list_by_year_in_beijing_time(api):
    def record(held_at):
        body = {"community_id": NINGHE, "building": "1", "held_at": held_at, "chair": "x", "resident_count": 2}
        return api("POST", "/v1/meetings", STAFF, {**body, "appeal_ids": []}).body["id"]

    late_2024, early_2025 = record("2024-12-31T15:00:00Z"), record("2024-12-31T17:00:00Z")
    listed = api("GET", "/v1/meetings", STAFF, query={"year": "2025"}).body["items"]
    assert [m["id"] for m in listed] == [early_2025]
    assert api("GET", f"/v1/meetings/{late_2024}", OFFICER).status == 200
    assert api("GET", f"/v1/meetings/{late_2024}", OTHER_STAFF).status == 404


def test_meeting_in_the_future_is_422(api):
    body = {"community_id": NINGHE, "building": "1", "chair": "x", "resident_count": 2, "appeal_ids": []}
    reply = api("POST", "/v1/meetings", STAFF, {**body, "held_at": "2999-01-01T00:00:00Z"})
    assert (reply.status, reply.body["errors"][0]["field"]) == (422, "held_at")


def test_get_is_one_dynamodb_read(api, calls):
    appeal = submit(api)
    calls.reset()
    api("GET", f"/v1/appeals/{appeal['id']}", STAFF)
    assert calls.counts == {"dynamodb.GetItem": 1}
    calls.reset()
    api("GET", f"/v1/appeals/{appeal['id']}/history", STAFF)
    assert calls.counts == {"dynamodb.Query": 1}


def test_action_is_one_read_one_transaction_and_one_put_events(api, calls):
    appeal = submit(api)
    calls.reset()
    api("POST", f"/v1/appeals/{appeal['id']}/assign", STAFF, {"assignee": "物业"})
    assert calls.counts == {"dynamodb.GetItem": 1, "dynamodb.TransactWriteItems": 1, "events.PutEvents": 1}
