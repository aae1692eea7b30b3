"""What the deadline job does to each appeal whose watched deadline has passed (API.md, "Deadline job").

    for each appeal in the deadline index with a deadline ≤ now (earliest first):
        overdue = true                      history "overdue" (actor system), AppealOverdue
        with auto_escalate_overdue and below the city:
            escalate one level              history "escalate" (actor system), AppealEscalated(automatic)
                                            — a new cycle there: a new respond_by, nothing overdue yet
    one transaction per appeal, at the version read from the index

Idempotent: a flagged appeal leaves the index (its cycle's deadline is no longer watched), and an escalated
one comes back only with its new, later respond_by; so a second run finds nothing more. The index is
eventually consistent: an entry that no longer matches the appeal (acted on a moment ago) fails its version
condition or its own check and is left for the next run ("stale").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from services.appeals.dal import store
from services.appeals.logic import lifecycle, settings
from services.appeals.logic.appeals import SERVICE, new_cycle
from services.appeals.models.records import AppealRecord
from services.appeals.models.resources import Action, Appeal, HistoryEntry, Status
from services.common.data.dynamo import WriteConflict
from services.common.data.tally import Tally
from services.common.domain import clock, years
from services.common.domain.clock import to_rfc3339
from services.common.domain.contracts import appeals as contract
from services.common.domain.contracts.tallies import AppealsTally
from services.common.domain.events import Event, new_event
from services.common.observability import logger

SYSTEM = "system"


@dataclass
class SweepResult:
    due: int = 0
    overdue: int = 0
    escalated: int = 0
    stale: int = 0


def sweep(now: datetime | None = None) -> SweepResult:
    now = now or clock.utc_now()
    auto_escalate = settings.current().policy.auto_escalate_overdue
    result = SweepResult()
    cursor: str | None = None
    while True:
        page = store.due_appeals(now, cursor=cursor)
        for appeal in page.items:
            result.due += 1
            watched = appeal.watched_deadline
            if watched is None or watched[1] > now:
                result.stale += 1
                continue
            try:
                escalated = _flag(appeal, watched, now, auto_escalate=auto_escalate)
            except WriteConflict:
                result.stale += 1
                continue
            result.overdue += 1
            result.escalated += int(escalated)
        cursor = page.next_cursor
        if not cursor:
            break
    logger.info("deadlines swept", **vars(result))
    return result


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


def _event(data: contract.AppealEvent) -> Event:
    return new_event(SERVICE, data, occurred_at=data.at)


def _flag(appeal: AppealRecord, watched: tuple[str, datetime], now: datetime, *, auto_escalate: bool) -> bool:
    """Flag ``appeal`` overdue (and maybe escalate it) in one transaction; True if it was escalated."""
    kind, deadline_at = watched
    first = appeal.times_overdue == 0
    flagged = appeal.model_copy(
        update={
            "overdue": True,
            "times_overdue": appeal.times_overdue + 1,
            # A respond_by missed with no response yet: the appeal's first response can no longer be in time.
            "response_missed": appeal.response_missed or (kind == "respond_by" and appeal.responded_at is None),
            "version": appeal.version + 1,
            "updated_at": now,
        }
    )
    entries = [
        HistoryEntry(
            at=now,
            actor=SYSTEM,
            action=Action.OVERDUE,
            from_status=appeal.status,
            to_status=appeal.status,
            level=appeal.level,
            note=f"{kind} {to_rfc3339(deadline_at)}",
        )
    ]
    events = [
        _event(
            contract.AppealOverdue(
                **_scope(flagged, now),
                deadline=kind,
                deadline_at=deadline_at,
                first=first,
            ),
        )
    ]
    after = flagged
    escalate = auto_escalate and appeal.level in lifecycle.NEXT_LEVEL
    if escalate:
        level = lifecycle.NEXT_LEVEL[appeal.level]
        after = flagged.model_copy(
            update={
                **new_cycle(now),
                "status": Status.ESCALATED,
                "level": level,
                "extension_request": None,
                "version": flagged.version + 1,
            }
        )
        entries.append(
            HistoryEntry(
                at=now,
                actor=SYSTEM,
                action=Action.ESCALATE,
                from_status=flagged.status,
                to_status=Status.ESCALATED,
                level=level,
                note="overdue: escalated automatically (auto_escalate_overdue)",
            )
        )
        events.append(
            _event(contract.AppealEscalated(**_scope(after, now), from_level=appeal.level.value, automatic=True))
        )
    tally = Tally(years.year_of(now), appeal.community_id, AppealsTally(overdue=1)) if first else None
    store.save_changes([store.Change(appeal, after, tuple(entries))], events=events, tally=tally)
    logger.info("appeal overdue", appeal_id=appeal.id, deadline=kind, escalated=escalate)
    return escalate
