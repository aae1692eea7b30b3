"""``canger serve --demo programme``: a programme year shaped like the report, entered through the API.

The figures the report quotes ("2023年以来 … 256场次 … 647个 … 1200场次 … 13.8万人次", 88–99 projects, about
12 million yuan) become one year of data for all 44 communities of the Dali reference data::

    appeals      647, at every stage: submitted, assigned, escalated (to the street, some to the city),
                 resolved on site or at a meeting, rated, reopened, closed by staff
    meetings     256 building consultation meetings, discussing the appeals resolved there and others
    volunteers   2 teams and 10 volunteers per community; 1,200 activities serving 138,000 person-times
    projects     40 secretary-led (4 communities without one, for the report's policy list) and 50 care
                 projects, 12,000,000 yuan of funding in integer fen, disbursements and service sessions
    the complex  403 member units paired with the 44 communities, with their offers; 77 sites (44 party
                 service centres, 12 home elderly-care centres, 9 children's homes, 12 red-property
                 demonstration sites); a third of assignments go to a unit, every fifth activity and project
                 is co-organised by one, and part of the funding comes from units (source member_unit)

Two halves, so the data can be checked and extended:

- ``build(shape, year)`` makes the plan: plain data, the same every time (no clock, no randomness
  beyond a seeded generator). ``Programme.figures()`` says what ``GET /v1/stats/{year}`` must show once
  the plan is loaded and the events drained (the HTTP test checks exactly that).
- ``load(plan, client)`` enters it through the API handlers, as a community worker would, in the order
  the rules need (appeals before the meetings that discuss them, funding before payments).

To add a kind of record (member units, say): a list on ``Programme``, its part in ``build``, a
``_load_<kind>`` step in ``STEPS`` and its figures in ``figures()``.

Dates: meetings, activities and money carry dates of the programme's year up to yesterday; appeals count
in the year they are entered, which is today, as in production. So the programme's year is the current
Beijing-time year (in the first days of January, the days so far).
"""

from __future__ import annotations

import json
import logging
import random
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from canger_local import tokens
from canger_local.gateway import HttpRequest, handle
from services.common.domain import years
from services.common.domain.auth import Role
from services.common.domain.reference import (
    AppealCategory,
    MemberUnitKind,
    OfferKind,
    ServiceField,
    VolunteerGroup,
    directory,
)
from services.common.observability import logger


@dataclass(frozen=True)
class Shape:
    """How big the programme is. The defaults are the report's figures."""

    appeals: int = 647
    meetings: int = 256
    teams_per_community: int = 2
    volunteers_per_community: int = 10
    activities: int = 1_200
    residents_served: int = 138_000  # person-times over all activities
    secretary_led: int = 40
    care: int = 50
    funding_yuan: int = 12_000_000
    member_units: int = 403
    # The report's sites: one party service centre per community, and the specialised ones.
    sites: tuple[tuple[str, int], ...] = (
        ("party_service_center", 44),
        ("elderly_care_center", 12),
        ("childrens_home", 9),
        ("red_property", 12),
    )
    seed: int = 2023


# An appeal's life, as the actions taken on it after it is submitted. ``meeting``: it is discussed at one of
# its community's meetings (resolve_meeting resolves it there). Forty slots: the mix repeats every forty.
LIVES: list[tuple[str, int, tuple[str, ...]]] = [
    ("submitted", 3, ()),
    ("assigned", 3, ("assign",)),
    ("escalated to the street", 2, ("escalate", "street_assign")),
    ("escalated to the city", 1, ("escalate", "street_assign", "street_escalate")),
    ("resolved on site at a meeting", 6, ("meeting", "resolve_meeting_on_site")),
    ("resolved at a meeting", 4, ("meeting", "resolve_meeting")),
    ("resolved on site", 3, ("resolve_on_site",)),
    ("assigned and resolved", 6, ("assign", "resolve")),
    ("resolved and rated", 6, ("assign", "resolve", "rate")),
    ("resolved at a meeting and rated", 2, ("meeting", "resolve_meeting", "rate")),
    ("reopened", 1, ("resolve", "reopen")),
    ("reopened, resolved again, rated", 1, ("resolve", "reopen", "assign", "resolve", "rate")),
    ("closed by staff", 2, ("close",)),
]
CYCLE = [actions for _, weight, actions in LIVES for _ in range(weight)]
BY_RESIDENT = {"rate", "reopen"}  # the submitter's actions: such appeals are filed by a resident

TITLES = {
    AppealCategory.PARKING_TRAFFIC: "小区乱停车，消防通道被占",
    AppealCategory.HOUSING_PROPERTY: "楼道灯不亮，物业未处理",
    AppealCategory.ELDERLY_CARE: "独居老人希望定期探访",
    AppealCategory.ENVIRONMENT: "雨季下水道堵塞",
    AppealCategory.EDUCATION: "孩子入学咨询",
    AppealCategory.NEIGHBOUR_DISPUTE: "广场舞噪音扰民",
    AppealCategory.MEDICAL: "希望社区开展义诊",
    AppealCategory.EMPLOYMENT: "失业人员求职帮扶",
    AppealCategory.PUBLIC_FACILITIES: "健身器材损坏",
    AppealCategory.PUBLIC_SAFETY: "小区监控盲区",
    AppealCategory.CHILDCARE: "暑期儿童托管需求",
    AppealCategory.SOCIAL_ASSISTANCE: "困难家庭申请救助",
    AppealCategory.OTHER: "其他诉求",
}
ACTIVITY_TITLES = {
    ServiceField.LEGAL_PUBLICITY: "普法宣传进小区",
    ServiceField.EDUCATION_TECH: "青少年科普课堂",
    ServiceField.HEALTH: "健康义诊",
    ServiceField.EMERGENCY_RESCUE: "应急救护培训",
    ServiceField.MASS_WORK: "入户走访听民意",
    ServiceField.ELDERLY_CARE: "独居老人上门探访",
    ServiceField.CHILD_CARE: "四点半课堂",
    ServiceField.ENVIRONMENT: "背街小巷清洁",
    ServiceField.CULTURE_SPORTS: "社区文艺汇演",
    ServiceField.OTHER: "志愿服务",
}
FUNDING_SOURCES = ("fiscal", "community_fund", "charity", "social_capital")

# Member units as Dali's list names them: a kind's share of the 403 (agencies and institutions most) and how
# its units are called. ``{n}`` numbers units of a kind within a community.
UNIT_KINDS: tuple[tuple[MemberUnitKind, int, tuple[str, ...]], ...] = (
    (MemberUnitKind.AGENCY, 4, ("市{field}局", "州{field}局", "市{field}办")),
    (MemberUnitKind.INSTITUTION, 3, ("市第{n}中学", "州人民医院第{n}分院", "市{field}服务中心")),
    (MemberUnitKind.STATE_ENTERPRISE, 2, ("大理供电局第{n}供电所", "云南建投第{n}分公司", "大理水务第{n}营业所")),
    (MemberUnitKind.PRIVATE_ENTERPRISE, 1, ("苍山物业第{n}分公司", "洱海旅游第{n}公司")),
    (MemberUnitKind.SOCIAL_ORGANIZATION, 1, ("{field}志愿者协会", "{field}社会工作服务社")),
)
FIELD_WORDS = {
    ServiceField.LEGAL_PUBLICITY: "司法",
    ServiceField.EDUCATION_TECH: "教育",
    ServiceField.HEALTH: "卫生健康",
    ServiceField.EMERGENCY_RESCUE: "应急管理",
    ServiceField.MASS_WORK: "群众工作",
    ServiceField.ELDERLY_CARE: "民政",
    ServiceField.CHILD_CARE: "妇联儿童",
    ServiceField.ENVIRONMENT: "生态环境",
    ServiceField.CULTURE_SPORTS: "文化和旅游",
    ServiceField.OTHER: "综合",
}
SITE_NAMES = {
    "party_service_center": "{community}党群服务中心",
    "elderly_care_center": "{community}居家养老服务中心",
    "childrens_home": "{community}儿童之家",
    "red_property": "{community}红色物业示范点",
}
SITE_SERVICES = {
    "party_service_center": ["mass_work", "legal_publicity", "culture_sports"],
    "elderly_care_center": ["elderly_care", "health"],
    "childrens_home": ["child_care", "education_tech"],
    "red_property": ["mass_work", "environment"],
}


@dataclass
class AppealPlan:
    community_id: str
    street_id: str
    category: str
    channel: str
    actions: tuple[str, ...]
    resident: str | None  # the submitter's sub, when a resident files it


@dataclass
class MeetingPlan:
    community_id: str
    held_at: datetime
    appeals: list[int]  # indexes into Programme.appeals
    resident_count: int


@dataclass
class ActivityPlan:
    community_id: str
    team: int | None  # index into Programme.teams
    field: str
    started_at: datetime
    minutes: int
    residents_served: int
    participants: list[tuple[int, int]]  # (index into Programme.volunteers, hours in tenths)


@dataclass
class ProjectPlan:
    community_id: str
    kind: str
    title: str
    funding: list[tuple[str, int, date]]  # (source, fen, received on)
    disbursements: list[tuple[int, date]]  # (fen, paid on)
    sessions: list[tuple[date, int]]  # (held on, residents served)
    status: str | None
    beneficiaries: int


@dataclass
class UnitPlan:
    community_id: str
    street_id: str
    name: str
    kind: str
    offers: list[tuple[str, str]]  # (offer kind, service field)


@dataclass
class SitePlan:
    community_id: str
    name: str
    kind: str
    services: list[str]
    opened_on: date


@dataclass
class Programme:
    year: int
    units: list[UnitPlan] = field(default_factory=list)
    sites: list[SitePlan] = field(default_factory=list)
    # What refers to units: appeal index → unit index (its "assign" goes to that unit), activity index → units,
    # project index → units, and (project index, funding line) → the giving unit.
    appeal_units: dict[int, int] = field(default_factory=dict)
    activity_units: dict[int, list[int]] = field(default_factory=dict)
    project_units: dict[int, list[int]] = field(default_factory=dict)
    funding_units: dict[tuple[int, int], int] = field(default_factory=dict)
    appeals: list[AppealPlan] = field(default_factory=list)
    meetings: list[MeetingPlan] = field(default_factory=list)
    teams: list[tuple[str, str, str]] = field(default_factory=list)  # (community, name, group)
    volunteers: list[tuple[str, str, str, list[int]]] = field(default_factory=list)  # (community, phone, group, teams)
    activities: list[ActivityPlan] = field(default_factory=list)
    projects: list[ProjectPlan] = field(default_factory=list)

    def figures(self) -> dict[str, Any]:
        """What the city's live figures show for ``year`` once this is loaded and drained."""
        actions = Counter(a for appeal in self.appeals for a in appeal.actions)
        first_resolutions = [next((x for x in a.actions if x.startswith("resolve")), None) for a in self.appeals]
        resolved = [x for x in first_resolutions if x is not None]  # a reopened appeal resolved again: once
        return {
            "appeals": {
                "submitted": len(self.appeals),
                "resolved": len(resolved),
                "resolved_on_site": sum(x.endswith("on_site") for x in resolved),
                "resolved_at_meetings": sum(x.startswith("resolve_meeting") for x in resolved),
                "escalated": actions["escalate"] + actions["street_escalate"],
                "reopened": actions["reopen"],
                "closed": actions["rate"] + actions["close"],
            },
            "meetings": {"held": len(self.meetings), "appeals_discussed": sum(len(m.appeals) for m in self.meetings)},
            "volunteers": {
                "registered": len(self.volunteers),
                "activities": len(self.activities),
                "residents_served": sum(a.residents_served for a in self.activities),
                "hours_tenths": sum(t for a in self.activities for _, t in a.participants),
            },
            "projects": {
                "started": len(self.projects),
                "by_kind": dict(Counter(p.kind for p in self.projects)),
                "funding": sum(fen for p in self.projects for _, fen, _ in p.funding),
                "disbursed": sum(fen for p in self.projects for fen, _ in p.disbursements),
                "sessions": sum(len(p.sessions) for p in self.projects),
            },
            "complex": {
                "member_units": len(self.units),
                "units_by_kind": dict(Counter(u.kind for u in self.units)),
                "sites_by_kind": dict(Counter(s.kind for s in self.sites)),
                "appeals_to_units": len(self.appeal_units),
                "activities_with_units": len(self.activity_units),
                "funding_from_units": sum(self.projects[p].funding[line][1] for p, line in self.funding_units),
            },
        }


def _window(now: datetime) -> tuple[int, datetime, datetime]:
    """The programme's year and the span its dated records fall in: 1 January to the start of today.

    Whole days, so a restart on the same day makes the same plan and its Idempotency-Keys replay; in the
    first day of a year, the hours so far.
    """
    year = years.year_of(now)
    start = years.year_start(year)
    end = start + timedelta(days=(years.local_date(now) - date(year, 1, 1)).days)
    if end <= start:
        end = max(now.replace(minute=0, second=0, microsecond=0), start + timedelta(seconds=1))
    return year, start, end


def _spread(values: list[int], total: int) -> list[int]:
    """``values`` moved evenly so that they add up to ``total`` (the report's figure, exactly)."""
    step, extra = divmod(total - sum(values), len(values))
    return [v + step + (1 if k < extra else 0) for k, v in enumerate(values)]


def build(shape: Shape = Shape(), now: datetime | None = None) -> Programme:
    """The plan of a programme year (pure: the same shape and day give the same plan)."""
    year, start, end = _window(now or datetime.now(UTC))
    rng = random.Random(shape.seed)  # noqa: S311 - demo data, reproducible on purpose
    span = (end - start).total_seconds()

    def moment(fraction: float) -> datetime:
        return start + timedelta(seconds=int(span * min(max(fraction, 0.0), 1.0)))

    def day(fraction: float) -> date:
        return years.local_date(moment(fraction))  # a date is the Beijing calendar day

    communities = list(directory().communities.values())
    plan = Programme(year)
    categories = list(AppealCategory)
    channels = ["grid_visit", "hotline", "online", "walk_in"]
    for n in range(shape.appeals):
        community = communities[n % len(communities)]
        actions = CYCLE[(n // len(communities) + n) % len(CYCLE)]
        plan.appeals.append(
            AppealPlan(
                community.id,
                community.street_id,
                categories[rng.randrange(len(categories))].value,
                channels[n % len(channels)],
                actions,
                f"programme-resident-{n}" if BY_RESIDENT & set(actions) else None,
            )
        )

    # Meetings: spread over the communities; each discusses its community's "meeting" appeals in turn.
    for m in range(shape.meetings):
        community = communities[m % len(communities)]
        plan.meetings.append(MeetingPlan(community.id, moment((m + 0.5) / shape.meetings), [], 10 + rng.randrange(40)))
    meetings_of: dict[str, list[MeetingPlan]] = {}
    for meeting in plan.meetings:
        meetings_of.setdefault(meeting.community_id, []).append(meeting)
    for n, appeal in enumerate(plan.appeals):
        if "meeting" in appeal.actions:
            own = meetings_of[appeal.community_id]
            min(own, key=lambda m: len(m.appeals)).appeals.append(n)

    groups = list(VolunteerGroup)
    fields = list(ServiceField)
    for c, community in enumerate(communities):
        first_team = len(plan.teams)
        for t in range(shape.teams_per_community):
            group = groups[(c + t) % len(groups)].value
            plan.teams.append((community.id, f"{community.name}志愿服务队{t + 1}", group))
        for v in range(shape.volunteers_per_community):
            team = first_team + v % shape.teams_per_community
            phone = f"139{c:02d}{v:06d}"
            plan.volunteers.append((community.id, phone, groups[(c + v) % len(groups)].value, [team]))

    served = _spread([60 + rng.randrange(111) for _ in range(shape.activities)], shape.residents_served)
    per_community = shape.volunteers_per_community
    for a in range(shape.activities):
        c = a % len(communities)
        minutes = 60 + 30 * rng.randrange(6)
        neighbours = list(range(c * per_community, (c + 1) * per_community))
        picked = rng.sample(neighbours, 2 + rng.randrange(4))
        if a % 10 == 0:  # 活动大联办: now and then a volunteer of the next community helps
            picked.append(((c + 1) % len(communities)) * per_community + rng.randrange(per_community))
        plan.activities.append(
            ActivityPlan(
                communities[c].id,
                c * shape.teams_per_community + a % shape.teams_per_community if a % 4 else None,
                fields[a % len(fields)].value,
                moment(a / shape.activities),
                minutes,
                served[a],
                [(v, 5 + 5 * rng.randrange(minutes // 30)) for v in picked],  # hours ≤ the activity's length
            )
        )

    _plan_complex(plan, shape, communities, day, rng)
    units_of: dict[str, list[int]] = {}
    for index, paired in enumerate(plan.units):
        units_of.setdefault(paired.community_id, []).append(index)
    for n, appeal in enumerate(plan.appeals):
        # 三方联动: every third appeal a community assigns goes to one of its member units.
        if "assign" in appeal.actions and n % 3 == 0:
            local = units_of[appeal.community_id]
            plan.appeal_units[n] = local[n % len(local)]
    for a, activity in enumerate(plan.activities):
        if a % 5 == 0:  # 活动大联办: co-organised with a member unit of the community
            local = units_of[activity.community_id]
            plan.activity_units[a] = [local[a % len(local)]]

    kinds = ["secretary_led"] * shape.secretary_led + ["care"] * shape.care
    weights = [3 if kind == "secretary_led" else 1 for kind in kinds]
    unit = shape.funding_yuan // sum(weights)
    yuan = [w * unit for w in weights]
    yuan[0] += shape.funding_yuan - sum(yuan)  # exactly the programme's total
    for p, kind in enumerate(kinds):
        community = communities[p % len(communities)]
        parts = 3 if p % 3 == 0 else 2
        shares = [yuan[p] * 6 // 10] + [yuan[p] * 4 // 10 // (parts - 1)] * (parts - 1)
        shares[-1] += yuan[p] - sum(shares)
        funding = [
            (FUNDING_SOURCES[k if k == 0 else 1 + (p + k) % 3], share * 100, day((p + k) / (len(kinds) + 3) * 0.6))
            for k, share in enumerate(shares)
        ]
        total = yuan[p] * 100
        disbursements = []
        if p % 3 != 2:
            disbursements.append((total * 4 // 10, day(0.7 + p / len(kinds) * 0.1)))
        if p % 3 == 0:
            disbursements.append((total * 2 // 10, day(0.85 + p / len(kinds) * 0.1)))
        sessions = [(day(0.5 + s * 0.2 + p / len(kinds) * 0.1), 30 + rng.randrange(31)) for s in range(2)]
        title = f"{community.name}{'书记领办' if kind == 'secretary_led' else '五社联动关爱'}项目{p + 1}"
        plan.projects.append(
            ProjectPlan(
                community.id,
                kind,
                title,
                funding,
                disbursements,
                sessions if kind == "care" else [],
                ["in_progress", "completed", None][p % 3],
                50 + rng.randrange(300),
            )
        )
        local = units_of[community.id]
        if p % 5 == 0:
            plan.project_units[p] = [local[p % len(local)]]
        if p % 4 == 1 and len(funding) > 1:  # part of the money comes from a member unit (source member_unit)
            _, fen, received = funding[1]
            funding[1] = ("member_unit", fen, received)
            plan.funding_units[(p, 1)] = local[(p + 1) % len(local)]
    return plan


def _plan_complex(plan: Programme, shape: Shape, communities: list, day: Callable[[float], date], rng: Any) -> None:
    """403 units over 44 communities (9 each, the first few 10), kinds in Dali's proportions; the sites."""
    weights = [kind for kind, weight, _ in UNIT_KINDS for _ in range(weight)]
    names = {kind: templates for kind, _, templates in UNIT_KINDS}
    fields = list(ServiceField)
    offer_kinds = list(OfferKind)
    for u in range(shape.member_units):
        community = communities[u % len(communities)]
        n = u // len(communities) + 1
        unit_kind = weights[(u + n) % len(weights)]
        field_ = fields[(u * 7 + n) % len(fields)]
        templates = names[unit_kind]
        name = templates[u % len(templates)].format(field=FIELD_WORDS[field_], n=n)
        second = fields[(u * 3 + 1) % len(fields)]
        offers = [(offer_kinds[u % len(offer_kinds)].value, field_.value)]
        if u % 2:
            offers.append((offer_kinds[(u + 2) % len(offer_kinds)].value, second.value))
        plan.units.append(
            UnitPlan(community.id, community.street_id, f"{name}（{community.name}）", unit_kind.value, offers)
        )
    for k, (kind, count) in enumerate(shape.sites):
        for s in range(count):
            # Three is coprime with 44, so a kind's sites fall in different communities.
            community = communities[(s * 3 + k) % len(communities)]
            plan.sites.append(
                SitePlan(
                    community.id,
                    SITE_NAMES[kind].format(community=community.name),
                    kind,
                    SITE_SERVICES[kind],
                    day(rng.random() * 0.5),
                )
            )


# Loading ------------------------------------------------------------------------------------------


@dataclass
class Client:
    """Calls the handlers through the gateway, as the small demo does, with one token per caller.

    ``replayable``: send an ``Idempotency-Key`` with every write, so that a restart against a long-lived
    ``moto_server`` (the same day: the plan is the same) replays instead of entering everything twice. The
    embedded moto starts empty every time, so there it is off: each key costs two more DynamoDB writes.
    """

    verifier: Any
    replayable: bool = False
    steps: int = 0
    _tokens: dict[tuple, str] = field(default_factory=dict)

    def call(self, method: str, path: str, role: Role, body: Any = None, **scope: str) -> Any:
        self.steps += 1
        who = (role, tuple(sorted(scope.items())))
        if who not in self._tokens:  # signing is the costly part of a token; one per caller is enough
            sub = scope.pop("sub", f"programme-{role.value}")
            self._tokens[who] = tokens.issue(
                role, sub=sub, community_id=scope.get("community_id"), street_id=scope.get("street_id")
            )
        headers = {"authorization": f"Bearer {self._tokens[who]}", "content-type": "application/json"}
        if self.replayable and method in ("POST", "PATCH"):
            headers["idempotency-key"] = f"programme-{self.steps}"
        raw = json.dumps(body, ensure_ascii=False).encode() if body is not None else b""
        response = handle(HttpRequest(method, path, "", headers, raw), self.verifier)
        if response.status >= 400:
            raise RuntimeError(f"programme step {method} {path} failed: {response.status} {response.body[:300]!r}")
        return json.loads(response.body) if response.body else None


@dataclass
class Loaded:
    """Ids the API gave the plan's records, for the later steps that refer to them."""

    appeals: list[str] = field(default_factory=list)
    meetings: list[str] = field(default_factory=list)
    teams: list[str] = field(default_factory=list)
    volunteers: list[str] = field(default_factory=list)
    units: list[str] = field(default_factory=list)


def _staff(community_id: str) -> dict[str, Any]:
    return {"role": Role.COMMUNITY_STAFF, "community_id": community_id}


def _load_complex(plan: Programme, client: Client, ids: Loaded) -> None:
    for u, unit in enumerate(plan.units):
        body: dict[str, Any] = {
            "community_id": unit.community_id,
            "name": unit.name,
            "kind": unit.kind,
            "party_org": f"{unit.name}党支部",
            "contact": {"name": f"联络员{u + 1}", "phone": f"138{u:08d}"},
            "offers": [
                {"kind": kind, "field": field_, "description": f"{ACTIVITY_TITLES[ServiceField(field_)]}资源"}
                for kind, field_ in unit.offers
            ],
        }
        ids.units.append(client.call("POST", "/v1/member-units", body=body, **_staff(unit.community_id))["id"])
    for n, site in enumerate(plan.sites):
        body = {
            "community_id": site.community_id,
            "name": site.name,
            "kind": site.kind,
            "address": f"{directory().communities[site.community_id].name}{n % 20 + 1}号",
            "services": site.services,
            "opened_on": site.opened_on.isoformat(),
        }
        client.call("POST", "/v1/sites", body=body, **_staff(site.community_id))


def _load_appeals(plan: Programme, client: Client, ids: Loaded) -> None:
    for n, appeal in enumerate(plan.appeals):
        body = {
            "community_id": appeal.community_id,
            "category": appeal.category,
            "title": TITLES[AppealCategory(appeal.category)],
            "description": f"{TITLES[AppealCategory(appeal.category)]}（第{n + 1}件）",
            "channel": appeal.channel,
        }
        if appeal.resident:
            body["channel"] = "online"
            ids.appeals.append(client.call("POST", "/v1/appeals", Role.RESIDENT, body, sub=appeal.resident)["id"])
        else:
            scope = {"community_id": appeal.community_id}
            ids.appeals.append(client.call("POST", "/v1/appeals", Role.GRID_WORKER, body, **scope)["id"])


def _load_meetings(plan: Programme, client: Client, ids: Loaded) -> None:
    for m, meeting in enumerate(plan.meetings):
        body = {
            "community_id": meeting.community_id,
            "building": f"{m % 12 + 1} 栋",
            "held_at": meeting.held_at.isoformat(),
            "chair": "社区书记",
            "departments": ["社区物业办", "城管", "派出所"][: 1 + m % 3],
            "resident_count": meeting.resident_count,
            "appeal_ids": [ids.appeals[n] for n in meeting.appeals],
        }
        ids.meetings.append(client.call("POST", "/v1/meetings", body=body, **_staff(meeting.community_id))["id"])


def _load_appeal_actions(plan: Programme, client: Client, ids: Loaded) -> None:
    meeting_of = {n: ids.meetings[m] for m, meeting in enumerate(plan.meetings) for n in meeting.appeals}
    for n, appeal in enumerate(plan.appeals):
        appeal_id, staff = ids.appeals[n], _staff(appeal.community_id)
        officer: dict[str, Any] = {"role": Role.STREET_OFFICER, "street_id": appeal.street_id}
        path = f"/v1/appeals/{appeal_id}"
        for action in appeal.actions:
            if action == "assign" and n in plan.appeal_units:  # to a member unit: its name becomes the assignee
                to_unit = {"member_unit_id": ids.units[plan.appeal_units[n]], "note": "请共建单位协助办理"}
                client.call("POST", f"{path}/assign", body=to_unit, **staff)
            elif action == "assign":
                client.call("POST", f"{path}/assign", body={"assignee": "社区物业办", "note": "限期办理"}, **staff)
            elif action == "escalate":
                client.call("POST", f"{path}/escalate", body={"reason": "需街道协调相关部门"}, **staff)
            elif action == "street_assign":
                client.call("POST", f"{path}/assign", body={"assignee": "街道城建办"}, **officer)
            elif action == "street_escalate":
                client.call("POST", f"{path}/escalate", body={"reason": "涉及市级部门"}, **officer)
            elif action.startswith("resolve"):
                body: dict[str, Any] = {"resolution": "已协调解决并回访", "on_site": action.endswith("on_site")}
                if action.startswith("resolve_meeting"):
                    body["meeting_id"] = meeting_of[n]
                client.call("POST", f"{path}/resolve", body=body, **staff)
            elif action == "rate":
                body = {"satisfaction": 5 - n % 3, "comment": "满意"}
                client.call("POST", f"{path}/rate", Role.RESIDENT, body, sub=appeal.resident or "")
            elif action == "reopen":
                body = {"reason": "问题反复出现"}
                client.call("POST", f"{path}/reopen", Role.RESIDENT, body, sub=appeal.resident or "")
            elif action == "close":
                client.call("POST", f"{path}/close", body={"reason": "duplicate"}, **staff)


def _load_volunteers(plan: Programme, client: Client, ids: Loaded) -> None:
    for community_id, name, group in plan.teams:
        body: dict[str, Any] = {"community_id": community_id, "name": name, "group": group}
        ids.teams.append(client.call("POST", "/v1/teams", body=body, **_staff(community_id))["id"])
    for v, (community_id, phone, group, teams) in enumerate(plan.volunteers):
        body = {
            "community_id": community_id,
            "name": f"志愿者{v + 1}",
            "phone": phone,
            "group": group,
            "skills": [list(ServiceField)[v % len(ServiceField)].value],
            "team_ids": [ids.teams[t] for t in teams],
        }
        ids.volunteers.append(client.call("POST", "/v1/volunteers", body=body, **_staff(community_id))["id"])


def _load_activities(plan: Programme, client: Client, ids: Loaded) -> None:
    for a, activity in enumerate(plan.activities):
        body: dict[str, Any] = {
            "community_id": activity.community_id,
            "title": ACTIVITY_TITLES[ServiceField(activity.field)],
            "field": activity.field,
            "started_at": activity.started_at.isoformat(),
            "ended_at": (activity.started_at + timedelta(minutes=activity.minutes)).isoformat(),
            "residents_served": activity.residents_served,
            "participants": [{"volunteer_id": ids.volunteers[v], "hours": t / 10} for v, t in activity.participants],
        }
        if activity.team is not None:
            body["team_id"] = ids.teams[activity.team]
        if a in plan.activity_units:
            body["member_unit_ids"] = [ids.units[u] for u in plan.activity_units[a]]
        client.call("POST", "/v1/activities", body=body, **_staff(activity.community_id))


def _load_projects(plan: Programme, client: Client, ids: Loaded) -> None:
    for p, project in enumerate(plan.projects):
        staff = _staff(project.community_id)
        body = {
            "community_id": project.community_id,
            "kind": project.kind,
            "title": project.title,
            "year": plan.year,
            "lead": "社区书记" if project.kind == "secretary_led" else "社工站",
            "target_beneficiaries": project.beneficiaries,
        }
        if p in plan.project_units:
            body["member_unit_ids"] = [ids.units[u] for u in plan.project_units[p]]
        path = f"/v1/projects/{client.call('POST', '/v1/projects', body=body, **staff)['id']}"
        for line, (source, fen, day) in enumerate(project.funding):
            body = {"source": source, "amount": fen, "currency": "CNY", "received_on": day.isoformat()}
            if (p, line) in plan.funding_units:
                body["member_unit_id"] = ids.units[plan.funding_units[(p, line)]]
            client.call("POST", f"{path}/funding", body=body, **staff)
        for fen, day in project.disbursements:
            body = {"amount": fen, "currency": "CNY", "paid_on": day.isoformat(), "purpose": "项目实施支出"}
            client.call("POST", f"{path}/disbursements", body=body, **staff)
        for day, served in project.sessions:
            body = {"held_on": day.isoformat(), "title": "关爱服务", "residents_served": served}
            client.call("POST", f"{path}/sessions", body=body, **staff)
        if project.status:
            body = {"status": project.status, "beneficiaries_covered": project.beneficiaries * 2 // 3}
            client.call("PATCH", path, body=body, **staff)


STEPS: list[Callable[[Programme, Client, Loaded], None]] = [
    _load_complex,  # first: appeals, activities and projects refer to the units
    _load_appeals,
    _load_meetings,
    _load_appeal_actions,
    _load_volunteers,
    _load_activities,
    _load_projects,
]


def load(plan: Programme, client: Client) -> Loaded:
    ids = Loaded()
    for step in STEPS:
        step(plan, client, ids)
    return ids


@contextmanager
def _quiet() -> Iterator[None]:
    """Warnings and errors only: the load's ~8,000 INFO lines tell nobody anything (and cost 1/8 of its CPU)."""
    level = logger.log_level
    logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(level)


def seed(stack: Any, *, embedded: bool) -> None:
    """What ``canger serve --demo programme`` runs before it says it is ready."""
    started = time.perf_counter()
    plan = build()
    client = Client(stack.verifier, replayable=not embedded)
    with _quiet():
        load(plan, client)
    figures = plan.figures()
    print(  # noqa: T201 - the runner's own console output
        f"programme demo {plan.year} loaded in {time.perf_counter() - started:.0f} s ({client.steps} requests): "
        f"{figures['appeals']['submitted']} appeals, {figures['meetings']['held']} meetings, "
        f"{len(plan.volunteers)} volunteers, {figures['volunteers']['activities']} activities "
        f"({figures['volunteers']['residents_served']:,} person-times), {figures['projects']['started']} projects "
        f"({figures['projects']['funding'] / 100:,.0f} yuan), {figures['complex']['member_units']} member units, "
        f"{len(plan.sites)} sites",
        flush=True,
    )
