"""What the appeals service does: take an appeal in, move it through its lifecycle, show it to who may see it.

Each function takes the caller (``by``) and returns resources; HTTP and DynamoDB stay outside
(``handler`` and ``dal``). Every change is written with its history entry and its event in one
transaction (``dal.store``), so figures never disagree with records.
"""

from __future__ import annotations

from datetime import datetime

from services.appeals.dal import store
from services.appeals.logic import lifecycle
from services.appeals.models import inputs
from services.appeals.models.resources import (
    Action,
    Appeal,
    AppealList,
    ContactView,
    History,
    HistoryEntry,
    Level,
    LocationView,
    Status,
)
from services.common.data.tally import Tally
from services.common.domain import years
from services.common.domain.auth import Principal, Role
from services.common.domain.clock import utc_now
from services.common.domain.contracts import appeals as contract
from services.common.domain.errors import InvalidInput, NotAllowed, NotFound
from services.common.domain.events import Event, new_event
from services.common.domain.fields import mask_phone
from services.common.domain.ids import is_id, new_id
from services.common.domain.reference import community_or_422, directory
from services.common.observability import logger

SERVICE = "appeals"


def shown_to(who: Principal, appeal: Appeal) -> Appeal:
    """The appeal as ``who`` may see it: the contact's phone masked unless they may see it whole."""
    if appeal.contact is None or lifecycle.sees_phone(who, appeal):
        return appeal
    masked = ContactView(name=appeal.contact.name, phone=mask_phone(appeal.contact.phone) or "")
    return appeal.model_copy(update={"contact": masked})


def _event(event_type: str, data: contract.AppealEvent | contract.MeetingHeld, at: datetime) -> Event:
    return new_event(SERVICE, event_type, data.model_dump(mode="json"), occurred_at=at)


def _scope(appeal: Appeal, at: datetime) -> dict:
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


def submit(body: inputs.NewAppeal, *, by: Principal) -> Appeal:
    by.require(*lifecycle.SUBMITTING_ROLES)
    community = community_or_422(body.community_id)
    if by.role in (Role.GRID_WORKER, Role.COMMUNITY_STAFF) and by.community_id != community.id:
        raise NotAllowed("You may file appeals only in your own community.")
    if body.grid_id is not None and not community.has_grid(body.grid_id):
        raise InvalidInput.field("grid_id", "This grid is not in the appeal's community.")
    now = utc_now()
    appeal = Appeal(
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
        version=1,
    )
    entry = HistoryEntry(
        at=now, actor=by.sub, action=Action.SUBMIT, from_status=None, to_status=Status.SUBMITTED, level=Level.COMMUNITY
    )
    event = _event("AppealSubmitted", contract.AppealSubmitted(**_scope(appeal, now), channel=appeal.channel), now)
    store.create_appeal(appeal, entry, [event], Tally(years.year_of(now), appeal.community_id, submitted=1))
    logger.info("appeal submitted", appeal_id=appeal.id, community_id=appeal.community_id, role=by.role.value)
    return shown_to(by, appeal)


# --- reading ---------------------------------------------------------------------------------------


def _visible(appeal_id: str, appeal: Appeal | None, by: Principal) -> Appeal:
    if appeal is None or not lifecycle.can_see(by, appeal):
        raise NotFound("No such appeal.")
    return appeal


def get(appeal_id: str, *, by: Principal) -> Appeal:
    if not is_id(appeal_id, "apl"):
        raise NotFound("No such appeal.")
    return shown_to(by, _visible(appeal_id, store.get_appeal(appeal_id), by))


def history(appeal_id: str, *, by: Principal) -> History:
    if not is_id(appeal_id, "apl"):
        raise NotFound("No such appeal.")
    appeal, entries = store.get_with_history(appeal_id)
    _visible(appeal_id, appeal, by)
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
) -> AppealList:
    if community_id is not None:
        community_or_422(community_id)
    bounds = years.year_bounds(year) if year else None
    listing = _listing(by, community_id, status.value if status else None, category, bounds)
    page = store.list_appeals(listing, limit=limit, cursor=cursor)
    return AppealList(items=[shown_to(by, a) for a in page.items], next_cursor=page.next_cursor)


def _listing(
    by: Principal, community_id: str | None, status: str | None, category: str | None, bounds: tuple[str, str] | None
) -> store.Listing:
    """The narrowest index partition for this caller and these filters.

    A community with a status or a category reads that exact partition; other filters are applied
    within the partition (a resident's own appeals, an officer's escalated ones, the whole city).
    """
    role = by.role
    if role is Role.RESIDENT:
        return store.Listing("gsi4", f"APPEALS#SUBMITTER#{by.sub}", bounds, status, category, community_id=community_id)
    if role is Role.STREET_OFFICER:
        if community_id is None:
            return store.Listing("gsi5", f"APPEALS#STREET#{by.street_id}", bounds, status, category)
        if directory().communities[community_id].street_id != by.street_id:
            raise NotAllowed("That community is not in your street.")
        return _community_listing(community_id, status, category, bounds, escalated_only=True)
    if role in (Role.COMMUNITY_STAFF, Role.GRID_WORKER):
        community_id = community_id or by.community_id
        if community_id != by.community_id:
            raise NotAllowed("You may list appeals of your own community only.")
        return _community_listing(community_id, status, category, bounds)
    if community_id is None:  # city_admin, city-wide
        return store.Listing("gsi6", "APPEALS#CITY", bounds, status, category)
    return _community_listing(community_id, status, category, bounds)


def _community_listing(
    community_id: str,
    status: str | None,
    category: str | None,
    bounds: tuple[str, str] | None,
    *,
    escalated_only: bool = False,
) -> store.Listing:
    base = f"APPEALS#COMMUNITY#{community_id}"
    if status is not None:
        return store.Listing("gsi2", f"{base}#STATUS#{status}", bounds, None, category, escalated_only=escalated_only)
    if category is not None:
        return store.Listing("gsi3", f"{base}#CATEGORY#{category}", bounds, escalated_only=escalated_only)
    return store.Listing("gsi1", base, bounds, escalated_only=escalated_only)


# --- the lifecycle ---------------------------------------------------------------------------------

ActionBody = inputs.Assign | inputs.Escalate | inputs.Resolve | inputs.Rate | inputs.Reopen | inputs.Close


def act(appeal_id: str, action: Action, body: ActionBody, *, by: Principal) -> Appeal:
    """Take ``action`` on the appeal: 404 / 403 / 409 as ``lifecycle`` decides, else the updated appeal."""
    if not is_id(appeal_id, "apl"):
        raise NotFound("No such appeal.")
    before = store.get_appeal(appeal_id)
    if before is None:
        raise NotFound("No such appeal.")
    lifecycle.authorize(by, before, action)
    lifecycle.check_version(before, body.expected_version)
    status, level = lifecycle.next_state(before, action)
    now = utc_now()
    changes, note, event_type, extra = _effects(before, action, body, now)
    after = before.model_copy(update={**changes, "status": status, "level": level, "version": before.version + 1})
    entry = HistoryEntry(
        at=now, actor=by.sub, action=action, from_status=before.status, to_status=status, level=level, note=note
    )
    model = getattr(contract, event_type)
    event = _event(event_type, model(**_scope(after, now), **extra), now)
    meeting_id = body.meeting_id if isinstance(body, inputs.Resolve) else None
    first_resolution = action is Action.RESOLVE and before.first_resolved_at is None
    store.save_transition(
        after,
        read_version=before.version,
        entry=entry,
        events=[event],
        meeting_id=meeting_id,
        tally=Tally(years.year_of(now), after.community_id, resolved=1) if first_resolution else None,
    )
    logger.info("appeal action", appeal_id=appeal_id, action=action.value, to_status=status.value, level=level.value)
    return shown_to(by, after)


def _effects(appeal: Appeal, action: Action, body: ActionBody, now: datetime) -> tuple[dict, str | None, str, dict]:
    """What ``action`` changes on the appeal, its history note, its event type and the event's own fields."""
    if isinstance(body, inputs.Assign):
        if body.due_at is not None and body.due_at <= now:
            raise InvalidInput.field("due_at", "The due time must be in the future.")
        return (
            {"assignee": body.assignee, "due_at": body.due_at},
            body.note,
            "AppealAssigned",
            {"assignee": body.assignee},
        )
    if isinstance(body, inputs.Escalate):
        return {}, body.reason, "AppealEscalated", {"from_level": appeal.level.value}
    if isinstance(body, inputs.Resolve):
        first = appeal.first_resolved_at is None
        changes = {
            "resolved_at": now,
            "resolution": body.resolution,
            "resolved_on_site": body.on_site,
            "meeting_id": body.meeting_id,
            "first_resolved_at": appeal.first_resolved_at or now,
        }
        extra = {
            "first": first,
            "on_site": body.on_site,
            "at_meeting": body.meeting_id is not None,
            "meeting_id": body.meeting_id,
            "seconds_to_resolve": int((now - appeal.submitted_at).total_seconds()),
        }
        return changes, body.resolution, "AppealResolved", extra
    if isinstance(body, inputs.Rate):
        return (
            {"satisfaction": body.satisfaction, "closed_at": now},
            body.comment,
            "AppealRated",
            {"satisfaction": body.satisfaction},
        )
    if isinstance(body, inputs.Reopen):
        # Reopened: no longer resolved. The history keeps the earlier resolution.
        changes = {"resolved_at": None, "resolution": None, "resolved_on_site": None, "meeting_id": None}
        return changes, body.reason, "AppealReopened", {}
    if isinstance(body, inputs.Close):
        return {"closed_at": now, "close_reason": body.reason}, body.reason, "AppealClosed", {"reason": body.reason}
    raise TypeError(f"no effects for {type(body).__name__}")
