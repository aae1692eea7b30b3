"""A fault-injecting proxy between Canger and a ``moto_server``: the reliability tests' bad network day.

    canger serve ──AWS_ENDPOINT_URL──► FaultProxy ──► moto_server

Per request, by chance (seeded, so a failing run can be repeated)::

    PutEvents          partial   forward only some entries (none of one); answer 200, FailedEntryCount > 0
                       error     answer 500 InternalException without forwarding
                       twice     forward the call twice: every event is delivered two times
    DynamoDB writes    throttle  answer 400 ThrottlingException without forwarding

Everything else passes through untouched. ``counts`` says what was injected, so a test can show
that faults really happened.

    python -m testkit.faults --target http://127.0.0.1:5000 --port 5001
"""

from __future__ import annotations

import argparse
import json
import random
import threading
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import requests
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

DYNAMODB_WRITES = frozenset({"PutItem", "UpdateItem", "DeleteItem", "TransactWriteItems", "BatchWriteItem"})
_HOP_HEADERS = {"host", "content-length", "connection", "accept-encoding", "transfer-encoding"}


@dataclass
class Rates:
    putevents_partial: float = 0.2
    putevents_error: float = 0.1
    putevents_twice: float = 0.2
    dynamodb_throttle: float = 0.1


@dataclass
class FaultProxy:
    target: str
    rates: Rates = field(default_factory=Rates)
    seed: int = 1
    counts: Counter[str] = field(default_factory=Counter)

    def __post_init__(self) -> None:
        self._random = random.Random(self.seed)  # noqa: S311 - fault injection, not security
        self._lock = threading.Lock()
        self._session = requests.Session()

    def _chance(self, rate: float) -> bool:
        with self._lock:
            return self._random.random() < rate

    def _forward(self, request: Request, body: bytes) -> requests.Response:
        headers = {k: v for k, v in request.headers.items() if k.lower() not in _HOP_HEADERS}
        url = self.target.rstrip("/") + request.full_path.rstrip("?")
        return self._session.request(request.method, url, headers=headers, data=body, timeout=30)

    @staticmethod
    def _reply(upstream: requests.Response) -> Response:
        headers = {k: v for k, v in upstream.headers.items() if k.lower() not in _HOP_HEADERS | {"content-encoding"}}
        return Response(upstream.content, status=upstream.status_code, headers=headers)

    def wsgi(self, environ: dict, start_response: Any) -> Any:
        request = Request(environ)
        body = request.get_data()
        target = request.headers.get("X-Amz-Target", "")
        service, _, operation = target.partition(".")
        if (
            service.startswith("DynamoDB_")
            and operation in DYNAMODB_WRITES
            and self._chance(self.rates.dynamodb_throttle)
        ):
            self.counts["dynamodb_throttle"] += 1
            error = {"__type": "com.amazonaws.dynamodb.v20120810#ThrottlingException", "message": "injected"}
            return Response(json.dumps(error), status=400, content_type="application/x-amz-json-1.0")(
                environ, start_response
            )
        if service == "AWSEvents" and operation == "PutEvents":
            return self._put_events(request, body)(environ, start_response)
        return self._reply(self._forward(request, body))(environ, start_response)

    def _put_events(self, request: Request, body: bytes) -> Response:
        if self._chance(self.rates.putevents_error):
            self.counts["putevents_error"] += 1
            error = {"__type": "InternalException", "message": "injected"}
            return Response(json.dumps(error), status=500, content_type="application/x-amz-json-1.1")
        entries = json.loads(body)["Entries"]
        if self._chance(self.rates.putevents_partial):
            self.counts["putevents_partial"] += 1
            # Some entries fail inside a 200 answer; with several, at least one still goes through.
            keep = [self._chance(0.5) for _ in entries]
            keep[0] = len(entries) > 1
            kept = [e for e, k in zip(entries, keep, strict=True) if k]
            results = iter([])
            if kept:
                upstream = self._forward(request, json.dumps({**json.loads(body), "Entries": kept}).encode())
                results = iter(upstream.json().get("Entries", []))
            merged = [
                next(results) if k else {"ErrorCode": "InternalFailure", "ErrorMessage": "injected"} for k in keep
            ]
            answer = {"FailedEntryCount": keep.count(False), "Entries": merged}
            return Response(json.dumps(answer), status=200, content_type="application/x-amz-json-1.1")
        upstream = self._forward(request, body)
        if self._chance(self.rates.putevents_twice):
            self.counts["putevents_twice"] += 1
            upstream = self._forward(request, body)
        return self._reply(upstream)

    def serve(self, host: str = "127.0.0.1", port: int = 0) -> tuple[Any, int]:
        """Serve in a background thread; returns (server, port). ``server.shutdown()`` stops it."""
        server = make_server(host, port, self.wsgi, threaded=True)
        threading.Thread(target=server.serve_forever, name="fault-proxy", daemon=True).start()
        return server, server.port


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", required=True)
    parser.add_argument("--port", type=int, default=5001)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    proxy = FaultProxy(args.target, seed=args.seed)
    server = make_server("127.0.0.1", args.port, proxy.wsgi, threaded=True)
    print(f"fault proxy on http://127.0.0.1:{args.port} → {args.target}", flush=True)  # noqa: T201
    server.serve_forever()


if __name__ == "__main__":
    main()
