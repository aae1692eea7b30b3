"""``canger_local.moto_patches``' SQS changes (its item 6) against moto as it ships: the same messages, the same
counts. One script of sends, receives, visibility changes and deletes runs against both; every answer must agree.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from canger_local import moto_patches


@pytest.fixture(autouse=True)
def patch_state() -> Iterator[None]:
    with moto_patches.unpatched():
        yield


def _counts(sqs: Any, url: str) -> tuple[str, str, str]:
    names = [
        "ApproximateNumberOfMessages",
        "ApproximateNumberOfMessagesNotVisible",
        "ApproximateNumberOfMessagesDelayed",
    ]
    got = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=names)["Attributes"]
    return (got[names[0]], got[names[1]], got[names[2]])


def _script() -> list[Any]:
    """What a consumer sees: visible messages only, in-flight ones held back, delayed ones not yet."""
    seen: list[Any] = []
    with mock_aws():
        sqs = boto3.client("sqs", region_name="us-east-1")
        url = sqs.create_queue(QueueName="events", Attributes={"MessageRetentionPeriod": "600"})["QueueUrl"]
        for n in range(25):
            sqs.send_message(QueueUrl=url, MessageBody=f"m{n}")
        sqs.send_message(QueueUrl=url, MessageBody="later", DelaySeconds=600)
        seen.append(_counts(sqs, url))
        first = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=300)["Messages"]
        second = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=300)["Messages"]
        seen.append(sorted(m["Body"] for m in first + second))
        seen.append(_counts(sqs, url))
        # One message comes back at once (a failed record); the others of the first batch are deleted.
        sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=first[0]["ReceiptHandle"], VisibilityTimeout=0)
        sqs.delete_message_batch(
            QueueUrl=url, Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(first[1:])]
        )
        rest = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=300)["Messages"]
        seen.append(sorted(m["Body"] for m in rest))
        seen.append(_counts(sqs, url))
        seen.append(sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=0).get("Messages", []))
    return seen


def test_patched_moto_receives_exactly_what_moto_does():
    expected = _script()
    moto_patches.apply()
    actual = _script()
    assert actual == expected
    # and the script means something: batches of ten, the returned message first, nothing delayed handed out
    assert expected[0] == ("25", "0", "1")
    assert len(expected[1]) == 20 and "later" not in expected[1]
    assert len(expected[3]) == 6 and len(set(expected[3]) & set(expected[1])) == 1
    assert expected[-1] == []
