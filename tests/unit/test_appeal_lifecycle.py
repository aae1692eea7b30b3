"""The appeal state machine and its permissions, without I/O: every action from every state, per role."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from services.appeals.logic import lifecycle
from services.appeals.models.records import AppealRecord
from services.appeals.models.resources import Action, ContactView, Level, Status
from services.common.domain.errors import Conflict, NotAllowed, NotFound, require_version
from tests import callers
from tests.callers import NINGHE, XIAGUAN

SUBMITTER = callers.RESIDENT.principal()
OTHER_RESIDENT = callers.OTHER_RESIDENT.principal()
STAFF = callers.STAFF.principal()
OTHER_STAFF = callers.OTHER_STAFF.principal()
GRID_WORKER = callers.GRID_WORKER.principal()
OFFICER = callers.OFFICER.principal()
OTHER_OFFICER = callers.OTHER_OFFICER.principal()
ADMIN = callers.ADMIN.principal()


def appeal(status: Status = Status.SUBMITTED, level: Level = Level.COMMUNITY, version: int = 1) -> AppealRecord:
    # The logic decides on records (who may see an appeal depends on what only the record keeps).
    return AppealRecord(
        id="apl_01JD3J4ZQ6X8M3V0S5T7K2B9RC",
        community_id=NINGHE,
        street_id=XIAGUAN,
        grid_id=None,
        category="medical",
        title="t",
        description="d",
        channel="online",
        status=status,
        level=level,
        contact=ContactView(name="张三", phone="13812341234"),
        submitted_by=SUBMITTER.sub,
        submitted_at=datetime(2025, 1, 1, tzinfo=UTC),
        version=version,
    )


# Every (action, from-status) pair API.md allows, and where it leads.
ALLOWED = {
    (Action.ASSIGN, Status.SUBMITTED): Status.ASSIGNED,
    (Action.ASSIGN, Status.ASSIGNED): Status.ASSIGNED,
    (Action.ASSIGN, Status.ESCALATED): Status.ASSIGNED,
    (Action.ESCALATE, Status.SUBMITTED): Status.ESCALATED,
    (Action.ESCALATE, Status.ASSIGNED): Status.ESCALATED,
    (Action.ESCALATE, Status.ESCALATED): Status.ESCALATED,  # a street officer on to the city (API.md)
    (Action.RESOLVE, Status.SUBMITTED): Status.RESOLVED,
    (Action.RESOLVE, Status.ASSIGNED): Status.RESOLVED,
    (Action.RESOLVE, Status.ESCALATED): Status.RESOLVED,
    (Action.RATE, Status.RESOLVED): Status.CLOSED,
    (Action.REOPEN, Status.RESOLVED): Status.SUBMITTED,
    (Action.CLOSE, Status.SUBMITTED): Status.CLOSED,
    (Action.CLOSE, Status.ASSIGNED): Status.CLOSED,
    (Action.CLOSE, Status.ESCALATED): Status.CLOSED,
}
# The lifecycle's own actions; deadlines, extensions, supervision and merging are logic.oversight's and the job's.
ACTIONS = list(lifecycle.TRANSITIONS)


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("status", list(Status))
def test_next_state_follows_the_table(action, status):
    # Given an appeal in `status` at community level
    subject = appeal(status)
    if (action, status) in ALLOWED:
        # When the action is taken, then it leads where API.md says
        assert lifecycle.next_state(subject, action)[0] == ALLOWED[(action, status)]
    else:
        # When it does not fit the state, then it is a conflict
        with pytest.raises(Conflict):
            lifecycle.next_state(subject, action)


def test_escalate_moves_community_to_street_to_city():
    assert lifecycle.next_state(appeal(level=Level.COMMUNITY), Action.ESCALATE) == (Status.ESCALATED, Level.STREET)
    assert lifecycle.next_state(appeal(Status.ASSIGNED, Level.STREET), Action.ESCALATE) == (
        Status.ESCALATED,
        Level.CITY,
    )


def test_escalate_at_city_level_is_a_conflict():
    with pytest.raises(Conflict, match="city"):
        lifecycle.next_state(appeal(Status.ASSIGNED, Level.CITY), Action.ESCALATE)


def test_reopen_keeps_the_level():
    assert lifecycle.next_state(appeal(Status.RESOLVED, Level.STREET), Action.REOPEN) == (
        Status.SUBMITTED,
        Level.STREET,
    )


OFFICIAL = [Action.ASSIGN, Action.ESCALATE, Action.RESOLVE, Action.CLOSE]
BY_SUBMITTER = [Action.RATE, Action.REOPEN]

# (caller, level) → what happens when they take an official action: None (allowed), or the error.
OFFICIAL_RULES = [
    (STAFF, Level.COMMUNITY, None),
    (STAFF, Level.STREET, NotAllowed),  # sees it (own community), but the street acts now
    (OTHER_STAFF, Level.COMMUNITY, NotFound),
    (GRID_WORKER, Level.COMMUNITY, NotAllowed),
    (OFFICER, Level.COMMUNITY, NotFound),  # not escalated: not the officer's to see
    (OFFICER, Level.STREET, None),
    (OFFICER, Level.CITY, NotAllowed),
    (OTHER_OFFICER, Level.STREET, NotFound),
    (ADMIN, Level.COMMUNITY, None),
    (ADMIN, Level.STREET, None),
    (ADMIN, Level.CITY, None),
    (SUBMITTER, Level.COMMUNITY, NotAllowed),
    (OTHER_RESIDENT, Level.COMMUNITY, NotFound),
]


@pytest.mark.parametrize("action", OFFICIAL)
@pytest.mark.parametrize(("who", "level", "expected"), OFFICIAL_RULES)
def test_official_actions_belong_to_staff_of_the_level(action, who, level, expected):
    subject = appeal(Status.SUBMITTED, level)
    if expected is None:
        lifecycle.authorize(who, subject, action)
    else:
        with pytest.raises(expected):
            lifecycle.authorize(who, subject, action)


SUBMITTER_RULES = [
    (SUBMITTER, None),
    (OTHER_RESIDENT, NotFound),
    (STAFF, NotAllowed),
    (GRID_WORKER, NotAllowed),
    (ADMIN, NotAllowed),
]


@pytest.mark.parametrize("action", BY_SUBMITTER)
@pytest.mark.parametrize(("who", "expected"), SUBMITTER_RULES)
def test_rate_and_reopen_belong_to_the_submitter(action, who, expected):
    subject = appeal(Status.RESOLVED)
    if expected is None:
        lifecycle.authorize(who, subject, action)
    else:
        with pytest.raises(expected):
            lifecycle.authorize(who, subject, action)


@pytest.mark.parametrize(
    ("who", "level", "sees"),
    [
        (SUBMITTER, Level.COMMUNITY, True),
        (OTHER_RESIDENT, Level.COMMUNITY, False),
        (STAFF, Level.CITY, True),
        (GRID_WORKER, Level.COMMUNITY, True),
        (OTHER_STAFF, Level.COMMUNITY, False),
        (OFFICER, Level.COMMUNITY, False),
        (OFFICER, Level.STREET, True),
        (OFFICER, Level.CITY, True),
        (OTHER_OFFICER, Level.CITY, False),
        (ADMIN, Level.COMMUNITY, True),
    ],
)
def test_can_see_follows_the_roles_table(who, level, sees):
    assert lifecycle.can_see(who, appeal(level=level)) is sees


@pytest.mark.parametrize(
    ("who", "whole"),
    [(SUBMITTER, True), (STAFF, True), (ADMIN, True), (GRID_WORKER, False), (OFFICER, False), (OTHER_STAFF, False)],
)
def test_phone_is_whole_only_for_the_person_their_staff_and_admins(who, whole):
    assert lifecycle.sees_phone(who, appeal(level=Level.STREET)) is whole


def test_stale_expected_version_is_a_conflict_naming_the_current_one():
    with pytest.raises(Conflict) as raised:
        require_version("appeal", appeal(version=3).version, 2)
    assert raised.value.extensions == {"current_version": 3}


def test_matching_or_absent_expected_version_passes():
    require_version("appeal", appeal(version=3).version, 3)
    require_version("appeal", appeal(version=3).version, None)
