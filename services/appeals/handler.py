"""Appeals API: intake, the lifecycle across levels, history, and consultation meetings (API.md, "Appeals")."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from pydantic import AwareDatetime

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
from services.common.edge.params import CommunityParam, Cursor, Limit, YearParam

app = create_app()
app.include_router(open311.router)  # Open311 GeoReport v2: public, read-only (services/appeals/routes/open311.py)
TAGS = ["appeals"]


@app.post(
    "/v1/appeals",
    tags=TAGS,
    summary="Submit an appeal; possible duplicates come back",
    responses=created(SubmittedAppeal),
)
def submit_appeal(body: inputs.NewAppeal) -> Response[SubmittedAppeal]:
    appeal = appeals.submit(body, by=caller(app))
    return responses.created(appeal, f"/v1/appeals/{appeal.id}")


@app.get("/v1/appeals", tags=TAGS, summary="List appeals in the caller's scope, newest first")
def list_appeals(
    community_id: CommunityParam = None,
    status: Annotated[Status | None, Query()] = None,
    category: Annotated[AppealCategory | None, Query()] = None,
    year: YearParam = None,
    limit: Limit = 20,
    cursor: Cursor = None,
    overdue: Annotated[bool | None, Query(description="Only appeals overdue in their current cycle")] = None,
    supervised: Annotated[bool | None, Query(description="Only supervised (督办) appeals")] = None,
    due_before: Annotated[AwareDatetime | None, Query(description="Only appeals due before this time")] = None,
) -> AppealList:
    return appeals.list_appeals(
        overdue=overdue,
        supervised=supervised,
        due_before=due_before,
        by=caller(app),
        community_id=community_id,
        status=status,
        category=category.value if category else None,
        year=year,
        limit=limit,
        cursor=cursor,
    )


@app.get("/v1/appeals/<appeal_id>", tags=TAGS, summary="One appeal")
def get_appeal(appeal_id: str) -> Appeal:
    return appeals.get(appeal_id, by=caller(app))


@app.get("/v1/appeals/<appeal_id>/history", tags=TAGS, summary="Every action on the appeal, oldest first")
def get_history(appeal_id: str) -> History:
    return appeals.history(appeal_id, by=caller(app))


@app.post("/v1/appeals/<appeal_id>/assign", tags=TAGS, summary="Assign to a department or member unit")
def assign(appeal_id: str, body: inputs.Assign) -> Appeal:
    return appeals.act(appeal_id, Action.ASSIGN, body, by=caller(app))


@app.post("/v1/appeals/<appeal_id>/escalate", tags=TAGS, summary="Escalate: community → street → city")
def escalate(appeal_id: str, body: inputs.Escalate) -> Appeal:
    return appeals.act(appeal_id, Action.ESCALATE, body, by=caller(app))


@app.post("/v1/appeals/<appeal_id>/resolve", tags=TAGS, summary="Resolve, on the spot or not, maybe at a meeting")
def resolve(appeal_id: str, body: inputs.Resolve) -> Appeal:
    return appeals.act(appeal_id, Action.RESOLVE, body, by=caller(app))


@app.post("/v1/appeals/<appeal_id>/rate", tags=TAGS, summary="The submitter rates the resolution (closes it)")
def rate(appeal_id: str, body: inputs.Rate) -> Appeal:
    return appeals.act(appeal_id, Action.RATE, body, by=caller(app))


@app.post("/v1/appeals/<appeal_id>/reopen", tags=TAGS, summary="The submitter reopens a resolved appeal")
def reopen(appeal_id: str, body: inputs.Reopen) -> Appeal:
    return appeals.act(appeal_id, Action.REOPEN, body, by=caller(app))


@app.post("/v1/appeals/<appeal_id>/close", tags=TAGS, summary="Close without resolving: duplicate, withdrawn…")
def close(appeal_id: str, body: inputs.Close) -> Appeal:
    return appeals.act(appeal_id, Action.CLOSE, body, by=caller(app))


@app.post(
    "/v1/appeals/<appeal_id>/extension-requests",
    tags=TAGS,
    summary="Ask the level above for more working days",
    responses=created(ExtensionRequest),
)
def request_extension(appeal_id: str, body: inputs.RequestExtension) -> Response[ExtensionRequest]:
    request = oversight.request_extension(appeal_id, body, by=caller(app))
    return Response(201, "application/json", request)


@app.post(
    "/v1/appeals/<appeal_id>/extension-requests/<request_id>/decide",
    tags=TAGS,
    summary="The level above approves or rejects an extension",
)
def decide_extension(appeal_id: str, request_id: str, body: inputs.DecideExtension) -> Appeal:
    return oversight.decide_extension(appeal_id, request_id, body, by=caller(app))


@app.post("/v1/appeals/<appeal_id>/supervise", tags=TAGS, summary="Supervise (督办): street officers and the city")
def supervise(appeal_id: str, body: inputs.Supervise) -> Appeal:
    return oversight.supervise(appeal_id, body, by=caller(app))


@app.post("/v1/appeals/<appeal_id>/merge", tags=TAGS, summary="Merge (并单) into another open appeal")
def merge(appeal_id: str, body: inputs.Merge) -> Appeal:
    return oversight.merge(appeal_id, body, by=caller(app))


@app.post(
    "/v1/meetings", tags=["meetings"], summary="Record a building consultation meeting", responses=created(Meeting)
)
def record_meeting(body: inputs.NewMeeting) -> Response[Meeting]:
    meeting = meetings.record(body, by=caller(app))
    return responses.created(meeting, f"/v1/meetings/{meeting.id}")


@app.get("/v1/meetings", tags=["meetings"], summary="List meetings, newest first")
def list_meetings(
    community_id: CommunityParam = None, year: YearParam = None, limit: Limit = 20, cursor: Cursor = None
) -> MeetingList:
    return meetings.list_meetings(by=caller(app), community_id=community_id, year=year, limit=limit, cursor=cursor)


@app.get("/v1/meetings/<meeting_id>", tags=["meetings"], summary="One meeting")
def get_meeting(meeting_id: str) -> Meeting:
    return meetings.get(meeting_id, by=caller(app))


CalendarYearParam = Annotated[int, Path(ge=2000, le=2100, description="Calendar year")]


@app.get("/v1/calendar/<year>", tags=["deadlines"], summary="A year's holidays and make-up working days (public)")
def get_calendar(year: CalendarYearParam) -> CalendarYear:
    return settings.get_calendar(year)


@app.put("/v1/calendar/<year>", tags=["deadlines"], summary="Set a year's calendar (city_admin)")
def put_calendar(year: CalendarYearParam, body: CalendarBody) -> CalendarYear:
    return settings.put_calendar(year, body, by=caller(app))


@app.get("/v1/appeal-policy", tags=["deadlines"], summary="Time limits, auto-escalation and duplicate hints")
def get_policy() -> AppealPolicy:
    return settings.get_policy(by=caller(app))


@app.put("/v1/appeal-policy", tags=["deadlines"], summary="Replace the appeal policy (city_admin)")
def put_policy(body: AppealPolicy) -> AppealPolicy:
    return settings.put_policy(body, by=caller(app))


lambda_handler = http_handler(app)
