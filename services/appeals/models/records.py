"""What the appeals service stores, as against what its API shows (``resources``).

An appeal's record is the resource plus what only the service needs; ``to_resource`` is the one
place that drops it. The item mapping itself is generic (``services.common.data.records``).
"""

from __future__ import annotations

from services.appeals.models.resources import Appeal
from services.common.domain.fields import UtcDateTime


class AppealRecord(Appeal):
    # Whether a resolution is the first one: "resolved" counts first resolutions.
    first_resolved_at: UtcDateTime | None = None
    # When an action last changed it (Open311's updated_datetime); absent until the first action.
    updated_at: UtcDateTime | None = None

    def to_resource(self) -> Appeal:
        return Appeal.model_validate(self.model_dump(include=set(Appeal.model_fields)))
