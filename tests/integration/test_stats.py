"""Statistics against moto: the consumer (exactly once, any order), live figures, the yearly report."""

from __future__ import annotations

import csv
import io
import json
import random

import pytest

from services.common.data import aws
from services.common.domain.reference import directory
from testkit import synthetic
from tests.callers import NINGHE, RESIDENT, SANHE, STAFF
from tests.conftest import FakeContext
from tests.integration.conftest import api_for


@pytest.fixture
def apis(calls):
    return {
        "appeals": api_for("services.appeals.handler"),
        "volunteers": api_for("services.volunteers.handler"),
        "projects": api_for("services.projects.handler"),
        "stats": api_for("services.stats.handler"),
    }


def queued(aws_stack) -> list[dict]:
    """Every message on the events queue, as SQS records (left on the queue's books as received)."""
    sqs, found = aws.client("sqs"), []
    while True:
        got = sqs.receive_message(QueueUrl=aws_stack.events_url, MaxNumberOfMessages=10, AttributeNames=["All"])
        if not got.get("Messages"):
            return found
        for m in got["Messages"]:
            found.append(
                {
                    "messageId": m["MessageId"],
                    "receiptHandle": m["ReceiptHandle"],
                    "body": m["Body"],
                    "attributes": {},
                    "messageAttributes": {},
                    "md5OfBody": "",
                    "eventSource": "aws:sqs",
                    "eventSourceARN": "arn:aws:sqs:us-east-1:000000000000:canger-events",
                    "awsRegion": "us-east-1",
                }
            )
            sqs.delete_message(QueueUrl=aws_stack.events_url, ReceiptHandle=m["ReceiptHandle"])


def consume(records: list[dict], batch: int = 100) -> list[dict]:
    from services.stats.consumer import lambda_handler

    return [lambda_handler({"Records": records[i : i + batch]}, FakeContext()) for i in range(0, len(records), batch)]


def stats(apis, year=2025, scope="city") -> dict:
    reply = apis["stats"]("GET", f"/v1/stats/{year}", None, query={"scope": scope})
    assert reply.status == 200, reply.body
    return reply.body


def scenario(apis) -> dict:
    """A little of everything, dated in 2025; returns the figures it should produce for 宁和社区."""
    a = apis["appeals"]
    ids = [
        a(
            "POST", "/v1/appeals", RESIDENT, {"community_id": NINGHE, "category": c, "title": "t", "description": "d"}
        ).body["id"]
        for c in ("medical", "medical", "housing_property", "other")
    ]
    a("POST", "/v1/appeals", RESIDENT, {"community_id": SANHE, "category": "other", "title": "t", "description": "d"})
    meeting = a(
        "POST",
        "/v1/meetings",
        STAFF,
        {
            "community_id": NINGHE,
            "building": "1",
            "held_at": "2025-04-01T10:00:00+08:00",
            "chair": "书记",
            "resident_count": 20,
            "appeal_ids": ids[:2],
        },
    ).body["id"]
    a("POST", f"/v1/appeals/{ids[0]}/resolve", STAFF, {"resolution": "ok", "on_site": True, "meeting_id": meeting})
    a("POST", f"/v1/appeals/{ids[0]}/rate", RESIDENT, {"satisfaction": 5})
    a("POST", f"/v1/appeals/{ids[1]}/resolve", STAFF, {"resolution": "ok", "on_site": False})
    a("POST", f"/v1/appeals/{ids[1]}/reopen", RESIDENT, {"reason": "no"})
    a("POST", f"/v1/appeals/{ids[1]}/resolve", STAFF, {"resolution": "again", "on_site": True})
    a("POST", f"/v1/appeals/{ids[1]}/rate", RESIDENT, {"satisfaction": 3})
    a("POST", f"/v1/appeals/{ids[2]}/escalate", STAFF, {"reason": "street"})
    a("POST", f"/v1/appeals/{ids[3]}/close", STAFF, {"reason": "duplicate"})
    v = apis["volunteers"]
    vols = [
        v(
            "POST",
            "/v1/volunteers",
            STAFF,
            {"name": "v", "phone": f"1380000000{n}", "community_id": NINGHE, "group": "youth"},
        ).body["id"]
        for n in range(3)
    ]
    for hours in (2.5, 0.1):
        v(
            "POST",
            "/v1/activities",
            STAFF,
            {
                "community_id": NINGHE,
                "title": "t",
                "field": "health",
                "started_at": "2025-03-01T09:00:00+08:00",
                "ended_at": "2025-03-01T12:00:00+08:00",
                "residents_served": 30,
                "participants": [{"volunteer_id": x, "hours": hours} for x in vols[:2]],
            },
        )
    p = apis["projects"]
    prj = p(
        "POST", "/v1/projects", STAFF, {"community_id": NINGHE, "kind": "secretary_led", "title": "t", "year": 2025}
    ).body["id"]
    p(
        "POST",
        f"/v1/projects/{prj}/funding",
        STAFF,
        {"source": "fiscal", "amount": 1_000_000, "currency": "CNY", "received_on": "2025-02-01"},
    )
    p(
        "POST",
        f"/v1/projects/{prj}/funding",
        STAFF,
        {"source": "charity", "amount": 250_000, "currency": "CNY", "received_on": "2025-02-03"},
    )
    p(
        "POST",
        f"/v1/projects/{prj}/disbursements",
        STAFF,
        {"amount": 400_000, "currency": "CNY", "paid_on": "2025-03-01", "purpose": "x"},
    )
    p("POST", f"/v1/projects/{prj}/sessions", STAFF, {"held_on": "2025-03-02", "title": "t", "residents_served": 45})
    p("PATCH", f"/v1/projects/{prj}", STAFF, {"beneficiaries_covered": 150})
    return {"appeals_submitted": 4, "resolved": 2, "activities": 2}


def test_figures_equal_what_happened(apis, aws_stack, clock_2025):
    scenario(apis)
    responses = consume(queued(aws_stack))
    assert all(r["batchItemFailures"] == [] for r in responses)
    f = stats(apis, scope=f"community:{NINGHE}")
    appeals = f["appeals"]
    assert {
        k: appeals[k]
        for k in (
            "submitted",
            "resolved",
            "resolved_on_site",
            "resolved_at_meetings",
            "escalated",
            "closed",
            "reopened",
        )
    } == {
        "submitted": 4,
        "resolved": 2,
        "resolved_on_site": 1,
        "resolved_at_meetings": 1,
        "escalated": 1,
        "closed": 3,  # two rated by their submitters, one closed by staff: every appeal that reached closed
        "reopened": 1,
    }
    assert (appeals["resolution_rate"], appeals["satisfaction_avg"], appeals["satisfaction_rate"]) == (0.5, 4.0, 0.5)
    assert appeals["by_category"]["medical"] == 2
    assert f["meetings"] == {"held": 1, "appeals_discussed": 2}
    volunteers = f["volunteers"]
    assert (
        volunteers["registered"],
        volunteers["active"],
        volunteers["activities"],
        volunteers["hours"],
        volunteers["residents_served"],
        volunteers["by_field"]["health"],
    ) == (3, 2, 2, 5.2, 60, 2)
    projects = f["projects"]
    assert (
        projects["started"],
        projects["by_kind"]["secretary_led"],
        projects["funding"]["total"],
        projects["funding"]["by_source"]["charity"],
        projects["disbursed"],
        projects["sessions"],
        projects["residents_served"],
        projects["beneficiaries_covered"],
    ) == (1, 1, 1_250_000, 250_000, 400_000, 1, 45, 150)
    assert stats(apis)["appeals"]["submitted"] == 5
    assert (f["year"], f["scope"], f["timezone"]) == (2025, f"community:{NINGHE}", "Asia/Shanghai")


@pytest.fixture
def clock_2025(clock):
    """Actions happen on 2025-06-15 (Beijing), so every figure lands in 2025. A test sets
    ``clock_2025.now = None`` when what follows (the yearly job) runs today, after that year."""
    from datetime import UTC, datetime

    clock.now = datetime(2025, 6, 15, 2, 0, tzinfo=UTC)
    return clock


def test_twice_delivered_and_shuffled_events_change_nothing(apis, aws_stack, clock_2025):
    scenario(apis)
    records = queued(aws_stack)
    consume(records)
    once = {scope: stats(apis, scope=scope) for scope in ("city", f"community:{NINGHE}")}
    again = records + records[:5]
    random.Random(3).shuffle(again)
    responses = consume(again, batch=7)
    assert all(r["batchItemFailures"] == [] for r in responses)
    for scope, before in once.items():
        after = stats(apis, scope=scope)
        assert {k: after[k] for k in ("appeals", "meetings", "volunteers", "projects")} == {
            k: before[k] for k in ("appeals", "meetings", "volunteers", "projects")
        }


def test_order_does_not_matter(apis, aws_stack, clock_2025):
    scenario(apis)
    records = queued(aws_stack)
    random.Random(11).shuffle(records)
    consume(records, batch=3)
    assert stats(apis, scope=f"community:{NINGHE}")["volunteers"]["active"] == 2
    assert stats(apis, scope=f"community:{NINGHE}")["appeals"]["resolved"] == 2


def test_a_malformed_message_fails_alone(apis, aws_stack):
    made = synthetic.events(10)
    synthetic.write_outbox(made)
    records = synthetic.sqs_records(made)
    records[4] = {**records[4], "body": "{not json"}
    [response] = consume(records)
    assert response["batchItemFailures"] == [{"itemIdentifier": records[4]["messageId"]}]
    assert stats(apis)["appeals"]["submitted"] + stats(apis)["volunteers"]["activities"] > 0


def test_events_cost_at_most_one_write_request_per_ten_events(apis, calls):
    # The budget is 100 per 1,000 events at a batch of 100; benchmarks/consumer.py measures 1,000
    # (moto copies the whole table for every transaction, which makes 1,000 slow in a test).
    made = synthetic.events(300)
    synthetic.write_outbox(made)
    calls.reset()
    consume(synthetic.sqs_records(made), batch=100)
    writes = sum(
        n
        for op, n in calls.counts.items()
        if op.split(".")[1] in ("TransactWriteItems", "PutItem", "UpdateItem", "BatchWriteItem")
    )
    assert writes <= 30, calls.counts
    submitted = sum(1 for e in made if e.metadata.event_type == "AppealSubmitted")
    assert stats(apis)["appeals"]["submitted"] == submitted


def test_streets_and_communities_add_up_to_the_city(apis, calls):
    made = synthetic.events(400)
    synthetic.write_outbox(made)
    consume(synthetic.sqs_records(made))
    city = stats(apis)
    d = directory()
    for part, scopes in (("street", d.streets), ("community", d.communities)):
        parts = [stats(apis, scope=f"{part}:{s}") for s in scopes]
        for section, figure in (
            ("appeals", "submitted"),
            ("appeals", "resolved"),
            ("volunteers", "activities"),
            ("volunteers", "residents_served"),
            ("volunteers", "hours"),
        ):
            assert round(sum(p[section][figure] for p in parts), 1) == city[section][figure], (part, figure)


def test_live_figures_read_one_request(apis, calls):
    calls.reset()
    stats(apis, scope="street:st_taihe")
    # The scope's counters of the year and its pairings (the complex's member_units adds up the joined and
    # left of every year up to this one, kept in one item per scope): two items, one BatchGetItem.
    assert calls.counts == {"dynamodb.BatchGetItem": 1}


@pytest.mark.parametrize("scope", ["town", "street:st_atlantis", "community:", "community:cm_ninghe;drop"])
def test_unknown_scope_is_422(apis, scope):
    reply = apis["stats"]("GET", "/v1/stats/2025", None, query={"scope": scope})
    assert (reply.status, reply.body["errors"][0]["field"]) == (422, "scope")


def test_year_out_of_range_is_422(apis):
    assert apis["stats"]("GET", "/v1/stats/1999", None).status == 422


def yearly(year: int) -> dict:
    from services.stats.yearly import lambda_handler

    return lambda_handler({"year": year}, FakeContext())


def test_report_is_404_before_the_job_and_reconciled_after(apis, aws_stack, clock_2025):
    assert apis["stats"]("GET", "/v1/reports/2025", None).status == 404
    scenario(apis)
    consume(queued(aws_stack))
    clock_2025.now = None
    assert yearly(2025) == {"reports": [{"year": 2025, "final": True, "drift": 0}]}
    report = apis["stats"]("GET", "/v1/reports/2025", None).body
    assert report["reconciliation"] == {"ok": True, "drift": []}
    assert report["city"]["appeals"]["submitted"] == 5
    assert set(report["communities"]) == set(directory().communities)
    assert set(report["streets"]) == set(directory().streets)
    gaps = report["policy"]["communities_without_secretary_led_project"]
    assert NINGHE not in gaps and SANHE in gaps and len(gaps) == 43


def test_an_event_that_never_arrived_shows_as_drift(apis, aws_stack, clock_2025):
    scenario(apis)
    records = queued(aws_stack)
    lost = next(r for r in records if json.loads(r["body"])["detail-type"] == "AppealSubmitted")
    consume([r for r in records if r is not lost])
    clock_2025.now = None
    assert yearly(2025)["reports"][0]["drift"] >= 1
    drift = apis["stats"]("GET", "/v1/reports/2025", None).body["reconciliation"]
    community = json.loads(lost["body"])["detail"]["data"]["community_id"]
    assert drift["ok"] is False
    assert {"scope": f"community:{community}", "figure": "appeals_submitted"} in [
        {k: d[k] for k in ("scope", "figure")} for d in drift["drift"]
    ]


def test_csv_report_has_a_bom_chinese_headers_and_a_row_per_community(apis, aws_stack, clock_2025):
    scenario(apis)
    consume(queued(aws_stack))
    clock_2025.now = None
    yearly(2025)
    from services.stats.handler import lambda_handler
    from tests.conftest import http_event

    response = lambda_handler(http_event("GET", "/v1/reports/2025.csv"), FakeContext())
    assert response["statusCode"] == 200 and response["headers"]["Content-Type"].startswith("text/csv")
    import base64

    raw = base64.b64decode(response["body"]) if response["isBase64Encoded"] else response["body"].encode()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][:4] == ["社区编号", "社区", "街道", "诉求受理数"]
    assert len(rows) == 1 + 44
    ninghe = next(r for r in rows if r[0] == NINGHE)
    assert ninghe[1] == "宁和社区" and ninghe[rows[0].index("到位资金(元)")] == "12500.00"


def test_report_reads_grow_with_communities_not_records(apis, calls):
    reads = []
    for count in (20, 200):
        made = synthetic.events(count, seed=count)
        synthetic.write_outbox(made)
        consume(synthetic.sqs_records(made))
        calls.reset()
        yearly(2025)
        reads.append(calls.of("dynamodb"))
    # One Query of counters, one of tallies per service (appeals, volunteers, projects, complex), one of the
    # scopes' pairings and two for the member units (their registry and their figures of the year; no units
    # here, so no BatchGetItem of their names), with 20 or 200 events alike.
    assert reads == [{"dynamodb.Query": 8}, {"dynamodb.Query": 8}]


def monthly(apis, year=2025, scope="city") -> dict:
    reply = apis["stats"]("GET", f"/v1/stats/{year}/months", None, query={"scope": scope})
    assert reply.status == 200, reply.body
    return reply.body


# (section in the year's figures, figure there, figure in a month) for every monthly figure
MONTHLY_FIGURES = (
    ("appeals", "submitted", "submitted"),
    ("appeals", "resolved", "resolved"),
    ("appeals", "closed", "closed"),
    ("meetings", "held", "held"),
    ("volunteers", "activities", "activities"),
    ("volunteers", "hours", "hours"),
    ("volunteers", "residents_served", "residents_served"),
    ("projects", "funding", "funding"),
    ("projects", "disbursed", "disbursed"),
    ("projects", "sessions", "sessions"),
)


def assert_months_add_up_to_the_year(apis, scope: str) -> None:
    year, months = stats(apis, scope=scope), monthly(apis, scope=scope)
    assert [m["month"] for m in months["months"]] == [f"2025-{n:02d}" for n in range(1, 13)]
    for section, figure, in_month in MONTHLY_FIGURES:
        total = year[section][figure]["total"] if figure == "funding" else year[section][figure]
        assert round(sum(m[section][in_month] for m in months["months"]), 1) == total, (scope, section, figure)


def test_a_synthetic_year_by_month_adds_up_to_the_year_despite_duplicates_and_reordering(apis, calls):
    made = synthetic.events(400)
    synthetic.write_outbox(made)
    records = synthetic.sqs_records(made)
    delivered = records + records[::7]  # a seventh of the events twice
    random.Random(5).shuffle(delivered)
    responses = consume(delivered, batch=30)
    assert all(r["batchItemFailures"] == [] for r in responses)
    city = monthly(apis)["months"]
    assert sum(1 for m in city if m["appeals"]["submitted"]) >= 11  # spread over the year, not one month
    assert sum(m["appeals"]["submitted"] for m in city) == sum(
        1 for e in made if e.metadata.event_type == "AppealSubmitted"
    )
    for scope in ("city", "street:st_xiaguan", f"community:{NINGHE}"):
        assert_months_add_up_to_the_year(apis, scope)


def test_every_monthly_figure_adds_up_to_the_year(apis, aws_stack, clock_2025):
    scenario(apis)  # meetings, closings and money as well as appeals and activities
    records = queued(aws_stack)
    delivered = records + records[:4]
    random.Random(2).shuffle(delivered)
    consume(delivered, batch=5)
    nonzero = {
        (section, figure)
        for m in monthly(apis, scope=f"community:{NINGHE}")["months"]
        for section, figure, _ in MONTHLY_FIGURES
        if m[section][figure]
    }
    assert {("meetings", "held"), ("projects", "funding"), ("volunteers", "hours")} <= nonzero
    for scope in ("city", f"community:{NINGHE}"):
        assert_months_add_up_to_the_year(apis, scope)


def test_monthly_figures_read_one_item(apis, calls):
    calls.reset()
    monthly(apis, scope="street:st_taihe")
    assert calls.counts == {"dynamodb.GetItem": 1}


def test_monthly_figures_of_an_unknown_scope_are_422(apis):
    reply = apis["stats"]("GET", "/v1/stats/2025/months", None, query={"scope": "street:st_atlantis"})
    assert (reply.status, reply.body["errors"][0]["field"]) == (422, "scope")


def test_every_scope_is_what_each_scope_says_in_two_queries(apis, calls):
    made = synthetic.events(200)
    synthetic.write_outbox(made)
    consume(synthetic.sqs_records(made))
    calls.reset()
    reply = apis["stats"]("GET", "/v1/stats/2025/scopes", None)
    assert reply.status == 200, reply.body
    # The year's counter items, and every scope's pairings (the complex block's member units and sites).
    assert calls.counts == {"dynamodb.Query": 2}
    everything = reply.body
    assert set(everything["communities"]) == set(directory().communities)
    figures = ("appeals", "meetings", "volunteers", "projects")
    assert {k: everything["city"][k] for k in figures} == {k: stats(apis)[k] for k in figures}
    ninghe = stats(apis, scope=f"community:{NINGHE}")
    assert {k: everything["communities"][NINGHE][k] for k in figures} == {k: ninghe[k] for k in figures}
    taihe = stats(apis, scope="street:st_taihe")
    assert {k: everything["streets"]["st_taihe"][k] for k in figures} == {k: taihe[k] for k in figures}
