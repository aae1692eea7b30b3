"""What the directory answers: enumerations with labels, the communities, and who the caller is."""

from __future__ import annotations

from enum import StrEnum
from functools import cache

from services.common.auth import Principal
from services.common.reference import (
    LABELS,
    AppealCategory,
    AppealChannel,
    FundingSource,
    ProjectKind,
    ServiceField,
    VolunteerGroup,
    directory,
)
from services.directory.models import CommunityList, CommunityOut, GridOut, Label, Me, Meta


def _labels(enum: type[StrEnum]) -> list[Label]:
    return [Label(code=code, label_zh=zh, label_en=en) for code, (zh, en) in LABELS[enum].items()]


@cache
def meta() -> Meta:
    return Meta(
        appeal_categories=_labels(AppealCategory),
        appeal_channels=_labels(AppealChannel),
        volunteer_groups=_labels(VolunteerGroup),
        service_fields=_labels(ServiceField),
        project_kinds=_labels(ProjectKind),
        funding_sources=_labels(FundingSource),
    )


@cache
def communities() -> CommunityList:
    d = directory()
    return CommunityList(
        items=[
            CommunityOut(
                id=c.id,
                name=c.name,
                street_id=c.street_id,
                street_name=d.streets[c.street_id].name,
                grids=[GridOut(id=g.id, name=g.name) for g in c.grids],
            )
            for c in d.communities.values()
        ]
    )


def me(principal: Principal) -> Me:
    return Me(
        sub=principal.sub,
        role=principal.role.value,
        community_id=principal.community_id,
        street_id=principal.street_id,
    )
