"""Field types every service validates with, so a phone number or a time means the same everywhere.

    Phone         "13812341234": a mainland mobile number, 11 digits starting 1[3-9]
    UtcDateTime   RFC 3339 with any offset in, a UTC datetime inside, "…Z" out
    Text(1, 100)  a trimmed string of 1 to 100 characters (blank is not "present")
    Limit, Cursor, YearParam, CommunityParam   the listing query parameters of API.md

``mask_phone("13812341234") == "138****1234"``: what roles that may not see a number get.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Query
from pydantic import AfterValidator, AwareDatetime, Field, PlainSerializer, StringConstraints

from services.common.events import to_rfc3339

PHONE_PATTERN = r"^1[3-9][0-9]{9}$"

_PHONE = re.compile(PHONE_PATTERN)


def _phone(value: str) -> str:
    if not _PHONE.match(value):
        raise ValueError("must be a mainland mobile number: 11 digits starting 13 to 19")
    return value


Phone = Annotated[
    str, AfterValidator(_phone), Field(examples=["13812341234"], json_schema_extra={"pattern": PHONE_PATTERN})
]


def Text(min_length: int, max_length: int) -> type[str]:
    """A string trimmed of surrounding white space, then held to ``min_length``..``max_length`` characters."""
    return Annotated[  # type: ignore[return-value]
        str, StringConstraints(strip_whitespace=True, min_length=min_length, max_length=max_length)
    ]


def _to_utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


UtcDateTime = Annotated[
    AwareDatetime,
    AfterValidator(_to_utc),
    PlainSerializer(to_rfc3339, return_type=str, when_used="json"),
    Field(examples=["2025-03-01T09:30:00Z"]),
]

# Listing query parameters (API.md, "Conventions").
Limit = Annotated[int, Query(ge=1, le=100, description="Page size, 1 to 100")]
Cursor = Annotated[str | None, Query(max_length=2048, description="next_cursor of the previous page")]
YearParam = Annotated[
    int | None, Query(ge=2000, le=2100, description="Calendar year in the report time zone (Asia/Shanghai)")
]
CommunityParam = Annotated[str | None, Query(max_length=64, description="A community id from /v1/communities")]
ExpectedVersion = Annotated[
    int | None, Field(default=None, ge=1, strict=True, description="Refuse with 409 unless this is the version")
]


def mask_phone(phone: str | None) -> str | None:
    """``"13812341234"`` → ``"138****1234"``: enough to recognise, not enough to call."""
    if not phone:
        return phone
    return phone[:3] + "****" + phone[-4:]
