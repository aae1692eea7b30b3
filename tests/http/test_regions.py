"""The local server in any region, against a ``moto_server``: it starts, works, and puts everything there.

Outside us-east-1 S3 wants the bucket's region named (``LocationConstraint``); cn-north-1 is also another
partition (``arn:aws-cn:…``). ``AWS_REGION`` is what Lambda and most shells set; botocore itself reads
only ``AWS_DEFAULT_REGION`` (which the tests set to us-east-1), so this also shows ``AWS_REGION`` wins.
"""

from __future__ import annotations

import boto3
import pytest
import requests

from services.common.domain import years
from services.common.domain.clock import utc_now
from tests.callers import RESIDENT
from tests.http.conftest import moto_server, start_server, stop_server

pytestmark = pytest.mark.http

YEAR = years.year_of(utc_now())


@pytest.mark.parametrize("region", ["ap-east-1", "cn-north-1"])
def test_the_local_server_starts_and_works_in_any_region(tmp_path, monkeypatch, region):
    monkeypatch.setenv("AWS_REGION", region)
    with moto_server() as endpoint:
        server = start_server(tmp_path, "--empty", endpoint_url=endpoint)
        try:
            # When an appeal goes in, its event is counted and the yearly report is stored
            appeal = {"community_id": "cm_ninghe", "category": "medical", "title": "t", "description": "d"}
            created = requests.post(
                server.url("/v1/appeals"), json=appeal, headers=server.headers(RESIDENT.named("r-1")), timeout=30
            )
            assert created.status_code == 201, created.text
            assert requests.post(server.url("/_local/drain"), timeout=120).json()["drained"] is True
            figures = requests.get(
                server.url(f"/v1/stats/{YEAR}"), params={"scope": "community:cm_ninghe"}, timeout=30
            ).json()
            assert figures["appeals"]["submitted"] == 1
            ran = requests.post(server.url("/_local/schedules/yearly-metrics"), json={"year": YEAR}, timeout=120)
            assert ran.status_code == 200, ran.text
            assert requests.get(server.url(f"/v1/reports/{YEAR}.csv"), timeout=30).status_code == 200
        finally:
            stop_server(server)
        # Then the bucket, the tables and the queue are in that region (and only there)
        s3 = boto3.client("s3", endpoint_url=endpoint, region_name=region)
        assert s3.get_bucket_location(Bucket="canger-reports")["LocationConstraint"] == region
        assert (
            "canger-records"
            in boto3.client("dynamodb", endpoint_url=endpoint, region_name=region).list_tables()["TableNames"]
        )
        elsewhere = boto3.client("dynamodb", endpoint_url=endpoint, region_name="us-east-1")
        assert elsewhere.list_tables()["TableNames"] == []
        queue = boto3.client("sqs", endpoint_url=endpoint, region_name=region).get_queue_url(QueueName="canger-events")
        assert (
            f":{region}:"
            in boto3.client("sqs", endpoint_url=endpoint, region_name=region).get_queue_attributes(
                QueueUrl=queue["QueueUrl"], AttributeNames=["QueueArn"]
            )["Attributes"]["QueueArn"]
        )
