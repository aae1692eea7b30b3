"""Projects API: secretary-led and care projects, funding, disbursements, sessions (API.md, "Projects")."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Query

from services.common.domain.reference import ProjectKind
from services.common.edge import responses
from services.common.edge.api import caller, create_app, created, http_handler
from services.common.edge.params import CommunityParam, Cursor, Limit, YearParam
from services.projects.logic import projects
from services.projects.models import inputs
from services.projects.models.resources import (
    Disbursement,
    Funding,
    Ledger,
    Project,
    ProjectList,
    Session,
    SessionList,
)
from services.projects.routes import open_data

app = create_app()
app.include_router(open_data.router)  # 360Giving: public, read-only (services/projects/routes/open_data.py)
TAGS = ["projects"]


@app.post(
    "/v1/projects",
    tags=TAGS,
    summary="Create a project",
    responses=created(Project),
    operation_id="createProject",
    description=(
        "Community staff of that community or a city admin create a secretary-led, care or other project; it starts"
        " `planned`. `member_unit_ids`: co-organising member units, each paired now (else 422 naming "
        "`member_unit_ids[n]`). 201 with `Location`."
    ),
)
def create_project(body: inputs.NewProject) -> Response[Project]:
    project = projects.create(body, by=caller(app))
    return responses.created(project, f"/v1/projects/{project.id}")


@app.get(
    "/v1/projects",
    tags=TAGS,
    summary="List projects, newest year first",
    operation_id="listProjects",
    description="Projects within the caller's scope, newest year first, optionally of one community, year and kind.",
)
def list_projects(
    community_id: CommunityParam = None,
    year: YearParam = None,
    kind: Annotated[ProjectKind | None, Query()] = None,
    limit: Limit = 20,
    cursor: Cursor = None,
) -> ProjectList:
    return projects.list_projects(
        by=caller(app),
        community_id=community_id,
        year=year,
        kind=kind.value if kind else None,
        limit=limit,
        cursor=cursor,
    )


@app.get(
    "/v1/projects/<project_id>",
    tags=TAGS,
    summary="One project with its totals",
    operation_id="getProject",
    description="One project with its funding, disbursed and balance totals (money objects) and what it has served.",
)
def get_project(project_id: str) -> Project:
    return projects.get(project_id, by=caller(app))


@app.patch(
    "/v1/projects/<project_id>",
    tags=TAGS,
    summary="Move a project on, or record beneficiaries covered",
    operation_id="updateProject",
    description=(
        "Move a project on (`in_progress`, `completed`) or record the beneficiaries it covered. 409 for a move its "
        "status does not allow."
    ),
)
def change_project(project_id: str, body: inputs.ProjectChange) -> Project:
    return projects.change(project_id, body, by=caller(app))


@app.post(
    "/v1/projects/<project_id>/funding",
    tags=TAGS,
    summary="Record funding received",
    responses=created(Funding),
    operation_id="addFunding",
    description=(
        "Record funding received for the project, by source. Source `member_unit` names the giving unit in "
        "`member_unit_id` (paired now; else 422 naming it), and no other source names one. 201 with `Location`."
    ),
)
def add_funding(project_id: str, body: inputs.NewFunding) -> Response[Funding]:
    funding = projects.add_funding(project_id, body, by=caller(app))
    return responses.created(funding, f"/v1/projects/{project_id}/ledger")


@app.post(
    "/v1/projects/<project_id>/disbursements",
    tags=TAGS,
    summary="Record a disbursement (409 beyond the balance)",
    responses=created(Disbursement),
    operation_id="addDisbursement",
    description=(
        "Record a disbursement. More than the balance is 409 with `balance`, and nothing is recorded; concurrent "
        "disbursements never overdraw. 201 with `Location`."
    ),
)
def add_disbursement(project_id: str, body: inputs.NewDisbursement) -> Response[Disbursement]:
    disbursement = projects.add_disbursement(project_id, body, by=caller(app))
    return responses.created(disbursement, f"/v1/projects/{project_id}/ledger")


@app.post(
    "/v1/projects/<project_id>/sessions",
    tags=TAGS,
    summary="Record a service session",
    responses=created(Session),
    operation_id="addSession",
    description="Record a service session of the project and the residents it served. 201 with `Location`.",
)
def add_session(project_id: str, body: inputs.NewSession) -> Response[Session]:
    session = projects.add_session(project_id, body, by=caller(app))
    return responses.created(session, f"/v1/projects/{project_id}/sessions")


@app.get(
    "/v1/projects/<project_id>/sessions",
    tags=TAGS,
    summary="The project's service sessions by date",
    operation_id="listSessions",
    description="The project's service sessions by date.",
)
def list_sessions(project_id: str) -> SessionList:
    return projects.sessions(project_id, by=caller(app))


@app.get(
    "/v1/projects/<project_id>/ledger",
    tags=TAGS,
    summary="Funding and disbursements by date, running balance",
    operation_id="getLedger",
    description="Funding and disbursements in date order, each line with the running balance after it.",
)
def get_ledger(project_id: str) -> Ledger:
    return projects.ledger(project_id, by=caller(app))


lambda_handler = http_handler(app)
