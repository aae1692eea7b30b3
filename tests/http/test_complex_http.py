"""The complex over HTTP against the local server: public reads without the contact, the contact behind a token,
concurrent changes, retries, and matching against appeals submitted through the appeals API."""

from __future__ import annotations

import csv
import io
import threading
import uuid

import pytest
import requests

from services.common.domain import clock, years
from tests.callers import ADMIN, OFFICER, OTHER_STAFF, RESIDENT, STAFF, Caller

pytestmark = pytest.mark.http

NINGHE = "cm_ninghe"
QUIET = "cm_xiaguan_05"  # a community of Ninghe's street no other HTTP test writes appeals to


@pytest.fixture(scope="module")
def who(server):
    run = uuid.uuid4().hex[:6]
    quiet_staff = Caller(STAFF.role, f"cstaff5-{run}", community=QUIET)
    return {
        "staff": server.headers(STAFF.named(f"cstaff-{run}")),
        "quiet_staff": server.headers(quiet_staff),
        "other_staff": server.headers(OTHER_STAFF.named(f"cstaff2-{run}")),
        "officer": server.headers(OFFICER.named(f"cofficer-{run}")),
        "resident": server.headers(RESIDENT.named(f"cresident-{run}")),
        "admin": server.headers(ADMIN.named(f"cadmin-{run}")),
    }


def post(server, path, headers, body, key=None):
    extra = {"Idempotency-Key": key} if key else {}
    return requests.post(server.url(path), json=body, headers={**headers, **extra}, timeout=60)


def new_unit(server, headers, community=NINGHE, **changes) -> dict:
    body = {
        "name": "下关镇卫生院",
        "kind": "institution",
        "community_id": community,
        "contact": {"name": "张院长", "phone": "13812345678"},
        "offers": [{"kind": "expertise", "field": "health", "description": "上门巡诊"}],
    } | changes
    response = post(server, "/v1/member-units", headers, body)
    assert response.status_code == 201, response.text
    return response.json()


def test_a_unit_is_public_but_its_contact_is_not(server, who):
    unit = new_unit(server, who["staff"])
    public = requests.get(server.url(f"/v1/member-units/{unit['id']}"), timeout=30)
    assert public.status_code == 200 and "contact" not in public.json()
    assert "13812345678" not in public.text
    listed = requests.get(server.url("/v1/member-units"), params={"community_id": NINGHE, "limit": 100}, timeout=30)
    assert listed.status_code == 200 and "13812345678" not in listed.text
    contact = server.url(f"/v1/member-units/{unit['id']}/contact")
    assert requests.get(contact, timeout=30).status_code == 401
    assert requests.get(contact, headers=who["other_staff"], timeout=30).status_code == 403
    assert requests.get(contact, headers=who["officer"], timeout=30).status_code == 403
    assert requests.get(contact, headers=who["staff"], timeout=30).json() == {"name": "张院长", "phone": "13812345678"}


def test_a_retried_pairing_makes_one_unit(server, who):
    key = str(uuid.uuid4())
    body = {"name": "重试单位", "kind": "other", "community_id": NINGHE}
    first = post(server, "/v1/member-units", who["staff"], body, key=key)
    second = post(server, "/v1/member-units", who["staff"], body, key=key)
    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json()["id"] == second.json()["id"]
    assert second.headers.get("Idempotent-Replayed") == "true"


def test_concurrent_changes_at_one_version_let_exactly_one_through(server, who):
    unit = new_unit(server, who["staff"])
    barrier = threading.Barrier(8)
    statuses: list[int] = []

    def change(n: int) -> None:
        barrier.wait()
        response = requests.patch(
            server.url(f"/v1/member-units/{unit['id']}"),
            json={"expected_version": 1, "name": f"名称{n}"},
            headers=who["staff"],
            timeout=60,
        )
        statuses.append(response.status_code)

    threads = [threading.Thread(target=change, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200] + [409] * 7
    assert requests.get(server.url(f"/v1/member-units/{unit['id']}"), timeout=30).json()["version"] == 2


def test_leaving_in_the_future_is_422_and_leaving_twice_409(server, who):
    unit = new_unit(server, who["staff"], joined_on="2024-01-01")
    path = server.url(f"/v1/member-units/{unit['id']}")
    future = requests.patch(path, json={"left_on": "2999-01-01"}, headers=who["staff"], timeout=30)
    assert future.status_code == 422 and future.json()["errors"][0]["field"] == "left_on"
    assert requests.patch(path, json={"left_on": "2024-06-30"}, headers=who["staff"], timeout=30).status_code == 200
    assert requests.patch(path, json={"left_on": "2024-06-30"}, headers=who["staff"], timeout=30).status_code == 409


def test_sites_are_opened_by_staff_and_read_by_anyone(server, who):
    body = {
        "name": "宁河儿童之家",
        "kind": "childrens_home",
        "community_id": NINGHE,
        "address": "宁河社区2号",
        "services": ["child_care"],
        "opened_on": "2024-09-01",
    }
    assert post(server, "/v1/sites", who["other_staff"], body).status_code == 403
    created = post(server, "/v1/sites", who["staff"], body)
    assert created.status_code == 201, created.text
    site_id = created.json()["id"]
    assert created.headers["Location"] == f"/v1/sites/{site_id}"
    assert requests.get(server.url(f"/v1/sites/{site_id}"), timeout=30).json()["name"] == "宁河儿童之家"
    listed = requests.get(server.url("/v1/sites"), params={"kind": "childrens_home", "limit": 100}, timeout=30)
    assert site_id in [s["id"] for s in listed.json()["items"]]


def test_an_open_appeal_is_matched_with_the_communitys_own_unit_first(server, who):
    own = new_unit(server, who["quiet_staff"], community=QUIET, name="五号社区诊所")["id"]
    appeal = {
        "community_id": QUIET,
        "category": "medical",
        "title": "老人看病难",
        "description": "独居老人行动不便，需要上门看病。",
    }
    assert post(server, "/v1/appeals", who["resident"], appeal).status_code == 201
    answer = requests.get(server.url(f"/v1/communities/{QUIET}/matches"), headers=who["officer"], timeout=30)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    medical = [d for d in body["demands"] if d["category"] == "medical"]
    assert medical and medical[0]["open_appeals"] >= 1 and medical[0]["fields"] == ["health"]
    first = next(m for m in body["matches"] if m["category"] == "medical")
    assert (first["member_unit_id"], first["reach"]) == (own, "community")
    assert (
        requests.get(server.url(f"/v1/communities/{QUIET}/matches"), headers=who["other_staff"], timeout=30).status_code
        == 403
    )


def test_a_units_work_reaches_its_figures_the_complex_block_and_the_units_table(server, who):
    """A unit at work through the appeals and projects APIs, counted by the statistics from the events: its figures,
    the city's complex block, and its row in the yearly units table."""
    year = years.year_of(clock.utc_now())
    today = years.local_date(clock.utc_now()).isoformat()
    assert requests.post(server.url("/_local/drain"), timeout=180).json()["drained"] is True  # others' events
    city_before = requests.get(server.url(f"/v1/stats/{year}"), timeout=30).json()["complex"]
    unit = new_unit(server, who["quiet_staff"], community=QUIET, name="五号社区共建医院")
    appeal = {"community_id": QUIET, "category": "medical", "title": "需要上门巡诊", "description": "行动不便的老人多"}
    appeal_id = post(server, "/v1/appeals", who["resident"], appeal).json()["id"]
    assigned = post(server, f"/v1/appeals/{appeal_id}/assign", who["quiet_staff"], {"member_unit_id": unit["id"]})
    assert assigned.status_code == 200 and assigned.json()["assignee"] == "五号社区共建医院", assigned.text
    resolution = {"resolution": "已巡诊", "on_site": True}
    resolved = post(server, f"/v1/appeals/{appeal_id}/resolve", who["quiet_staff"], resolution)
    assert resolved.status_code == 200, resolved.text
    project = {"community_id": QUIET, "kind": "care", "title": "共建巡诊", "year": year}
    project["member_unit_ids"] = [unit["id"]]
    project_id = post(server, "/v1/projects", who["quiet_staff"], project).json()["id"]
    gift = {"source": "member_unit", "member_unit_id": unit["id"], "amount": 500_000, "currency": "CNY"}
    funded = post(server, f"/v1/projects/{project_id}/funding", who["quiet_staff"], gift | {"received_on": today})
    assert funded.status_code == 201, funded.text
    assert requests.post(server.url("/_local/drain"), timeout=180).json()["drained"] is True

    figures = requests.get(server.url(f"/v1/member-units/{unit['id']}/figures"), timeout=30)
    assert figures.status_code == 200, figures.text
    shown = figures.json()
    assert (shown["year"], shown["appeals_assigned"], shown["appeals_resolved"]) == (year, 1, 1)
    assert (shown["projects"], shown["funding"]) == (1, 500_000)
    city = requests.get(server.url(f"/v1/stats/{year}"), timeout=30).json()["complex"]
    assert city["member_units"] == city_before["member_units"] + 1
    assert city["appeals_to_units"] == city_before["appeals_to_units"] + 1

    ran = requests.post(server.url("/_local/schedules/yearly-metrics"), json={"year": year}, timeout=120)
    assert ran.status_code == 200, ran.text
    table = requests.get(server.url(f"/v1/reports/{year}/units.csv"), timeout=30)
    rows = list(csv.DictReader(io.StringIO(table.content.decode("utf-8-sig"))))
    row = next(r for r in rows if r["成员单位编号"] == unit["id"])
    assert row["成员单位"] == "五号社区共建医院" and row["投入资金(元)"] == "5000.00"
