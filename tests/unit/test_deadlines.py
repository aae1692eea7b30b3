"""An appeal's time limits under a policy and the working-day calendar (no I/O)."""

from __future__ import annotations

from datetime import datetime

import pytest

from services.appeals.logic import deadlines
from services.appeals.logic.settings import Current
from services.appeals.models.resources import watched_deadline
from services.appeals.models.settings import AppealPolicy
from services.common.domain.errors import InvalidInput
from services.common.domain.workdays import Calendar

DEFAULT = Current(AppealPolicy(), Calendar())
SLOW_DISPUTES = Current(AppealPolicy(handle_days={"default": 5, "neighbour_dispute": 10}), Calendar())


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def test_respond_by_is_the_worked_example():
    assert deadlines.respond_by(at("2025-09-30T10:00:00+08:00"), DEFAULT) == at("2025-10-09T15:59:59Z")


def test_due_at_is_the_worked_example_and_follows_the_category():
    assigned = at("2025-09-26T10:00:00+08:00")
    assert deadlines.due_at(assigned, "environment", DEFAULT, None) == at("2025-10-10T15:59:59Z")
    assert deadlines.due_at(assigned, "neighbour_dispute", SLOW_DISPUTES, None) == at("2025-10-16T15:59:59Z")


def test_a_requested_due_at_may_only_be_earlier():
    assigned = at("2025-09-26T10:00:00+08:00")
    earlier = at("2025-09-30T09:00:00Z")
    assert deadlines.due_at(assigned, "other", DEFAULT, earlier) == earlier
    with pytest.raises(InvalidInput) as later:
        deadlines.due_at(assigned, "other", DEFAULT, at("2025-10-10T16:00:00Z"))
    assert later.value.errors[0].field == "due_at"
    with pytest.raises(InvalidInput):
        deadlines.due_at(assigned, "other", DEFAULT, at("2025-09-26T01:00:00Z"))  # in the past


def test_an_extension_moves_due_at_by_working_days():
    assert deadlines.extended(at("2025-10-10T15:59:59Z"), 2, DEFAULT) == at("2025-10-13T15:59:59Z")


R, D = at("2025-10-09T15:59:59Z"), at("2025-10-10T15:59:59Z")


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        ({"status": "submitted", "awaiting_response": True, "overdue": False}, ("respond_by", R)),
        ({"status": "escalated", "awaiting_response": True, "overdue": False}, ("respond_by", R)),
        ({"status": "assigned", "awaiting_response": False, "overdue": False}, ("due_at", D)),
        ({"status": "assigned", "awaiting_response": False, "overdue": True}, None),
        ({"status": "resolved", "awaiting_response": False, "overdue": False}, None),
        ({"status": "closed", "awaiting_response": True, "overdue": False}, None),
        ({"status": "escalated", "awaiting_response": False, "overdue": False}, None),
    ],
)
def test_the_watched_deadline(state, expected):
    assert watched_deadline(**state, respond_by=R, due_at=D) == expected


def test_response_in_time():
    assert deadlines.response_in_time(respond_by=R, response_missed=False, at=R) is True
    assert deadlines.response_in_time(respond_by=R, response_missed=False, at=D) is False
    assert deadlines.response_in_time(respond_by=D, response_missed=True, at=R) is False
    assert deadlines.response_in_time(respond_by=None, response_missed=False, at=R) is None


def test_resolved_in_time():
    assert (
        deadlines.resolved_in_time(due_at=D, at=R),
        deadlines.resolved_in_time(due_at=R, at=D),
        deadlines.resolved_in_time(due_at=None, at=D),
    ) == (True, False, None)
