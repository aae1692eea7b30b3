"""Field types every service validates with, so a phone number or a time means the same everywhere.

    Phone         "13812341234": a mainland mobile number, 11 digits starting 1[3-9]
    UtcDateTime   RFC 3339 with any offset in, a UTC datetime inside, "…Z" out
    Text100       a trimmed string of 1 to 100 characters (blank is not "present"); Text50 … Text5000

``mask_phone("13812341234") == "138****1234"``: what roles that may not see a number get.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime, Field, PlainSerializer, StringConstraints

from services.common.domain.clock import to_rfc3339

PHONE_PATTERN = r"^1[3-9][0-9]{9}$"

_PHONE = re.compile(PHONE_PATTERN)


def _phone(value: str) -> str:
    if not _PHONE.match(value):
        raise ValueError("must be a mainland mobile number: 11 digits starting 13 to 19")
    return value


Phone = Annotated[
    str, AfterValidator(_phone), Field(examples=["13812341234"], json_schema_extra={"pattern": PHONE_PATTERN})
]


def _trimmed(max_length: int) -> StringConstraints:
    """Trimmed of surrounding white space, then held to 1..``max_length`` characters."""
    return StringConstraints(strip_whitespace=True, min_length=1, max_length=max_length)


# One alias per length, so that type checkers see a ``str`` (a call in an annotation is not a type).
Text50 = Annotated[str, _trimmed(50)]
Text100 = Annotated[str, _trimmed(100)]
Text200 = Annotated[str, _trimmed(200)]
Text500 = Annotated[str, _trimmed(500)]
Text2000 = Annotated[str, _trimmed(2000)]
Text5000 = Annotated[str, _trimmed(5000)]


def _to_utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


UtcDateTime = Annotated[
    AwareDatetime,
    AfterValidator(_to_utc),
    PlainSerializer(to_rfc3339, return_type=str, when_used="json"),
    # The serializer's schema alone would say only "string": keep the format in responses too.
    Field(examples=["2025-03-01T09:30:00Z"], json_schema_extra={"format": "date-time"}),
]

ExpectedVersion = Annotated[
    int | None, Field(default=None, ge=1, strict=True, description="Refuse with 409 unless this is the version")
]


def mask_phone(phone: str | None) -> str | None:
    """``"13812341234"`` → ``"138****1234"``: enough to recognise, not enough to call."""
    if not phone:
        return phone
    return phone[:3] + "****" + phone[-4:]
