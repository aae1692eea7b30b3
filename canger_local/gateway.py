"""What API Gateway does in front of the functions: match a route, check the token, build the event.

Routes come from ``services.catalog`` (the table CDK deploys). A request becomes a payload-format-2.0
event and goes to the function's ``lambda_handler``; the handler's response becomes the HTTP response.
"""

from __future__ import annotations

import base64
import importlib
import json
import logging
import re
import threading
import time
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import Any
from urllib.parse import parse_qsl

from canger_local.tokens import InvalidToken, Verifier, as_gateway_claims
from services import catalog
from services.common.domain.errors import CangerError, NotAuthenticated
from services.common.edge import problems
from services.common.observability import logger


@dataclass(frozen=True)
class LambdaContext:
    """The parts of Lambda's context object that Powertools reads."""

    function_name: str
    memory_limit_in_mb: int = 512
    aws_request_id: str = ""
    timeout_seconds: int = 30

    @property
    def invoked_function_arn(self) -> str:
        return f"arn:aws:lambda:us-east-1:000000000000:function:{self.function_name}"

    @property
    def function_version(self) -> str:
        return "$LATEST"

    def get_remaining_time_in_millis(self) -> int:
        return self.timeout_seconds * 1000


@cache
def load_handler(dotted: str) -> Callable[[dict[str, Any], Any], Any]:
    module, _, attribute = dotted.rpartition(".")
    return getattr(importlib.import_module(module), attribute)


# In AWS each invocation has its process to itself; here functions run side by side in threads and share
# one Powertools logger, whose Lambda-context keys are process-wide (and its thread-local keys are cleared
# by every `inject_lambda_context`): the last invocation to start would name every log line. A filter on
# the logger's handler writes this thread's invocation onto each record instead; record attributes are
# what Powertools' formatter applies last.
_INVOCATION: ContextVar[dict[str, Any] | None] = ContextVar("canger_local_invocation", default=None)


class _NameTheInvocation(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.__dict__.update(_INVOCATION.get() or {})
        return True


@cache
def _install_log_filter() -> None:
    logger.registered_handler.addFilter(_NameTheInvocation())


# One invocation of a function at a time, as in one Lambda execution environment. A handler keeps state in
# its module (Powertools' resolver holds the current event on the app), which AWS never shares between
# concurrent requests; here the server's threads would, and a request could be answered from another's
# event (seen in benchmarks/local_scale.py: 4 client threads, an appeal filed in the wrong community).
_INVOKING = {function.name: threading.Lock() for function in catalog.FUNCTIONS}


def invoke(function: catalog.Function, event: dict[str, Any]) -> Any:
    context = LambdaContext(function.name, function.memory_mb, str(uuid.uuid4()), function.timeout_seconds)
    _install_log_filter()
    keys = {
        "function_name": context.function_name,
        "function_memory_size": context.memory_limit_in_mb,
        "function_arn": context.invoked_function_arn,
        "function_request_id": context.aws_request_id,
    }
    request_id = (event.get("requestContext") or {}).get("requestId")
    if request_id:
        keys["correlation_id"] = request_id
    token = _INVOCATION.set(keys)
    try:
        with _INVOKING[function.name]:
            return load_handler(function.handler)(event, context)
    finally:
        _INVOCATION.reset(token)


@dataclass(frozen=True)
class _CompiledRoute:
    function: catalog.Function
    route: catalog.Route
    pattern: re.Pattern[str]


def _compile(path: str) -> re.Pattern[str]:
    regex = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(path))
    return re.compile(f"^{regex}$")


@cache
def _routes() -> tuple[_CompiledRoute, ...]:
    compiled = [
        _CompiledRoute(function, route, _compile(route.path))
        for function in catalog.http_functions()
        for route in function.routes
    ]
    # API Gateway prefers the most specific route: literal segments before parameters.
    compiled.sort(key=lambda r: (r.route.path.count("{"), -len(r.route.path)))
    return tuple(compiled)


@cache
def _default_function() -> catalog.HttpFunction:
    return catalog.default_function()


@dataclass(frozen=True)
class HttpRequest:
    method: str
    path: str
    query_string: str
    headers: dict[str, str]  # lower-case names
    body: bytes
    source_ip: str = "127.0.0.1"


@dataclass(frozen=True)
class HttpResponse:
    status: int
    headers: list[tuple[str, str]]
    body: bytes


def _problem(error: CangerError) -> HttpResponse:
    response = problems.lambda_response(error)
    return HttpResponse(response["statusCode"], list(response["headers"].items()), response["body"].encode())


def _match(method: str, path: str) -> tuple[catalog.Function, catalog.Route | None, dict[str, str]]:
    for compiled in _routes():
        if compiled.route.method != method:
            continue
        found = compiled.pattern.match(path)
        if found:
            return compiled.function, compiled.route, found.groupdict()
    return _default_function(), None, {}


def _query_parameters(query_string: str) -> dict[str, str] | None:
    if not query_string:
        return None
    merged: dict[str, str] = {}
    for name, value in parse_qsl(query_string, keep_blank_values=True):
        # API Gateway joins repeated parameters with commas.
        merged[name] = f"{merged[name]},{value}" if name in merged else value
    return merged


def build_event(
    request: HttpRequest, route: catalog.Route | None, path_parameters: dict[str, str], claims: dict | None
) -> dict[str, Any]:
    now = datetime.now(UTC)
    route_key = route.route_key if route else "$default"
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": route_key,
        "rawPath": request.path,
        "rawQueryString": request.query_string,
        # API Gateway adds X-Forwarded-Proto (https there); here it is plain http.
        "headers": {"x-forwarded-proto": "http", **request.headers},
        "requestContext": {
            "accountId": "000000000000",
            "apiId": "local",
            "domainName": request.headers.get("host", "127.0.0.1"),
            "domainPrefix": "local",
            "http": {
                "method": request.method,
                "path": request.path,
                "protocol": "HTTP/1.1",
                "sourceIp": request.source_ip,
                "userAgent": request.headers.get("user-agent", ""),
            },
            "requestId": str(uuid.uuid4()),
            "routeKey": route_key,
            "stage": "$default",
            "time": now.strftime("%d/%b/%Y:%H:%M:%S +0000"),
            "timeEpoch": int(time.time() * 1000),
        },
        "isBase64Encoded": False,
    }
    if request.headers.get("cookie"):
        event["cookies"] = [c.strip() for c in request.headers["cookie"].split(";")]
    parameters = _query_parameters(request.query_string)
    if parameters:
        event["queryStringParameters"] = parameters
    if path_parameters:
        event["pathParameters"] = path_parameters
    if claims is not None:
        event["requestContext"]["authorizer"] = {"jwt": {"claims": as_gateway_claims(claims), "scopes": None}}
    if request.body:
        try:
            event["body"] = request.body.decode("utf-8")
        except UnicodeDecodeError:
            event["body"] = base64.b64encode(request.body).decode()
            event["isBase64Encoded"] = True
    return event


def _bearer(headers: dict[str, str]) -> str | None:
    value = headers.get("authorization", "")
    scheme, _, token = value.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def _lambda_to_http(response: Any) -> HttpResponse:
    if not isinstance(response, dict) or "statusCode" not in response:
        # HTTP API's payload 2.0 treats any other return value as a JSON 200 body.
        return HttpResponse(200, [("Content-Type", "application/json")], json.dumps(response).encode())
    headers = list((response.get("headers") or {}).items())
    headers.extend(("Set-Cookie", cookie) for cookie in response.get("cookies") or [])
    body = response.get("body") or ""
    raw = base64.b64decode(body) if response.get("isBase64Encoded") else body.encode("utf-8")
    return HttpResponse(int(response["statusCode"]), headers, raw)


DEFAULT_ORIGINS = ("http://localhost:*", "http://127.0.0.1:*")
# As the stack's HttpApi cors_preflight (infra_cdk/constructs/api.py).
CORS_METHODS = "GET,POST,PATCH"
CORS_ALLOW_HEADERS = "authorization,content-type,idempotency-key"
CORS_EXPOSE_HEADERS = "location,idempotent-replayed"


@dataclass(frozen=True)
class Cors:
    """API Gateway's CORS handling: preflights answered before any route, and the allowed origin echoed.

    ``Cors(("https://canger.example.cn", "http://localhost:*"))``: ``*`` stands for one host label or a
    port (letters, digits, hyphens), never a dot, so ``http://localhost:*`` does not admit
    ``http://localhost:1.evil.example``.
    """

    origins: tuple[str, ...] = DEFAULT_ORIGINS

    def allows(self, origin: str) -> bool:
        return any(_origin_pattern(allowed).match(origin) for allowed in self.origins)

    def preflight(self, request: HttpRequest) -> HttpResponse | None:
        if request.method != "OPTIONS" or "access-control-request-method" not in request.headers:
            return None
        origin = request.headers.get("origin", "")
        if not self.allows(origin):
            return HttpResponse(204, [], b"")  # as API Gateway: no CORS headers, so the browser refuses
        headers = [
            ("Access-Control-Allow-Origin", origin),
            ("Access-Control-Allow-Methods", CORS_METHODS),
            ("Access-Control-Allow-Headers", CORS_ALLOW_HEADERS),
            ("Vary", "Origin"),
        ]
        return HttpResponse(204, headers, b"")

    def decorate(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        origin = request.headers.get("origin")
        if not origin or not self.allows(origin):
            return response
        headers = [
            *response.headers,
            ("Access-Control-Allow-Origin", origin),
            ("Access-Control-Expose-Headers", CORS_EXPOSE_HEADERS),
            ("Vary", "Origin"),
        ]
        return HttpResponse(response.status, headers, response.body)


@cache
def _origin_pattern(allowed: str) -> re.Pattern[str]:
    if allowed == "*":
        return re.compile(r"^.*$")
    return re.compile("^" + re.escape(allowed).replace(r"\*", "[A-Za-z0-9-]+") + "$")


def handle(request: HttpRequest, verifier: Verifier, cors: Cors = Cors()) -> HttpResponse:
    preflight = cors.preflight(request)
    if preflight is not None:
        return preflight
    return cors.decorate(request, _route(request, verifier))


def _route(request: HttpRequest, verifier: Verifier) -> HttpResponse:
    function, route, path_parameters = _match(request.method, request.path)
    claims = None
    token = _bearer(request.headers)
    if route is not None and not route.public:
        if token is None:
            return _problem(NotAuthenticated("A bearer token is required."))
        try:
            claims = verifier.claims(token)
        except InvalidToken:
            return _problem(NotAuthenticated("The bearer token is invalid or expired."))
    event = build_event(request, route, path_parameters, claims)
    return _lambda_to_http(invoke(function, event))
