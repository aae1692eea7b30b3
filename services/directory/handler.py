"""Directory API: reference data and the caller's identity (API.md, "Directory")."""

from aws_lambda_powertools.event_handler import Response

from services.common.edge.api import caller, create_app, http_handler
from services.directory import logic
from services.directory.models import CommunityList, Me, Meta

app = create_app()


@app.get("/v1/meta", tags=["directory"], summary="Enumerations with Chinese and English labels")
def get_meta() -> Meta:
    return logic.meta()


@app.get("/v1/communities", tags=["directory"], summary="Every community with its street and grids")
def list_communities() -> CommunityList:
    return logic.communities()


@app.get("/v1/me", tags=["directory"], summary="Who the bearer token says you are")
def get_me() -> Me:
    return logic.me(caller(app))


@app.get("/openapi.json", include_in_schema=False)
def get_openapi():  # a pre-rendered document, not a model: no response schema
    return Response(200, "application/json", logic.openapi_document())


lambda_handler = http_handler(app, idempotency=False)
