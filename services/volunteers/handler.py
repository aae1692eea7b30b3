"""Volunteers API: teams, registration, activities with hours, service records (API.md, "Volunteers")."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Query

from services.common.domain.reference import ServiceField
from services.common.edge import responses
from services.common.edge.api import caller, create_app, created, http_handler
from services.common.edge.params import CommunityParam, Cursor, Limit, YearParam
from services.volunteers.logic import volunteers
from services.volunteers.models import inputs
from services.volunteers.models.resources import (
    Activity,
    ActivityList,
    ServiceRecord,
    Team,
    TeamList,
    Volunteer,
    VolunteerList,
)

app = create_app()
TAGS = ["volunteers"]


@app.post(
    "/v1/teams",
    tags=TAGS,
    summary="Create a volunteer team",
    responses=created(Team),
    operation_id="createTeam",
    description="Community staff of that community or a city admin create a volunteer team. 201 with `Location`.",
)
def create_team(body: inputs.NewTeam) -> Response[Team]:
    team = volunteers.create_team(body, by=caller(app))
    return responses.created(team, f"/v1/teams/{team.id}")


@app.get(
    "/v1/teams",
    tags=TAGS,
    summary="List teams in the caller's scope, newest first",
    operation_id="listTeams",
    description="Teams within the caller's scope, newest first, to pick one when registering a volunteer.",
)
def list_teams(community_id: CommunityParam = None, limit: Limit = 20, cursor: Cursor = None) -> TeamList:
    return volunteers.list_teams(by=caller(app), community_id=community_id, limit=limit, cursor=cursor)


@app.get(
    "/v1/teams/<team_id>",
    tags=TAGS,
    summary="One team",
    operation_id="getTeam",
    description="One volunteer team, with its community and group.",
)
def get_team(team_id: str) -> Team:
    return volunteers.get_team(team_id, by=caller(app))


@app.post(
    "/v1/volunteers",
    tags=TAGS,
    summary="Register a volunteer (a phone registers once)",
    responses=created(Volunteer),
    operation_id="registerVolunteer",
    description=(
        "Community staff or a city admin register a volunteer. A phone number registers once city-wide: a second "
        "registration is 409 with `existing_id`. 201 with `Location`."
    ),
)
def register(body: inputs.NewVolunteer) -> Response[Volunteer]:
    volunteer = volunteers.register(body, by=caller(app))
    return responses.created(volunteer, f"/v1/volunteers/{volunteer.id}")


@app.get(
    "/v1/volunteers",
    tags=TAGS,
    summary="List volunteers of a community, a team, a street or the city",
    operation_id="listVolunteers",
    description=(
        "Volunteers of a community or a team within the caller's scope, newest first; phone numbers masked except "
        "for their community's staff and city admins."
    ),
)
def list_volunteers(
    community_id: CommunityParam = None,
    team_id: Annotated[str | None, Query(max_length=64)] = None,
    limit: Limit = 20,
    cursor: Cursor = None,
) -> VolunteerList:
    return volunteers.list_volunteers(
        by=caller(app), community_id=community_id, team_id=team_id, limit=limit, cursor=cursor
    )


@app.get(
    "/v1/volunteers/<volunteer_id>",
    tags=TAGS,
    summary="One volunteer with their lifetime hours",
    operation_id="getVolunteer",
    description="One volunteer with their lifetime hours.",
)
def get_volunteer(volunteer_id: str) -> Volunteer:
    return volunteers.get_volunteer(volunteer_id, by=caller(app))


@app.get(
    "/v1/volunteers/<volunteer_id>/record",
    tags=TAGS,
    summary="志愿服务记录: a volunteer's service in a year",
    operation_id="getServiceRecord",
    description=(
        "A volunteer's service record (志愿服务记录) for a year: total hours and each activity with its date and hours."
    ),
)
def service_record(volunteer_id: str, year: YearParam = None) -> ServiceRecord:
    return volunteers.service_record(volunteer_id, year, by=caller(app))


@app.post(
    "/v1/activities",
    tags=TAGS,
    summary="Log an activity with its participants' hours",
    responses=created(Activity),
    operation_id="logActivity",
    description=(
        "Log an activity with its participants' hours: `ended_at` after `started_at` and at most 24 h later; each "
        "`hours` > 0, one decimal place, at most the activity's length; each volunteer known (else 422) and listed "
        "once. Volunteers may come from any community. `member_unit_ids`: co-organising member units, each paired "
        "now (else 422 naming `member_unit_ids[n]`). 201 with `Location`."
    ),
)
def log_activity(body: inputs.NewActivity) -> Response[Activity]:
    activity = volunteers.log_activity(body, by=caller(app))
    return responses.created(activity, f"/v1/activities/{activity.id}")


@app.get(
    "/v1/activities",
    tags=TAGS,
    summary="List activities, newest first",
    operation_id="listActivities",
    description=(
        "Activities within the caller's scope, newest first, optionally of one community, year and service field."
    ),
)
def list_activities(
    community_id: CommunityParam = None,
    year: YearParam = None,
    field: Annotated[ServiceField | None, Query()] = None,
    limit: Limit = 20,
    cursor: Cursor = None,
) -> ActivityList:
    return volunteers.list_activities(
        by=caller(app),
        community_id=community_id,
        year=year,
        field=field.value if field else None,
        limit=limit,
        cursor=cursor,
    )


@app.get(
    "/v1/activities/<activity_id>",
    tags=TAGS,
    summary="One activity",
    operation_id="getActivity",
    description="One activity with its participants and their hours.",
)
def get_activity(activity_id: str) -> Activity:
    return volunteers.get_activity(activity_id, by=caller(app))


lambda_handler = http_handler(app)
