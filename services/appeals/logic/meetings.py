"""Building consultation meetings (书记楼宇协商会): recorded by the community, with the appeals discussed.

who records   community_staff of the meeting's community, city_admin
who reads     the community's staff and grid workers, officers of its street, city_admin
"""

from __future__ import annotations

from datetime import timedelta
from functools import partial

from services.appeals.dal import store
from services.appeals.logic.appeals import SERVICE
from services.appeals.models import inputs
from services.appeals.models.resources import Meeting, MeetingList
from services.common.data.tally import Tally
from services.common.domain import clock, years
from services.common.domain.auth import Principal, Role
from services.common.domain.contracts.appeals import MeetingHeld
from services.common.domain.contracts.tallies import AppealsTally
from services.common.domain.errors import FieldError, InvalidInput, NotAllowed, get_or_404
from services.common.domain.events import new_event
from services.common.domain.ids import is_id, new_id
from services.common.domain.reach import Reach, ReachKind
from services.common.domain.reference import community_or_422
from services.common.observability import logger

# A meeting is recorded after it is held; a little clock skew between devices is forgiven.
CLOCK_SKEW = timedelta(minutes=10)


def _may_read(by: Principal, meeting: Meeting) -> bool:
    if by.role is Role.CITY_ADMIN:
        return True
    if by.role in (Role.COMMUNITY_STAFF, Role.GRID_WORKER):
        return by.community_id == meeting.community_id
    if by.role is Role.STREET_OFFICER:
        return by.street_id == meeting.street_id
    return False


def record(body: inputs.NewMeeting, *, by: Principal) -> Meeting:
    by.require(Role.COMMUNITY_STAFF, Role.CITY_ADMIN)
    community = community_or_422(body.community_id)
    if by.role is Role.COMMUNITY_STAFF and by.community_id != community.id:
        raise NotAllowed("You may record meetings of your own community only.")
    now = clock.utc_now()
    if body.held_at > now + CLOCK_SKEW:
        raise InvalidInput.field("held_at", "A meeting is recorded once it has been held: not in the future.")
    errors = [
        FieldError(f"appeal_ids[{n}]", "This is not an appeal id.")
        for n, appeal_id in enumerate(body.appeal_ids)
        if not is_id(appeal_id, "apl")
    ]
    errors += [
        FieldError(f"appeal_ids[{n}]", "This appeal is listed twice.")
        for n, appeal_id in enumerate(body.appeal_ids)
        if appeal_id in body.appeal_ids[:n]
    ]
    if errors:
        raise InvalidInput(errors)
    meeting = Meeting(
        id=new_id("mtg"),
        community_id=community.id,
        street_id=community.street_id,
        building=body.building,
        held_at=body.held_at,
        chair=body.chair,
        departments=body.departments,
        resident_count=body.resident_count,
        appeal_ids=body.appeal_ids,
        appeals_discussed=len(body.appeal_ids),
        minutes=body.minutes,
        recorded_by=by.sub,
        recorded_at=now,
    )
    data = MeetingHeld(
        meeting_id=meeting.id,
        community_id=meeting.community_id,
        street_id=meeting.street_id,
        held_at=meeting.held_at,
        appeal_ids=meeting.appeal_ids,
        appeals_discussed=meeting.appeals_discussed,
        resident_count=meeting.resident_count,
    )
    tally = Tally(
        years.year_of(meeting.held_at),
        meeting.community_id,
        AppealsTally(meetings_held=1, appeals_discussed=len(body.appeal_ids)),
    )
    event = new_event(SERVICE, data, occurred_at=now)
    store.create_meeting(meeting, [event], tally)
    logger.info("meeting recorded", meeting_id=meeting.id, community_id=meeting.community_id)
    return meeting


def get(meeting_id: str, *, by: Principal) -> Meeting:
    return get_or_404(store.get_meeting, meeting_id, prefix="mtg", what="meeting", visible=partial(_may_read, by))


def list_meetings(
    *, by: Principal, community_id: str | None, year: int | None, limit: int, cursor: str | None
) -> MeetingList:
    reach = Reach.for_listing(by, community_id=community_id)
    if reach.kind is ReachKind.SUBMITTER:
        raise NotAllowed("Your role may not list meetings.")
    bounds = years.year_bounds(year) if year else None
    page = store.list_meetings(reach, year_bounds=bounds, limit=limit, cursor=cursor)
    return MeetingList(items=page.items, next_cursor=page.next_cursor)
