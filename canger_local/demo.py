"""A little demo data for ``canger serve`` (not with ``--empty``).

It goes in through the HTTP API itself, as a community worker would enter it, so demo data obeys
every rule that real data does. Each step sends an ``Idempotency-Key``, so restarting against a
long-lived ``moto_server`` within 24 hours does not enter it twice.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from canger_local import tokens
from canger_local.gateway import HttpRequest, handle
from services.common.domain.auth import Role
from services.common.observability import logger


@dataclass
class DemoClient:
    verifier: Any
    steps: int = 0
    units: dict[str, str] = dataclasses.field(
        default_factory=dict
    )  # member units by name, for the steps that refer to them

    def call(self, method: str, path: str, role: Role = Role.CITY_ADMIN, body: Any = None, **scope: Any) -> Any:
        self.steps += 1
        token = tokens.issue(role, sub=scope.pop("sub", f"demo-{role.value}"), **scope)
        headers = {"authorization": f"Bearer {token}", "content-type": "application/json"}
        if method in ("POST", "PATCH"):
            headers["idempotency-key"] = f"demo-{self.steps}-{path}"[:255]
        request = HttpRequest(method, path, "", headers, json.dumps(body, ensure_ascii=False).encode() if body else b"")
        response = handle(request, self.verifier)
        if response.status >= 400:
            raise RuntimeError(f"demo step {method} {path} failed: {response.status} {response.body[:300]!r}")
        return json.loads(response.body) if response.body else None


NINGHE = {"community_id": "cm_ninghe"}
SANHE = {"community_id": "cm_sanhe"}
OFFICER = {"street_id": "st_xiaguan"}


# Member units of Ninghe and Sanhe (Xiaguan street): one of each kind, with what they offer (资源清单).
UNITS: list[tuple[dict[str, str], str, str, list[tuple[str, str, str]]]] = [
    (NINGHE, "州供电局下关供电所", "state_enterprise", [("funds", "mass_work", "老旧小区改造共建资金")]),
    (NINGHE, "大理市民政局", "agency", [("expertise", "elderly_care", "养老服务政策指导与探访")]),
    (NINGHE, "大理州人民医院", "institution", [("expertise", "health", "每月一次社区义诊")]),
    (
        NINGHE,
        "苍山物业公司",
        "private_enterprise",
        [("volunteers", "environment", "保洁志愿者"), ("goods", "other", "清洁工具")],
    ),
    (SANHE, "大理市第一中学", "institution", [("venue", "education_tech", "周末开放教室")]),
    (SANHE, "下关司法所", "agency", [("expertise", "legal_publicity", "法律咨询与调解")]),
    (SANHE, "洱海社会工作服务社", "social_organization", [("volunteers", "child_care", "四点半课堂社工")]),
    (SANHE, "大理市文化馆", "institution", [("venue", "culture_sports", "排练厅")]),
]
SITES: list[tuple[dict[str, str], str, str, list[str], str]] = [
    (NINGHE, "宁和社区党群服务中心", "party_service_center", ["mass_work", "legal_publicity"], "2021-07-01"),
    (NINGHE, "宁和社区居家养老服务中心", "elderly_care_center", ["elderly_care", "health"], "2022-03-15"),
    (SANHE, "三和社区党群服务中心", "party_service_center", ["mass_work", "culture_sports"], "2021-07-01"),
    (SANHE, "三和社区儿童之家", "childrens_home", ["child_care", "education_tech"], "2023-06-01"),
]


def complex_(client: DemoClient) -> None:
    """Member units paired with Ninghe and Sanhe, and their sites: first, since later steps refer to units."""
    for community, name, kind, offers in UNITS:
        body = {
            **community,
            "name": name,
            "kind": kind,
            "party_org": f"{name}党支部",
            "contact": {"name": "联络员", "phone": "13908722100"},
            "offers": [{"kind": k, "field": f, "description": d} for k, f, d in offers],
            "joined_on": "2024-03-01",
        }
        unit = client.call("POST", "/v1/member-units", Role.COMMUNITY_STAFF, body, **community)
        client.units[name] = unit["id"]
    for community, name, kind, services, opened_on in SITES:
        body = {
            **community,
            "name": name,
            "kind": kind,
            "address": f"{name}（下关）",
            "services": services,
            "opened_on": opened_on,
        }
        client.call("POST", "/v1/sites", Role.COMMUNITY_STAFF, body, **community)


def appeals(client: DemoClient) -> None:
    """Appeals in two communities at every stage, a consultation meeting, an escalation to the street."""
    post = client.call

    def submit(title: str, category: str, community: dict, role: Role = Role.GRID_WORKER, **extra: Any) -> str:
        body = {**community, "category": category, "title": title, "description": title, **extra}
        scope = community if role is not Role.RESIDENT else {"sub": "demo-resident"}
        return post("POST", "/v1/appeals", role, body, **scope)["id"]

    parking = submit("小区门口乱停车，消防通道被占", "parking_traffic", NINGHE, channel="grid_visit")
    lights = submit(
        "三单元楼道灯不亮",
        "housing_property",
        NINGHE,
        Role.RESIDENT,
        contact={"name": "李女士", "phone": "13812345678"},
    )
    elderly = submit("独居老人希望有人定期探访", "elderly_care", NINGHE, channel="walk_in")
    drains = submit("雨季小区下水道堵塞", "environment", NINGHE, channel="hotline")
    school = submit("孩子入学咨询", "education", SANHE, channel="online")
    submit("广场舞噪音扰民", "neighbour_dispute", SANHE, channel="grid_visit")

    meeting = post(
        "POST",
        "/v1/meetings",
        Role.COMMUNITY_STAFF,
        {
            **NINGHE,
            "building": "宁和小区 3 栋",
            "held_at": "2025-06-12T19:30:00+08:00",
            "chair": "社区书记",
            "departments": ["社区物业办", "下关交警中队", "城管"],
            "resident_count": 26,
            "appeal_ids": [parking, lights, drains],
        },
        **NINGHE,
    )["id"]
    staff: dict[str, Any] = {"role": Role.COMMUNITY_STAFF, **NINGHE}
    post(
        "POST",
        f"/v1/appeals/{parking}/resolve",
        body={"resolution": "施划停车位并设置消防通道标识", "on_site": True, "meeting_id": meeting},
        **staff,
    )
    post("POST", f"/v1/appeals/{lights}/assign", body={"assignee": "物业公司", "note": "三天内修好"}, **staff)
    post("POST", f"/v1/appeals/{lights}/resolve", body={"resolution": "已更换灯具", "on_site": False}, **staff)
    post(
        "POST", f"/v1/appeals/{lights}/rate", Role.RESIDENT, {"satisfaction": 5, "comment": "很快"}, sub="demo-resident"
    )
    # 三方联动: the community's demand goes to a member unit that offers elderly care.
    post("POST", f"/v1/appeals/{elderly}/assign", body={"member_unit_id": client.units["大理市民政局"]}, **staff)
    post("POST", f"/v1/appeals/{drains}/escalate", body={"reason": "管网属市政，需街道协调"}, **staff)
    post("POST", f"/v1/appeals/{drains}/assign", Role.STREET_OFFICER, {"assignee": "街道城建办"}, **OFFICER)
    post(
        "POST",
        f"/v1/appeals/{school}/resolve",
        Role.COMMUNITY_STAFF,
        {"resolution": "已告知学区划分和报名时间", "on_site": True},
        **SANHE,
    )


def volunteers(client: DemoClient) -> None:
    """Two teams, five volunteers, three activities in different fields (one across the new year)."""
    staff: dict[str, Any] = {"role": Role.COMMUNITY_STAFF, **NINGHE}
    post = client.call
    vanguard = post("POST", "/v1/teams", body={**NINGHE, "name": "宁和党员先锋队", "group": "party_member"}, **staff)
    women = post("POST", "/v1/teams", body={**NINGHE, "name": "巾帼志愿服务队", "group": "women"}, **staff)
    people = [
        ("张建国", "13800010001", "party_member", ["mass_work", "legal_publicity"], [vanguard["id"]]),
        ("李秀英", "13800010002", "women", ["elderly_care", "health"], [women["id"]]),
        ("王芳", "13800010003", "women", ["child_care"], [women["id"], vanguard["id"]]),
        ("赵强", "13800010004", "veteran", ["emergency_rescue"], [vanguard["id"]]),
        ("陈小雨", "13800010005", "student", ["education_tech", "culture_sports"], []),
    ]
    ids = [
        post(
            "POST",
            "/v1/volunteers",
            body={**NINGHE, "name": name, "phone": phone, "group": group, "skills": skills, "team_ids": teams},
            **staff,
        )["id"]
        for name, phone, group, skills, teams in people
    ]
    activities = [
        (
            "普法宣传进小区",
            "legal_publicity",
            "2025-03-15T09:00:00+08:00",
            "2025-03-15T11:30:00+08:00",
            85,
            vanguard,
            [(ids[0], 2.5), (ids[3], 2.5)],
        ),
        (
            "独居老人上门探访",
            "elderly_care",
            "2025-05-20T14:00:00+08:00",
            "2025-05-20T17:00:00+08:00",
            12,
            women,
            [(ids[1], 3), (ids[2], 2.5)],
        ),
        (
            "元旦社区文艺汇演",
            "culture_sports",
            "2024-12-31T16:30:00Z",
            "2024-12-31T19:00:00Z",
            300,
            None,
            [(ids[4], 2.5), (ids[2], 1.5)],
        ),
    ]
    for title, field, start, end, served, team, participants in activities:
        body = {
            **NINGHE,
            "title": title,
            "field": field,
            "started_at": start,
            "ended_at": end,
            "residents_served": served,
            "team_id": team["id"] if team else None,
            "participants": [{"volunteer_id": v, "hours": h} for v, h in participants],
            # 活动大联办: the home visits are co-organised with the civil affairs bureau.
            "member_unit_ids": [client.units["大理市民政局"]] if field == "elderly_care" else None,
        }
        post("POST", "/v1/activities", body={k: v for k, v in body.items() if v is not None}, **staff)


def projects(client: DemoClient) -> None:
    """A secretary-led project with fiscal funding and payments, and a care project with sessions."""
    post = client.call
    staff: dict[str, Any] = {"role": Role.COMMUNITY_STAFF, **NINGHE}
    lift = post(
        "POST",
        "/v1/projects",
        body={
            **NINGHE,
            "kind": "secretary_led",
            "title": "老旧小区加装电梯",
            "year": 2025,
            "lead": "社区书记",
            "budget": {"amount": 120_000_000, "currency": "CNY"},
            "target_beneficiaries": 360,
            "member_unit_ids": [client.units["州供电局下关供电所"]],
        },
        **staff,
    )["id"]
    post(
        "POST",
        f"/v1/projects/{lift}/funding",
        body={"source": "fiscal", "amount": 80_000_000, "currency": "CNY", "received_on": "2025-03-10"},
        **staff,
    )
    post(
        "POST",
        f"/v1/projects/{lift}/funding",
        # The power bureau, a member unit of Ninghe, gives part of the money (source member_unit names it).
        body={
            "source": "member_unit",
            "amount": 20_000_000,
            "currency": "CNY",
            "received_on": "2025-04-02",
            "donor": "州供电局",
            "member_unit_id": client.units["州供电局下关供电所"],
        },
        **staff,
    )
    post(
        "POST",
        f"/v1/projects/{lift}/disbursements",
        body={"amount": 65_000_000, "currency": "CNY", "paid_on": "2025-05-20", "purpose": "电梯设备首付款"},
        **staff,
    )
    post("PATCH", f"/v1/projects/{lift}", body={"status": "in_progress", "beneficiaries_covered": 240}, **staff)
    care = post(
        "POST",
        "/v1/projects",
        body={**NINGHE, "kind": "care", "title": "五社联动·长者助餐", "year": 2025, "target_beneficiaries": 80},
        **staff,
    )["id"]
    post(
        "POST",
        f"/v1/projects/{care}/funding",
        body={"source": "community_fund", "amount": 3_000_000, "currency": "CNY", "received_on": "2025-02-15"},
        **staff,
    )
    post(
        "POST",
        f"/v1/projects/{care}/funding",
        body={
            "source": "charity",
            "amount": 1_500_000,
            "currency": "CNY",
            "received_on": "2025-02-20",
            "donor": "大理慈善总会",
        },
        **staff,
    )
    for day, served in (("2025-03-01", 42), ("2025-03-08", 47), ("2025-03-15", 51)):
        post(
            "POST",
            f"/v1/projects/{care}/sessions",
            body={"held_on": day, "title": "长者助餐", "residents_served": served},
            **staff,
        )
    post(
        "POST",
        "/v1/projects",
        Role.COMMUNITY_STAFF,
        {**SANHE, "kind": "secretary_led", "title": "背街小巷环境提升", "year": 2025},
        **SANHE,
    )


SEEDS: list[Callable[[DemoClient], None]] = [complex_, appeals, volunteers, projects]


def seed(stack: Any) -> None:
    client = DemoClient(stack.verifier)
    for step in SEEDS:
        step(client)
    logger.info("demo data loaded", steps=client.steps)
