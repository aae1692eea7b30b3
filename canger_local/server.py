"""The local stack in one process: moto, the resources, the HTTP API, consumers and schedules.

    canger serve  ──► embedded moto (or $AWS_ENDPOINT_URL)  ◄── handlers' boto3 clients
          │                                                          ▲
          └── werkzeug HTTP server ──► gateway (routes, JWT) ──► lambda_handler
                                        worker (queue → consumer, schedules, drain)

Local-only routes: ``GET /_local/health``, ``POST /_local/drain``, ``POST /_local/schedules/<name>``,
``POST /_local/clock`` (moves "now" for every function and job). The dashboard (``web/dist``) is at ``/``
(``static``). ``GET /docs``, Swagger UI, is the directory function's, as in AWS.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from pydantic import AwareDatetime, TypeAdapter, ValidationError
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from canger_local import moto_guard, resources, static
from canger_local.gateway import Cors, HttpRequest, handle
from canger_local.tokens import Verifier
from canger_local.worker import Worker
from services import catalog
from services.common.config import get_settings
from services.common.data import aws
from services.common.domain import clock
from services.common.domain.errors import CangerError, InvalidInput, MalformedRequest, NotFound
from services.common.edge import problems
from services.common.observability import logger

_EMBEDDED: Any = None  # the embedded moto, while it runs
_AWARE: TypeAdapter[AwareDatetime] = TypeAdapter(AwareDatetime)


def configure_environment(endpoint_url: str | None) -> str:
    """Point every boto3 client at moto (started here) or at ``endpoint_url``; say which."""
    # werkzeug's request log would print every boto3 call to the embedded moto; we log our own requests.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
    # Any region: botocore reads only AWS_DEFAULT_REGION, while Lambda (and many shells) set AWS_REGION,
    # so AWS_REGION wins when both are set, and every client and resource follows it.
    region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"
    os.environ["AWS_REGION"] = os.environ["AWS_DEFAULT_REGION"] = region
    os.environ.setdefault("POWERTOOLS_TRACE_DISABLED", "true")
    os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")
    os.environ.setdefault("POWERTOOLS_SERVICE_NAME", "canger-local")
    if not endpoint_url:
        from moto import mock_aws  # imported only when embedding moto

        from canger_local import moto_patches

        # Transactions in O(their items), queries in O(their partition): see moto_patches.
        moto_patches.apply()
        # moto answers in this process, through botocore's hooks, not behind an HTTP port: no socket,
        # thread and HTTP parsing per AWS call (1.5 ms of CPU each; a request makes three or four).
        global _EMBEDDED
        _EMBEDDED = mock_aws()
        _EMBEDDED.start()
        os.environ.pop("AWS_ENDPOINT_URL", None)
        endpoint = "moto, in this process"
    else:
        os.environ["AWS_ENDPOINT_URL"] = endpoint = endpoint_url
    from canger_local import tokens

    os.environ.setdefault("CURSOR_KEY", tokens.cursor_key())
    aws.reset_clients()
    get_settings.cache_clear()
    return endpoint


def printable(text: str) -> str:
    """``text`` with control characters escaped: a ``%0a`` in a path must not start a forged log line."""
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text)


def _json(status: int, body: Any) -> Response:
    return Response(json.dumps(body, ensure_ascii=False), status=status, content_type="application/json")


def _problem(error: CangerError) -> Response:
    response = problems.lambda_response(error)
    return Response(response["body"], status=response["statusCode"], headers=response["headers"])


@dataclass
class LocalStack:
    worker: Worker
    verifier: Verifier
    ready: threading.Event
    cors: Cors = field(default_factory=Cors)

    def wsgi(self, environ: dict, start_response: Any) -> Any:
        request = Request(environ)
        started = time.perf_counter()
        response = self.dispatch(request)
        # One access line per request, no query string or body: they may carry personal data.
        elapsed_ms = (time.perf_counter() - started) * 1000
        line = f"{printable(request.method)} {printable(request.path)} {response.status_code} {elapsed_ms:.0f}ms"
        print(line, file=sys.stderr)
        return response(environ, start_response)

    def dispatch(self, request: Request) -> Response:
        path = request.path
        try:
            if path == "/_local/health":
                return _json(200 if self.ready.is_set() else 503, {"ready": self.ready.is_set()})
            if path == "/_local/drain" and request.method == "POST":
                return _json(200, self.worker.drain())
            if path.startswith("/_local/schedules/") and request.method == "POST":
                return self.run_schedule(path.removeprefix("/_local/schedules/"), request)
            if path == "/_local/clock" and request.method == "POST":
                return set_clock(request)
            if path.startswith("/_local/"):
                return _problem(NotFound("No such local route."))
            if request.method in ("GET", "HEAD") and (page := static.response(path)) is not None:
                return page  # the dashboard (web/dist) and its config.json
            result = handle(
                HttpRequest(
                    method=request.method,
                    path=path,
                    query_string=request.query_string.decode("latin-1"),
                    headers={k.lower(): v for k, v in request.headers.items()},
                    body=request.get_data(),
                    source_ip=request.remote_addr or "127.0.0.1",
                ),
                self.verifier,
                self.cors,
            )
            return Response(result.body, status=result.status, headers=result.headers)
        except Exception:
            logger.exception("local server error", path=path)
            response = problems.internal_lambda_response()
            return Response(response["body"], status=500, headers=response["headers"])

    def run_schedule(self, name: str, request: Request) -> Response:
        if name not in self.worker.schedules:
            return _problem(NotFound("No such schedule."))
        payload: Any = {}
        if request.get_data():
            try:
                payload = json.loads(request.get_data())
            except ValueError:
                return _problem(MalformedRequest("The body is not valid JSON."))
            if not isinstance(payload, dict):
                return _problem(InvalidInput.field("body", "The schedule input must be a JSON object."))
        return _json(200, {"schedule": name, "result": self.worker.run_schedule(name, payload)})


def set_clock(request: Request) -> Response:
    """``{"now": "2025-09-30T10:00:00+08:00"}`` moves the one clock (``services.common.domain.clock``) that
    every handler and job in this process reads; ``{"now": null}`` is the real clock again. Tokens are still
    checked against the real time: they were issued by it."""
    try:
        payload = json.loads(request.get_data() or b"null")
    except ValueError:
        return _problem(MalformedRequest("The body is not valid JSON."))
    if not isinstance(payload, dict) or "now" not in payload:
        return _problem(InvalidInput.field("now", 'Send {"now": <RFC 3339 time>} or {"now": null}.'))
    try:
        if payload["now"] is not None and not isinstance(payload["now"], str):
            raise ValueError("not text")
        moment = None if payload["now"] is None else _AWARE.validate_python(payload["now"])
    except (ValueError, ValidationError):
        return _problem(InvalidInput.field("now", "Must be an RFC 3339 time with an offset, or null."))
    now = clock.set_now(moment)
    logger.info("local clock set", moved=clock.is_moved())
    return _json(200, {"now": clock.to_rfc3339(now), "moved": clock.is_moved()})


def serve(
    host: str, port: int, *, demo: str | None, on_ready: Any = None, allow_origins: tuple[str, ...] | None = None
) -> None:
    """Start everything and serve until interrupted. ``demo``: None (reference data only), "small" or "programme"."""
    external = os.environ.get("AWS_ENDPOINT_URL")
    endpoint = configure_environment(external)
    moto_guard.serialize(aws.client("dynamodb"))
    queues = resources.create_all(get_settings())
    worker = Worker({catalog.EVENTS_QUEUE: queues.events_url})
    cors = Cors(allow_origins) if allow_origins else Cors()
    stack = LocalStack(worker=worker, verifier=Verifier(), ready=threading.Event(), cors=cors)
    server = make_server(host, port, stack.wsgi, threaded=True)
    # Serving starts before the demo data goes in, so /_local/health answers 503 (not a hung
    # connection) until everything is ready.
    serving = threading.Thread(target=server.serve_forever, name="http", daemon=True)
    serving.start()
    worker.start()
    try:
        if demo == "small":
            from canger_local import demo as small

            small.seed(stack)
        elif demo == "programme":
            from canger_local import programme

            programme.seed(stack, embedded=not external)
        stack.ready.set()
        logger.info("local stack ready", endpoint=endpoint, host=host, port=server.port)
        if on_ready:
            on_ready(server.port)
        while serving.is_alive():
            serving.join(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        worker.stop()
        server.shutdown()
        server.server_close()
