"""What the volunteers service does: teams, registration, activities with hours, service records.

Who may do what (API.md, "Callers and roles")::

    community_staff   everything for their own community
    street_officer    read their street's teams, volunteers and activities (phones masked)
    city_admin        everything, everywhere
    grid_worker, resident   nothing here (403)

Hours are whole tenths (``services.common.domain.hours``) from the request to the database and the events,
so totals never drift.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from services.common.data import unit_refs
from services.common.data.tally import Tally
from services.common.domain import clock, years
from services.common.domain.auth import Principal, Role
from services.common.domain.contracts import volunteers as contract
from services.common.domain.contracts.tallies import VolunteersTally
from services.common.domain.errors import Conflict, FieldError, InvalidInput, NotAllowed, NotFound, get_or_404
from services.common.domain.events import new_event
from services.common.domain.fields import mask_phone
from services.common.domain.hours import SECONDS_PER_TENTH, from_tenths, to_tenths
from services.common.domain.ids import is_id, new_id
from services.common.domain.reach import Reach
from services.common.domain.reference import Community, community_or_422
from services.common.observability import logger
from services.volunteers.dal import store
from services.volunteers.models import inputs
from services.volunteers.models.records import ActivityRecord, ParticipantTenths, VolunteerRecord
from services.volunteers.models.resources import (
    Activity,
    ActivityList,
    ServiceRecord,
    Team,
    TeamList,
    Volunteer,
    VolunteerList,
)

SERVICE = "volunteers"
MAX_ACTIVITY = timedelta(hours=24)
ACTIVE_RACE_ATTEMPTS = 3
READERS = (Role.COMMUNITY_STAFF, Role.STREET_OFFICER, Role.CITY_ADMIN)


# --- who may ---------------------------------------------------------------------------------------


def _may_write(by: Principal, community_id: str) -> None:
    by.require(Role.COMMUNITY_STAFF, Role.CITY_ADMIN)
    if not by.manages(community_id):
        raise NotAllowed("You may record volunteer service of your own community only.")


def _shown_to(by: Principal, record: VolunteerRecord) -> Volunteer:
    # Whole phone numbers for the community's staff and city admins (API.md); masked for officers.
    volunteer = record.to_resource()
    whole = by.manages(volunteer.community_id)
    return volunteer if whole else volunteer.model_copy(update={"phone": mask_phone(volunteer.phone)})


def _sees(by: Principal) -> Callable[[Team | VolunteerRecord | ActivityRecord], bool]:
    return lambda found: by.oversees(found.community_id, found.street_id)


def _reach(by: Principal, community_id: str | None) -> Reach:
    by.require(*READERS)
    return Reach.for_listing(by, community_id=community_id)


# --- teams -----------------------------------------------------------------------------------------


def create_team(body: inputs.NewTeam, *, by: Principal) -> Team:
    community = community_or_422(body.community_id)
    _may_write(by, community.id)
    now = clock.utc_now()
    team = Team(
        id=new_id("team"),
        name=body.name,
        community_id=community.id,
        street_id=community.street_id,
        group=body.group.value,
        description=body.description,
        member_count=0,
        created_at=now,
    )
    data = contract.TeamCreated(
        team_id=team.id, community_id=team.community_id, street_id=team.street_id, group=team.group, at=now
    )
    store.create_team(team, [new_event(SERVICE, data, occurred_at=now)])
    logger.info("team created", team_id=team.id, community_id=team.community_id)
    return team


def get_team(team_id: str, *, by: Principal) -> Team:
    by.require(*READERS)
    return get_or_404(store.get_team, team_id, prefix="team", what="team", visible=_sees(by))


def list_teams(*, by: Principal, community_id: str | None, limit: int, cursor: str | None) -> TeamList:
    page = store.list_teams(_reach(by, community_id), limit=limit, cursor=cursor)
    return TeamList(items=page.items, next_cursor=page.next_cursor)


# --- volunteers ------------------------------------------------------------------------------------


def register(body: inputs.NewVolunteer, *, by: Principal) -> Volunteer:
    community = community_or_422(body.community_id)
    _may_write(by, community.id)
    errors = _duplicates("skills", [s.value for s in body.skills]) + _duplicates("team_ids", body.team_ids)
    errors += [
        FieldError(f"team_ids[{n}]", "This is not a team id.")
        for n, team_id in enumerate(body.team_ids)
        if not is_id(team_id, "team")
    ]
    if errors:
        raise InvalidInput(errors)
    now = clock.utc_now()
    volunteer = VolunteerRecord(
        id=new_id("vol"),
        name=body.name,
        phone=body.phone,
        community_id=community.id,
        street_id=community.street_id,
        group=body.group.value,
        skills=[s.value for s in body.skills],
        team_ids=body.team_ids,
        registered_at=now,
    )
    data = contract.VolunteerRegistered(
        volunteer_id=volunteer.id,
        community_id=volunteer.community_id,
        street_id=volunteer.street_id,
        group=volunteer.group,
        skills=volunteer.skills,
        team_ids=volunteer.team_ids,
        at=now,
    )
    event = new_event(SERVICE, data, occurred_at=now)
    store.register(volunteer, [event], Tally(years.year_of(now), volunteer.community_id, VolunteersTally(registered=1)))
    logger.info("volunteer registered", volunteer_id=volunteer.id, community_id=volunteer.community_id)
    return volunteer.to_resource()


def _duplicates(field: str, values: list[str]) -> list[FieldError]:
    return [FieldError(f"{field}[{n}]", "Listed twice.") for n, value in enumerate(values) if value in values[:n]]


def get_volunteer(volunteer_id: str, *, by: Principal) -> Volunteer:
    by.require(*READERS)
    volunteer = get_or_404(store.get_volunteer, volunteer_id, prefix="vol", what="volunteer", visible=_sees(by))
    return _shown_to(by, volunteer)


def list_volunteers(
    *, by: Principal, community_id: str | None, team_id: str | None, limit: int, cursor: str | None
) -> VolunteerList:
    if team_id is not None:
        team = get_team(team_id, by=by)
        if community_id is not None and community_id != team.community_id:
            raise InvalidInput.field("team_id", "This team is not in that community.")
        page = store.list_team_members(team.id, limit=limit, cursor=cursor)
    else:
        page = store.list_volunteers(_reach(by, community_id), limit=limit, cursor=cursor)
    return VolunteerList(items=[_shown_to(by, v) for v in page.items], next_cursor=page.next_cursor)


def service_record(volunteer_id: str, year: int | None, *, by: Principal) -> ServiceRecord:
    by.require(*READERS)
    year = year or years.year_of(clock.utc_now())
    volunteer, entries, total_tenths = (
        store.service_record(volunteer_id, years.year_bounds(year)) if is_id(volunteer_id, "vol") else (None, [], 0)
    )
    if volunteer is None or not by.oversees(volunteer.community_id, volunteer.street_id):
        raise NotFound("No such volunteer.")
    return ServiceRecord(
        volunteer=_shown_to(by, volunteer), year=year, total_hours=from_tenths(total_tenths), activities=entries
    )


# --- activities ------------------------------------------------------------------------------------


def log_activity(body: inputs.NewActivity, *, by: Principal) -> Activity:
    community = community_or_422(body.community_id)
    _may_write(by, community.id)
    length = body.ended_at - body.started_at
    errors: list[FieldError] = []
    if length <= timedelta(0):
        errors.append(FieldError("ended_at", "Must be after started_at."))
    elif length > MAX_ACTIVITY:
        errors.append(FieldError("ended_at", "An activity lasts at most 24 hours; log longer service as several."))
    if body.team_id is not None and not is_id(body.team_id, "team"):
        errors.append(FieldError("team_id", "This is not a team id."))
    tenths: dict[str, int] = {}
    for n, participant in enumerate(body.participants):
        hours_tenths = to_tenths(participant.hours)
        if not is_id(participant.volunteer_id, "vol"):
            errors.append(FieldError(f"participants[{n}].volunteer_id", "This is not a volunteer id."))
        elif participant.volunteer_id in tenths:
            errors.append(FieldError(f"participants[{n}].volunteer_id", "This volunteer is listed twice."))
        if length > timedelta(0) and hours_tenths * SECONDS_PER_TENTH > length.total_seconds():
            errors.append(FieldError(f"participants[{n}].hours", "More hours than the activity lasted."))
        tenths.setdefault(participant.volunteer_id, hours_tenths)
    errors += unit_refs.id_errors(body.member_unit_ids, field="member_unit_ids")
    slots = 2 * len(body.participants) + len(body.member_unit_ids)
    if slots > inputs.TRANSACTION_SLOTS:
        errors.append(
            FieldError("member_unit_ids", "Too many for one record: 2 × participants + member units is at most 96.")
        )
    if errors:
        raise InvalidInput(errors)
    for attempt in range(ACTIVE_RACE_ATTEMPTS):
        try:
            return _log(body, community, tenths, by=by)
        except store.ActiveRace:
            logger.info("activity retried after a concurrent first service", attempt=attempt + 1)
    raise Conflict("Other activities for these volunteers were logged at the same moment; try again.")


def _scopes(year: int, community_id: str, street_id: str) -> dict[contract.ScopeKind, str]:
    return {
        "city": f"{year}#city",
        "street": f"{year}#street#{street_id}",
        "community": f"{year}#community#{community_id}",
    }


def _log(body: inputs.NewActivity, community: Community, tenths: dict[str, int], *, by: Principal) -> Activity:
    known = store.active_scopes(list(tenths))
    unknown = [
        FieldError(f"participants[{n}].volunteer_id", "No volunteer has this id.")
        for n, participant in enumerate(body.participants)
        if participant.volunteer_id not in known
    ]
    if unknown:
        raise InvalidInput(unknown)
    year = years.year_of(body.started_at)
    scopes = _scopes(year, community.id, community.street_id)
    newly = {v: [kind for kind, scope in scopes.items() if scope not in known[v]] for v in tenths}
    now = clock.utc_now()
    activity = ActivityRecord(
        id=new_id("act"),
        community_id=community.id,
        street_id=community.street_id,
        team_id=body.team_id,
        title=body.title,
        field=body.field.value,
        started_at=body.started_at,
        ended_at=body.ended_at,
        location=body.location,
        residents_served=body.residents_served,
        participants=[ParticipantTenths(volunteer_id=v, hours_tenths=t) for v, t in tenths.items()],
        member_unit_ids=body.member_unit_ids,
        recorded_by=by.sub,
        recorded_at=now,
    )
    data = contract.ActivityLogged(
        activity_id=activity.id,
        community_id=activity.community_id,
        street_id=activity.street_id,
        team_id=activity.team_id,
        field=activity.field,
        started_at=activity.started_at,
        ended_at=activity.ended_at,
        residents_served=activity.residents_served,
        participants=[
            contract.ParticipantHours(volunteer_id=v, hours_tenths=t, newly_active=newly[v]) for v, t in tenths.items()
        ],
        member_unit_ids=activity.member_unit_ids,
    )
    date = years.local_date(activity.started_at).isoformat()
    event = new_event(SERVICE, data, occurred_at=now)
    tally = Tally(
        year,
        community.id,
        VolunteersTally(
            activities=1,
            hours_tenths=sum(tenths.values()),
            residents_served=body.residents_served,
            with_units=int(bool(activity.member_unit_ids)),
        ),
    )
    new_scopes = {v: {scopes[kind] for kind in kinds} for v, kinds in newly.items()}
    store.log_activity(activity, new_scopes, date, [event], tally)
    logger.info("activity logged", activity_id=activity.id, participants=len(tenths), community_id=community.id)
    return activity.to_resource()


def get_activity(activity_id: str, *, by: Principal) -> Activity:
    by.require(*READERS)
    activity = get_or_404(store.get_activity, activity_id, prefix="act", what="activity", visible=_sees(by))
    return activity.to_resource()


def list_activities(
    *, by: Principal, community_id: str | None, year: int | None, field: str | None, limit: int, cursor: str | None
) -> ActivityList:
    reach = _reach(by, community_id)
    bounds = years.year_bounds(year) if year else None
    page = store.list_activities(reach, bounds=bounds, field=field, limit=limit, cursor=cursor)
    return ActivityList(items=[a.to_resource() for a in page.items], next_cursor=page.next_cursor)
