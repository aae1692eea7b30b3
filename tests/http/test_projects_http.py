"""Projects over HTTP against the local server: concurrent disbursements, retries, roles, validations."""

from __future__ import annotations

import threading
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import requests

from tests.callers import ADMIN, GRID_WORKER, OFFICER, OTHER_STAFF, RESIDENT, STAFF

pytestmark = pytest.mark.http

NINGHE, SANHE = "cm_ninghe", "cm_sanhe"


@pytest.fixture(scope="module")
def who(server):
    run = uuid.uuid4().hex[:6]
    return {
        "staff": server.headers(STAFF.named(f"pstaff-{run}")),
        "other_staff": server.headers(OTHER_STAFF.named(f"pstaff2-{run}")),
        "officer": server.headers(OFFICER.named(f"pofficer-{run}")),
        "grid_worker": server.headers(GRID_WORKER.named(f"pgrid-{run}")),
        "resident": server.headers(RESIDENT.named(f"president-{run}")),
        "admin": server.headers(ADMIN.named(f"padmin-{run}")),
    }


def post(server, path, headers, body, key=None):
    extra = {"Idempotency-Key": key} if key else {}
    return requests.post(server.url(path), json=body, headers={**headers, **extra}, timeout=60)


def new_project(server, who, **changes) -> str:
    body = {"community_id": NINGHE, "kind": "care", "title": "五社联动关爱老人", "year": 2025} | changes
    response = post(server, "/v1/projects", who["staff"], body)
    assert response.status_code == 201, response.text
    return response.json()["id"]


def fund(server, who, project_id, amount):
    body = {"source": "charity", "amount": amount, "currency": "CNY", "received_on": "2025-02-01"}
    assert post(server, f"/v1/projects/{project_id}/funding", who["staff"], body).status_code == 201


def disbursement(amount: int) -> dict:
    return {"amount": amount, "currency": "CNY", "paid_on": "2025-03-01", "purpose": "助餐食材"}


def test_many_concurrent_disbursements_never_overdraw(server, who):
    # Given ¥1,000.00 and 24 clients each paying ¥100.00 at the same moment
    project_id = new_project(server, who)
    fund(server, who, project_id, 100_000)
    barrier = threading.Barrier(24)
    statuses: list[int] = []

    def pay():
        barrier.wait()
        statuses.append(
            post(server, f"/v1/projects/{project_id}/disbursements", who["staff"], disbursement(10_000)).status_code
        )

    threads = [threading.Thread(target=pay) for _ in range(24)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # Then exactly ten are paid, the rest refused, and the ledger agrees to the fen
    assert sorted(set(statuses)) == [201, 409] and statuses.count(201) == 10
    ledger = requests.get(server.url(f"/v1/projects/{project_id}/ledger"), headers=who["staff"], timeout=30).json()
    assert ledger["balance"]["amount"] == 0
    assert ledger["disbursed_total"]["amount"] == 100_000
    assert [line["balance"]["amount"] for line in ledger["items"]][-1] == 0
    assert sum(1 for line in ledger["items"] if line["type"] == "disbursement") == 10


def test_a_retried_disbursement_pays_once(server, who):
    project_id = new_project(server, who)
    fund(server, who, project_id, 50_000)
    path = f"/v1/projects/{project_id}/disbursements"
    responses = [post(server, path, who["staff"], disbursement(30_000), key="pay-the-caterer") for _ in range(3)]
    assert [r.status_code for r in responses] == [201, 201, 201]
    assert len({r.json()["id"] for r in responses}) == 1
    assert [r.headers.get("Idempotent-Replayed") for r in responses] == [None, "true", "true"]
    ledger = requests.get(server.url(f"/v1/projects/{project_id}/ledger"), headers=who["staff"], timeout=30).json()
    assert ledger["balance"]["amount"] == 20_000


def test_concurrent_retries_of_one_disbursement_pay_once(server, who):
    project_id = new_project(server, who)
    fund(server, who, project_id, 50_000)
    barrier = threading.Barrier(6)
    statuses: list[int] = []

    def retry():
        barrier.wait()
        response = post(
            server, f"/v1/projects/{project_id}/disbursements", who["staff"], disbursement(10_000), key="once"
        )
        statuses.append(response.status_code)

    threads = [threading.Thread(target=retry) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # Retries that arrive while the first is in flight get 409 (in progress) and retry later; none pays twice.
    assert set(statuses) <= {201, 409} and 201 in statuses
    ledger = requests.get(server.url(f"/v1/projects/{project_id}/ledger"), headers=who["staff"], timeout=30).json()
    assert ledger["disbursed_total"]["amount"] == 10_000


@pytest.mark.parametrize(
    ("caller", "write", "read"),
    [
        ("staff", 201, 200),
        ("admin", 201, 200),
        ("officer", 403, 200),
        ("other_staff", 404, 404),
        ("grid_worker", 403, 403),
        ("resident", 403, 403),
    ],
)
def test_roles(server, who, caller, write, read):
    project_id = new_project(server, who)
    body = {"held_on": "2025-05-01", "title": "上门理发", "residents_served": 12}
    assert post(server, f"/v1/projects/{project_id}/sessions", who[caller], body).status_code == write
    assert requests.get(server.url(f"/v1/projects/{project_id}"), headers=who[caller], timeout=30).status_code == read


TOMORROW = (datetime.now(UTC) + timedelta(days=2)).date().isoformat()

INVALID_FUNDING = [
    ({"amount": 100.5}, "amount"),  # 100.0 is the integer 100 (JSON Schema), so it is accepted
    ({"amount": 99.5}, "amount"),
    ({"amount": 0}, "amount"),
    ({"amount": -100}, "amount"),
    ({"amount": 10**12 + 1}, "amount"),
    ({"amount": "100"}, "amount"),
    ({"currency": "USD"}, "currency"),
    ({"currency": None}, "currency"),
    ({"source": "lottery"}, "source"),
    ({"received_on": "2025-02-30"}, "received_on"),
    ({"received_on": "2025-13-01"}, "received_on"),
    ({"received_on": "01/02/2025"}, "received_on"),
    ({"received_on": TOMORROW}, "received_on"),
    ({"received_on": "1999-12-31"}, "received_on"),
    ({"donor": ""}, "donor"),
]


@pytest.mark.parametrize(
    ("change", "field"), INVALID_FUNDING, ids=[f"{f}-{next(iter(c.values()))}" for c, f in INVALID_FUNDING]
)
def test_invalid_funding_is_422_and_records_nothing(server, who, change, field):
    project_id = new_project(server, who)
    body = {"source": "fiscal", "amount": 1000, "currency": "CNY", "received_on": "2025-01-15"} | change
    response = post(server, f"/v1/projects/{project_id}/funding", who["staff"], body)
    assert response.status_code == 422, response.text
    assert field in [e["field"] for e in response.json()["errors"]]
    ledger = requests.get(server.url(f"/v1/projects/{project_id}/ledger"), headers=who["staff"], timeout=30).json()
    assert ledger["items"] == [] and ledger["funding_total"]["amount"] == 0


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"kind": "party"}, "kind"),
        ({"year": 1999}, "year"),
        ({"year": "2025"}, "year"),
        ({"title": ""}, "title"),
        ({"budget": {"amount": 1.5, "currency": "CNY"}}, "budget.amount"),
        ({"budget": {"amount": 100, "currency": "EUR"}}, "budget.currency"),
        ({"budget": 100}, "budget"),
        ({"target_beneficiaries": -1}, "target_beneficiaries"),
        ({"community_id": "cm_nowhere"}, "community_id"),
    ],
)
def test_invalid_project_is_422(server, who, change, field):
    body = {"community_id": NINGHE, "kind": "care", "title": "t", "year": 2025} | change
    response = post(server, "/v1/projects", who["staff"], body)
    assert response.status_code == 422, response.text
    assert field in [e["field"] for e in response.json()["errors"]]


@pytest.mark.parametrize(
    ("change", "field"),
    [({"paid_on": "2025-02-29"}, "paid_on"), ({"purpose": ""}, "purpose"), ({"amount": 1e-3}, "amount")],
)
def test_invalid_disbursement_is_422(server, who, change, field):
    project_id = new_project(server, who)
    fund(server, who, project_id, 10_000)
    response = post(server, f"/v1/projects/{project_id}/disbursements", who["staff"], disbursement(100) | change)
    assert response.status_code == 422, response.text
    assert field in [e["field"] for e in response.json()["errors"]]


def test_patch_is_idempotent_and_moves_forward_only(server, who):
    project_id = new_project(server, who)
    headers = {**who["staff"], "Idempotency-Key": "start-it"}
    first = requests.patch(
        server.url(f"/v1/projects/{project_id}"), json={"status": "in_progress"}, headers=headers, timeout=30
    )
    again = requests.patch(
        server.url(f"/v1/projects/{project_id}"), json={"status": "in_progress"}, headers=headers, timeout=30
    )
    assert (first.status_code, again.status_code, again.headers.get("Idempotent-Replayed")) == (200, 200, "true")
    assert first.json()["version"] == again.json()["version"] == 2
    back = requests.patch(
        server.url(f"/v1/projects/{project_id}"), json={"status": "planned"}, headers=who["staff"], timeout=30
    )
    assert back.status_code == 422  # "planned" is not a status a project can be moved to
