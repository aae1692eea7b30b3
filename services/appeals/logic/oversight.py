"""Extensions, supervision and merging (API.md, "Deadlines, supervision and merging"): 12345 practice.

    extension-requests   staff of the appeal's level ask for 1–10 more working days; only while assigned
                         with a due_at; one pending at a time (409); approved days ≤ max_extension_days (422)
    …/{rid}/decide       the level above: the street's officer for a community-level appeal, the city otherwise;
                         approved → due_at moves on by that many working days
    supervise (督办)      the street's officer or the city; any state but closed; once (409 after)
    merge (并单)          staff of the appeal's level; the appeal is closed as merged into another open appeal of
                         its community that is not merged itself (422 ``into``); the target gains the supporters

Each is one transaction: the appeal(s) at the version read, a history entry each, the event, the tally.
A race (two decisions, two merges into each other) leaves exactly one winner; the other gets 409 (or 422
when it read the appeal after the winner had closed it), and nothing of it is written.
"""

from __future__ import annotations

from datetime import datetime

from services.appeals.dal import store
from services.appeals.logic import deadlines, lifecycle, settings
from services.appeals.logic.appeals import SERVICE, responded, shown_to
from services.appeals.models import inputs
from services.appeals.models.records import AppealRecord
from services.appeals.models.resources import OPEN_STATUSES, Action, Appeal, ExtensionRequest, HistoryEntry, Status
from services.common.data.tally import Tally
from services.common.domain import clock, years
from services.common.domain.auth import Principal
from services.common.domain.contracts import appeals as contract
from services.common.domain.contracts.tallies import AppealsTally
from services.common.domain.errors import Conflict, InvalidInput, NotAllowed, NotFound, get_or_404, require_version
from services.common.domain.events import Event, new_event
from services.common.domain.ids import is_id, new_id
from services.common.observability import logger


def _event(data: contract.AppealEvent) -> Event:
    return new_event(SERVICE, data, occurred_at=data.at)


def _tally(appeal: AppealRecord, at: datetime, **counts: int) -> Tally | None:
    return Tally(years.year_of(at), appeal.community_id, AppealsTally(**counts)) if counts else None


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


def _load(appeal_id: str) -> AppealRecord:
    return get_or_404(store.get_appeal, appeal_id, prefix="apl", what="appeal")


def _visible(appeal: AppealRecord, by: Principal) -> None:
    if not lifecycle.can_see(by, appeal):
        raise NotFound("No such appeal.")


def _entry(
    appeal: Appeal, by: str, action: Action, at: datetime, note: str | None, to: Status | None = None
) -> HistoryEntry:
    return HistoryEntry(
        at=at,
        actor=by,
        action=action,
        from_status=appeal.status,
        to_status=to or appeal.status,
        level=appeal.level,
        note=note,
    )


# --- extensions ----------------------------------------------------------------------------------------


def request_extension(appeal_id: str, body: inputs.RequestExtension, *, by: Principal) -> ExtensionRequest:
    before = _load(appeal_id)
    _visible(before, by)
    if not lifecycle.is_level_staff(by, before):
        raise NotAllowed(f"Only staff of the appeal's level ({before.level.value}) may ask for more time.")
    require_version("appeal", before.version, body.expected_version)
    if before.status is not Status.ASSIGNED or before.due_at is None:
        raise Conflict("Only an assigned appeal with a due time can be extended.")
    if before.extension_request is not None:
        raise Conflict("An extension request is already pending.", pending_id=before.extension_request.id)
    limit = settings.current().policy.max_extension_days
    if before.extended_days + body.days > limit:
        raise InvalidInput.field(
            "days", f"{before.extended_days} of at most {limit} working days are extended already."
        )
    now = clock.utc_now()
    request = ExtensionRequest(
        id=new_id("ext"), days=body.days, reason=body.reason, requested_at=now, requested_by=by.sub
    )
    after = before.model_copy(update={"extension_request": request, "version": before.version + 1, "updated_at": now})
    event = _event(contract.AppealExtensionRequested(**_scope(after, now), request_id=request.id, days=request.days))
    entry = _entry(before, by.sub, Action.REQUEST_EXTENSION, now, f"{body.days}: {body.reason}")
    store.save_transition(after, before=before, entry=entry, events=[event])
    logger.info("extension requested", appeal_id=before.id, days=body.days)
    return request


def decide_extension(appeal_id: str, request_id: str, body: inputs.DecideExtension, *, by: Principal) -> Appeal:
    before = _load(appeal_id)
    _visible(before, by)
    pending = before.extension_request
    if pending is None or pending.id != request_id:
        raise NotFound("No such pending extension request.")
    if not lifecycle.is_level_above(by, before):
        raise NotAllowed("Only the level above the appeal decides its extension: the street for a community.")
    require_version("appeal", before.version, body.expected_version)
    now = clock.utc_now()
    changes: dict = {"extension_request": None, "version": before.version + 1, "updated_at": now}
    counts: dict[str, int] = {}
    if body.approve:
        assert before.due_at is not None  # a request is only made while there is a due_at
        due = deadlines.extended(before.due_at, pending.days, settings.current())
        first = before.extended_days == 0
        changes |= {"due_at": due, "extended_days": before.extended_days + pending.days}
        after = before.model_copy(update=changes)
        event = _event(
            contract.AppealExtended(
                **_scope(after, now), request_id=pending.id, days=pending.days, due_at=due, first=first
            )
        )
        if first:
            counts["extended"] = 1
        action = Action.EXTEND
    else:
        after = before.model_copy(update=changes)
        event = _event(contract.AppealExtensionRejected(**_scope(after, now), request_id=pending.id, days=pending.days))
        action = Action.REJECT_EXTENSION
    entry = _entry(before, by.sub, action, now, body.note)
    store.save_transition(after, before=before, entry=entry, events=[event], tally=_tally(after, now, **counts))
    logger.info("extension decided", appeal_id=before.id, approved=body.approve)
    return shown_to(by, after)


# --- supervision ---------------------------------------------------------------------------------------


def supervise(appeal_id: str, body: inputs.Supervise, *, by: Principal) -> Appeal:
    before = _load(appeal_id)
    if not lifecycle.may_supervise(by, before):
        _visible(before, by)
        raise NotAllowed("Only the street's officers and the city supervise appeals.")
    require_version("appeal", before.version, body.expected_version)
    if before.status is Status.CLOSED:
        raise Conflict("A closed appeal cannot be supervised.")
    if before.supervised:
        raise Conflict("The appeal is supervised already.")
    now = clock.utc_now()
    after = before.model_copy(update={"supervised": True, "version": before.version + 1, "updated_at": now})
    event = _event(contract.AppealSupervised(**_scope(after, now)))
    entry = _entry(before, by.sub, Action.SUPERVISE, now, body.note)
    store.save_transition(after, before=before, entry=entry, events=[event], tally=_tally(after, now, supervised=1))
    logger.info("appeal supervised", appeal_id=before.id, role=by.role.value)
    return shown_to(by, after)


# --- merging -------------------------------------------------------------------------------------------


def merge(appeal_id: str, body: inputs.Merge, *, by: Principal) -> Appeal:
    before = _load(appeal_id)
    _visible(before, by)
    if not lifecycle.is_level_staff(by, before):
        raise NotAllowed(f"Only staff of the appeal's level ({before.level.value}) may merge it.")
    require_version("appeal", before.version, body.expected_version)
    if before.status not in OPEN_STATUSES:
        raise Conflict(f"An appeal that is {before.status.value} cannot be merged.")
    target = _merge_target(before, body.into)
    now = clock.utc_now()
    response, counts = responded(before, Action.MERGE, now)
    after = before.model_copy(
        update={
            **response,
            "status": Status.CLOSED,
            "closed_at": now,
            "close_reason": "merged",
            "merged_into": target.id,
            "extension_request": None,
            "version": before.version + 1,
            "updated_at": now,
        }
    )
    target_after = target.model_copy(
        update={
            "merged_ids": [*target.merged_ids, before.id],
            "supporters": target.supporters + before.supporters,
            "supporter_subs": list(
                dict.fromkeys([*target.supporter_subs, before.submitted_by, *before.supporter_subs])
            ),
            "version": target.version + 1,
            "updated_at": now,
        }
    )
    event = _event(
        contract.AppealMerged(
            **_scope(after, now),
            into=target.id,
            previously_resolved=before.first_resolved_at is not None,
            response_in_time=bool(counts["responded_in_time"]) if counts else None,
        ),
    )
    changes = [
        store.Change(
            before, after, (_entry(before, by.sub, Action.MERGE, now, body.note or target.id, Status.CLOSED),)
        ),
        store.Change(target, target_after, (_entry(target, by.sub, Action.MERGE_IN, now, before.id),)),
    ]
    store.save_changes(changes, events=[event], tally=_tally(after, now, merged=1, **counts))
    logger.info("appeal merged", appeal_id=before.id, into=target.id)
    return shown_to(by, after)


def _merge_target(source: AppealRecord, into: str) -> AppealRecord:
    if into == source.id:
        raise InvalidInput.field("into", "An appeal cannot be merged into itself.")
    target = store.get_appeal(into) if is_id(into, "apl") else None
    if target is None or target.community_id != source.community_id:
        raise InvalidInput.field("into", "No appeal of this community has this id.")
    if target.merged_into is not None or target.status not in OPEN_STATUSES:
        raise InvalidInput.field("into", "The target must be an open appeal that is not merged itself.")
    return target
