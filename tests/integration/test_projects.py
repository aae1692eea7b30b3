"""The projects handler against moto: projects, money in fen, the ledger, sessions, listings, events."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services.common.data import outbox
from services.common.domain import contracts
from services.common.domain.events import Event
from tests.callers import ADMIN, GRID_WORKER, NINGHE, OFFICER, OTHER_STAFF, SANHE, STAFF
from tests.integration.conftest import api_for


@pytest.fixture
def api(calls):
    return api_for("services.projects.handler")


def project(api, who=STAFF, community=NINGHE, **changes) -> dict:
    body = {"community_id": community, "kind": "secretary_led", "title": "老旧小区加装电梯", "year": 2025} | changes
    reply = api("POST", "/v1/projects", who, body)
    assert reply.status == 201, reply.body
    return reply.body


def fund(api, project_id, amount, day="2025-03-01", source="fiscal", who=STAFF):
    body = {"source": source, "amount": amount, "currency": "CNY", "received_on": day}
    return api("POST", f"/v1/projects/{project_id}/funding", who, body)


def pay(api, project_id, amount, day="2025-04-01", who=STAFF):
    body = {"amount": amount, "currency": "CNY", "paid_on": day, "purpose": "施工款"}
    return api("POST", f"/v1/projects/{project_id}/disbursements", who, body)


def events_of(event_type: str) -> list[Event]:
    found = [Event.model_validate_json(item["detail"]) for item in outbox.pending(due_by=None)]
    return [e for e in found if e.metadata.event_type == event_type]


def test_a_new_project_is_planned_with_zero_money(api):
    created = project(api, budget={"amount": 120_000_000, "currency": "CNY"}, target_beneficiaries=300)
    zero = {"amount": 0, "currency": "CNY"}
    expected = {
        "status": "planned",
        "funding_total": zero,
        "disbursed_total": zero,
        "balance": zero,
        "budget": {"amount": 120_000_000, "currency": "CNY"},
        "beneficiaries_covered": 0,
        "service_sessions": 0,
        "residents_served": 0,
        "street_id": "st_xiaguan",
        "version": 1,
    }
    assert {k: created[k] for k in expected} == expected


def test_funding_and_disbursements_move_the_totals_and_the_ledger(api):
    p = project(api)["id"]
    assert fund(api, p, 500_000, "2025-03-01").status == 201
    assert fund(api, p, 250_000, "2025-02-01", source="charity").status == 201
    assert pay(api, p, 600_000, "2025-04-01").status == 201
    ledger = api("GET", f"/v1/projects/{p}/ledger", STAFF).body
    assert [
        (line["type"], line["date"], line["amount"]["amount"], line["balance"]["amount"]) for line in ledger["items"]
    ] == [
        ("funding", "2025-02-01", 250_000, 250_000),
        ("funding", "2025-03-01", 500_000, 750_000),
        ("disbursement", "2025-04-01", 600_000, 150_000),
    ]
    totals = {k: ledger[k]["amount"] for k in ("funding_total", "disbursed_total", "balance")}
    assert totals == {"funding_total": 750_000, "disbursed_total": 600_000, "balance": 150_000}
    shown = api("GET", f"/v1/projects/{p}", STAFF).body
    assert {k: shown[k]["amount"] for k in totals} == totals


def test_a_disbursement_beyond_the_balance_is_409_and_records_nothing(api):
    p = project(api)["id"]
    fund(api, p, 100_000)
    reply = pay(api, p, 100_001)
    assert (reply.status, reply.body["balance"]) == (409, {"amount": 100_000, "currency": "CNY"})
    assert api("GET", f"/v1/projects/{p}/ledger", STAFF).body["items"][-1]["type"] == "funding"
    assert events_of("DisbursementRecorded") == []
    assert pay(api, p, 100_000).status == 201


def test_money_events_carry_source_amount_date_and_scope(api):
    p = project(api, kind="care", year=2024)["id"]
    fund(api, p, 88_800, "2024-12-31", source="community_fund")
    [event] = events_of("FundingRecorded")
    data = contracts.parse_data("FundingRecorded", event.data)
    assert (data.kind, data.year, data.source, data.amount, data.received_on.isoformat()) == (
        "care",
        2024,
        "community_fund",
        88_800,
        "2024-12-31",
    )
    assert (data.community_id, data.street_id) == (NINGHE, "st_xiaguan")


def test_sessions_count_sessions_and_person_times(api):
    p = project(api, kind="care")["id"]
    for served in (30, 45):
        body = {"held_on": "2025-05-01", "title": "长者助餐", "residents_served": served}
        assert api("POST", f"/v1/projects/{p}/sessions", STAFF, body).status == 201
    shown = api("GET", f"/v1/projects/{p}", STAFF).body
    assert (shown["service_sessions"], shown["residents_served"]) == (2, 75)
    assert [s["residents_served"] for s in api("GET", f"/v1/projects/{p}/sessions", STAFF).body["items"]] == [30, 45]


def test_status_moves_forward_only_and_beneficiaries_delta_is_in_the_event(api):
    p = project(api)["id"]
    moved = api("PATCH", f"/v1/projects/{p}", STAFF, {"status": "in_progress", "beneficiaries_covered": 120}).body
    assert (moved["status"], moved["beneficiaries_covered"], moved["version"]) == ("in_progress", 120, 2)
    api("PATCH", f"/v1/projects/{p}", STAFF, {"beneficiaries_covered": 100})
    deltas = [contracts.parse_data("ProjectUpdated", e.data).beneficiaries_delta for e in events_of("ProjectUpdated")]
    assert sorted(deltas) == [-20, 120]
    assert api("PATCH", f"/v1/projects/{p}", STAFF, {"status": "completed"}).body["status"] == "completed"
    assert api("PATCH", f"/v1/projects/{p}", STAFF, {"status": "in_progress"}).status == 409
    assert api("PATCH", f"/v1/projects/{p}", STAFF, {"beneficiaries_covered": 1, "expected_version": 1}).status == 409
    assert api("PATCH", f"/v1/projects/{p}", STAFF, {}).status == 422


def test_listing_by_community_year_and_kind(api):
    a = project(api, year=2024)["id"]
    b = project(api, year=2025, kind="care")["id"]
    c = project(api, year=2025)["id"]
    project(api, who=OTHER_STAFF, community=SANHE)

    def listed(who=STAFF, **query):
        reply = api("GET", "/v1/projects", who, query={k: str(v) for k, v in query.items()})
        assert reply.status == 200, reply.body
        return [x["id"] for x in reply.body["items"]]

    assert listed() == [c, b, a]
    assert listed(year=2025) == [c, b]
    assert listed(year=2025, kind="secretary_led") == [c]
    assert listed(OFFICER, kind="care") == [b]
    assert len(listed(ADMIN)) == 4
    assert api("GET", "/v1/projects", STAFF, query={"community_id": SANHE}).status == 403


def test_roles(api):
    p = project(api)["id"]
    assert api("GET", f"/v1/projects/{p}", OFFICER).status == 200
    assert fund(api, p, 100, who=OFFICER).status == 403
    assert api("GET", f"/v1/projects/{p}", OTHER_STAFF).status == 404
    assert api("GET", f"/v1/projects/{p}/ledger", GRID_WORKER).status == 403
    assert fund(api, p, 100, who=ADMIN).status == 201
    assert fund(api, "prj_01JD3J4ZQ6X8M3V0S5T7K2B9RC", 100).status == 404


@pytest.mark.parametrize(
    ("amount", "currency"),
    [(100.5, "CNY"), (0, "CNY"), (-5, "CNY"), (10**12 + 1, "CNY"), (100, "USD"), ("100", "CNY"), (True, "CNY")],
)
def test_bad_money_is_422_and_records_nothing(api, amount, currency):
    p = project(api)["id"]
    body = {"source": "fiscal", "amount": amount, "currency": currency, "received_on": "2025-01-01"}
    reply = api("POST", f"/v1/projects/{p}/funding", STAFF, body)
    assert reply.status == 422
    assert {e["field"] for e in reply.body["errors"]} <= {"amount", "currency"}
    assert api("GET", f"/v1/projects/{p}/ledger", STAFF).body["items"] == []


def test_the_ledger_is_one_query_and_money_one_read_one_transaction(api, calls):
    p = project(api)["id"]
    calls.reset()
    api("GET", f"/v1/projects/{p}/ledger", STAFF)
    assert calls.counts == {"dynamodb.Query": 1}
    calls.reset()
    fund(api, p, 100)
    assert calls.counts == {"dynamodb.GetItem": 1, "dynamodb.TransactWriteItems": 1, "events.PutEvents": 1}


operations = st.lists(
    st.tuples(
        st.sampled_from(["fund", "pay"]),
        st.integers(min_value=1, max_value=1_000_000),
        st.dates(
            min_value=__import__("datetime").date(2024, 1, 1), max_value=__import__("datetime").date(2025, 12, 31)
        ),
    ),
    min_size=1,
    max_size=12,
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=operations)
def test_ledger_totals_and_balance_always_agree(api, ops):
    # Given any sequence of funding and disbursements, some of them beyond the balance
    p = project(api)["id"]
    expected_balance = funded = paid = 0
    for kind, amount, day in ops:
        if kind == "fund":
            assert fund(api, p, amount, day.isoformat()).status == 201
            expected_balance, funded = expected_balance + amount, funded + amount
        else:
            status = pay(api, p, amount, day.isoformat()).status
            # Then a disbursement goes through exactly when the balance covers it
            assert status == (201 if amount <= expected_balance else 409)
            if status == 201:
                expected_balance, paid = expected_balance - amount, paid + amount
    ledger = api("GET", f"/v1/projects/{p}/ledger", STAFF).body
    lines = ledger["items"]
    # And the totals, the ledger's lines and its running balance all agree
    assert (
        ledger["funding_total"]["amount"]
        == funded
        == sum(x["amount"]["amount"] for x in lines if x["type"] == "funding")
    )
    assert (
        ledger["disbursed_total"]["amount"]
        == paid
        == sum(x["amount"]["amount"] for x in lines if x["type"] == "disbursement")
    )
    assert ledger["balance"]["amount"] == expected_balance == funded - paid >= 0
    assert (lines[-1]["balance"]["amount"] if lines else 0) == expected_balance
    assert [x["date"] for x in lines] == sorted(x["date"] for x in lines)
