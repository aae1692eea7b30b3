"""Deadlines, extensions, supervision, merging and the deadline job against moto (API.md, "Deadlines…").

Time is set with the one clock (``services.common.domain.clock.set_now``); the ``aws_stack`` fixture puts
it back. 2025-09-30 (Tue) is the worked example's submission day: National Day follows (Oct 1–8).
"""

from __future__ import annotations

import random
from datetime import datetime

import pytest

from services.appeals.deadlines import lambda_handler as deadline_job
from services.appeals.logic import settings
from services.common.data import outbox
from services.common.domain.clock import set_now
from tests.callers import (
    ADMIN,
    NINGHE,
    OFFICER,
    OTHER_OFFICER,
    OTHER_RESIDENT,
    OTHER_STAFF,
    RESIDENT,
    SANHE,
    STAFF,
)
from tests.conftest import FakeContext
from tests.integration.conftest import api_for
from tests.integration.test_stats import consume, queued

NEW = {"community_id": NINGHE, "category": "public_facilities", "title": "3号楼路灯坏了", "description": "晚上很黑"}


@pytest.fixture
def api(calls):
    return api_for("services.appeals.handler")


@pytest.fixture
def stats_api(aws_stack):
    return api_for("services.stats.handler")


def at(text: str) -> None:
    set_now(datetime.fromisoformat(text))


def submit(api, who=RESIDENT, **changes) -> dict:
    reply = api("POST", "/v1/appeals", who, {**NEW, **changes})
    assert reply.status == 201, reply.body
    return reply.body


def act(api, appeal_id: str, action: str, who, body: dict, status: int = 200) -> dict:
    reply = api("POST", f"/v1/appeals/{appeal_id}/{action}", who, body)
    assert reply.status == status, reply.body
    return reply.body


def run_job(**payload) -> dict:
    return deadline_job(payload, FakeContext())


def unchanged(api, appeal: dict, history_length: int) -> None:
    """The appeal and its history are as they were: a refused action changed nothing."""
    now = api("GET", f"/v1/appeals/{appeal['id']}", ADMIN).body
    assert now["version"] == appeal["version"]
    assert len(api("GET", f"/v1/appeals/{appeal['id']}/history", ADMIN).body["items"]) == history_length


# --- deadlines on the appeal ---------------------------------------------------------------------------


def test_submission_sets_respond_by_as_in_the_worked_example(api):
    at("2025-09-30T10:00:00+08:00")
    appeal = submit(api)
    assert (appeal["respond_by"], appeal["due_at"], appeal["overdue"], appeal["supporters"]) == (
        "2025-10-09T15:59:59.000Z",
        None,
        False,
        1,
    )


def test_assignment_sets_due_at_and_a_later_one_is_422_changing_nothing(api):
    at("2025-09-26T10:00:00+08:00")
    appeal = submit(api)
    refused = api(
        "POST", f"/v1/appeals/{appeal['id']}/assign", STAFF, {"assignee": "物业", "due_at": "2025-10-11T00:00:00Z"}
    )
    assert (refused.status, refused.body["errors"][0]["field"]) == (422, "due_at")
    unchanged(api, appeal, 1)
    assigned = act(api, appeal["id"], "assign", STAFF, {"assignee": "物业"})
    assert assigned["due_at"] == "2025-10-10T15:59:59.000Z"
    earlier = act(api, appeal["id"], "assign", STAFF, {"assignee": "水务", "due_at": "2025-10-09T08:00:00Z"})
    assert earlier["due_at"] == "2025-10-09T08:00:00.000Z"


def test_escalation_starts_a_new_cycle_and_escalate_is_allowed_from_escalated(api):
    at("2025-09-30T10:00:00+08:00")
    appeal = submit(api)
    act(api, appeal["id"], "assign", STAFF, {"assignee": "物业"})
    at("2025-10-09T10:00:00+08:00")
    street = act(api, appeal["id"], "escalate", STAFF, {"reason": "需要街道协调"})
    assert (street["status"], street["level"], street["respond_by"], street["due_at"]) == (
        "escalated",
        "street",
        "2025-10-10T15:59:59.000Z",
        None,
    )
    city = act(api, appeal["id"], "escalate", OFFICER, {"reason": "需要市级部门"})
    assert (city["status"], city["level"]) == ("escalated", "city")


# --- the deadline job ----------------------------------------------------------------------------------


def test_the_job_reads_only_what_is_due_and_twice_changes_nothing(api, calls):
    at("2025-09-30T10:00:00+08:00")
    due = [submit(api) for _ in range(3)]
    at("2025-10-09T10:00:00+08:00")
    later = [submit(api) for _ in range(5)]  # respond_by Oct 10
    at("2025-10-10T09:00:00+08:00")
    settings.forget()  # a fresh job instance: it reads the policy too
    calls.reset()
    assert run_job() == {"due": 3, "overdue": 3, "escalated": 0, "stale": 0}
    reads = {k: n for k, n in calls.of("dynamodb").items() if k != "dynamodb.TransactWriteItems"}
    # One Query of the deadline index, one of the settings partition; no GetItem, no Scan.
    assert reads == {"dynamodb.Query": 2}
    assert calls.counts["dynamodb.TransactWriteItems"] == 3
    flagged = [api("GET", f"/v1/appeals/{a['id']}", ADMIN).body for a in due]
    assert all(a["overdue"] and a["level"] == "community" and a["version"] == 2 for a in flagged)
    assert not any(api("GET", f"/v1/appeals/{a['id']}", ADMIN).body["overdue"] for a in later)
    assert run_job() == {"due": 0, "overdue": 0, "escalated": 0, "stale": 0}
    assert [api("GET", f"/v1/appeals/{a['id']}", ADMIN).body["version"] for a in due] == [2, 2, 2]
    listed = api("GET", "/v1/appeals", STAFF, query={"overdue": "true"}).body["items"]
    assert sorted(a["id"] for a in listed) == sorted(a["id"] for a in due)


def test_the_job_as_of_a_given_time(api):
    at("2025-09-30T10:00:00+08:00")
    submit(api)
    assert run_job(now="2025-10-09T23:59:58+08:00")["due"] == 0
    assert run_job(now="2025-10-10T00:00:00+08:00")["overdue"] == 1


def test_auto_escalation_moves_one_level_and_only_flags_at_the_city(api):
    api("PUT", "/v1/appeal-policy", ADMIN, {"auto_escalate_overdue": True})
    at("2025-09-30T10:00:00+08:00")
    appeal = submit(api)
    at("2025-10-10T09:00:00+08:00")
    assert run_job() == {"due": 1, "overdue": 1, "escalated": 1, "stale": 0}
    street = api("GET", f"/v1/appeals/{appeal['id']}", ADMIN).body
    assert (street["level"], street["status"], street["overdue"], street["respond_by"]) == (
        "street",
        "escalated",
        False,
        "2025-10-11T15:59:59.000Z",
    )
    at("2025-10-13T09:00:00+08:00")
    assert run_job()["escalated"] == 1
    at("2025-10-15T09:00:00+08:00")
    assert run_job() == {"due": 1, "overdue": 1, "escalated": 0, "stale": 0}
    city = api("GET", f"/v1/appeals/{appeal['id']}", ADMIN).body
    assert (city["level"], city["overdue"]) == ("city", True)
    history = api("GET", f"/v1/appeals/{appeal['id']}/history", ADMIN).body["items"]
    assert [h["action"] for h in history] == ["submit", "overdue", "escalate", "overdue", "escalate", "overdue"]
    assert {h["actor"] for h in history[1:]} == {"system"}


def test_an_assigned_appeal_past_its_due_at_is_overdue(api):
    at("2025-09-26T10:00:00+08:00")
    appeal = submit(api)
    act(api, appeal["id"], "assign", STAFF, {"assignee": "物业"})
    assert run_job(now="2025-10-10T23:00:00+08:00")["due"] == 0
    assert run_job(now="2025-10-11T00:00:01+08:00")["overdue"] == 1
    resolved = act(api, appeal["id"], "resolve", STAFF, {"resolution": "修好了", "on_site": False})
    assert resolved["overdue"] is True  # it was missed in this cycle, and stays so


# --- extensions ----------------------------------------------------------------------------------------


@pytest.fixture
def assigned(api) -> dict:
    at("2025-09-26T10:00:00+08:00")
    appeal = submit(api)
    return act(api, appeal["id"], "assign", STAFF, {"assignee": "物业"})


def test_an_approved_extension_moves_due_at_by_working_days(api, assigned):
    request = act(api, assigned["id"], "extension-requests", STAFF, {"days": 1, "reason": "等配件"}, status=201)
    assert set(request) == {"id", "days", "reason", "status", "requested_at", "requested_by"}
    pending = api("GET", f"/v1/appeals/{assigned['id']}", STAFF).body
    assert pending["extension_request"]["id"] == request["id"]
    # A community-level appeal: its street's officer decides (and may see it while the request waits).
    decided = act(api, assigned["id"], f"extension-requests/{request['id']}/decide", OFFICER, {"approve": True})
    assert (decided["due_at"], decided["extension_request"]) == ("2025-10-11T15:59:59.000Z", None)


def test_a_rejected_extension_leaves_due_at(api, assigned):
    request = act(api, assigned["id"], "extension-requests", STAFF, {"days": 2, "reason": "r"}, status=201)
    decided = act(api, assigned["id"], f"extension-requests/{request['id']}/decide", ADMIN, {"approve": False})
    assert (decided["due_at"], decided["extension_request"]) == (assigned["due_at"], None)


def test_extension_requests_refused_change_nothing(api, assigned):
    path = assigned["id"]
    submitted = submit(api)
    cases = [
        (submitted["id"], STAFF, {"days": 1, "reason": "r"}, 409),  # not assigned
        (path, STAFF, {"days": 11, "reason": "r"}, 422),
        (path, STAFF, {"days": 0, "reason": "r"}, 422),
        (path, OFFICER, {"days": 1, "reason": "r"}, 404),  # the street sees it only once a request waits
        (path, OTHER_STAFF, {"days": 1, "reason": "r"}, 404),
        (path, RESIDENT, {"days": 1, "reason": "r"}, 403),  # the submitter sees it, may not ask
    ]
    for appeal_id, who, body, status in cases:
        assert api("POST", f"/v1/appeals/{appeal_id}/extension-requests", who, body).status == status, body
    unchanged(api, assigned, 2)
    act(api, path, "extension-requests", STAFF, {"days": 6, "reason": "r"}, status=201)
    assert api("POST", f"/v1/appeals/{path}/extension-requests", STAFF, {"days": 1, "reason": "r"}).status == 409


def test_the_extension_total_is_capped_by_the_policy(api, assigned):
    first = act(api, assigned["id"], "extension-requests", STAFF, {"days": 6, "reason": "r"}, status=201)
    act(api, assigned["id"], f"extension-requests/{first['id']}/decide", ADMIN, {"approve": True})
    refused = api("POST", f"/v1/appeals/{assigned['id']}/extension-requests", STAFF, {"days": 5, "reason": "r"})
    assert (refused.status, refused.body["errors"][0]["field"]) == (422, "days")
    act(api, assigned["id"], "extension-requests", STAFF, {"days": 4, "reason": "r"}, status=201)


def test_decisions_refused_change_nothing(api, assigned):
    request = act(api, assigned["id"], "extension-requests", STAFF, {"days": 1, "reason": "r"}, status=201)
    before = api("GET", f"/v1/appeals/{assigned['id']}", STAFF).body
    decide = f"/v1/appeals/{assigned['id']}/extension-requests"
    assert api("POST", f"{decide}/{request['id']}/decide", STAFF, {"approve": True}).status == 403
    assert api("POST", f"{decide}/{request['id']}/decide", OTHER_OFFICER, {"approve": True}).status == 404
    assert api("POST", f"{decide}/ext_01JD3J4ZQ6X8M3V0S5T7K2B9RC/decide", OFFICER, {"approve": True}).status == 404
    stale = {"approve": True, "expected_version": 1}
    assert api("POST", f"{decide}/{request['id']}/decide", OFFICER, stale).status == 409
    unchanged(api, before, 3)


# --- supervision ---------------------------------------------------------------------------------------


def test_supervision_by_the_street_and_its_refusals(api):
    appeal = submit(api)
    assert api("POST", f"/v1/appeals/{appeal['id']}/supervise", STAFF, {"note": "n"}).status == 403
    assert api("POST", f"/v1/appeals/{appeal['id']}/supervise", OTHER_OFFICER, {"note": "n"}).status == 404
    assert api("GET", f"/v1/appeals/{appeal['id']}", OFFICER).status == 404
    unchanged(api, appeal, 1)
    supervised = act(api, appeal["id"], "supervise", OFFICER, {"note": "督办"})
    assert supervised["supervised"] is True
    assert api("GET", f"/v1/appeals/{appeal['id']}", OFFICER).status == 200  # the officer follows it now
    assert api("POST", f"/v1/appeals/{appeal['id']}/supervise", ADMIN, {"note": "n"}).status == 409
    closed = submit(api)
    act(api, closed["id"], "close", STAFF, {"reason": "withdrawn"})
    assert api("POST", f"/v1/appeals/{closed['id']}/supervise", ADMIN, {"note": "n"}).status == 409


# --- merging -------------------------------------------------------------------------------------------


def test_merging_closes_the_appeal_and_the_target_gains_supporters(api):
    target = submit(api, contact={"name": "王五", "phone": "13912345678"})
    source = submit(api, OTHER_RESIDENT)
    merged = act(api, source["id"], "merge", STAFF, {"into": target["id"], "note": "同一路灯"})
    assert (merged["status"], merged["close_reason"], merged["merged_into"]) == ("closed", "merged", target["id"])
    gained = api("GET", f"/v1/appeals/{target['id']}", STAFF).body
    assert (gained["merged_ids"], gained["supporters"], gained["version"]) == ([source["id"]], 2, 2)
    # The merged appeal's submitter may read the target, its contact masked.
    seen = api("GET", f"/v1/appeals/{target['id']}", OTHER_RESIDENT)
    assert (seen.status, seen.body["contact"]["phone"]) == (200, "139****5678")
    history = api("GET", f"/v1/appeals/{target['id']}/history", STAFF).body["items"]
    assert (history[-1]["action"], history[-1]["note"]) == ("merge_in", source["id"])


@pytest.mark.parametrize("case", ["itself", "other community", "closed", "merged", "unknown", "not an id"])
def test_merge_targets_that_are_refused_with_422_changing_nothing(api, case):
    source = submit(api)
    if case == "itself":
        into = source["id"]
    elif case == "other community":
        into = submit(api, OTHER_RESIDENT, community_id=SANHE)["id"]
    elif case == "closed":
        into = submit(api)["id"]
        act(api, into, "close", STAFF, {"reason": "withdrawn"})
    elif case == "merged":
        into, other = submit(api)["id"], submit(api)["id"]
        act(api, into, "merge", STAFF, {"into": other})
    elif case == "unknown":
        into = "apl_01JD3J4ZQ6X8M3V0S5T7K2B9RC"
    else:
        into = "lamp"
    refused = api("POST", f"/v1/appeals/{source['id']}/merge", STAFF, {"into": into})
    assert (refused.status, refused.body["errors"][0]["field"]) == (422, "into")
    unchanged(api, source, 1)


def test_merging_a_resolved_appeal_is_409_and_merging_is_for_the_level_staff(api):
    source, target = submit(api), submit(api)
    assert api("POST", f"/v1/appeals/{source['id']}/merge", RESIDENT, {"into": target["id"]}).status == 403
    assert api("POST", f"/v1/appeals/{source['id']}/merge", OTHER_STAFF, {"into": target["id"]}).status == 404
    act(api, source["id"], "resolve", STAFF, {"resolution": "r", "on_site": True})
    assert api("POST", f"/v1/appeals/{source['id']}/merge", STAFF, {"into": target["id"]}).status == 409
    unchanged(api, target, 1)


def test_merging_back_into_the_merged_appeal_is_refused_so_there_is_no_cycle(api):
    a, b = submit(api), submit(api)
    act(api, a["id"], "merge", STAFF, {"into": b["id"]})
    refused = api("POST", f"/v1/appeals/{b['id']}/merge", STAFF, {"into": a["id"]})
    assert refused.status == 422
    assert api("GET", f"/v1/appeals/{b['id']}", STAFF).body["merged_into"] is None


# --- duplicate hints -----------------------------------------------------------------------------------


def test_hints_read_one_query_of_the_communitys_open_appeals_of_that_category(api, calls):
    first = submit(api, location={"lat": 25.6065, "lng": 100.2676})
    submit(api, OTHER_RESIDENT, community_id=SANHE)
    submit(api, category="medical")
    calls.reset()
    again = submit(api, title="三号楼路灯不亮", description="晚上很黑", location={"lat": 25.6066, "lng": 100.2676})
    assert [(h["id"], h["distance_m"]) for h in again["possible_duplicates"]] == [(first["id"], 11.1)]
    assert calls.of("dynamodb") == {"dynamodb.Query": 1, "dynamodb.TransactWriteItems": 1}
    act(api, first["id"], "close", STAFF, {"reason": "withdrawn"})
    assert first["id"] not in [h["id"] for h in submit(api)["possible_duplicates"]]  # closed: no longer open


# --- statistics ----------------------------------------------------------------------------------------


def deadline_scenario(api) -> None:
    """Overdue, extended, supervised, merged, resolved in and out of time, in 2025."""
    api("PUT", "/v1/appeal-policy", ADMIN, {"auto_escalate_overdue": True})
    at("2025-09-26T10:00:00+08:00")
    a = submit(api)
    act(api, a["id"], "assign", STAFF, {"assignee": "物业"})  # responded in time; due Oct 10
    request = act(api, a["id"], "extension-requests", STAFF, {"days": 2, "reason": "r"}, status=201)
    act(api, a["id"], f"extension-requests/{request['id']}/decide", OFFICER, {"approve": True})  # due Oct 13
    act(api, a["id"], "supervise", OFFICER, {"note": "督办"})
    b = submit(api)
    c = submit(api, OTHER_RESIDENT)
    act(api, c["id"], "merge", STAFF, {"into": b["id"]})  # responded in time
    at("2025-10-10T10:00:00+08:00")
    run_job()  # b missed respond_by Oct 9: overdue, escalated
    act(api, a["id"], "resolve", STAFF, {"resolution": "r", "on_site": False})  # in time
    act(api, b["id"], "assign", OFFICER, {"assignee": "街道城管"})  # a late first response; due Oct 17
    at("2025-10-20T10:00:00+08:00")
    act(api, b["id"], "resolve", OFFICER, {"resolution": "r", "on_site": False})  # late
    act(api, a["id"], "rate", RESIDENT, {"satisfaction": 5})


DEADLINE_FIGURES = {
    "submitted": 3,
    "resolved": 2,
    "escalated": 1,
    "closed": 2,
    "merged": 1,
    "supervised": 1,
    "extended": 1,
    "overdue": 1,
    "responded_in_time": 2,
    "response_rate": 0.6667,
    "resolved_in_time": 1,
    "on_time_rate": 0.5,
    "resolution_rate": 1.0,
}


def test_deadline_figures_are_exact_under_duplicate_and_reordered_delivery(api, stats_api, aws_stack):
    deadline_scenario(api)
    records = queued(aws_stack)
    twice = records + records
    random.Random(13).shuffle(twice)
    assert all(r["batchItemFailures"] == [] for r in consume(twice, batch=9))
    figures = stats_api("GET", "/v1/stats/2025", None, query={"scope": f"community:{NINGHE}"}).body["appeals"]
    assert {k: figures[k] for k in DEADLINE_FIGURES} == DEADLINE_FIGURES
    assert outbox.pending(due_by=None) == []
