"""``canger serve --demo programme``: a programme year loaded through the API, figures as planned.

The plan is ``canger_local.programme.build()``: the same every time, so its ``figures()`` are what the
live statistics must show once the server has drained its events.
"""

from __future__ import annotations

import pytest
import requests

from canger_local import programme
from services.common.domain import years
from services.common.domain.clock import utc_now
from tests.http.conftest import start_server, stop_server

pytestmark = pytest.mark.http


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    home = tmp_path_factory.mktemp("programme-home")
    # The demo must load in 90 s on the 2-core reference machine (benchmarks/local_scale.py measures it);
    # the test only needs it to finish, on whatever machine runs it.
    running = start_server(home, "--demo", "programme", ready_seconds=600)
    drained = requests.post(running.url("/_local/drain"), timeout=300).json()
    assert drained["drained"] is True, drained
    yield running
    stop_server(running)


@pytest.fixture(scope="module")
def city(loaded) -> dict:
    response = requests.get(loaded.url(f"/v1/stats/{years.year_of(utc_now())}"), timeout=30)
    assert response.status_code == 200, response.text
    return response.json()


@pytest.fixture(scope="module")
def planned() -> dict:
    return programme.build().figures()


def test_the_server_says_when_the_programme_is_loaded(loaded):
    logs = "".join(path.read_text() for path in loaded.home.glob("server-*.log"))
    assert "programme demo" in logs and "647 appeals, 256 meetings" in logs


def test_appeals_at_every_stage_count_as_planned(city, planned):
    shown = {name: city["appeals"][name] for name in planned["appeals"] if name != "closed"}
    assert shown == {name: n for name, n in planned["appeals"].items() if name != "closed"}
    assert (shown["submitted"], city["meetings"]) == (647, planned["meetings"])
    assert city["meetings"]["held"] == 256


def test_closed_counts_rated_appeals_too(city, planned):
    # API.md: "closed" counts every appeal that reached closed, rated by its submitter too (issue 13).
    assert city["appeals"]["closed"] == planned["appeals"]["closed"]


def test_volunteers_and_activities_count_as_planned(city, planned):
    volunteers = city["volunteers"]
    shown = (volunteers["registered"], volunteers["activities"], volunteers["residents_served"])
    assert shown == (440, 1_200, 138_000)
    assert round(volunteers["hours"] * 10) == planned["volunteers"]["hours_tenths"]


def test_projects_and_money_count_as_planned(city, planned):
    projects = city["projects"]
    assert projects["started"] == planned["projects"]["started"] == 90
    assert {k: n for k, n in projects["by_kind"].items() if n} == planned["projects"]["by_kind"]
    assert projects["funding"]["total"] == planned["projects"]["funding"] == 1_200_000_000  # 12 million yuan
    assert (projects["disbursed"], projects["sessions"]) == (
        planned["projects"]["disbursed"],
        planned["projects"]["sessions"],
    )


def test_every_community_of_dali_has_a_share(loaded):
    year = years.year_of(utc_now())
    communities = requests.get(loaded.url("/v1/communities"), timeout=30).json()["items"]
    assert len(communities) == 44
    for community in communities:
        figures = requests.get(
            loaded.url(f"/v1/stats/{year}"), params={"scope": f"community:{community['id']}"}, timeout=30
        ).json()
        assert figures["appeals"]["submitted"] > 0 and figures["volunteers"]["activities"] > 0, community["id"]


def test_the_complex_counts_as_planned(city, planned):
    # The report's complex: 403 member units paired with the 44 communities, and its sites.
    shown = city["complex"]
    assert shown["member_units"] == planned["complex"]["member_units"] == 403
    assert {k: n for k, n in shown["units_by_kind"].items() if n} == planned["complex"]["units_by_kind"]
    assert (
        {k: n for k, n in shown["sites_by_kind"].items() if n}
        == planned["complex"]["sites_by_kind"]
        == {
            "party_service_center": 44,
            "elderly_care_center": 12,
            "childrens_home": 9,
            "red_property": 12,
        }
    )
    assert shown["appeals_to_units"] == planned["complex"]["appeals_to_units"] > 0
    assert shown["activities_with_units"] == planned["complex"]["activities_with_units"] == 240
    assert _fen(shown["funding_from_units"]) == planned["complex"]["funding_from_units"] > 0


def test_every_community_has_member_units_and_a_party_service_centre(loaded):
    units = _all(loaded, "/v1/member-units")
    sites = _all(loaded, "/v1/sites")
    assert len(units) == 403 and len(sites) == 77
    assert len({u["community_id"] for u in units}) == 44
    assert {s["community_id"] for s in sites if s["kind"] == "party_service_center"} == {
        u["community_id"] for u in units
    }
    assert all("contact" not in u for u in units)  # public listing: never the contact


def test_member_unit_figures_add_up_to_the_complex_totals(loaded, city):
    year = years.year_of(utc_now())
    units = _all(loaded, "/v1/member-units")
    figures = [
        requests.get(loaded.url(f"/v1/member-units/{u['id']}/figures"), params={"year": year}, timeout=30).json()
        for u in units
    ]
    assert sum(_fen(f["funding"]) for f in figures) == _fen(city["complex"]["funding_from_units"])
    # Each unit-assigned appeal went to one unit once in the programme, so the units' counts add up.
    assert sum(f["appeals_assigned"] for f in figures) == city["complex"]["appeals_to_units"]
    assert sum(f["activities"] for f in figures) == city["complex"]["activities_with_units"]


def _fen(value) -> int:
    """Money as the statistics show it: integer fen, or an object carrying it."""
    return value if isinstance(value, int) else int(value.get("total", value.get("amount")))


def _all(loaded, path: str) -> list[dict]:
    items, cursor = [], None
    while True:
        params = {"limit": 100, **({"cursor": cursor} if cursor else {})}
        page = requests.get(loaded.url(path), params=params, timeout=30).json()
        items += page["items"]
        cursor = page.get("next_cursor")
        if not cursor:
            return items
