"""The local gateway runs one invocation of a function at a time, like one Lambda execution environment.

A handler keeps request state in its module (Powertools' resolver holds the current event), so two
server threads inside one handler could answer a request from the other's event.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from canger_local import gateway
from services import catalog


def test_a_function_runs_one_invocation_at_a_time_and_different_functions_run_side_by_side(monkeypatch):
    # Given a handler that notes how many invocations of each function are inside it at once
    inside: dict[str, int] = {}
    most: dict[str, int] = {}
    lock = threading.Lock()

    def handler_for(dotted: str) -> Any:
        def handler(event: dict, context: Any) -> None:
            with lock:
                inside[context.function_name] = inside.get(context.function_name, 0) + 1
                most[context.function_name] = max(most.get(context.function_name, 0), inside[context.function_name])
                most["all"] = max(most.get("all", 0), sum(inside.values()))
            time.sleep(0.05)
            with lock:
                inside[context.function_name] -= 1

        return handler

    monkeypatch.setattr(gateway, "load_handler", handler_for)
    appeals, volunteers = (
        next(f for f in catalog.FUNCTIONS if f.name == name) for name in ("appeals-api", "volunteers-api")
    )
    # When four threads invoke each of two functions
    threads = [threading.Thread(target=gateway.invoke, args=(f, {})) for f in (appeals, volunteers) * 4]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # Then each function had one invocation at a time, and the two ran side by side
    assert (most["appeals-api"], most["volunteers-api"], most["all"]) == (1, 1, 2)
