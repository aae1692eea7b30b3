"""What the appeals service stores, as against what its API shows (``resources``).

An appeal's record is the resource plus what only the service needs; ``to_resource`` is the one
place that drops it. The item mapping itself is generic (``services.common.data.records``).
"""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from services.appeals.models.resources import Appeal, watched_deadline
from services.common.domain.fields import UtcDateTime


class AppealRecord(Appeal):
    # Whether a resolution is the first one: "resolved" counts first resolutions.
    first_resolved_at: UtcDateTime | None = None
    # When an action last changed it (Open311's updated_datetime); absent until the first action.
    updated_at: UtcDateTime | None = None
    # The deadline bookkeeping (services.appeals.logic.deadlines tells the cycles).
    responded_at: UtcDateTime | None = None  # the appeal's first response
    awaiting_response: bool = False  # this cycle has not been responded to yet
    response_missed: bool = False  # the deadline job found respond_by missed with no response
    times_overdue: int = 0
    extended_days: int = 0  # approved, counted against max_extension_days
    # Who may read it besides its submitter: the submitters of the appeals merged into it.
    supporter_subs: list[str] = Field(default_factory=list)
    # Every member unit it was ever assigned to, in order: a unit's first assignment counts once (unit_first).
    assigned_unit_ids: list[str] = Field(default_factory=list)

    @property
    def watched_deadline(self) -> tuple[str, datetime] | None:
        """The deadline the deadline job watches now (the sparse ``deadline`` index holds it)."""
        return watched_deadline(
            status=self.status.value,
            awaiting_response=self.awaiting_response,
            overdue=self.overdue,
            respond_by=self.respond_by,
            due_at=self.due_at,
        )

    def to_resource(self) -> Appeal:
        return Appeal.model_validate(self.model_dump(include=set(Appeal.model_fields)))
