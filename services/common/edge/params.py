"""Query parameters every listing takes (API.md, "Conventions"), declared once for OpenAPI and validation."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Query

Limit = Annotated[int, Query(ge=1, le=100, description="Page size, 1 to 100")]
Cursor = Annotated[str | None, Query(max_length=2048, description="next_cursor of the previous page")]
YearParam = Annotated[
    int | None, Query(ge=2000, le=2100, description="Calendar year in the report time zone (Asia/Shanghai)")
]
CommunityParam = Annotated[str | None, Query(max_length=64, description="A community id from /v1/communities")]
