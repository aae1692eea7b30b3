"""Reference data shipped with the code: enumerations with their labels, and Dali's directory.

Every service validates codes and places against this package; the directory service serves it.
It is read-only: changing it is a code change, reviewed and deployed like one.

    city ─┬─ street (街道) ─┬─ community (社区) ─┬─ grid (网格)
          │                 │                    └─ …
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib import resources


class AppealCategory(StrEnum):
    EMPLOYMENT = "employment"
    MEDICAL = "medical"
    EDUCATION = "education"
    ELDERLY_CARE = "elderly_care"
    CHILDCARE = "childcare"
    HOUSING_PROPERTY = "housing_property"
    PARKING_TRAFFIC = "parking_traffic"
    ENVIRONMENT = "environment"
    PUBLIC_SAFETY = "public_safety"
    PUBLIC_FACILITIES = "public_facilities"
    NEIGHBOUR_DISPUTE = "neighbour_dispute"
    SOCIAL_ASSISTANCE = "social_assistance"
    OTHER = "other"


class AppealChannel(StrEnum):
    GRID_VISIT = "grid_visit"
    HOTLINE = "hotline"
    ONLINE = "online"
    WALK_IN = "walk_in"
    MEETING = "meeting"


class VolunteerGroup(StrEnum):
    PARTY_MEMBER = "party_member"
    YOUTH = "youth"
    WOMEN = "women"
    WORKER = "worker"
    VETERAN = "veteran"
    STUDENT = "student"
    ELDERLY = "elderly"
    OTHER = "other"


class ServiceField(StrEnum):
    LEGAL_PUBLICITY = "legal_publicity"
    EDUCATION_TECH = "education_tech"
    HEALTH = "health"
    EMERGENCY_RESCUE = "emergency_rescue"
    MASS_WORK = "mass_work"
    ELDERLY_CARE = "elderly_care"
    CHILD_CARE = "child_care"
    ENVIRONMENT = "environment"
    CULTURE_SPORTS = "culture_sports"
    OTHER = "other"


class ProjectKind(StrEnum):
    SECRETARY_LED = "secretary_led"
    CARE = "care"
    PARTNER = "partner"
    RED_PROPERTY = "red_property"
    OTHER = "other"


class FundingSource(StrEnum):
    FISCAL = "fiscal"
    COMMUNITY_FUND = "community_fund"
    CHARITY = "charity"
    SOCIAL_CAPITAL = "social_capital"
    MEMBER_UNIT = "member_unit"
    OTHER = "other"


# code → (label_zh, label_en), per enumeration, in the order front ends show them.
LABELS: dict[type[StrEnum], dict[str, tuple[str, str]]] = {
    AppealCategory: {
        "employment": ("就业", "Employment"),
        "medical": ("就医", "Medical care"),
        "education": ("就学", "Schooling"),
        "elderly_care": ("养老", "Elderly care"),
        "childcare": ("托育与儿童关爱", "Childcare and child welfare"),
        "housing_property": ("住房与物业", "Housing and property management"),
        "parking_traffic": ("停车与交通", "Parking and traffic"),
        "environment": ("环境卫生", "Environment and sanitation"),
        "public_safety": ("治安与安全", "Public order and safety"),
        "public_facilities": ("公共设施", "Public facilities"),
        "neighbour_dispute": ("邻里纠纷", "Neighbour disputes"),
        "social_assistance": ("社会救助", "Social assistance"),
        "other": ("其他", "Other"),
    },
    AppealChannel: {
        "grid_visit": ("网格走访", "Grid worker visit"),
        "hotline": ("热线", "Hotline"),
        "online": ("线上", "Online"),
        "walk_in": ("来访", "Walk-in"),
        "meeting": ("协商会", "Consultation meeting"),
    },
    VolunteerGroup: {
        "party_member": ("党员", "Party members"),
        "youth": ("青年", "Youth"),
        "women": ("巾帼", "Women"),
        "worker": ("职工", "Workers"),
        "veteran": ("退役军人", "Veterans"),
        "student": ("学生", "Students"),
        "elderly": ("老年", "Elderly"),
        "other": ("其他", "Other"),
    },
    ServiceField: {
        "legal_publicity": ("普法宣传", "Legal publicity"),
        "education_tech": ("教育科技", "Education and technology"),
        "health": ("卫生健康", "Health"),
        "emergency_rescue": ("应急救援", "Emergency rescue"),
        "mass_work": ("群众工作", "Community outreach"),
        "elderly_care": ("助老服务", "Elderly care"),
        "child_care": ("儿童关爱", "Child care"),
        "environment": ("环境保护", "Environmental protection"),
        "culture_sports": ("文体活动", "Culture and sports"),
        "other": ("其他", "Other"),
    },
    ProjectKind: {
        "secretary_led": ("书记领办", "Secretary-led"),
        "care": ("五社联动关爱", "Five-society care"),
        "partner": ("社区合伙人", "Community partner"),
        "red_property": ("红色物业", "Red property management"),
        "other": ("其他", "Other"),
    },
    FundingSource: {
        "fiscal": ("财政资金", "Fiscal funds"),
        "community_fund": ("社区基金", "Community fund"),
        "charity": ("慈善资源", "Charity"),
        "social_capital": ("社会资本", "Social capital"),
        "member_unit": ("成员单位", "Member units"),
        "other": ("其他", "Other"),
    },
}


@dataclass(frozen=True)
class Grid:
    id: str
    name: str


@dataclass(frozen=True)
class Street:
    id: str
    name: str


@dataclass(frozen=True)
class Community:
    id: str
    name: str
    street_id: str
    grids: tuple[Grid, ...]

    def has_grid(self, grid_id: str) -> bool:
        return any(grid.id == grid_id for grid in self.grids)


@dataclass(frozen=True)
class Directory:
    city_id: str
    city_name: str
    streets: dict[str, Street]
    communities: dict[str, Community]

    def community(self, community_id: str) -> Community | None:
        return self.communities.get(community_id)

    def communities_of(self, street_id: str) -> list[Community]:
        return [c for c in self.communities.values() if c.street_id == street_id]


def community_or_422(community_id: str, field: str = "community_id") -> Community:
    """The community with this id, or a 422 naming ``field``: what every write referencing one needs."""
    from services.common.domain.errors import InvalidInput

    community = directory().community(community_id)
    if community is None:
        raise InvalidInput.field(field, "No community has this id; see GET /v1/communities.")
    return community


@cache
def directory() -> Directory:
    """Dali's directory, loaded once from ``dali.json`` (see its ``_note`` on which names are verified)."""
    raw = json.loads(resources.files(__package__).joinpath("dali.json").read_text(encoding="utf-8"))
    streets = {s["id"]: Street(s["id"], s["name"]) for s in raw["streets"]}
    communities = {
        c["id"]: Community(
            id=c["id"],
            name=c["name"],
            street_id=c["street_id"],
            grids=tuple(Grid(g["id"], g["name"]) for g in c["grids"]),
        )
        for c in raw["communities"]
    }
    return Directory(raw["city"]["id"], raw["city"]["name"], streets, communities)
