"""The appeal policy and the working-day calendar over the appeals handler (API.md, "Deadlines…")."""

from __future__ import annotations

import pytest

from tests.callers import ADMIN, GRID_WORKER, OFFICER, RESIDENT, STAFF
from tests.integration.conftest import api_for

DEFAULTS = {
    "respond_days": 1,
    "handle_days": {"default": 5},
    "max_extension_days": 10,
    "auto_escalate_overdue": False,
    "duplicate_window_days": 30,
    "duplicate_radius_m": 250,
}


@pytest.fixture
def api(aws_stack):
    return api_for("services.appeals.handler")


def test_policy_defaults_are_api_md_s(api):
    for who in (STAFF, OFFICER, ADMIN):
        reply = api("GET", "/v1/appeal-policy", who)
        assert (reply.status, reply.body) == (200, DEFAULTS)


@pytest.mark.parametrize("who", [RESIDENT, GRID_WORKER])
def test_policy_is_for_staff_officers_and_admins(api, who):
    assert api("GET", "/v1/appeal-policy", who).status == 403


def test_admin_replaces_the_policy_and_it_is_read_back(api):
    policy = {**DEFAULTS, "handle_days": {"default": 4, "neighbour_dispute": 10}, "auto_escalate_overdue": True}
    put = api("PUT", "/v1/appeal-policy", ADMIN, policy)
    assert (put.status, put.body) == (200, policy)
    assert api("GET", "/v1/appeal-policy", STAFF).body == policy


def test_only_the_city_admin_sets_the_policy(api):
    assert api("PUT", "/v1/appeal-policy", STAFF, DEFAULTS).status == 403
    assert api("PUT", "/v1/appeal-policy", OFFICER, DEFAULTS).status == 403


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"respond_days": 0}, "respond_days"),
        ({"respond_days": "1"}, "respond_days"),
        ({"handle_days": {"neighbour_dispute": 3}}, "handle_days"),
        ({"handle_days": {"default": 5, "parking": 3}}, "handle_days.parking.[key]"),
        ({"handle_days": {"default": 61}}, "handle_days.default"),
        ({"max_extension_days": -1}, "max_extension_days"),
        ({"auto_escalate_overdue": "yes"}, "auto_escalate_overdue"),
        ({"duplicate_window_days": 0}, "duplicate_window_days"),
        ({"duplicate_radius_m": 5001}, "duplicate_radius_m"),
        ({"surprise": 1}, "surprise"),
    ],
)
def test_an_invalid_policy_is_422_naming_the_field_and_changes_nothing(api, change, field):
    reply = api("PUT", "/v1/appeal-policy", ADMIN, {**DEFAULTS, **change})
    assert reply.status == 422, reply.body
    assert field in [e["field"] for e in reply.body["errors"]]
    assert api("GET", "/v1/appeal-policy", ADMIN).body == DEFAULTS


def test_a_known_year_comes_from_the_library(api):
    reply = api("GET", "/v1/calendar/2025", None)
    assert reply.status == 200
    assert reply.body["source"] == "builtin" and reply.body["warning"] is None
    assert reply.body["workdays"] == ["2025-01-26", "2025-02-08", "2025-04-27", "2025-09-28", "2025-10-11"]
    assert "2025-10-08" in reply.body["holidays"]


def test_an_unknown_year_counts_weekends_only_with_a_warning(api):
    reply = api("GET", "/v1/calendar/2027", None)
    assert (reply.status, reply.body["source"], reply.body["holidays"], reply.body["workdays"]) == (
        200,
        "weekends_only",
        [],
        [],
    )
    assert "Monday to Friday only" in reply.body["warning"]


def test_the_city_sets_a_year_and_it_is_served_as_the_citys(api):
    body = {"holidays": ["2027-01-01", "2027-02-05"], "workdays": ["2027-02-06"]}
    put = api("PUT", "/v1/calendar/2027", ADMIN, body)
    assert put.status == 200, put.body
    got = api("GET", "/v1/calendar/2027", None).body
    assert (got["source"], got["holidays"], got["workdays"], got["warning"]) == (
        "city",
        ["2027-01-01", "2027-02-05"],
        ["2027-02-06"],
        None,
    )


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"holidays": ["2026-12-31"], "workdays": []}, "holidays[0]"),
        ({"holidays": [], "workdays": ["2027-01-04"]}, "workdays[0]"),  # a Monday
        ({"holidays": ["2027-01-02"], "workdays": ["2027-01-02"]}, "workdays[0]"),
        ({"holidays": ["2027-13-01"], "workdays": []}, "holidays[0]"),
        ({"holidays": []}, "workdays"),
    ],
)
def test_an_invalid_calendar_is_422_naming_the_date_and_changes_nothing(api, body, field):
    reply = api("PUT", "/v1/calendar/2027", ADMIN, body)
    assert reply.status == 422, reply.body
    assert field in [e["field"] for e in reply.body["errors"]]
    assert api("GET", "/v1/calendar/2027", None).body["source"] == "weekends_only"


def test_only_the_city_admin_sets_a_calendar(api):
    assert api("PUT", "/v1/calendar/2027", STAFF, {"holidays": [], "workdays": []}).status == 403


@pytest.mark.parametrize("year", ["27", "20270", "1999"])
def test_a_year_that_is_not_four_digits_in_range_is_422(api, year):
    assert api("GET", f"/v1/calendar/{year}", None).status == 422
