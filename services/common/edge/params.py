"""Query and path parameters every listing takes (API.md, "Conventions"), declared once for OpenAPI and validation.

Every parameter named ``year`` is also held to four digits before validation (``api.check_parameters``):
pydantic would read the text "2024.0" as 2024.
"""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path, Query

_YEAR_DESCRIPTION = "Calendar year in the report time zone (Asia/Shanghai), four digits"

Limit = Annotated[int, Query(ge=1, le=100, description="Page size, 1 to 100")]
Cursor = Annotated[
    str | None,
    Query(max_length=2048, description="`next_cursor` of the previous page of this same listing (else 422)"),
]
YearParam = Annotated[int | None, Query(ge=2000, le=2100, description=_YEAR_DESCRIPTION)]
YearPath = Annotated[int, Path(ge=2000, le=2100, description=_YEAR_DESCRIPTION)]
CommunityParam = Annotated[str | None, Query(max_length=64, description="A community id from /v1/communities")]
