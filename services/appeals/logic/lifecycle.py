"""The appeal lifecycle (分级分类交办 → 现场答办 / 上级协调 → 评价): states, levels and who may act.

    submitted ─assign─► assigned ─resolve─► resolved ─rate─► closed
      │   ▲               │                   │
      │   └─────────────────────── reopen ────┘   (level kept)
      ├─escalate─► escalated ─assign/resolve/close─► …    level community → street → city
      └─close (duplicate / withdrawn / out_of_scope)─► closed

Who may act::

    assign, escalate, resolve, close   staff of the appeal's level: community_staff of its community while
                                       the level is community, street_officer of its street while it is
                                       street; city_admin always
    rate, reopen                       the submitter

Checks run in the order a client can act on: can the caller see the appeal at all (else 404), may
they take this action (403), does the action fit the state (409). ``TRANSITIONS`` is the table of
actions: where each may start, where it leads, and its ``Effect`` (fields set, note, event). Nothing
here does I/O.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from services.appeals.models import inputs
from services.appeals.models.records import AppealRecord
from services.appeals.models.resources import Action, Appeal, Level, Status
from services.common.domain.auth import Principal, Role
from services.common.domain.contracts import appeals as contract
from services.common.domain.errors import Conflict, NotAllowed, NotFound


@dataclass(frozen=True)
class Effect:
    """What an action does besides moving status and level: the fields it sets on the appeal, its
    history note, and its event (the contract class and the fields beyond the appeal's scope)."""

    changes: dict[str, Any]
    note: str | None
    event: type[contract.AppealEvent]
    event_fields: dict[str, Any] = field(default_factory=dict)


def _assign(appeal: AppealRecord, body: inputs.Assign, now: datetime) -> Effect:
    # due_at comes from the policy and the calendar (logic.appeals.deadline_changes): not decided here.
    # With a member unit, the caller has filled ``assignee`` with its name if it was left out
    # (logic.appeals.act); a plain assignee clears the unit, the units ever assigned stay.
    unit, ever = body.member_unit_id, appeal.assigned_unit_ids
    changes: dict[str, Any] = {"assignee": body.assignee, "member_unit_id": unit}
    if unit is not None and unit not in ever:
        changes["assigned_unit_ids"] = [*ever, unit]
    event_fields = {
        "assignee": body.assignee,
        "member_unit_id": unit,
        "unit_first": unit is not None and unit not in ever,
        "appeal_first_unit": unit is not None and not ever,
    }
    return Effect(changes, body.note, contract.AppealAssigned, event_fields)


def _escalate(appeal: AppealRecord, body: inputs.Escalate, now: datetime) -> Effect:
    return Effect({}, body.reason, contract.AppealEscalated, {"from_level": appeal.level.value})


def _resolve(appeal: AppealRecord, body: inputs.Resolve, now: datetime) -> Effect:
    changes = {
        "resolved_at": now,
        "resolution": body.resolution,
        "resolved_on_site": body.on_site,
        "meeting_id": body.meeting_id,
        "first_resolved_at": appeal.first_resolved_at or now,
    }
    first = appeal.first_resolved_at is None
    event_fields = {
        "first": first,
        "on_site": body.on_site,
        "at_meeting": body.meeting_id is not None,
        "meeting_id": body.meeting_id,
        "seconds_to_resolve": int((now - appeal.submitted_at).total_seconds()),
        # on_time_rate: a first resolution of an appeal with a due_at, by it or not.
        "resolved_in_time": (now <= appeal.due_at) if first and appeal.due_at is not None else None,
        "member_unit_id": appeal.member_unit_id,
    }
    return Effect(changes, body.resolution, contract.AppealResolved, event_fields)


def _rate(appeal: AppealRecord, body: inputs.Rate, now: datetime) -> Effect:
    changes = {"satisfaction": body.satisfaction, "closed_at": now}
    return Effect(changes, body.comment, contract.AppealRated, {"satisfaction": body.satisfaction})


def _reopen(appeal: AppealRecord, body: inputs.Reopen, now: datetime) -> Effect:
    # Reopened: no longer resolved (and a new cycle: logic.appeals.deadline_changes). The history keeps
    # the earlier resolution.
    changes = {"resolved_at": None, "resolution": None, "resolved_on_site": None, "meeting_id": None}
    return Effect(changes, body.reason, contract.AppealReopened)


def _close(appeal: AppealRecord, body: inputs.Close, now: datetime) -> Effect:
    changes = {"closed_at": now, "close_reason": body.reason}
    return Effect(changes, body.reason, contract.AppealClosed, {"reason": body.reason})


@dataclass(frozen=True)
class Transition:
    """One action of the lifecycle: the states it may start from, the state it leads to, its effect."""

    from_states: frozenset[Status]
    to_state: Status
    effect: Callable[[AppealRecord, Any, datetime], Effect]


_OPEN = frozenset({Status.SUBMITTED, Status.ASSIGNED, Status.ESCALATED})

TRANSITIONS: dict[Action, Transition] = {
    Action.ASSIGN: Transition(_OPEN, Status.ASSIGNED, _assign),
    # From escalated too: a street officer sends a street-level appeal on to the city without assigning it.
    Action.ESCALATE: Transition(_OPEN, Status.ESCALATED, _escalate),
    Action.RESOLVE: Transition(_OPEN, Status.RESOLVED, _resolve),
    Action.RATE: Transition(frozenset({Status.RESOLVED}), Status.CLOSED, _rate),
    Action.REOPEN: Transition(frozenset({Status.RESOLVED}), Status.SUBMITTED, _reopen),
    Action.CLOSE: Transition(_OPEN, Status.CLOSED, _close),
}
NEXT_LEVEL: dict[Level, Level] = {Level.COMMUNITY: Level.STREET, Level.STREET: Level.CITY}

OFFICIAL_ACTIONS = frozenset({Action.ASSIGN, Action.ESCALATE, Action.RESOLVE, Action.CLOSE})
# What counts as a response to the appeal (API.md: "the first official action … by then is a response in time").
RESPONSES = OFFICIAL_ACTIONS | {Action.MERGE}
SUBMITTER_ACTIONS = frozenset({Action.RATE, Action.REOPEN})
SUBMITTING_ROLES = (Role.RESIDENT, Role.GRID_WORKER, Role.COMMUNITY_STAFF, Role.CITY_ADMIN)

_PAST = {
    Action.ASSIGN: "assigned",
    Action.ESCALATE: "escalated",
    Action.RESOLVE: "resolved",
    Action.RATE: "rated",
    Action.REOPEN: "reopened",
    Action.CLOSE: "closed",
}


def can_see(who: Principal, appeal: AppealRecord) -> bool:
    if who.role is Role.CITY_ADMIN or appeal.submitted_by == who.sub:
        return True
    if who.role in (Role.COMMUNITY_STAFF, Role.GRID_WORKER):
        return appeal.community_id == who.community_id
    if who.role is Role.RESIDENT:
        # A resident whose appeal was merged into this one follows it here (contact masked).
        return who.sub in appeal.supporter_subs
    if who.role is Role.STREET_OFFICER:
        # Officers see what reached their street (escalated to street level, or further to the city), and
        # what they oversee below it: appeals they supervise, and extension requests awaiting their decision.
        if appeal.street_id != who.street_id:
            return False
        return appeal.level is not Level.COMMUNITY or appeal.supervised or appeal.extension_request is not None
    return False


def is_level_above(who: Principal, appeal: Appeal) -> bool:
    """Who decides an extension request: the street's officer for a community-level appeal, the city otherwise."""
    if who.role is Role.CITY_ADMIN:
        return True
    return who.role is Role.STREET_OFFICER and appeal.level is Level.COMMUNITY and appeal.street_id == who.street_id


def may_supervise(who: Principal, appeal: Appeal) -> bool:
    """督办: the street's officer (at any level of the appeal) and the city."""
    return who.role is Role.CITY_ADMIN or (who.role is Role.STREET_OFFICER and appeal.street_id == who.street_id)


def sees_phone(who: Principal, appeal: Appeal) -> bool:
    """The person themself, their community's staff and city admins see the whole number (API.md)."""
    return (
        who.role is Role.CITY_ADMIN
        or appeal.submitted_by == who.sub
        or (who.role is Role.COMMUNITY_STAFF and appeal.community_id == who.community_id)
    )


def is_level_staff(who: Principal, appeal: Appeal) -> bool:
    if who.role is Role.CITY_ADMIN:
        return True
    if who.role is Role.COMMUNITY_STAFF:
        return appeal.level is Level.COMMUNITY and appeal.community_id == who.community_id
    if who.role is Role.STREET_OFFICER:
        return appeal.level is Level.STREET and appeal.street_id == who.street_id
    return False


def authorize(who: Principal, appeal: AppealRecord, action: Action) -> None:
    """Raise unless ``who`` may take ``action`` on ``appeal`` as it is now (404, then 403)."""
    if not can_see(who, appeal):
        raise NotFound("No such appeal.")
    if action in OFFICIAL_ACTIONS and not is_level_staff(who, appeal):
        raise NotAllowed(f"Only staff of the appeal's level ({appeal.level.value}) may do this.")
    if action in SUBMITTER_ACTIONS and appeal.submitted_by != who.sub:
        raise NotAllowed("Only the person who submitted the appeal may do this.")


def next_state(appeal: Appeal, action: Action) -> tuple[Status, Level]:
    """The status and level after ``action``; ``Conflict`` (409) if the action does not fit."""
    transition = TRANSITIONS[action]
    if appeal.status not in transition.from_states:
        raise Conflict(f"An appeal that is {appeal.status.value} cannot be {_PAST[action]}.")
    level = appeal.level
    if action is Action.ESCALATE:
        if level not in NEXT_LEVEL:
            raise Conflict("The appeal is already at city level; it cannot be escalated further.")
        level = NEXT_LEVEL[level]
    return transition.to_state, level
