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
they take this action (403), does the action fit the state (409). Nothing here does I/O.
"""

from __future__ import annotations

from services.appeals.models.resources import Action, Appeal, Level, Status
from services.common.domain.auth import Principal, Role
from services.common.domain.errors import Conflict, NotAllowed, NotFound

FROM_STATES: dict[Action, frozenset[Status]] = {
    Action.ASSIGN: frozenset({Status.SUBMITTED, Status.ASSIGNED, Status.ESCALATED}),
    Action.ESCALATE: frozenset({Status.SUBMITTED, Status.ASSIGNED}),
    Action.RESOLVE: frozenset({Status.SUBMITTED, Status.ASSIGNED, Status.ESCALATED}),
    Action.RATE: frozenset({Status.RESOLVED}),
    Action.REOPEN: frozenset({Status.RESOLVED}),
    Action.CLOSE: frozenset({Status.SUBMITTED, Status.ASSIGNED, Status.ESCALATED}),
}
TO_STATE: dict[Action, Status] = {
    Action.ASSIGN: Status.ASSIGNED,
    Action.ESCALATE: Status.ESCALATED,
    Action.RESOLVE: Status.RESOLVED,
    Action.RATE: Status.CLOSED,
    Action.REOPEN: Status.SUBMITTED,
    Action.CLOSE: Status.CLOSED,
}
NEXT_LEVEL: dict[Level, Level] = {Level.COMMUNITY: Level.STREET, Level.STREET: Level.CITY}

OFFICIAL_ACTIONS = frozenset({Action.ASSIGN, Action.ESCALATE, Action.RESOLVE, Action.CLOSE})
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


def can_see(who: Principal, appeal: Appeal) -> bool:
    if who.role is Role.CITY_ADMIN or appeal.submitted_by == who.sub:
        return True
    if who.role in (Role.COMMUNITY_STAFF, Role.GRID_WORKER):
        return appeal.community_id == who.community_id
    if who.role is Role.STREET_OFFICER:
        # Officers see what reached their street: escalated to street level, or further to the city.
        return appeal.street_id == who.street_id and appeal.level is not Level.COMMUNITY
    return False


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


def authorize(who: Principal, appeal: Appeal, action: Action) -> None:
    """Raise unless ``who`` may take ``action`` on ``appeal`` as it is now (404, then 403)."""
    if not can_see(who, appeal):
        raise NotFound("No such appeal.")
    if action in OFFICIAL_ACTIONS and not is_level_staff(who, appeal):
        raise NotAllowed(f"Only staff of the appeal's level ({appeal.level.value}) may do this.")
    if action in SUBMITTER_ACTIONS and appeal.submitted_by != who.sub:
        raise NotAllowed("Only the person who submitted the appeal may do this.")


def next_state(appeal: Appeal, action: Action) -> tuple[Status, Level]:
    """The status and level after ``action``; ``Conflict`` (409) if the action does not fit."""
    if appeal.status not in FROM_STATES[action]:
        raise Conflict(f"An appeal that is {appeal.status.value} cannot be {_PAST[action]}.")
    level = appeal.level
    if action is Action.ESCALATE:
        if level not in NEXT_LEVEL:
            raise Conflict("The appeal is already at city level; it cannot be escalated further.")
        level = NEXT_LEVEL[level]
    return TO_STATE[action], level


def check_version(appeal: Appeal, expected: int | None) -> None:
    if expected is not None and expected != appeal.version:
        raise Conflict(
            f"The appeal is at version {appeal.version}, not {expected}; reload it and try again.",
            current_version=appeal.version,
        )
