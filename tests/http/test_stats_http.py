"""Statistics end to end over HTTP: requests → events → consumer → figures → yearly report.

The reliability test runs the local server against a moto_server behind a fault-injecting proxy
(``testkit.faults``): PutEvents fails partially, fails with 500, or delivers twice; DynamoDB
writes are throttled; clients retry with their Idempotency-Key. After the relay and a drain every
figure equals what the clients were told happened: nothing lost, nothing twice.
"""

from __future__ import annotations

import csv
import io
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import timedelta

import pytest
import requests

from services.common.domain import years
from services.common.domain.clock import utc_now
from testkit.faults import FaultProxy
from tests.callers import RESIDENT, STAFF, Caller
from tests.http.conftest import moto_server, start_server, stop_server

pytestmark = pytest.mark.http

YEAR = years.year_of(utc_now())
TODAY = years.local_date(utc_now()).isoformat()
COMMUNITIES = ["cm_ninghe", "cm_sanhe", "cm_baile", "cm_xidajie"]


@dataclass
class Client:
    """A front end that retries what failed on our side, with the same Idempotency-Key."""

    server: object
    truth: Counter = field(default_factory=Counter)
    retries: int = 0

    def send(self, method: str, path: str, caller: Caller, body: dict | None = None) -> requests.Response:
        headers = {**self.server.headers(caller), "Idempotency-Key": str(uuid.uuid4())}
        for _ in range(60):
            response = requests.request(method, self.server.url(path), json=body, headers=headers, timeout=60)
            retry_later = response.status_code >= 500 or (
                response.status_code == 409 and "in progress" in response.json().get("detail", "")
            )
            if not retry_later:
                assert response.status_code < 400, response.text
                return response
            self.retries += 1
            time.sleep(0.3)
        raise AssertionError(f"{method} {path} kept failing")


def workload(client: Client) -> None:
    """Appeals, a meeting, volunteers, activities, projects and money across four communities."""
    for n, community in enumerate(COMMUNITIES):
        staff = replace(STAFF, community=community)
        appeal_ids = []
        for k in range(4):
            body = {
                "community_id": community,
                "category": ["medical", "employment"][k % 2],
                "title": "t",
                "description": "d",
            }
            appeal_ids.append(client.send("POST", "/v1/appeals", RESIDENT.named(f"r-{community}"), body).json()["id"])
            client.truth[(community, "submitted")] += 1
        meeting = {
            "community_id": community,
            "building": "1",
            "held_at": utc_now().isoformat(),
            "chair": "书记",
            "resident_count": 10,
            "appeal_ids": appeal_ids[:2],
        }
        meeting_id = client.send("POST", "/v1/meetings", staff, body=meeting).json()["id"]
        client.truth[(community, "meetings")] += 1
        for k, appeal_id in enumerate(appeal_ids[:3]):
            body = {"resolution": "ok", "on_site": k == 0, **({"meeting_id": meeting_id} if k == 1 else {})}
            client.send("POST", f"/v1/appeals/{appeal_id}/resolve", staff, body=body)
            client.truth[(community, "resolved")] += 1
        volunteers = []
        for k in range(3):
            body = {
                "name": "v",
                "phone": f"13{n}{k}{uuid.uuid4().int % 10**7:07d}",
                "community_id": community,
                "group": "youth",
            }
            volunteers.append(client.send("POST", "/v1/volunteers", staff, body=body).json()["id"])
            client.truth[(community, "registered")] += 1
        for k in range(2):
            started = utc_now() - timedelta(hours=2)
            body = {
                "community_id": community,
                "title": "t",
                "field": "health",
                "started_at": started.isoformat(),
                "ended_at": (started + timedelta(hours=1)).isoformat(),
                "residents_served": 20 + k,
                "participants": [{"volunteer_id": v, "hours": 0.1} for v in volunteers],
            }
            client.send("POST", "/v1/activities", staff, body=body)
            client.truth[(community, "activities")] += 1
            client.truth[(community, "hours_tenths")] += len(volunteers)
        project = {"community_id": community, "kind": "secretary_led", "title": "t", "year": YEAR}
        project_id = client.send("POST", "/v1/projects", staff, body=project).json()["id"]
        client.truth[(community, "projects")] += 1
        for amount in (100_000, 250_000):
            body = {"source": "fiscal", "amount": amount, "currency": "CNY", "received_on": TODAY}
            client.send("POST", f"/v1/projects/{project_id}/funding", staff, body=body)
            client.truth[(community, "funding")] += amount
        body = {"amount": 120_000, "currency": "CNY", "paid_on": TODAY, "purpose": "x"}
        client.send("POST", f"/v1/projects/{project_id}/disbursements", staff, body=body)
        client.truth[(community, "disbursed")] += 120_000


def figures_of(server, community: str) -> dict:
    response = requests.get(server.url(f"/v1/stats/{YEAR}"), params={"scope": f"community:{community}"}, timeout=30)
    assert response.status_code == 200, response.text
    f = response.json()
    return {
        (community, "submitted"): f["appeals"]["submitted"],
        (community, "resolved"): f["appeals"]["resolved"],
        (community, "meetings"): f["meetings"]["held"],
        (community, "registered"): f["volunteers"]["registered"],
        (community, "activities"): f["volunteers"]["activities"],
        (community, "hours_tenths"): round(f["volunteers"]["hours"] * 10),
        (community, "projects"): f["projects"]["started"],
        (community, "funding"): f["projects"]["funding"]["total"],
        (community, "disbursed"): f["projects"]["disbursed"],
    }


def drain(server) -> dict:
    response = requests.post(server.url("/_local/drain"), timeout=180)
    assert response.status_code == 200
    return response.json()


def shown(server) -> dict:
    figures: dict = {}
    for community in COMMUNITIES:
        figures.update(figures_of(server, community))
    return figures


def assert_figures_match(server, truth: Counter, before: dict | None = None) -> None:
    """The figures moved by exactly what the clients were told happened (``before``: other tests' share)."""
    after = shown(server)
    moved = {key: value - (before or {}).get(key, 0) for key, value in after.items()}
    assert moved == {key: truth.get(key, 0) for key in after}


def test_figures_follow_the_requests_and_the_report_reconciles(server):
    # The server is shared with the other HTTP tests: count from what they left behind.
    drain(server)
    before = shown(server)
    client = Client(server)
    workload(client)
    assert drain(server)["drained"] is True
    assert_figures_match(server, client.truth, before)
    ran = requests.post(server.url("/_local/schedules/yearly-metrics"), json={"year": YEAR}, timeout=120)
    assert ran.status_code == 200, ran.text
    report = requests.get(server.url(f"/v1/reports/{YEAR}"), timeout=30).json()
    assert report["reconciliation"]["ok"] is True, report["reconciliation"]
    assert "cm_ninghe" not in report["policy"]["communities_without_secretary_led_project"]
    spreadsheet = requests.get(server.url(f"/v1/reports/{YEAR}.csv"), timeout=30)
    assert spreadsheet.headers["Content-Type"].startswith("text/csv") and spreadsheet.content[:3] == b"\xef\xbb\xbf"
    assert len(list(csv.reader(io.StringIO(spreadsheet.content.decode("utf-8-sig"))))) == 45


def test_reports_are_404_before_the_job_has_run(server):
    assert requests.get(server.url("/v1/reports/2031"), timeout=30).status_code == 404
    assert requests.get(server.url("/v1/reports/2031.csv"), timeout=30).status_code == 404
    assert requests.get(server.url("/v1/reports/latest"), timeout=30).status_code == 404


def test_live_figures_are_public_and_refuse_unknown_scopes(server):
    assert requests.get(server.url(f"/v1/stats/{YEAR}"), timeout=30).status_code == 200
    response = requests.get(server.url(f"/v1/stats/{YEAR}"), params={"scope": "street:nowhere"}, timeout=30)
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "scope"


@pytest.mark.parametrize("region", ["us-east-1", "ap-east-1"])
def test_nothing_is_lost_or_counted_twice_through_faults(tmp_path, monkeypatch, region):
    monkeypatch.setenv("AWS_REGION", region)  # the server's region (AWS_REGION wins over AWS_DEFAULT_REGION)
    with moto_server() as endpoint:
        proxy = FaultProxy(endpoint, seed=20261125)
        proxy_server, port = proxy.serve()
        server = start_server(tmp_path, "--empty", endpoint_url=f"http://127.0.0.1:{port}")
        try:
            client = Client(server)
            workload(client)
            # The relay republishes what PutEvents dropped; drain waits until the consumer confirmed all.
            assert drain(server)["drained"] is True
            assert_figures_match(server, client.truth)
            ran = requests.post(server.url("/_local/schedules/yearly-metrics"), json={"year": YEAR}, timeout=120)
            assert ran.json()["result"]["reports"][0]["drift"] == 0
        finally:
            stop_server(server)
            proxy_server.shutdown()
    # And the faults really happened.
    assert (
        min(proxy.counts[k] for k in ("putevents_partial", "putevents_error", "putevents_twice", "dynamodb_throttle"))
        > 0
    ), proxy.counts


def test_a_member_units_figures_are_public_and_refuse_unknown_units_and_bad_years(server):
    # The units themselves come from the complex service; tests/integration/test_stats_complex.py covers a
    # known unit's figures. Over HTTP: the route exists, is public and answers problem+json.
    response = requests.get(server.url("/v1/member-units/mu_nobody/figures"), timeout=30)
    assert response.status_code == 404 and response.headers["Content-Type"].startswith("application/problem+json")
    response = requests.get(server.url("/v1/member-units/mu_nobody/figures"), params={"year": "1999"}, timeout=30)
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "year"


def test_the_units_table_is_404_before_the_job_and_a_bom_csv_after(server):
    assert requests.get(server.url("/v1/reports/2031/units.csv"), timeout=30).status_code == 404
    ran = requests.post(server.url("/_local/schedules/yearly-metrics"), json={"year": YEAR}, timeout=120)
    assert ran.status_code == 200, ran.text
    table = requests.get(server.url(f"/v1/reports/{YEAR}/units.csv"), timeout=30)
    assert table.status_code == 200 and table.headers["Content-Type"].startswith("text/csv")
    assert table.content[:3] == b"\xef\xbb\xbf"
    rows = list(csv.reader(io.StringIO(table.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["成员单位编号", "成员单位", "单位类型"] and "投入资金(元)" in rows[0]
