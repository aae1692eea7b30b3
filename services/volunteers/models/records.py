"""What the volunteers service stores, as against what its API shows (``resources``).

Hours are stored as whole tenths, which activities ``ADD`` to atomically, and shown as hours
(``total_tenths: 25`` is ``total_hours: 2.5``); each record's ``to_resource`` is the one place that
converts. The item mapping itself is generic (``services.common.data.records``).
"""

from __future__ import annotations

from pydantic import BaseModel

from services.common.domain.fields import UtcDateTime
from services.common.domain.hours import from_tenths
from services.volunteers.models.resources import Activity, ActivityFields, ParticipantView, Volunteer, VolunteerFields


class VolunteerRecord(VolunteerFields):
    total_tenths: int = 0  # every activity's hours, added in the activity's transaction

    def to_resource(self) -> Volunteer:
        return Volunteer.model_validate({**self.model_dump(), "total_hours": from_tenths(self.total_tenths)})


class ParticipantTenths(BaseModel):
    volunteer_id: str
    hours_tenths: int


class ActivityRecord(ActivityFields):
    participants: list[ParticipantTenths]
    recorded_by: str
    recorded_at: UtcDateTime

    def to_resource(self) -> Activity:
        participants = [
            ParticipantView(volunteer_id=p.volunteer_id, hours=from_tenths(p.hours_tenths)) for p in self.participants
        ]
        total = from_tenths(sum(p.hours_tenths for p in self.participants))
        return Activity.model_validate({**self.model_dump(), "participants": participants, "total_hours": total})
