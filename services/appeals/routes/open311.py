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


def _split(name: str) -> tuple[str, Format | None]:
    """``"apl_01J….xml"`` → ``("apl_01J…", "xml")``; an unknown suffix gives no format."""
    stem, _, suffix = name.rpartition(".")
    return (stem, suffix) if suffix in ("json", "xml") else (name, None)  # type: ignore[return-value]


def _serve(root: str, item: str | None, build: Callable[[], Any], *, unknown_suffix: str = "") -> Response[str]:
    """The body of every Open311 route but discovery: what ``build()`` returns, in the format the path's
    suffix asks for. One function serves both ``services.json`` and ``services.xml``, and
    ``requests/{id}.json`` and ``.xml``, so the two formats cannot drift apart.

    JSON is written as ``build()`` returns it; XML under ``<root>``, an ``<item>`` a row (``item=None``:
    one object's fields directly under the root). What a client got wrong while building (``NotFound``,
    ``InvalidInput``, ``MalformedRequest``) is the specification's error document in the same format;
    anything else is the usual 500. A last segment with neither suffix (possible only where it is a path
    parameter, ``requests/{id}.csv``) is a 404 in JSON saying ``unknown_suffix``.
    """
    # The path rather than a path parameter, since services.json and requests.xml have none. Routes are
    # literal in API Gateway (and the local gateway), so services.xml's path always ends in ".xml"; and
    # Powertools takes path parameters from this same path, so for services/{code}.xml the two agree.
    fmt = _split(router.current_event.path)[1]
    if fmt is None:
        return _errors("json", 404, unknown_suffix)
    try:
        body = build()
    except NotFound as error:
        return _errors(fmt, 404, error.detail)
    except InvalidInput as error:
        return _errors(fmt, 400, " ".join(e.message for e in error.errors) or error.detail)
    except MalformedRequest as error:
        return _errors(fmt, 400, error.detail)
    return _json(body) if fmt == "json" else _xml(root, item, body)


Handler = Callable[..., Response[str]]


def _get_json_and_xml(
    document: str, *, summary: str, description: str, xml_description: str, operation_id: str, model: type, what: str
) -> Callable[[Handler], Handler]:
    """Registers one handler (whose body is ``_serve``) at ``<document>.json`` and ``<document>.xml``.

    The XML twin differs only as the specification's formats do: "(XML)" in its summary, ``Xml`` at the
    end of its operation id, ``text/xml`` responses, and its own description (it names the elements).
    """

    def register(handler: Handler) -> Handler:
        for fmt, label, text in (("json", "JSON", description), ("xml", "XML", xml_description)):
            router.get(
                f"{BASE}/{document}.{fmt}",
                tags=TAGS,
                summary=f"{summary} ({label})",
                description=text,
                operation_id=operation_id + ("Xml" if fmt == "xml" else ""),
                responses=_docs(model, what, xml=fmt == "xml"),
            )(handler)
        return handler

    return register


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


@_get_json_and_xml(
    "services",
    summary="Open311 services: one per appeal category",
    description="GeoReport v2 GET Service List. `service_code` is the appeal category code.",
    xml_description="GeoReport v2 GET Service List as `<services><service>…</service></services>`.",
    operation_id="listOpen311Services",
    model=Services,
    what="The services",
)
def list_services() -> Response[str]:
    return _serve("services", "service", lambda: [service.model_dump() for service in open311.services()])


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
    code, _ = _split(service)
    return _serve(
        "service_definition",
        None,
        lambda: open311.service_definition(code).model_dump(),
        unknown_suffix="Service definitions are services/<service_code>.json or .xml.",
    )


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

_REQUESTS_DESCRIPTION = (
    "GeoReport v2 GET Service Requests: public fields only (the title as description; city, street and "
    "community as address; lat/long rounded to 3 decimals). Submission times within a window of at most "
    "90 days (default: the last 90), at most 1,000 requests, newest first."
)


@_get_json_and_xml(
    "requests",
    summary="Open311 service requests",
    description=_REQUESTS_DESCRIPTION,
    xml_description=_REQUESTS_DESCRIPTION + " As `<service_requests><request>…</request></service_requests>`.",
    operation_id="listOpen311Requests",
    model=ServiceRequests,
    what="The service requests, newest first",
)
def list_requests(
    service_request_id: ServiceRequestIds = None,
    service_code: ServiceCodes = None,
    start_date: StartDate = None,
    end_date: EndDate = None,
    status: StatusParam = None,
) -> Response[str]:
    def rows() -> list[dict[str, Any]]:
        found = open311.requests(
            service_request_id=service_request_id,
            service_code=service_code,
            start_date=start_date,
            end_date=end_date,
            status=status,
        )
        return [request_json(r) for r in found]

    return _serve("service_requests", "request", rows)


@router.get(
    f"{BASE}/requests/<request>",
    tags=TAGS,
    summary="One Open311 service request: /open311/v2/requests/{id}.json or .xml",
    description="GeoReport v2 GET Service Request: a list holding the one request, public fields only.",
    operation_id="getOpen311Request",
    responses=_docs(ServiceRequests, "The request, in a list of one (XML with the .xml suffix)", xml=False),
)
def get_request(request: Annotated[str, Path(description="<service_request_id>.json or .xml")]) -> Response[str]:
    request_id, _ = _split(request)
    return _serve(
        "service_requests",
        "request",
        lambda: [request_json(open311.request(request_id))],
        unknown_suffix="Service requests are requests/<service_request_id>.json or .xml.",
    )
