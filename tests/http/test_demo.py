"""``canger serve`` without ``--empty`` (what ``make run`` starts) loads demo data through the API."""

from __future__ import annotations

import pytest
import requests

from tests.callers import ADMIN
from tests.http.conftest import start_server, stop_server

pytestmark = pytest.mark.http


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    running = start_server(tmp_path_factory.mktemp("demo-home"))
    yield running
    stop_server(running)


def listed(demo, path, **params) -> list[dict]:
    response = requests.get(demo.url(path), headers=demo.headers(ADMIN), params={"limit": 100, **params}, timeout=30)
    assert response.status_code == 200, response.text
    return response.json()["items"]


def test_demo_has_appeals_at_every_stage(demo):
    statuses = sorted({a["status"] for a in listed(demo, "/v1/appeals")})
    assert statuses == ["assigned", "closed", "resolved", "submitted"]
    assert len(listed(demo, "/v1/meetings")) == 1


def test_demo_has_volunteers_with_exact_hours(demo):
    hours = sorted(v["total_hours"] for v in listed(demo, "/v1/volunteers"))
    assert hours == [2.5, 2.5, 2.5, 3.0, 4.0]
    assert len(listed(demo, "/v1/activities", year=2025)) == 3


def test_demo_has_projects_with_money_and_sessions(demo):
    found = {p["title"]: p for p in listed(demo, "/v1/projects", year=2025)}
    lift, care = found["老旧小区加装电梯"], found["五社联动·长者助餐"]
    assert (lift["balance"]["amount"], lift["status"]) == (35_000_000, "in_progress")
    assert (care["service_sessions"], care["residents_served"]) == (3, 140)
    assert len(found) == 3


def test_demo_has_member_units_at_work_and_sites(demo):
    units = {u["name"]: u for u in listed(demo, "/v1/member-units")}
    assert len(units) == 8 and {u["community_id"] for u in units.values()} == {"cm_ninghe", "cm_sanhe"}
    assert len(listed(demo, "/v1/sites")) == 4
    bureau = units["大理市民政局"]["id"]
    # The elderly-care appeal went to the unit (its name is the assignee); its home visits were co-organised.
    assigned = [a for a in listed(demo, "/v1/appeals") if a.get("member_unit_id") == bureau]
    assert [a["assignee"] for a in assigned] == ["大理市民政局"]
    co_organised = [a for a in listed(demo, "/v1/activities", year=2025) if bureau in a.get("member_unit_ids", [])]
    assert [a["field"] for a in co_organised] == ["elderly_care"]
