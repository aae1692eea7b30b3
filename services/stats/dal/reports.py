"""Frozen yearly reports in the private reports bucket: ``reports/<year>.json``, ``reports/<year>.csv`` (one row
per community) and ``reports/<year>.units.csv`` (one row per member unit)."""

from __future__ import annotations

from services.common.config import get_settings
from services.common.data import aws
from services.common.domain.errors import NotFound

UNITS_CSV = "units.csv"
CONTENT_TYPES = {
    "json": "application/json; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    UNITS_CSV: "text/csv; charset=utf-8",
}


def _key(year: int, extension: str) -> str:
    return f"reports/{year}.{extension}"


def save(year: int, *, json_text: str, csv_bytes: bytes, units_csv: bytes) -> None:
    s3, bucket = aws.client("s3"), get_settings().reports_bucket
    # The CSVs first: a reader who finds the JSON (what "the report exists" means) finds them all.
    s3.put_object(Bucket=bucket, Key=_key(year, "csv"), Body=csv_bytes, ContentType=CONTENT_TYPES["csv"])
    s3.put_object(Bucket=bucket, Key=_key(year, UNITS_CSV), Body=units_csv, ContentType=CONTENT_TYPES[UNITS_CSV])
    s3.put_object(Bucket=bucket, Key=_key(year, "json"), Body=json_text.encode(), ContentType=CONTENT_TYPES["json"])


def load(year: int, extension: str) -> bytes:
    from botocore.exceptions import ClientError

    try:
        response = aws.client("s3").get_object(Bucket=get_settings().reports_bucket, Key=_key(year, extension))
    except ClientError as error:
        if error.response["Error"]["Code"] in ("NoSuchKey", "404", "NotFound"):
            raise NotFound(f"No report for {year} yet: the yearly-metrics job has not run for it.") from None
        raise
    return response["Body"].read()
