"""The one place where errors become HTTP responses: ``application/problem+json`` (RFC 9457).

    {"type": "urn:canger:problem:conflict", "title": "Conflict", "status": 409, "detail": "..."}

Validation problems add ``"errors": [{"field": "contact.phone", "message": "..."}]``.
Anything unexpected is a 500 whose body says nothing about the internals; the log has the trace.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, Field

from services.common.domain.errors import (
    CangerError,
    Conflict,
    FieldError,
    InvalidInput,
    MalformedRequest,
    MethodNotAllowed,
    NotAllowed,
    NotAuthenticated,
    NotFound,
    TooLarge,
    UnsupportedMediaType,
)
from services.common.observability import logger

CONTENT_TYPE = "application/problem+json"

# error class → (status, title, type slug). Subclasses map through their nearest listed ancestor.
_STATUS: dict[type[CangerError], tuple[int, str, str]] = {
    MalformedRequest: (400, "Bad request", "bad-request"),
    NotAuthenticated: (401, "Unauthorized", "unauthorized"),
    NotAllowed: (403, "Forbidden", "forbidden"),
    NotFound: (404, "Not found", "not-found"),
    MethodNotAllowed: (405, "Method not allowed", "method-not-allowed"),
    Conflict: (409, "Conflict", "conflict"),
    TooLarge: (413, "Payload too large", "payload-too-large"),
    UnsupportedMediaType: (415, "Unsupported media type", "unsupported-media-type"),
    InvalidInput: (422, "Unprocessable content", "validation"),
}
_INTERNAL = (500, "Internal server error", "internal")


def document(status: int, title: str, slug: str, detail: str, **extensions: Any) -> dict[str, Any]:
    return {
        "type": f"urn:canger:problem:{slug}",
        "title": title,
        "status": status,
        "detail": detail,
        **extensions,
    }


def _classify(error: CangerError) -> tuple[int, str, str]:
    for cls in type(error).__mro__:
        if cls in _STATUS:
            return _STATUS[cls]
    return _INTERNAL


def problem_body(error: CangerError) -> tuple[int, dict[str, Any]]:
    status, title, slug = _classify(error)
    body = document(status, title, slug, error.detail, **error.extensions)
    if isinstance(error, InvalidInput):
        body["errors"] = [{"field": e.field, "message": e.message} for e in error.errors]
    return status, body


def _headers(error: CangerError, status: int) -> dict[str, str]:
    # A 401 tells the client how to authenticate (RFC 6750); a 405 which methods the path has (RFC 9110).
    if status == 401:
        return {"WWW-Authenticate": 'Bearer realm="canger"'}
    if isinstance(error, MethodNotAllowed):
        return {"Allow": ", ".join(error.allowed)}
    return {}


def response(error: CangerError) -> Response:
    """A Powertools ``Response`` for a domain error (inside the resolver)."""
    status, body = problem_body(error)
    return Response(status, CONTENT_TYPE, json.dumps(body, ensure_ascii=False), headers=_headers(error, status))


def lambda_response(error: CangerError) -> dict[str, Any]:
    """An API Gateway v2 response for a domain error (outside the resolver: size, JSON, idempotency)."""
    status, body = problem_body(error)
    return {
        "statusCode": status,
        "headers": {"Content-Type": CONTENT_TYPE, **_headers(error, status)},
        "body": json.dumps(body, ensure_ascii=False),
        "isBase64Encoded": False,
    }


def _internal_body() -> str:
    status, title, slug = _INTERNAL
    return json.dumps(document(status, title, slug, "Something went wrong on our side; it has been logged."))


def internal_lambda_response() -> dict[str, Any]:
    return {
        "statusCode": _INTERNAL[0],
        "headers": {"Content-Type": CONTENT_TYPE},
        "body": _internal_body(),
        "isBase64Encoded": False,
    }


def field_path(location: Sequence[Any]) -> str:
    """Pydantic's ``("body", "participants", 0, "hours")`` → ``"participants[0].hours"``."""
    parts = list(location)
    if parts and parts[0] in ("body", "query", "path", "header"):
        parts = parts[1:]
    path = ""
    for part in parts:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path or "body"


def _message(error: Mapping[str, Any]) -> str:
    message = str(error.get("msg", "is invalid"))
    return message.removeprefix("Value error, ")


def validation_error(exc: RequestValidationError) -> InvalidInput:
    return InvalidInput([FieldError(field_path(e.get("loc", ())), _message(e)) for e in exc.errors()])


def register(app: APIGatewayHttpResolver) -> None:
    """Install the mapping on a resolver: domain errors, request validation, unknown routes, the rest."""

    @app.exception_handler(CangerError)
    def _domain(error: CangerError) -> Response:
        return response(error)

    @app.exception_handler(RequestValidationError)
    def _validation(exc: RequestValidationError) -> Response:
        return response(validation_error(exc))

    @app.not_found
    def _not_found(_: NotFoundError) -> Response:
        return response(NotFound("No such resource."))

    @app.exception_handler(Exception)
    def _unexpected(error: Exception) -> Response:
        logger.exception("unhandled error", error=type(error).__name__)
        return Response(_INTERNAL[0], CONTENT_TYPE, _internal_body())


class FieldProblem(BaseModel):
    field: str = Field(description="Where in the request: `contact.phone`, `participants[0].hours`, `cursor`")
    message: str


class Problem(BaseModel):
    """An ``application/problem+json`` document (RFC 9457); the one error shape of every operation."""

    # Some problems carry one more member: `current_version` (stale `expected_version`), `existing_id`
    # (a phone already registered) or `balance` (a disbursement beyond it).
    model_config = ConfigDict(extra="allow")

    type: str = Field(examples=["urn:canger:problem:validation"])
    title: str = Field(examples=["Unprocessable content"])
    status: int = Field(ge=400, le=599, examples=[422])
    detail: str = Field(examples=["The request has invalid fields."])
    errors: list[FieldProblem] | None = Field(default=None, description="Validation problems only: one per field")
