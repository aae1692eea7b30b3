"""Directory API: reference data and the caller's identity (API.md, "Directory"); the OpenAPI document and
Swagger UI; and the answer to every request no route matched (API Gateway's ``$default`` route): 405 with
``Allow`` for a known path, else 404."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from aws_lambda_powertools.event_handler.openapi.params import Path

from services.common.domain.errors import MethodNotAllowed, NotFound
from services.common.edge import problems
from services.common.edge.api import caller, create_app, http_handler
from services.directory import docs, logic
from services.directory.models import CommunityList, Me, Meta

app = create_app()
TAGS = ["directory"]


@app.get(
    "/v1/meta",
    tags=TAGS,
    operation_id="getMeta",
    summary="Enumerations with Chinese and English labels",
    description="Every code list (appeal categories and channels, volunteer groups, service fields, project kinds, "
    "funding sources), each code with `label_zh` and `label_en`. Public.",
)
def get_meta() -> Meta:
    return logic.meta()


@app.get(
    "/v1/communities",
    tags=TAGS,
    operation_id="listCommunities",
    summary="Every community with its street and grids",
    description="All communities at once (no paging), each with its street and its grids. Public.",
)
def list_communities() -> CommunityList:
    return logic.communities()


@app.get(
    "/v1/me",
    tags=TAGS,
    operation_id="getMe",
    summary="Who the bearer token says you are",
    description="The caller's `sub`, `role` and scope (`community_id`, `street_id`) as the token states them.",
)
def get_me() -> Me:
    return logic.me(caller(app))


@app.get("/openapi.json", include_in_schema=False)
def get_openapi():  # a pre-rendered document, not a model: no response schema
    return Response(200, "application/json", logic.openapi_document())


@app.get("/docs", include_in_schema=False)
def get_docs():
    return Response(200, "text/html; charset=utf-8", docs.PAGE)


@app.get("/docs/<asset>", include_in_schema=False, compress=True)
def get_docs_asset(asset: Annotated[str, Path(max_length=64)]):
    found = docs.asset(asset)
    if found is None:
        raise NotFound("No such asset.")
    text, content_type = found
    return Response(200, content_type, text, headers={"Cache-Control": "public, max-age=86400"})


@app.not_found
def _unmatched(_: NotFoundError) -> Response:
    path = app.current_event.raw_event.get("rawPath", "")
    allowed = logic.allowed_methods(path)
    return problems.response(MethodNotAllowed(allowed) if allowed else NotFound("No such resource."))


lambda_handler = http_handler(app, idempotency=False)
