"""One logger and metrics object for every function, and opt-in X-Ray SDK tracing.

Log messages are static lower-case strings; facts go in keyword arguments::

    logger.info("appeal resolved", appeal_id=appeal.id, on_site=True)

Never put a phone number, a contact name or free text a resident wrote into a log line.

Tracing: every function runs with Lambda's active tracing, which records each invocation in X-Ray
without any SDK. Powertools Tracer (subsegments per AWS call) is switched on per function with
``POWERTOOLS_TRACE_DISABLED=false``; it is off by default because importing the X-Ray SDK costs
about 170 ms of every cold start, more than the rest of a handler together (see benchmarks/cold_start.py).
"""

import warnings
from collections.abc import Callable
from typing import Any, TypeVar

from aws_lambda_powertools import Logger, Metrics

from services.common.config import get_settings

logger = Logger()
metrics = Metrics(namespace="Canger")

# Most requests emit no business metric (a GET, a refused POST); Powertools warns on every such
# flush, which would bury real warnings in the logs.
warnings.filterwarnings("ignore", message="No application metrics to publish")

Handler = TypeVar("Handler", bound=Callable[..., Any])


def traced(handler: Handler) -> Handler:
    """Wrap a Lambda handler with Powertools Tracer when SDK tracing is switched on."""
    if not get_settings().sdk_tracing:
        return handler
    from aws_lambda_powertools import Tracer  # imports the X-Ray SDK: only when asked for

    return Tracer().capture_lambda_handler(handler, capture_response=False)  # type: ignore[return-value]
