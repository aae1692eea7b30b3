"""What every HTTP function shares: the resolver, the caller, and the Lambda entry point.

A service's ``handler.py`` reads::

    app = create_app()

    @app.get("/v1/things/<thing_id>")
    def get_thing(thing_id: str) -> Thing:
        return things.get(thing_id, by=caller(app))

    lambda_handler = http_handler(app)

``http_handler`` does what must happen before routing: it refuses bodies over 32 KiB (413), writes not
sent as JSON (415), bodies that are not one plain JSON object (400) or hold numbers or text no field may
hold (422), and runs POST/PATCH requests that carry ``Idempotency-Key`` through
Powertools Idempotency (API.md, "Idempotency").
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable
from functools import cache, partial
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse
from aws_lambda_powertools.logging import correlation_paths

from services.common.config import get_settings
from services.common.data import aws
from services.common.domain.auth import Principal, claims_from_event, principal_from_claims
from services.common.domain.errors import (
    CangerError,
    Conflict,
    InvalidInput,
    MalformedRequest,
    NotFound,
    TooLarge,
    UnsupportedMediaType,
)
from services.common.edge import problems, strict_json
from services.common.observability import logger, metrics, traced

if TYPE_CHECKING:  # Powertools Idempotency is imported on first use (see _idempotent_call)
    from aws_lambda_powertools.utilities.idempotency.persistence.datarecord import DataRecord

MAX_BODY_BYTES = 32 * 1024
IDEMPOTENCY_HEADER = "idempotency-key"
REPLAYED_HEADER = "Idempotent-Replayed"
IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60
_VISIBLE_ASCII = re.compile(r"^[\x21-\x7e]{1,255}$")
_WRITE_METHODS = frozenset({"POST", "PATCH", "PUT", "DELETE"})

LambdaHandler = Callable[[dict[str, Any], Any], dict[str, Any]]


def create_app() -> APIGatewayHttpResolver:
    """A resolver with request validation, JSON that keeps Chinese readable, and the problem mapping."""
    app = APIGatewayHttpResolver(
        enable_validation=True,
        serializer=partial(json.dumps, ensure_ascii=False, separators=(",", ":"), default=str),
    )
    problems.register(app)
    return app


def caller(app: APIGatewayHttpResolver) -> Principal:
    """The signed-in caller of the current request; 401 if there is none."""
    return principal_from_claims(claims_from_event(app.current_event.raw_event))


def optional_caller(app: APIGatewayHttpResolver) -> Principal | None:
    """The caller on a public route, if a valid token came with the request."""
    claims = claims_from_event(app.current_event.raw_event)
    return principal_from_claims(claims) if claims else None


def _header(event: dict[str, Any], name: str) -> str | None:
    # API Gateway v2 lower-cases header names; the local server does the same.
    return (event.get("headers") or {}).get(name)


def _method(event: dict[str, Any]) -> str:
    return ((event.get("requestContext") or {}).get("http") or {}).get("method", "GET").upper()


def _body_text(event: dict[str, Any]) -> str | None:
    body = event.get("body")
    if body is None:
        return None
    if event.get("isBase64Encoded"):
        try:
            return base64.b64decode(body).decode("utf-8")
        except (ValueError, UnicodeDecodeError) as error:
            raise MalformedRequest("The body is not UTF-8 text.") from error
    return body


def _is_json(content_type: str | None) -> bool:
    # "application/json; charset=utf-8" is JSON too; any other media type is not.
    return (content_type or "").split(";")[0].strip().lower() == "application/json"


def parse_body(event: dict[str, Any]) -> Any:
    """The request body as JSON, after the size, media-type and shape checks every route relies on.

    Returns ``None`` for a request without a body. Raises ``TooLarge`` (413), ``UnsupportedMediaType``
    (415) for a write not sent as ``application/json``, ``MalformedRequest`` (400) when a write's body is
    not one JSON object, nested at most 32 deep, without repeated keys, and ``InvalidInput`` (422) for
    numbers and text no field may hold (``strict_json``).
    """
    text = _body_text(event)
    if text is not None and len(text.encode("utf-8", "surrogatepass")) > MAX_BODY_BYTES:
        raise TooLarge(f"The body is over {MAX_BODY_BYTES // 1024} KiB.")
    if _method(event) not in _WRITE_METHODS:
        return None
    content_type = _header(event, "content-type")
    if (text or content_type is not None) and not _is_json(content_type):
        raise UnsupportedMediaType("Send the body as application/json.")
    if not text:
        return None
    parsed = strict_json.loads(text)
    if not isinstance(parsed, dict):
        raise MalformedRequest("The body must be a JSON object.")
    return parsed


_FOUR_DIGITS = re.compile(r"^[0-9]{4}$")


def check_parameters(event: dict[str, Any]) -> None:
    """Query and path values hold text as bodies do: no control characters, no lone surrogates (422).

    A ``year`` is four digits (API.md): pydantic alone would read "2024.0" or " 2024" as 2024.
    """
    for source in ("queryStringParameters", "pathParameters"):
        for name, value in (event.get(source) or {}).items():
            if name == "year" and not _FOUR_DIGITS.match(value):
                raise InvalidInput.field(name, "must be a year of four digits, e.g. 2025")
            if source == "pathParameters":
                # A path value is looked up, never stored: the route answers 404 for what names nothing.
                # Only a lone surrogate, which no lookup can even encode, is stopped here.
                if strict_json.has_surrogate(value):
                    raise NotFound("No such resource.")
                continue
            problem = strict_json.text_problem(f"{name}{value}")
            if problem:
                raise InvalidInput.field(name, problem)


class _NotToBeRemembered(Exception):
    """Raised inside the idempotent call so that Powertools forgets a 5xx instead of replaying it."""

    def __init__(self, response: dict[str, Any]) -> None:
        super().__init__("server error")
        self.response = response


def _mark_replayed(response: Any, idempotent_data: DataRecord) -> Any:
    """Powertools' response hook (``IdempotentHookFunction``): a replayed response says so."""
    response.setdefault("headers", {})[REPLAYED_HEADER] = "true"
    return response


@cache
def _idempotent_call() -> tuple[Any, Callable[..., dict[str, Any]]]:
    # Built on first use: Powertools Idempotency imports boto3 and creates a DynamoDB client, which
    # a cold start of a GET-only invocation should not pay for.
    from aws_lambda_powertools.utilities.idempotency import (
        DynamoDBPersistenceLayer,
        IdempotencyConfig,
        idempotent_function,
    )

    persistence = DynamoDBPersistenceLayer(
        table_name=get_settings().idempotency_table, boto3_client=aws.client("dynamodb")
    )
    config = IdempotencyConfig(
        # The key is the caller and their Idempotency-Key; the request (method, path, parsed body)
        # must match. Powertools hashes with sorted keys, so key order and white space do not matter.
        event_key_jmespath="[caller, key]",
        payload_validation_jmespath="request",
        expires_after_seconds=IDEMPOTENCY_TTL_SECONDS,
        response_hook=_mark_replayed,
    )

    @idempotent_function(
        data_keyword_argument="identity", persistence_store=persistence, config=config, key_prefix="http"
    )
    def resolve(*, identity: dict[str, Any], app: APIGatewayHttpResolver, event: dict, context: Any) -> dict:
        response = app.resolve(event, context)
        if response["statusCode"] >= 500:
            raise _NotToBeRemembered(response)
        return response

    return config, resolve


def _resolve_idempotently(app: APIGatewayHttpResolver, event: dict, context: Any, body: Any, key: str) -> dict:
    if not _VISIBLE_ASCII.match(key):
        raise InvalidInput.field("Idempotency-Key", "Use 1 to 255 visible ASCII characters.")
    claims = claims_from_event(event) or {}
    identity = {
        "caller": str(claims.get("sub", "anonymous")),
        "key": key,
        "request": {"method": _method(event), "path": event.get("rawPath", ""), "body": body},
    }
    from aws_lambda_powertools.utilities.idempotency.exceptions import (
        IdempotencyAlreadyInProgressError,
        IdempotencyValidationError,
    )

    config, resolve = _idempotent_call()
    # The in-progress lock expires with this invocation's remaining time, not a fixed guess.
    config.register_lambda_context(context)
    try:
        return resolve(identity=identity, app=app, event=event, context=context)
    except _NotToBeRemembered as signal:
        return signal.response
    except IdempotencyValidationError as error:
        raise InvalidInput.field(
            "Idempotency-Key", "This key was used with a different request in the last 24 hours."
        ) from error
    except IdempotencyAlreadyInProgressError as error:
        raise Conflict("A request with this Idempotency-Key is still in progress; retry shortly.") from error


def http_handler(app: APIGatewayHttpResolver, *, idempotency: bool = True) -> LambdaHandler:
    """The Lambda entry point for an HTTP API function serving ``app``.

    ``idempotency=False`` for a read-only API, whose role has no access to the idempotency table.
    """

    @logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP, clear_state=True)
    @traced
    @metrics.log_metrics
    def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        try:
            # A request no route matched (API Gateway's $default) is answered 404 or 405 whatever it carries.
            body = None
            if event.get("routeKey") != "$default":
                check_parameters(event)
                body = parse_body(event)
            if body is not None:
                # The resolver parses the body again: hand it what strict_json read (2.0 is the integer 2).
                event = {**event, "body": json.dumps(body, ensure_ascii=False), "isBase64Encoded": False}
            key = _header(event, IDEMPOTENCY_HEADER)
            if idempotency and key is not None and _method(event) in _WRITE_METHODS:
                return _resolve_idempotently(app, event, context, body, key)
            return app.resolve(event, context)
        except CangerError as error:
            return problems.lambda_response(error)
        except Exception as error:
            logger.exception("unhandled error", error=type(error).__name__)
            return problems.internal_lambda_response()

    return lambda_handler


def created(model: type) -> dict[int, OpenAPIResponse]:
    """OpenAPI ``responses`` for a route answering 201 with ``model`` and a ``Location`` header."""
    return {
        201: {
            "description": "Created",
            "content": {"application/json": {"model": model}},
            "headers": {"Location": {"description": "The new resource", "schema": {"type": "string"}}},
        }
    }
