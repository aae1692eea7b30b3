"""A year of synthetic events for the dashboard, put on a running local server's queue.

    python -m tests.browser.seed <AWS endpoint> <count> [year]

The local server must use that endpoint (``canger serve`` with ``AWS_ENDPOINT_URL``, e.g. a
``moto_server``): the events' outbox items are written and the events sent to the events queue, so
the server's own worker counts them exactly as it counts events from its API. ``POST /_local/drain``
afterwards waits until they are counted. Run as its own process so its AWS environment stays its own.

The events are ``testkit.synthetic``'s: appeals submitted and resolved and volunteer activities
spread over the year in all 44 communities (the demo data adds meetings and projects).
"""

from __future__ import annotations

import os
import sys


def seed(endpoint: str, count: int, year: int) -> None:
    os.environ.update(
        {
            "AWS_ENDPOINT_URL": endpoint,
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_DEFAULT_REGION": "us-east-1",
        }
    )
    from services import catalog
    from services.common.data import aws
    from testkit import synthetic

    made = synthetic.events(count, year=year)
    synthetic.write_outbox(made)
    sqs = aws.client("sqs")
    queue = sqs.get_queue_url(QueueName=catalog.EVENTS_QUEUE)["QueueUrl"]
    records = synthetic.sqs_records(made)
    for start in range(0, len(records), 10):
        entries = [{"Id": str(n), "MessageBody": r["body"]} for n, r in enumerate(records[start : start + 10])]
        failed = sqs.send_message_batch(QueueUrl=queue, Entries=entries).get("Failed")
        if failed:
            raise RuntimeError(f"SQS refused {failed}")


if __name__ == "__main__":
    seed(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]) if len(sys.argv) > 3 else 2025)
