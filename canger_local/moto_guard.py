"""One DynamoDB request at a time from the local server, because moto is not thread-safe.

Unpatched moto runs ``TransactWriteItems`` by deep-copying each table it touches and, if a condition
fails, putting the copy back. Two requests at once then lose writes: officer A's transaction commits
while officer B's is between its copy and its rollback, and B's rollback restores the table as it was
before A (seen in ``tests/http/test_appeals_http.py::test_two_officers_racing_exactly_one_wins``).
``canger_local.moto_patches`` (applied to the embedded moto) replaces the copy with a journal of the
transaction's own items, but that is still not isolation: a read in between would see half a
transaction, a write to one of its items before its undo would be undone with it, and moto's dicts may
change under a running Query. So the guard stays: with every DynamoDB call of the server's handlers,
workers and demo loader holding one lock, each transaction is atomic to everyone else
(``tests/integration/test_moto_guard.py``), whether moto is embedded or an external ``moto_server``.
DynamoDB itself needs none of this, so the guard lives in the local server only.
"""

from __future__ import annotations

import threading
from typing import Any

_LOCK = threading.Lock()
_HELD = "canger_holds_dynamodb_lock"


def _acquire(context: dict[str, Any], **_: Any) -> None:
    _LOCK.acquire()
    context[_HELD] = True


def _release(context: dict[str, Any], **_: Any) -> None:
    # after-call on success, after-call-error when the request itself failed: exactly one of them runs.
    if context.pop(_HELD, False):
        _LOCK.release()


def serialize(dynamodb_client: Any) -> None:
    events = dynamodb_client.meta.events
    events.register("before-call.dynamodb", _acquire, unique_id="canger-moto-guard-acquire")
    events.register("after-call.dynamodb", _release, unique_id="canger-moto-guard-release")
    events.register("after-call-error.dynamodb", _release, unique_id="canger-moto-guard-release-error")
