"""``POST /_local/clock`` over HTTP: one clock for every function of the local server."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import requests

from tests.callers import STAFF

pytestmark = pytest.mark.http


def set_clock(server, now):
    return requests.post(server.url("/_local/clock"), json={"now": now}, timeout=10)


def test_clock_moved_is_what_an_appeal_records_then_real_again(server):
    # Given the local clock set to the worked example's submission time
    moved = set_clock(server, "2025-09-30T10:00:00+08:00")
    try:
        assert moved.status_code == 200
        assert moved.json()["moved"] is True
        assert moved.json()["now"].startswith("2025-09-30T02:00:0")
        # When an appeal is submitted
        staff = server.headers(STAFF.named("clock-staff"))
        body = {"community_id": "cm_ninghe", "category": "other", "title": "钟表测试", "description": "本地时钟"}
        response = requests.post(server.url("/v1/appeals"), json=body, headers=staff, timeout=30)
        # Then it carries the moved time (the clock keeps ticking from where it was set)
        assert response.status_code == 201, response.text
        submitted = datetime.fromisoformat(response.json()["submitted_at"])
        assert timedelta(0) <= submitted - datetime(2025, 9, 30, 2, 0, tzinfo=UTC) < timedelta(seconds=30)
    finally:
        back = set_clock(server, None)
    # And null gives the real clock back
    assert back.status_code == 200
    assert back.json()["moved"] is False
    assert abs(datetime.fromisoformat(back.json()["now"]) - datetime.now(UTC)) < timedelta(seconds=30)


@pytest.mark.parametrize(
    "body",
    [{"now": "2025-09-30T10:00:00"}, {"now": "yesterday"}, {"now": 5}, {}, ["2025-09-30T10:00:00Z"]],
)
def test_clock_refuses_a_time_without_offset_or_a_bad_body_with_422(server, body):
    response = requests.post(server.url("/_local/clock"), json=body, timeout=10)
    assert response.status_code == 422
    assert response.headers["Content-Type"] == "application/problem+json"
    assert response.json()["errors"][0]["field"] == "now"
