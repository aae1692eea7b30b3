"""What the appeals service does: take an appeal in, move it through its lifecycle, show it to who may see it.

Each function takes the caller (``by``) and returns resources; HTTP and DynamoDB stay outside
(``handler`` and ``dal``). Every change is written with its history entry and its event in one
transaction (``dal.store``), so figures never disagree with records.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import partial
from typing import Any

from services.appeals.dal import store
from services.appeals.logic import deadlines, hints, lifecycle, settings
from services.appeals.models import inputs
from services.appeals.models.records import AppealRecord
from services.appeals.models.resources import (
    Action,
    Appeal,
    AppealList,
    ContactView,
    DuplicateHint,
    History,
    HistoryEntry,
    Level,
    LocationView,
    Status,
    SubmittedAppeal,
)
from services.appeals.models.settings import AppealPolicy
from services.common.data import unit_refs
from services.common.data.tally import Tally
from services.common.domain import clock, years
from services.common.domain.auth import Principal, Role
from services.common.domain.contracts import appeals as contract
from services.common.domain.contracts.tallies import AppealsTally
from services.common.domain.errors import InvalidInput, NotAllowed, NotFound, get_or_404, require_version
from services.common.domain.events import new_event
from services.common.domain.fields import mask_phone
from services.common.domain.ids import is_id, new_id
from services.common.domain.reach import Reach
from services.common.domain.reference import community_or_422
from services.common.observability import logger

SERVICE = "appeals"


def shown_to(who: Principal, record: AppealRecord) -> Appeal:
    """The appeal as ``who`` may see it: the contact's phone masked unless they may see it whole."""
    appeal = record.to_resource()
    if appeal.contact is None or lifecycle.sees_phone(who, appeal):
        return appeal
    masked = ContactView(name=appeal.contact.name, phone=mask_phone(appeal.contact.phone) or "")
    return appeal.model_copy(update={"contact": masked})


def _scope(appeal: Appeal, at: datetime) -> dict[str, Any]:
    return {
        "appeal_id": appeal.id,
        "community_id": appeal.community_id,
        "street_id": appeal.street_id,
        "category": appeal.category,
        "level": appeal.level.value,
        "submitted_at": appeal.submitted_at,
        "at": at,
    }


# --- intake ----------------------------------------------------------------------------------------


def submit(body: inputs.NewAppeal, *, by: Principal) -> SubmittedAppeal:
    by.require(*lifecycle.SUBMITTING_ROLES)
    community = community_or_422(body.community_id)
    if by.role in (Role.GRID_WORKER, Role.COMMUNITY_STAFF) and by.community_id != community.id:
        raise NotAllowed("You may file appeals only in your own community.")
    if body.grid_id is not None and not community.has_grid(body.grid_id):
        raise InvalidInput.field("grid_id", "This grid is not in the appeal's community.")
    now = clock.utc_now()
    current = settings.current()
    appeal = AppealRecord(
        id=new_id("apl"),
        community_id=community.id,
        street_id=community.street_id,
        grid_id=body.grid_id,
        category=body.category.value,
        title=body.title,
        description=body.description,
        channel=body.channel.value,
        status=Status.SUBMITTED,
        level=Level.COMMUNITY,
        contact=ContactView(**body.contact.model_dump()) if body.contact else None,
        location=LocationView(**body.location.model_dump()) if body.location else None,
        submitted_by=by.sub,
        submitted_at=now,
        respond_by=deadlines.respond_by(now, current),
        awaiting_response=True,
        version=1,
    )
    # Read before the write, so the new appeal is not its own duplicate.
    possible = _possible_duplicates(appeal, current.policy, now)
    entry = HistoryEntry(
        at=now, actor=by.sub, action=Action.SUBMIT, from_status=None, to_status=Status.SUBMITTED, level=Level.COMMUNITY
    )
    event = new_event(SERVICE, contract.AppealSubmitted(**_scope(appeal, now), channel=appeal.channel), occurred_at=now)
    store.create_appeal(
        appeal, entry, [event], Tally(years.year_of(now), appeal.community_id, AppealsTally(submitted=1))
    )
    logger.info(
        "appeal submitted",
        appeal_id=appeal.id,
        community_id=appeal.community_id,
        role=by.role.value,
        possible_duplicates=len(possible),
    )
    return SubmittedAppeal(**shown_to(by, appeal).model_dump(), possible_duplicates=possible)


def _possible_duplicates(appeal: AppealRecord, policy: AppealPolicy, now: datetime) -> list[DuplicateHint]:
    """Open appeals of the same community and category from the policy's window that it may repeat."""
    candidates = store.open_appeals(
        appeal.community_id, appeal.category, since=now - timedelta(days=policy.duplicate_window_days)
    )
    location = appeal.location
    found = hints.hints(
        title=appeal.title,
        description=appeal.description,
        lat=location.lat if location else None,
        lng=location.lng if location else None,
        candidates=[hints.Candidate(c.id, c.title, c.description, c.submitted_at, c.lat, c.lng) for c in candidates],
        radius_m=policy.duplicate_radius_m,
    )
    return [DuplicateHint(**vars(h)) for h in found]


# --- reading ---------------------------------------------------------------------------------------


def get(appeal_id: str, *, by: Principal) -> Appeal:
    appeal = get_or_404(
        store.get_appeal, appeal_id, prefix="apl", what="appeal", visible=partial(lifecycle.can_see, by)
    )
    return shown_to(by, appeal)


def history(appeal_id: str, *, by: Principal) -> History:
    appeal, entries = store.get_with_history(appeal_id) if is_id(appeal_id, "apl") else (None, [])
    if appeal is None or not lifecycle.can_see(by, appeal):
        raise NotFound("No such appeal.")
    return History(items=entries)


def list_appeals(
    *,
    by: Principal,
    community_id: str | None,
    status: Status | None,
    category: str | None,
    year: int | None,
    limit: int,
    cursor: str | None,
    overdue: bool | None = None,
    supervised: bool | None = None,
    due_before: datetime | None = None,
) -> AppealList:
    reach = Reach.for_listing(by, community_id=community_id)
    page = store.list_appeals(
        reach,
        status=status.value if status else None,
        category=category,
        community_id=community_id,
        # Officers see a community's appeals once they reach the street (lifecycle.can_see).
        escalated_only=by.role is Role.STREET_OFFICER,
        year_bounds=years.year_bounds(year) if year else None,
        # The deadline filters narrow whichever partition the caller and the other filters chose.
        overdue=overdue,
        supervised=supervised,
        due_before=due_before,
        limit=limit,
        cursor=cursor,
    )
    return AppealList(items=[shown_to(by, a) for a in page.items], next_cursor=page.next_cursor)


# --- the lifecycle ---------------------------------------------------------------------------------

ActionBody = inputs.Assign | inputs.Escalate | inputs.Resolve | inputs.Rate | inputs.Reopen | inputs.Close


def act(appeal_id: str, action: Action, body: ActionBody, *, by: Principal) -> Appeal:
    """Take ``action`` on the appeal: 404 / 403 / 409 as ``lifecycle`` decides, else the updated appeal."""
    before = get_or_404(store.get_appeal, appeal_id, prefix="apl", what="appeal")
    lifecycle.authorize(by, before, action)
    require_version("appeal", before.version, body.expected_version)
    status, level = lifecycle.next_state(before, action)
    if isinstance(body, inputs.Assign):
        body = _assignment(body)
    now = clock.utc_now()
    effect = lifecycle.TRANSITIONS[action].effect(before, body, now)
    response, counts = responded(before, action, now)
    changes = {**effect.changes, **response, **deadline_changes(before, action, body, now)}
    if status is not Status.ASSIGNED:
        changes["extension_request"] = None  # a pending request lapses once the appeal is no longer being handled
    after = before.model_copy(
        update={**changes, "status": status, "level": level, "version": before.version + 1, "updated_at": now}
    )
    entry = HistoryEntry(
        at=now, actor=by.sub, action=action, from_status=before.status, to_status=status, level=level, note=effect.note
    )
    event_fields = dict(effect.event_fields)
    if issubclass(effect.event, contract.Responding):
        event_fields["response_in_time"] = bool(counts["responded_in_time"]) if counts else None
    if action is Action.RESOLVE and before.first_resolved_at is None:
        counts["resolved"] = 1
        if event_fields.get("resolved_in_time") is not None:
            counts["resolved_in_time"] = int(event_fields["resolved_in_time"])
    if event_fields.get("appeal_first_unit"):
        counts["to_units"] = 1
    event = new_event(SERVICE, effect.event(**_scope(after, now), **event_fields), occurred_at=now)
    meeting_id = body.meeting_id if isinstance(body, inputs.Resolve) else None
    store.save_transition(
        after,
        before=before,
        entry=entry,
        events=[event],
        meeting_id=meeting_id,
        # Checked again inside the transaction: a unit leaving meanwhile makes it fail (422), never slip in.
        member_unit_id=body.member_unit_id if isinstance(body, inputs.Assign) else None,
        tally=Tally(years.year_of(now), after.community_id, AppealsTally(**counts)) if counts else None,
    )
    logger.info("appeal action", appeal_id=appeal_id, action=action.value, to_status=status.value, level=level.value)
    return shown_to(by, after)


def _assignment(body: inputs.Assign) -> inputs.Assign:
    """An assignment names an assignee, a member unit or both; a unit must be paired now (else 422 naming
    ``member_unit_id``) and lends its name when no assignee is given."""
    if body.member_unit_id is None:
        if body.assignee is None:
            raise InvalidInput.field("assignee", "Give an assignee, or a member_unit_id.")
        return body
    unit = unit_refs.paired_or_422(body.member_unit_id, field="member_unit_id")
    return body if body.assignee is not None else body.model_copy(update={"assignee": unit.name})


def responded(before: AppealRecord, action: Action, now: datetime) -> tuple[dict[str, Any], dict[str, int]]:
    """What an official action does to the response bookkeeping, and the tally's counts if it is the first.

    Any official action answers the current cycle; the appeal's first one ever is "the response" the
    response rate judges (in time: by the respond_by then in force, unless the job had found it missed).
    """
    if action not in lifecycle.RESPONSES:
        return {}, {}
    changes: dict[str, Any] = {"awaiting_response": False}
    if before.responded_at is not None:
        return changes, {}
    changes["responded_at"] = now
    in_time = deadlines.response_in_time(respond_by=before.respond_by, response_missed=before.response_missed, at=now)
    if in_time is None:  # an appeal from before deadlines existed: not judged
        return changes, {}
    return changes, {"responded": 1, "responded_in_time": int(in_time)}


def new_cycle(now: datetime) -> dict[str, Any]:
    """Escalation and reopening start a cycle: a new time to respond, nothing overdue, no handling deadline yet."""
    return {
        "respond_by": deadlines.respond_by(now, settings.current()),
        "awaiting_response": True,
        "overdue": False,
        "due_at": None,
    }


def deadline_changes(before: AppealRecord, action: Action, body: ActionBody, now: datetime) -> dict[str, Any]:
    """The deadlines an action sets (they need the policy and the calendar, so not in ``lifecycle``)."""
    if action in (Action.ESCALATE, Action.REOPEN):
        return new_cycle(now)
    if not isinstance(body, inputs.Assign):
        return {}
    if before.status is Status.ASSIGNED and before.due_at is not None:
        # Re-assigning keeps the clock running: a new assignee gets what is left, or less if asked.
        if body.due_at is None:
            return {}
        if body.due_at > before.due_at:
            raise InvalidInput.field("due_at", "May only be earlier than the current due time.")
        if body.due_at <= now:
            raise InvalidInput.field("due_at", "The due time must be in the future.")
        return {"due_at": body.due_at}
    return {"due_at": deadlines.due_at(now, before.category, settings.current(), body.due_at)}
