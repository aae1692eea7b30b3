"""Open311 GeoReport v2 routes (public, read-only), served by the appeals function (API.md, "Open data").

    GET /open311/v2/discovery.json
    GET /open311/v2/services.json | services.xml
    GET /open311/v2/services/{code}.json | .xml          (route /open311/v2/services/{service})
    GET /open311/v2/requests.json | requests.xml         ?service_request_id service_code start_date end_date status
    GET /open311/v2/requests/{id}.json | .xml            (route /open311/v2/requests/{request})

API Gateway path parameters are whole segments, so ``{code}.json`` arrives as one parameter whose
suffix picks the format. Errors are the specification's, not problem+json: ``[{"code": 404,
"description": "…"}]`` or ``<errors><error>…</error></errors>``, with status 400 or 404.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.event_handler.openapi.types import (
    OpenAPIResponse,
    OpenAPIResponseContentModel,
    OpenAPIResponseContentSchema,
)
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from services.appeals.logic import open311
from services.appeals.models.open311 import (
    CONTENT_TYPES,
    Discovery,
    Errors,
    Format,
    ServiceDefinition,
    ServiceRequests,
    Services,
    request_json,
    to_xml,
)
from services.common.domain.errors import InvalidInput, MalformedRequest, NotFound

router = APIGatewayHttpRouter()
TAGS = ["open data"]
BASE = "/open311/v2"


def _docs(model: type, what: str, *, xml: bool) -> dict[int, OpenAPIResponse]:
    """OpenAPI responses: the document, and the specification's error array for 400 and 404."""
    Content = dict[str, OpenAPIResponseContentSchema | OpenAPIResponseContentModel]
    text: OpenAPIResponseContentSchema = {"schema": {"type": "string"}}
    ok: Content = {"text/xml": text} if xml else {"application/json": {"model": model}}
    errors: Content = {"text/xml": text} if xml else {"application/json": {"model": Errors}}
    return {
        200: {"description": what, "content": ok},
        400: {"description": "A bad argument: [{code, description}]", "content": errors},
        404: {"description": "No such service or request: [{code, description}]", "content": errors},
    }


def _json(body: Any, status: int = 200) -> Response[str]:
    return Response(status, CONTENT_TYPES["json"], json.dumps(body, ensure_ascii=False, separators=(",", ":")))


def _xml(root: str, item: str | None, rows: Any, status: int = 200) -> Response[str]:
    return Response(status, CONTENT_TYPES["xml"], to_xml(root, item, rows))


def _errors(fmt: Format, status: int, description: str) -> Response[str]:
    rows = [{"code": status, "description": description}]
    return _json(rows, status) if fmt == "json" else _xml("errors", "error", rows, status)


def _guarded(fmt: Format, render: Callable[[], Response[str]]) -> Response[str]:
    """The specification's error format for what a client got wrong; anything else is the usual 500."""
    try:
        return render()
    except NotFound as error:
        return _errors(fmt, 404, error.detail)
    except InvalidInput as error:
        return _errors(fmt, 400, " ".join(e.message for e in error.errors) or error.detail)
    except MalformedRequest as error:
        return _errors(fmt, 400, error.detail)


def _split(name: str) -> tuple[str, Format | None]:
    """``"apl_01J….xml"`` → ``("apl_01J…", "xml")``; an unknown suffix gives no format."""
    stem, _, suffix = name.rpartition(".")
    return (stem, suffix) if suffix in ("json", "xml") else (name, None)  # type: ignore[return-value]


# --- discovery and services ------------------------------------------------------------------------


@router.get(
    f"{BASE}/discovery.json",
    tags=TAGS,
    summary="Open311 service discovery",
    description="Where the GeoReport v2 endpoint is and which formats it speaks.",
    operation_id="getOpen311Discovery",
    responses={200: {"description": "The discovery document", "content": {"application/json": {"model": Discovery}}}},
)
def get_discovery() -> Response[str]:
    event = router.current_event
    host = (event.raw_event.get("requestContext") or {}).get("domainName") or event.headers.get("host", "localhost")
    proto = event.headers.get("x-forwarded-proto", "https")
    return _json(open311.discovery(f"{proto}://{host}{BASE}").model_dump())


def _services(fmt: Format) -> Response[str]:
    rows = [service.model_dump() for service in open311.services()]
    return _json(rows) if fmt == "json" else _xml("services", "service", rows)


@router.get(
    f"{BASE}/services.json",
    tags=TAGS,
    summary="Open311 services: one per appeal category (JSON)",
    description="GeoReport v2 GET Service List. `service_code` is the appeal category code.",
    operation_id="listOpen311Services",
    responses=_docs(Services, "The services", xml=False),
)
def list_services_json() -> Response[str]:
    return _services("json")


@router.get(
    f"{BASE}/services.xml",
    tags=TAGS,
    summary="Open311 services: one per appeal category (XML)",
    description="GeoReport v2 GET Service List as `<services><service>…</service></services>`.",
    operation_id="listOpen311ServicesXml",
    responses=_docs(Services, "The services", xml=True),
)
def list_services_xml() -> Response[str]:
    return _services("xml")


@router.get(
    f"{BASE}/services/<service>",
    tags=TAGS,
    summary="Open311 service definition: /open311/v2/services/{code}.json or .xml",
    description="GeoReport v2 GET Service Definition. No service has extra attributes (`metadata: false`).",
    operation_id="getOpen311ServiceDefinition",
    responses=_docs(ServiceDefinition, "The service definition (XML with the .xml suffix)", xml=False),
)
def get_service_definition(
    service: Annotated[str, Path(description="<service_code>.json or <service_code>.xml")],
) -> Response[str]:
    code, fmt = _split(service)
    if fmt is None:
        return _errors("json", 404, "Service definitions are services/<service_code>.json or .xml.")

    def render() -> Response[str]:
        definition = open311.service_definition(code).model_dump()
        return _json(definition) if fmt == "json" else _xml("service_definition", None, definition)

    return _guarded(fmt, render)


# --- requests --------------------------------------------------------------------------------------

ServiceRequestIds = Annotated[
    str | None, Query(description="Comma-separated request ids (at most 100); overrides every other argument")
]
ServiceCodes = Annotated[str | None, Query(description="Comma-separated service codes (appeal categories)")]
StartDate = Annotated[
    str | None, Query(description="Earliest requested_datetime, ISO 8601 (e.g. 2025-03-01T00:00:00+08:00)")
]
EndDate = Annotated[str | None, Query(description="Latest requested_datetime; at most 90 days after start_date")]
StatusParam = Annotated[str | None, Query(description="open, closed, or both comma-separated; default both")]


def _requests(fmt: Format, **arguments: str | None) -> Response[str]:
    def render() -> Response[str]:
        rows = [request_json(r) for r in open311.requests(**arguments)]
        return _json(rows) if fmt == "json" else _xml("service_requests", "request", rows)

    return _guarded(fmt, render)


_REQUESTS_DESCRIPTION = (
    "GeoReport v2 GET Service Requests: public fields only (the title as description; city, street and "
    "community as address; lat/long rounded to 3 decimals). Submission times within a window of at most "
    "90 days (default: the last 90), at most 1,000 requests, newest first."
)


@router.get(
    f"{BASE}/requests.json",
    tags=TAGS,
    summary="Open311 service requests (JSON)",
    description=_REQUESTS_DESCRIPTION,
    operation_id="listOpen311Requests",
    responses=_docs(ServiceRequests, "The service requests, newest first", xml=False),
)
def list_requests_json(
    service_request_id: ServiceRequestIds = None,
    service_code: ServiceCodes = None,
    start_date: StartDate = None,
    end_date: EndDate = None,
    status: StatusParam = None,
) -> Response[str]:
    return _requests(
        "json",
        service_request_id=service_request_id,
        service_code=service_code,
        start_date=start_date,
        end_date=end_date,
        status=status,
    )


@router.get(
    f"{BASE}/requests.xml",
    tags=TAGS,
    summary="Open311 service requests (XML)",
    description=_REQUESTS_DESCRIPTION + " As `<service_requests><request>…</request></service_requests>`.",
    operation_id="listOpen311RequestsXml",
    responses=_docs(ServiceRequests, "The service requests, newest first", xml=True),
)
def list_requests_xml(
    service_request_id: ServiceRequestIds = None,
    service_code: ServiceCodes = None,
    start_date: StartDate = None,
    end_date: EndDate = None,
    status: StatusParam = None,
) -> Response[str]:
    return _requests(
        "xml",
        service_request_id=service_request_id,
        service_code=service_code,
        start_date=start_date,
        end_date=end_date,
        status=status,
    )


@router.get(
    f"{BASE}/requests/<request>",
    tags=TAGS,
    summary="One Open311 service request: /open311/v2/requests/{id}.json or .xml",
    description="GeoReport v2 GET Service Request: a list holding the one request, public fields only.",
    operation_id="getOpen311Request",
    responses=_docs(ServiceRequests, "The request, in a list of one (XML with the .xml suffix)", xml=False),
)
def get_request(request: Annotated[str, Path(description="<service_request_id>.json or .xml")]) -> Response[str]:
    request_id, fmt = _split(request)
    if fmt is None:
        return _errors("json", 404, "Service requests are requests/<service_request_id>.json or .xml.")

    def render() -> Response[str]:
        rows = [request_json(open311.request(request_id))]
        return _json(rows) if fmt == "json" else _xml("service_requests", "request", rows)

    return _guarded(fmt, render)
