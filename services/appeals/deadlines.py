"""Deadline job ``appeal-deadlines`` (EventBridge Scheduler, every 15 minutes; locally the same, and
``POST /_local/schedules/appeal-deadlines``): flags appeals whose deadline passed, escalates them by policy.

Input: ``{}`` on schedule — as of now; ``{"now": "2025-10-10T09:00:00+08:00"}`` — as of that time, so a
run can be repeated or a missed one caught up. Output: ``{"due", "overdue", "escalated", "stale"}``.

It is a function of the appeals service, not of ``services/platform``: it changes appeal records by the
appeals' rules (the overdue flag, history, escalation, a new respond_by) in the same transactions as the
API does, through the same data layer; anywhere else it would have to import the appeals service or copy
its record mapping. Its role reaches ``APPEALS#`` and ``OUTBOX#`` items only.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any

from services.appeals.logic import overdue
from services.common.observability import logger, traced


@logger.inject_lambda_context(clear_state=True)
@traced
def lambda_handler(event: dict[str, Any] | None, context: Any) -> dict[str, int]:
    at = (event or {}).get("now")
    now = datetime.fromisoformat(at) if at else None
    if now is not None and now.tzinfo is None:
        raise ValueError("now must carry an offset")
    return asdict(overdue.sweep(now))
