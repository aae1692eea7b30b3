"""Statistics API (public): live yearly figures by scope, a member unit's figures, and the frozen yearly reports
(API.md, "Statistics" and "The complex")."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path, Query

from services.common.edge.api import create_app, http_handler
from services.common.edge.params import YearParam, YearPath
from services.stats.logic import live
from services.stats.models import EveryScope, LiveFigures, MemberUnitFigures, MonthlyFigures, Report

app = create_app()
TAGS = ["statistics"]


@app.get(
    "/v1/stats/<year>",
    tags=TAGS,
    summary="Live figures of a year for the city, a street or a community",
    operation_id="getStats",
    description=(
        "Live figures of a calendar year (Asia/Shanghai) for the city, a street or a community. Each figure counts "
        "the events whose own time falls in that year. Public."
    ),
)
def get_stats(
    year: YearPath,
    scope: Annotated[str, Query(max_length=80, description="city | street:<id> | community:<id>")] = "city",
) -> LiveFigures:
    return live.live(year, scope)


@app.get(
    "/v1/stats/<year>/months",
    tags=TAGS,
    summary="A year's figures by month (report time zone), for charts",
    operation_id="getMonthlyStats",
    description=(
        "A calendar year's figures month by month (Beijing-time months), for charts: always twelve months, January "
        "first; the months add up to the year's figures. Public."
    ),
)
def get_monthly_stats(
    year: YearPath,
    scope: Annotated[str, Query(max_length=80, description="city | street:<id> | community:<id>")] = "city",
) -> MonthlyFigures:
    return live.monthly(year, scope)


@app.get(
    "/v1/stats/<year>/scopes",
    tags=TAGS,
    summary="Live figures of a year for the city, every street and every community at once (the dashboard)",
    operation_id="getEveryScope",
    description=(
        "Live figures of a year for the city, every street and every community in one answer (what the dashboard's "
        "city view shows). Public."
    ),
)
def get_every_scope(
    year: YearPath,
) -> EveryScope:
    return live.every_scope(year)


@app.get(
    "/v1/reports/<report>",
    tags=TAGS,
    summary="The frozen yearly report: /v1/reports/2025 (JSON) or /v1/reports/2025.csv",
    responses={
        200: {
            "description": "The report",
            "content": {"application/json": {"model": Report}, "text/csv": {"schema": {"type": "string"}}},
        }
    },
    operation_id="getReport",
    description=(
        "The frozen report of the yearly-metrics job: `/v1/reports/2025` (JSON) or `/v1/reports/2025.csv` (one row "
        "per community, UTF-8 with BOM). 404 before the job has run for that year, and for any other suffix. "
        "Public."
    ),
)
def get_report(report: Annotated[str, Path(max_length=16, description="<year> or <year>.csv")]):
    body, content_type = live.report_file(report)
    return Response(200, content_type, body if content_type.startswith("text/csv") else body.decode("utf-8"))


@app.get(
    "/v1/reports/<year>/units.csv",
    tags=TAGS,
    summary="The member units' table of the frozen yearly report (服务大比拼), CSV",
    responses={200: {"description": "The table", "content": {"text/csv": {"schema": {"type": "string"}}}}},
    operation_id="getUnitsReport",
    description=(
        "One row per member unit paired at some time in the year (or with figures in it): its name, kind, "
        "community and street, appeals assigned and resolved, activities, volunteer hours, residents served, "
        "projects and funding in yuan. UTF-8 with BOM, Chinese headers, as frozen by the yearly-metrics job; 404 "
        "before the job has run for that year. Public."
    ),
)
def get_units_report(year: YearPath):
    return Response(200, "text/csv; charset=utf-8", live.units_file(year))


@app.get(
    "/v1/member-units/<member_unit_id>/figures",
    tags=TAGS,
    summary="A member unit's figures of a year",
    operation_id="getMemberUnitFigures",
    description=(
        "What a member unit did in a calendar year (Asia/Shanghai; this year when `year` is left out): appeals "
        "assigned to it and resolved, activities it co-organised with their volunteer hours and residents served, "
        "projects it co-organises, funding it gave (fen). 404 for an unknown unit. Public."
    ),
)
def get_member_unit_figures(
    member_unit_id: Annotated[str, Path(max_length=64, description="A member unit id (mu_…)")],
    year: YearParam = None,
) -> MemberUnitFigures:
    return live.unit(member_unit_id, year)


# Public and read-only: no idempotency table, no token needed.
lambda_handler = http_handler(app, idempotency=False)
