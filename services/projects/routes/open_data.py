"""360Giving route (public, read-only), served by the projects function, which owns funding (API.md, "Open data").

    GET /v1/open-data/360giving/{year}.json      (route /v1/open-data/360giving/{file})

API Gateway path parameters are whole segments, so ``2025.json`` arrives as one parameter, as
``/v1/reports/{report}`` does. Errors are the usual problem+json.
"""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from services.projects.logic import giving
from services.projects.models.giving import Package, package_json

router = APIGatewayHttpRouter()


@router.get(
    "/v1/open-data/360giving/<file>",
    tags=["open data"],
    summary="The year's funding as a 360Giving data package: /v1/open-data/360giving/2025.json",
    description=(
        "One grant per funding record dated in the year (360Giving Data Standard 1.4.3): amounts in yuan, "
        "exact from fen; funder the funding source; recipient the community's residents' committee; "
        "programme the project kind. 404 for a year without funding (a package needs at least one grant)."
    ),
    operation_id="get360GivingPackage",
    responses={
        200: {"description": "The package", "content": {"application/json": {"model": Package}}},
        404: {"description": "No funding is dated in the year, or the suffix is not .json (problem+json)"},
    },
)
def get_360giving(file: Annotated[str, Path(max_length=16, description="<year>.json")]) -> Response[str]:
    package = giving.package(giving.year_of_file(file))
    return Response(200, "application/json; charset=utf-8", package_json(package))
