"""Outbox relay: the scheduled job that republishes events no consumer has confirmed.

Invoked by EventBridge Scheduler every minute (and by ``POST /_local/schedules/outbox-relay``).
Input ``{"all": true}`` republishes every pending event, due or not.
"""

from typing import Any

from services.common.data import outbox
from services.common.observability import logger, traced


@logger.inject_lambda_context(clear_state=True)
@traced
def lambda_handler(event: dict[str, Any] | None, context: Any) -> dict[str, int]:
    result = outbox.relay(not_yet_due=bool((event or {}).get("all")))
    return {"due": result.due, "published": result.published, "failed": result.failed}
