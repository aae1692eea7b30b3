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


class MemberUnitKind(StrEnum):
    AGENCY = "agency"
    INSTITUTION = "institution"
    STATE_ENTERPRISE = "state_enterprise"
    PRIVATE_ENTERPRISE = "private_enterprise"
    SOCIAL_ORGANIZATION = "social_organization"
    OTHER = "other"


class OfferKind(StrEnum):
    """What a member unit brings (资源清单)."""

    VENUE = "venue"
    FUNDS = "funds"
    VOLUNTEERS = "volunteers"
    EXPERTISE = "expertise"
    GOODS = "goods"


class SiteKind(StrEnum):
    """The complex's sites (阵地)."""

    PARTY_SERVICE_CENTER = "party_service_center"
    SERVICE_STATION = "service_station"
    ELDERLY_CARE_CENTER = "elderly_care_center"
    CHILDRENS_HOME = "childrens_home"
    RED_PROPERTY = "red_property"
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
    MemberUnitKind: {
        "agency": ("机关", "Government agency"),
        "institution": ("事业单位", "Public institution"),
        "state_enterprise": ("国有企业", "State-owned enterprise"),
        "private_enterprise": ("非公企业", "Private enterprise"),
        "social_organization": ("社会组织", "Social organization"),
        "other": ("其他", "Other"),
    },
    OfferKind: {
        "venue": ("场地", "Venue"),
        "funds": ("资金", "Funds"),
        "volunteers": ("志愿者", "Volunteers"),
        "expertise": ("专业服务", "Professional services"),
        "goods": ("物资", "Goods"),
    },
    SiteKind: {
        "party_service_center": ("党群服务中心", "Party and public service centre"),
        "service_station": ("党群服务驿站", "Party and public service station"),
        "elderly_care_center": ("居家养老服务中心", "Home elderly-care centre"),
        "childrens_home": ("儿童之家", "Children's home"),
        "red_property": ("红色物业示范点", "Red property demonstration site"),
        "other": ("其他", "Other"),
    },
}

# Demand → resource (需求清单 ↔ 资源清单): the service fields whose offers can answer an appeal category.
# Matching (GET /v1/communities/{id}/matches) reads this; GET /v1/meta publishes it as ``category_fields``.
# A category maps to at least one field; ``other`` fields serve every category as a last resort.
CATEGORY_FIELDS: dict[AppealCategory, tuple[ServiceField, ...]] = {
    AppealCategory.EMPLOYMENT: (ServiceField.EDUCATION_TECH, ServiceField.MASS_WORK),
    AppealCategory.MEDICAL: (ServiceField.HEALTH,),
    AppealCategory.EDUCATION: (ServiceField.EDUCATION_TECH, ServiceField.CHILD_CARE),
    AppealCategory.ELDERLY_CARE: (ServiceField.ELDERLY_CARE, ServiceField.HEALTH),
    AppealCategory.CHILDCARE: (ServiceField.CHILD_CARE, ServiceField.EDUCATION_TECH),
    AppealCategory.HOUSING_PROPERTY: (ServiceField.MASS_WORK, ServiceField.LEGAL_PUBLICITY),
    AppealCategory.PARKING_TRAFFIC: (ServiceField.MASS_WORK,),
    AppealCategory.ENVIRONMENT: (ServiceField.ENVIRONMENT,),
    AppealCategory.PUBLIC_SAFETY: (ServiceField.EMERGENCY_RESCUE, ServiceField.LEGAL_PUBLICITY),
    AppealCategory.PUBLIC_FACILITIES: (ServiceField.MASS_WORK, ServiceField.CULTURE_SPORTS),
    AppealCategory.NEIGHBOUR_DISPUTE: (ServiceField.LEGAL_PUBLICITY, ServiceField.MASS_WORK),
    AppealCategory.SOCIAL_ASSISTANCE: (ServiceField.MASS_WORK, ServiceField.ELDERLY_CARE),
    AppealCategory.OTHER: (ServiceField.OTHER,),
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
