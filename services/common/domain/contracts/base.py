"""What every event's data shares."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class EventData(BaseModel):
    # Frozen and closed: a field a consumer does not know about is a contract change, not noise.
    model_config = ConfigDict(frozen=True, extra="forbid")

    community_id: str
    street_id: str
