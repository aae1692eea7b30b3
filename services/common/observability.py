"""One logger, tracer and metrics object for every function.

Log messages are static lower-case strings; facts go in keyword arguments::

    logger.info("appeal resolved", appeal_id=appeal.id, on_site=True)

Never put a phone number, a contact name or free text a resident wrote into a log line.
"""

import warnings

from aws_lambda_powertools import Logger, Metrics, Tracer

logger = Logger()
tracer = Tracer()
metrics = Metrics(namespace="Canger")

# Most requests emit no business metric (a GET, a refused POST); Powertools warns on every such
# flush, which would bury real warnings in the logs.
warnings.filterwarnings("ignore", message="No application metrics to publish")
