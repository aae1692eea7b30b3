"""Query and path parameters every listing takes (API.md, "Conventions"), declared once for OpenAPI and validation.

Every parameter named ``year`` is also held to four digits before validation (``api.check_parameters``):
pydantic would read the text "2024.0" as 2024.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path, Query

from services.common.domain.errors import InvalidInput

_YEAR_DESCRIPTION = "Calendar year in the report time zone (Asia/Shanghai), four digits"

Limit = Annotated[int, Query(ge=1, le=100, description="Page size, 1 to 100")]
Cursor = Annotated[
    str | None,
    Query(max_length=2048, description="`next_cursor` of the previous page of this same listing (else 422)"),
]
YearParam = Annotated[int | None, Query(ge=2000, le=2100, description=_YEAR_DESCRIPTION)]
YearPath = Annotated[int, Path(ge=2000, le=2100, description=_YEAR_DESCRIPTION)]
CommunityParam = Annotated[str | None, Query(max_length=64, description="A community id from /v1/communities")]

# An RFC 3339 time with its offset, kept as text until ``parse_time``: pydantic alone would also take a
# number ("0.5") as a Unix time.
RFC3339_PATTERN = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})$"
TimeParam = Annotated[
    str | None,
    Query(
        pattern=RFC3339_PATTERN,
        max_length=40,
        description="An RFC 3339 time with an offset, e.g. 2025-10-09T23:59:59+08:00",
        json_schema_extra={"format": "date-time"},
    ),
]


def parse_time(name: str, value: str | None) -> datetime | None:
    """``TimeParam``'s text as a UTC datetime; a date that does not exist (month 13) is a 422 naming it."""
    if value is None:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)
    except ValueError:
        raise InvalidInput.field(name, "Must be an RFC 3339 time with an offset.") from None
