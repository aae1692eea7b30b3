"""Time limits of an appeal (API.md, "Deadlines, supervision and merging"), as rules with no I/O.

An appeal lives in *cycles*: one starts on submission, on every escalation (the new level has its own
time to respond) and on reopening. Within a cycle::

    submitted / escalated / reopened ──► respond_by = end of the respond_days-th working day after
              │ first official action (assign, escalate, resolve, close, merge): responded
              ▼
    assigned ──► due_at = end of the handle_days[category]-th working day after (earlier if asked)
              │ approved extension: due_at moves on by its working days
              ▼
    resolved / closed

The deadline job looks at one *watched* deadline per open appeal (``Appeal.watched_deadline``):
``respond_by`` while the cycle awaits its response, then ``due_at`` once assigned. When it passes unmet
the appeal is flagged ``overdue`` for the rest of the cycle (and, with ``auto_escalate_overdue``,
escalated: a new cycle at the level above).

"Responded in time" (the 响应率) is decided once per appeal, at its first response: in time when made by the
``respond_by`` then in force, unless the deadline job had already found a response missing.
"""

from __future__ import annotations

from datetime import datetime

from services.appeals.logic.settings import Current
from services.common.domain.errors import InvalidInput


def respond_by(at: datetime, current: Current) -> datetime:
    return current.calendar.deadline(at, current.policy.respond_days)


def due_at(at: datetime, category: str, current: Current, requested: datetime | None) -> datetime:
    """The handling deadline of an assignment made ``at``; a requested one may only be earlier (else 422)."""
    limit = current.calendar.deadline(at, current.policy.handle_days_for(category))
    if requested is None:
        return limit
    if requested <= at:
        raise InvalidInput.field("due_at", "The due time must be in the future.")
    if requested > limit:
        raise InvalidInput.field(
            "due_at", f"May only be earlier than the policy's limit ({limit.isoformat().replace('+00:00', 'Z')})."
        )
    return requested


def extended(due: datetime, days: int, current: Current) -> datetime:
    return current.calendar.extend(due, days)


def response_in_time(*, respond_by: datetime | None, response_missed: bool, at: datetime) -> bool | None:
    """For a first response: by ``respond_by`` or not; None for an appeal from before deadlines existed."""
    if respond_by is None:
        return None
    return not response_missed and at <= respond_by


def resolved_in_time(*, due_at: datetime | None, at: datetime) -> bool | None:
    """For a first resolution: by its ``due_at`` or not; None when it never had one."""
    return None if due_at is None else at <= due_at
