"""Response models of the directory API (API.md, "Directory")."""

from __future__ import annotations

from pydantic import BaseModel, Field


class Label(BaseModel):
    code: str
    label_zh: str
    label_en: str


class Meta(BaseModel):
    appeal_categories: list[Label]
    appeal_channels: list[Label]
    volunteer_groups: list[Label]
    service_fields: list[Label]
    project_kinds: list[Label]
    funding_sources: list[Label]
    member_unit_kinds: list[Label]
    offer_kinds: list[Label]
    site_kinds: list[Label]
    category_fields: dict[str, list[str]] = Field(
        description="Each appeal category → the service fields (`service_fields` codes) whose offers serve it"
    )


class GridOut(BaseModel):
    id: str
    name: str


class CommunityOut(BaseModel):
    id: str
    name: str
    street_id: str
    street_name: str
    grids: list[GridOut]


class CommunityList(BaseModel):
    items: list[CommunityOut]


class Me(BaseModel):
    sub: str
    role: str
    community_id: str | None
    street_id: str | None
