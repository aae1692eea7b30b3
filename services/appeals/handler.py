"""Appeals API: intake, the lifecycle across levels, history, and consultation meetings (API.md, "Appeals")."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path, Query

from services.appeals.logic import appeals, meetings, oversight, settings
from services.appeals.models import inputs
from services.appeals.models.resources import (
    Action,
    Appeal,
    AppealList,
    ExtensionRequest,
    History,
    Meeting,
    MeetingList,
    Status,
    SubmittedAppeal,
)
from services.appeals.models.settings import AppealPolicy, CalendarBody, CalendarYear
from services.appeals.routes import open311
from services.common.domain.reference import AppealCategory
from services.common.edge import responses
from services.common.edge.api import caller, create_app, created, http_handler
from services.common.edge.params import CommunityParam, Cursor, Limit, TimeParam, YearParam, parse_time

app = create_app()
app.include_router(open311.router)  # Open311 GeoReport v2: public, read-only (services/appeals/routes/open311.py)
TAGS = ["appeals"]


@app.post(
    "/v1/appeals",
    tags=TAGS,
    summary="Submit an appeal; possible duplicates come back",
    responses=created(SubmittedAppeal),
    operation_id="submitAppeal",
    description=(
        "Residents, grid workers, community staff and city admins file an appeal; grid workers and staff only in "
        "their own community. It starts `submitted` at level `community` with a `respond_by`. 201 with `Location`; the "
        "body lists `possible_duplicates` (similar open appeals of the same community and category)."
    ),
)
def submit_appeal(body: inputs.NewAppeal) -> Response[SubmittedAppeal]:
    appeal = appeals.submit(body, by=caller(app))
    return responses.created(appeal, f"/v1/appeals/{appeal.id}")


@app.get(
    "/v1/appeals",
    tags=TAGS,
    summary="List appeals in the caller's scope, newest first",
    operation_id="listAppeals",
    description=(
        "Staff and officers list appeals within their scope (community staff: their own community by default; "
        "another community is 403); residents get only their own. Filters combine; `limit`/`cursor` page through."
    ),
)
def list_appeals(
    community_id: CommunityParam = None,
    status: Annotated[Status | None, Query()] = None,
    category: Annotated[AppealCategory | None, Query()] = None,
    year: YearParam = None,
    limit: Limit = 20,
    cursor: Cursor = None,
    overdue: Annotated[bool | None, Query(description="Only appeals overdue in their current cycle")] = None,
    supervised: Annotated[bool | None, Query(description="Only supervised (督办) appeals")] = None,
    due_before: TimeParam = None,
) -> AppealList:
    return appeals.list_appeals(
        overdue=overdue,
        supervised=supervised,
        due_before=parse_time("due_before", due_before),
        by=caller(app),
        community_id=community_id,
        status=status,
        category=category.value if category else None,
        year=year,
        limit=limit,
        cursor=cursor,
    )


@app.get(
    "/v1/appeals/<appeal_id>",
    tags=TAGS,
    summary="One appeal",
    operation_id="getAppeal",
    description=(
        "One appeal. 404 for an appeal the caller may not see at all (another resident's). Contact phone masked "
        "(`138****1234`) for everyone but the person, their community's staff and city admins."
    ),
)
def get_appeal(appeal_id: str) -> Appeal:
    return appeals.get(appeal_id, by=caller(app))


@app.get(
    "/v1/appeals/<appeal_id>/history",
    tags=TAGS,
    summary="Every action on the appeal, oldest first",
    operation_id="getAppealHistory",
    description=(
        "Every action on the appeal, oldest first: who, when, from and to which status, at which level, with the note."
    ),
)
def get_history(appeal_id: str) -> History:
    return appeals.history(appeal_id, by=caller(app))


@app.post(
    "/v1/appeals/<appeal_id>/assign",
    tags=TAGS,
    summary="Assign to a department or member unit",
    operation_id="assignAppeal",
    description=(
        "Staff of the appeal's level or a city admin assign it: submitted, assigned or escalated → assigned. "
        "`member_unit_id` assigns a paired member unit (any community's; else 422 naming it), whose name is the "
        "`assignee` unless one is given; without a unit, `assignee` is required. 409 "
        "from any other state or with a stale `expected_version`."
    ),
)
def assign(appeal_id: str, body: inputs.Assign) -> Appeal:
    return appeals.act(appeal_id, Action.ASSIGN, body, by=caller(app))


@app.post(
    "/v1/appeals/<appeal_id>/escalate",
    tags=TAGS,
    summary="Escalate: community → street → city",
    operation_id="escalateAppeal",
    description=(
        "Staff of the appeal's level or a city admin escalate it one level, community → street → city (at city: "
        "409): submitted, assigned or escalated → escalated."
    ),
)
def escalate(appeal_id: str, body: inputs.Escalate) -> Appeal:
    return appeals.act(appeal_id, Action.ESCALATE, body, by=caller(app))


@app.post(
    "/v1/appeals/<appeal_id>/resolve",
    tags=TAGS,
    summary="Resolve, on the spot or not, maybe at a meeting",
    operation_id="resolveAppeal",
    description=(
        "Staff of the appeal's level or a city admin resolve it, on the spot or not; with `meeting_id` it counts as"
        " resolved at that meeting. submitted, assigned or escalated → resolved."
    ),
)
def resolve(appeal_id: str, body: inputs.Resolve) -> Appeal:
    return appeals.act(appeal_id, Action.RESOLVE, body, by=caller(app))


@app.post(
    "/v1/appeals/<appeal_id>/rate",
    tags=TAGS,
    summary="The submitter rates the resolution (closes it)",
    operation_id="rateAppeal",
    description="The submitter rates the resolution 1–5, which closes the appeal: resolved → closed.",
)
def rate(appeal_id: str, body: inputs.Rate) -> Appeal:
    return appeals.act(appeal_id, Action.RATE, body, by=caller(app))


@app.post(
    "/v1/appeals/<appeal_id>/reopen",
    tags=TAGS,
    summary="The submitter reopens a resolved appeal",
    operation_id="reopenAppeal",
    description="The submitter reopens a resolved appeal: resolved → submitted, level kept.",
)
def reopen(appeal_id: str, body: inputs.Reopen) -> Appeal:
    return appeals.act(appeal_id, Action.REOPEN, body, by=caller(app))


@app.post(
    "/v1/appeals/<appeal_id>/close",
    tags=TAGS,
    summary="Close without resolving: duplicate, withdrawn…",
    operation_id="closeAppeal",
    description=(
        "Staff of the appeal's level or a city admin close it without resolving (duplicate, withdrawn, out of "
        "scope): submitted, assigned or escalated → closed."
    ),
)
def close(appeal_id: str, body: inputs.Close) -> Appeal:
    return appeals.act(appeal_id, Action.CLOSE, body, by=caller(app))


@app.post(
    "/v1/appeals/<appeal_id>/extension-requests",
    tags=TAGS,
    summary="Ask the level above for more working days",
    responses=created(ExtensionRequest),
    operation_id="requestExtension",
    description=(
        "Staff of the appeal's level ask for 1-10 more working days while it is `assigned` with a `due_at`; one "
        "pending request at a time (409); approved days beyond the policy's `max_extension_days`: 422."
    ),
)
def request_extension(appeal_id: str, body: inputs.RequestExtension) -> Response[ExtensionRequest]:
    request = oversight.request_extension(appeal_id, body, by=caller(app))
    return Response(201, "application/json", request)


@app.post(
    "/v1/appeals/<appeal_id>/extension-requests/<request_id>/decide",
    tags=TAGS,
    summary="The level above approves or rejects an extension",
    operation_id="decideExtension",
    description=(
        "The street's officer for a community-level appeal, a city admin otherwise. Approved: `due_at` moves by "
        "the requested working days."
    ),
)
def decide_extension(appeal_id: str, request_id: str, body: inputs.DecideExtension) -> Appeal:
    return oversight.decide_extension(appeal_id, request_id, body, by=caller(app))


@app.post(
    "/v1/appeals/<appeal_id>/supervise",
    tags=TAGS,
    summary="Supervise (督办): street officers and the city",
    operation_id="superviseAppeal",
    description="A street officer of its street or a city admin flags the appeal as supervised; any state but closed.",
)
def supervise(appeal_id: str, body: inputs.Supervise) -> Appeal:
    return oversight.supervise(appeal_id, body, by=caller(app))


@app.post(
    "/v1/appeals/<appeal_id>/merge",
    tags=TAGS,
    summary="Merge (并单) into another open appeal",
    operation_id="mergeAppeal",
    description=(
        "Staff of the appeal's level close it as `merged` into another open appeal of the same community that is "
        "not merged itself (else 422 `into`); the target gains `merged_ids` and `supporters`."
    ),
)
def merge(appeal_id: str, body: inputs.Merge) -> Appeal:
    return oversight.merge(appeal_id, body, by=caller(app))


@app.post(
    "/v1/meetings",
    tags=["meetings"],
    summary="Record a building consultation meeting",
    responses=created(Meeting),
    operation_id="recordMeeting",
    description=(
        "Community staff of that community or a city admin record a building consultation meeting "
        "(书记楼宇协商会). Every "
        "listed appeal must exist and belong to that community (else 422). 201 with `Location`."
    ),
)
def record_meeting(body: inputs.NewMeeting) -> Response[Meeting]:
    meeting = meetings.record(body, by=caller(app))
    return responses.created(meeting, f"/v1/meetings/{meeting.id}")


@app.get(
    "/v1/meetings",
    tags=["meetings"],
    summary="List meetings, newest first",
    operation_id="listMeetings",
    description="Meetings within the caller's scope, newest first, optionally of one community and one year.",
)
def list_meetings(
    community_id: CommunityParam = None, year: YearParam = None, limit: Limit = 20, cursor: Cursor = None
) -> MeetingList:
    return meetings.list_meetings(by=caller(app), community_id=community_id, year=year, limit=limit, cursor=cursor)


@app.get(
    "/v1/meetings/<meeting_id>",
    tags=["meetings"],
    summary="One meeting",
    operation_id="getMeeting",
    description="One meeting with the appeals it discussed.",
)
def get_meeting(meeting_id: str) -> Meeting:
    return meetings.get(meeting_id, by=caller(app))


CalendarYearParam = Annotated[int, Path(ge=2000, le=2100, description="Calendar year")]


@app.get(
    "/v1/calendar/<year>",
    tags=["deadlines"],
    summary="A year's holidays and make-up working days (public)",
    operation_id="getCalendar",
    description=(
        "The working-day calendar deadlines count by: statutory holidays and weekend make-up working days (调休), "
        "from the built-in calendar, the city's own, or `weekends_only` (with a warning) where nothing is known."
    ),
)
def get_calendar(year: CalendarYearParam) -> CalendarYear:
    return settings.get_calendar(year)


@app.put(
    "/v1/calendar/<year>",
    tags=["deadlines"],
    summary="Set a year's calendar (city_admin)",
    operation_id="putCalendar",
    description="A city admin replaces that year's holidays and make-up working days; deadlines set later use it.",
)
def put_calendar(year: CalendarYearParam, body: CalendarBody) -> CalendarYear:
    return settings.put_calendar(year, body, by=caller(app))


@app.get(
    "/v1/appeal-policy",
    tags=["deadlines"],
    summary="Time limits, auto-escalation and duplicate hints",
    operation_id="getAppealPolicy",
    description="Working days to respond and to handle (per category), extension limit, auto-escalation, hints.",
)
def get_policy() -> AppealPolicy:
    return settings.get_policy(by=caller(app))


@app.put(
    "/v1/appeal-policy",
    tags=["deadlines"],
    summary="Replace the appeal policy (city_admin)",
    operation_id="putAppealPolicy",
    description="A city admin replaces the policy; it applies to deadlines set after the change.",
)
def put_policy(body: AppealPolicy) -> AppealPolicy:
    return settings.put_policy(body, by=caller(app))


lambda_handler = http_handler(app)
