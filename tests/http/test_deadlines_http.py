"""Deadlines over HTTP: the local clock moved through whole cycles, merge races, duplicate hints.

The cycle test runs a server of its own (it moves the clock and sets the policy, which would disturb
the shared server's other tests) and checks every deadline figure of API.md against what happened:

    A  submitted Tue 2025-09-30 10:00 (respond_by Thu Oct 9, after National Day)
       Oct 10: the job finds respond_by missed → overdue, auto-escalated to the street (respond_by Sat Oct 11)
       Oct 10: the street officer assigns it (a late first response; due_at Oct 16), asks 3 more days,
       the city approves (due_at Oct 21) and supervises it; resolved Oct 20 (in time); rated 5
    B  submitted Mon Oct 13 09:00, assigned at once (in time; due_at Oct 20), resolved Oct 21 (late); rated 3
    C  submitted Mon Oct 13 09:30, merged into B at once (a response in time)
"""

from __future__ import annotations

import csv
import io
import threading
import uuid

import pytest
import requests

from tests.callers import ADMIN, NINGHE, OFFICER, OTHER_STAFF, RESIDENT, SANHE, STAFF, Caller
from tests.http.conftest import start_server, stop_server

pytestmark = pytest.mark.http


@pytest.fixture(scope="module")
def own_server(tmp_path_factory):
    running = start_server(tmp_path_factory.mktemp("deadlines-home"), "--empty")
    yield running
    stop_server(running)


class As:
    """Requests as one caller, asserting the status."""

    def __init__(self, server, caller: Caller) -> None:
        self.server, self.headers = server, server.headers(caller)

    def post(self, path: str, body: dict, status: int = 200) -> dict:
        response = requests.post(self.server.url(path), json=body, headers=self.headers, timeout=60)
        assert response.status_code == status, response.text
        return response.json()

    def put(self, path: str, body: dict) -> dict:
        response = requests.put(self.server.url(path), json=body, headers=self.headers, timeout=60)
        assert response.status_code == 200, response.text
        return response.json()

    def get(self, path: str, **params: str) -> dict:
        response = requests.get(self.server.url(path), headers=self.headers, params=params, timeout=60)
        assert response.status_code == 200, response.text
        return response.json()


def clock(server, now: str | None) -> None:
    assert requests.post(server.url("/_local/clock"), json={"now": now}, timeout=10).status_code == 200


def run_job(server) -> dict:
    response = requests.post(server.url("/_local/schedules/appeal-deadlines"), timeout=60)
    assert response.status_code == 200, response.text
    return response.json()["result"]


def appeal_body(title: str, community: str = NINGHE, **extra) -> dict:
    return {"community_id": community, "category": "public_facilities", "title": title, "description": title, **extra}


def test_a_whole_cycle_through_the_local_clock(own_server):
    server = own_server
    resident = As(server, RESIDENT.named("resident-cycle"))
    staff = As(server, STAFF.named("staff-cycle"))
    officer = As(server, OFFICER.named("officer-cycle"))
    admin = As(server, ADMIN.named("admin-cycle"))
    try:
        clock(server, "2025-09-30T10:00:00+08:00")
        admin.put("/v1/appeal-policy", {"auto_escalate_overdue": True})

        a = resident.post("/v1/appeals", appeal_body("3号楼路灯坏了"), status=201)
        assert (a["respond_by"], a["due_at"], a["overdue"], a["supervised"]) == (
            "2025-10-09T15:59:59.000Z",
            None,
            False,
            False,
        )
        assert (a["extension_request"], a["merged_into"], a["merged_ids"], a["supporters"]) == (None, None, [], 1)

        # The day after respond_by: the job flags it and, by policy, escalates it to the street.
        clock(server, "2025-10-10T09:00:00+08:00")
        assert run_job(server) == {"due": 1, "overdue": 1, "escalated": 1, "stale": 0}
        a = admin.get(f"/v1/appeals/{a['id']}")
        assert (a["status"], a["level"], a["overdue"], a["respond_by"]) == (
            "escalated",
            "street",
            False,  # a new cycle at the street, with its own time to respond (Sat Oct 11 is a working day)
            "2025-10-11T15:59:59.000Z",
        )
        history = admin.get(f"/v1/appeals/{a['id']}/history")["items"]
        assert [(h["action"], h["actor"]) for h in history[-2:]] == [("overdue", "system"), ("escalate", "system")]
        assert run_job(server) == {"due": 0, "overdue": 0, "escalated": 0, "stale": 0}  # twice: nothing more
        assert admin.get(f"/v1/appeals/{a['id']}")["version"] == a["version"]

        a = officer.post(f"/v1/appeals/{a['id']}/assign", {"assignee": "市政公用局"})
        assert a["due_at"] == "2025-10-16T15:59:59.000Z"
        request = officer.post(f"/v1/appeals/{a['id']}/extension-requests", {"days": 3, "reason": "等待配件"}, 201)
        assert (request["status"], request["days"], request["requested_by"]) == ("pending", 3, "officer-cycle")
        a = admin.post(f"/v1/appeals/{a['id']}/extension-requests/{request['id']}/decide", {"approve": True})
        assert (a["due_at"], a["extension_request"]) == ("2025-10-21T15:59:59.000Z", None)
        a = admin.post(f"/v1/appeals/{a['id']}/supervise", {"note": "市级督办"})
        assert a["supervised"] is True

        clock(server, "2025-10-13T09:00:00+08:00")
        b = resident.post("/v1/appeals", appeal_body("南门监控坏了"), status=201)
        b = staff.post(f"/v1/appeals/{b['id']}/assign", {"assignee": "物业公司"})
        assert b["due_at"] == "2025-10-20T15:59:59.000Z"
        clock(server, "2025-10-13T09:30:00+08:00")
        c = resident.post("/v1/appeals", appeal_body("南门监控不能用"), status=201)
        c = staff.post(f"/v1/appeals/{c['id']}/merge", {"into": b["id"]})
        assert (c["status"], c["close_reason"], c["merged_into"]) == ("closed", "merged", b["id"])
        b = staff.get(f"/v1/appeals/{b['id']}")
        assert (b["merged_ids"], b["supporters"]) == ([c["id"]], 2)

        clock(server, "2025-10-20T10:00:00+08:00")
        officer.post(f"/v1/appeals/{a['id']}/resolve", {"resolution": "已更换路灯", "on_site": False})
        clock(server, "2025-10-21T10:00:00+08:00")
        staff.post(f"/v1/appeals/{b['id']}/resolve", {"resolution": "已修复监控", "on_site": True})
        resident.post(f"/v1/appeals/{a['id']}/rate", {"satisfaction": 5})
        resident.post(f"/v1/appeals/{b['id']}/rate", {"satisfaction": 3})
    finally:
        clock(server, None)

    assert requests.post(server.url("/_local/drain"), timeout=180).json()["drained"] is True
    figures = requests.get(server.url("/v1/stats/2025"), params={"scope": f"community:{NINGHE}"}, timeout=30).json()
    got = {k: figures["appeals"][k] for k in EXPECTED}
    assert got == EXPECTED

    report = requests.post(server.url("/_local/schedules/yearly-metrics"), json={"year": 2025}, timeout=120)
    assert report.status_code == 200, report.text
    frozen = requests.get(server.url("/v1/reports/2025"), timeout=30).json()
    assert frozen["reconciliation"] == {"ok": True, "drift": []}
    assert {k: frozen["communities"][NINGHE]["appeals"][k] for k in EXPECTED} == EXPECTED
    rows = list(csv.DictReader(io.StringIO(requests.get(server.url("/v1/reports/2025.csv"), timeout=30).text[1:])))
    ninghe = next(row for row in rows if row["社区编号"] == NINGHE)
    assert (ninghe["并单数"], ninghe["督办数"], ninghe["延期数"], ninghe["超期数"]) == ("1", "1", "1", "1")
    assert (ninghe["响应率"], ninghe["按期办结率"], ninghe["办结率"]) == ("0.6667", "0.5000", "1.0000")


EXPECTED = {
    "submitted": 3,
    "resolved": 2,
    "escalated": 1,
    "closed": 3,  # A and B rated, C merged
    "merged": 1,
    "supervised": 1,
    "extended": 1,
    "overdue": 1,
    "responded_in_time": 2,  # B's assignment and C's merge; A's first response came after its respond_by
    "response_rate": 0.6667,
    "resolved_in_time": 1,  # A by its extended due_at; B a day late
    "on_time_rate": 0.5,
    "resolution_rate": 1.0,  # A and B of the three submitted, C merged and so out of the denominator
    "satisfaction_avg": 4.0,
    "satisfaction_rate": 0.5,
}


# --- on the shared server -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def staff(server):
    return As(server, STAFF.named(f"staff-{uuid.uuid4().hex[:6]}"))


def test_merging_into_each_other_at_once_one_wins_and_there_is_no_cycle(server, staff):
    a = staff.post("/v1/appeals", appeal_body("并单竞争甲"), status=201)
    b = staff.post("/v1/appeals", appeal_body("并单竞争乙"), status=201)
    barrier, results = threading.Barrier(2), {}

    def merge(source: dict, target: dict) -> None:
        barrier.wait()
        response = requests.post(
            server.url(f"/v1/appeals/{source['id']}/merge"),
            json={"into": target["id"]},
            headers=staff.headers,
            timeout=60,
        )
        results[source["id"]] = response.status_code

    threads = [threading.Thread(target=merge, args=pair) for pair in ((a, b), (b, a))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results.values()) in ([200, 409], [200, 422])
    after = {x["id"]: staff.get(f"/v1/appeals/{x['id']}") for x in (a, b)}
    merged = [x for x in after.values() if x["merged_into"]]
    assert len(merged) == 1
    target = after[merged[0]["merged_into"]]
    assert (target["merged_into"], target["status"], target["merged_ids"]) == (None, "submitted", [merged[0]["id"]])


def test_duplicate_hints_never_cross_communities(server, staff):
    marker = uuid.uuid4().hex[:8]
    title = f"{marker}号楼楼道灯坏了晚上很黑"
    first = staff.post("/v1/appeals", appeal_body(title), status=201)
    other_staff = As(server, OTHER_STAFF.named("staff-sanhe-hints"))
    elsewhere = other_staff.post("/v1/appeals", appeal_body(title, community=SANHE), status=201)
    assert first["id"] not in [h["id"] for h in elsewhere["possible_duplicates"]]
    again = staff.post("/v1/appeals", appeal_body(title), status=201)
    hint = next(h for h in again["possible_duplicates"] if h["id"] == first["id"])
    assert set(hint) == {"id", "title", "submitted_at", "similarity", "distance_m"}
    assert (hint["similarity"], hint["distance_m"]) == (1.0, None)
    assert elsewhere["id"] not in [h["id"] for h in again["possible_duplicates"]]


def test_listing_filters_overdue_supervised_and_due_before(server, staff):
    officer = As(server, OFFICER.named("officer-filters"))
    watched = staff.post("/v1/appeals", appeal_body("督办筛选测试"), status=201)
    officer.post(f"/v1/appeals/{watched['id']}/supervise", {"note": "督办"})
    supervised = staff.get("/v1/appeals", supervised="true", limit="100")["items"]
    assert watched["id"] in [x["id"] for x in supervised] and all(x["supervised"] for x in supervised)
    assigned = staff.post(f"/v1/appeals/{watched['id']}/assign", {"assignee": "物业"})
    due = staff.get("/v1/appeals", due_before="2100-01-01T00:00:00Z", limit="100")["items"]
    assert watched["id"] in [x["id"] for x in due] and all(x["due_at"] for x in due)
    assert watched["id"] not in [
        x["id"] for x in staff.get("/v1/appeals", due_before=assigned["submitted_at"])["items"]
    ]
    assert all(x["overdue"] for x in staff.get("/v1/appeals", overdue="true", limit="100")["items"])
