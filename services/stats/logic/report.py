"""The yearly report: every scope's figures, reconciled against the records, with the policy gaps.

Reconciliation compares, per community, a counter fed by events with the tally each service writes
in the same transaction as its records (``services.common.data.tally``). Equal: nothing was lost or
counted twice on the way. Different: recorded as drift, with both numbers, and logged.

    RECONCILED figure (counter)     ←→  tally (service prefix, name)

The complex's figures are reconciled the same way: pairings joined and left and sites opened (by the
year of their dates) against the complex's own tally, and the units at work (appeals first assigned to
a unit, activities with units, funding from units) against the appeals, volunteers and projects tallies.

The member units' table (服务大比拼, ``units_csv``) has one row per unit paired at some time in the
year, or with figures in it, named from the complex's records at the time the job runs.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from services.common.domain.contracts.tallies import (
    AppealsTally,
    ComplexTally,
    ProjectsTally,
    TallyFigures,
    VolunteersTally,
)
from services.common.domain.reference import LABELS, MemberUnitKind, ProjectKind, directory
from services.stats.logic.figures import figures, unit_figures
from services.stats.models import Drift, Figures, Policy, Reconciliation, Report, UnitFigures

# counter name → (the tally contract, its figure)
RECONCILED: dict[str, tuple[type[TallyFigures], str]] = {
    "appeals_submitted": (AppealsTally, "submitted"),
    "appeals_resolved": (AppealsTally, "resolved"),
    # The deadline figures: each written to the tally in the same transaction as the action.
    "appeals_responded": (AppealsTally, "responded"),
    "appeals_responded_in_time": (AppealsTally, "responded_in_time"),
    "appeals_resolved_in_time": (AppealsTally, "resolved_in_time"),
    "appeals_overdue": (AppealsTally, "overdue"),
    "appeals_extended": (AppealsTally, "extended"),
    "appeals_supervised": (AppealsTally, "supervised"),
    "appeals_merged": (AppealsTally, "merged"),
    "meetings_held": (AppealsTally, "meetings_held"),
    "meetings_appeals_discussed": (AppealsTally, "appeals_discussed"),
    "volunteers_registered": (VolunteersTally, "registered"),
    "activities": (VolunteersTally, "activities"),
    "hours_tenths": (VolunteersTally, "hours_tenths"),
    "activity_residents_served": (VolunteersTally, "residents_served"),
    "projects_started": (ProjectsTally, "started"),
    **{f"kind_{k.value}": (ProjectsTally, ProjectsTally.started_field(k)) for k in ProjectKind},
    "funding_total": (ProjectsTally, "funding"),
    "disbursed": (ProjectsTally, "disbursed"),
    "sessions": (ProjectsTally, "sessions"),
    "session_residents_served": (ProjectsTally, "session_residents"),
    # The complex: its own records, and units at work in the other services' records.
    "units_joined": (ComplexTally, "units_joined"),
    "units_left": (ComplexTally, "units_left"),
    "sites_opened": (ComplexTally, "sites_opened"),
    "appeals_to_units": (AppealsTally, "to_units"),
    "activities_with_units": (VolunteersTally, "with_units"),
    "funding_from_units": (ProjectsTally, "funding_from_units"),
}
assert all(name in source.model_fields for source, name in RECONCILED.values())

# tally contract → community → its figures (absent: all zero)
Tallies = Mapping[type[TallyFigures], Mapping[str, TallyFigures]]


def reconcile(counters: Mapping[str, Mapping[str, int]], tallies: Tallies) -> Reconciliation:
    drift = []
    for community_id in directory().communities:
        mine = counters.get(f"community:{community_id}", {})
        for counter, (service, name) in RECONCILED.items():
            figures = tallies.get(service, {}).get(community_id)
            recorded = getattr(figures, name) if figures is not None else 0
            if mine.get(counter, 0) != recorded:
                drift.append(
                    Drift(
                        scope=f"community:{community_id}",
                        figure=counter,
                        counters=mine.get(counter, 0),
                        records=recorded,
                    )
                )
    return Reconciliation(ok=not drift, drift=drift)


def without_secretary_led_project(tallies: Tallies) -> list[str]:
    """Communities with no secretary-led project of the year, from the projects' own records."""
    projects = tallies.get(ProjectsTally, {})
    return [c for c in directory().communities if not getattr(projects.get(c), "started_secretary_led", 0)]


@dataclass(frozen=True)
class UnitFacts:
    """What the report shows of a member unit beside its figures (from the complex's records)."""

    name: str
    kind: str
    community_id: str
    street_id: str
    joined_on: date | None = None
    left_on: date | None = None

    def paired_in(self, year: int) -> bool:
        """Paired at some time in ``year``: joined by its end and not left before it began."""
        joined = self.joined_on is None or self.joined_on <= date(year, 12, 31)
        return joined and (self.left_on is None or self.left_on >= date(year, 1, 1))


def units_of_year(
    year: int, facts: Mapping[str, UnitFacts], counted: Mapping[str, Mapping[str, int]]
) -> dict[str, UnitFigures]:
    """Every unit paired at some time in the year, or with figures in it (zeros included), by id."""
    wanted = sorted({u for u, f in facts.items() if f.paired_in(year)} | {u for u, c in counted.items() if c})
    return {u: unit_figures(counted.get(u, {})) for u in wanted}


def build(
    year: int,
    *,
    counters: Mapping[str, Mapping[str, int]],
    tallies: Tallies,
    computed_at: datetime,
    final: bool,
    timezone: str,
    pairings: Mapping[str, Mapping[str, int]] | None = None,
    units: Mapping[str, UnitFigures] | None = None,
) -> Report:
    d, pairings = directory(), pairings or {}

    def of(scope: str) -> Figures:
        return figures(counters.get(scope, {}), pairings.get(scope, {}), year=year)

    return Report(
        year=year,
        computed_at=computed_at,
        final=final,
        timezone=timezone,
        city=of("city"),
        streets={s: of(f"street:{s}") for s in d.streets},
        communities={c: of(f"community:{c}") for c in d.communities},
        member_units=dict(units or {}),
        reconciliation=reconcile(counters, tallies),
        policy=Policy(communities_without_secretary_led_project=without_secretary_led_project(tallies)),
    )


def _yuan(fen: int) -> str:
    return f"{Decimal(fen) / 100:.2f}"


def _rate(value: float | None) -> str:
    return "" if value is None else f"{value:.4f}"


COLUMNS: list[tuple[str, str]] = [
    ("社区编号", "id"),
    ("社区", "name"),
    ("街道", "street"),
    ("诉求受理数", "appeals.submitted"),
    ("诉求办结数", "appeals.resolved"),
    ("现场答办数", "appeals.resolved_on_site"),
    ("协商会办结数", "appeals.resolved_at_meetings"),
    ("上报上级数", "appeals.escalated"),
    ("关闭数", "appeals.closed"),
    ("重新办理数", "appeals.reopened"),
    ("办结率", "appeals.resolution_rate"),
    ("满意度均值", "appeals.satisfaction_avg"),
    ("满意率", "appeals.satisfaction_rate"),
    ("平均办结时长(小时)", "appeals.avg_resolution_hours"),
    ("并单数", "appeals.merged"),
    ("督办数", "appeals.supervised"),
    ("延期数", "appeals.extended"),
    ("超期数", "appeals.overdue"),
    ("按时响应数", "appeals.responded_in_time"),
    ("响应率", "appeals.response_rate"),
    ("按期办结数", "appeals.resolved_in_time"),
    ("按期办结率", "appeals.on_time_rate"),
    ("协商会场次", "meetings.held"),
    ("协商诉求数", "meetings.appeals_discussed"),
    ("新注册志愿者", "volunteers.registered"),
    ("活跃志愿者", "volunteers.active"),
    ("志愿活动场次", "volunteers.activities"),
    ("志愿服务时长(小时)", "volunteers.hours"),
    ("志愿服务人次", "volunteers.residents_served"),
    ("立项项目数", "projects.started"),
    ("书记领办项目数", "projects.by_kind.secretary_led"),
    ("到位资金(元)", "projects.funding.total"),
    ("支出资金(元)", "projects.disbursed"),
    ("项目服务场次", "projects.sessions"),
    ("项目服务人次", "projects.residents_served"),
    ("覆盖受益人数", "projects.beneficiaries_covered"),
]
_MONEY = {"projects.funding.total", "projects.disbursed"}
_RATES = {"appeals.resolution_rate", "appeals.satisfaction_rate", "appeals.response_rate", "appeals.on_time_rate"}


def _cell(f: Figures, path: str) -> str:
    value: Any = f.model_dump()  # nested dicts of the figures, then one figure
    for part in path.split("."):
        value = value[part]
    if path in _MONEY:
        return _yuan(int(value))
    if path in _RATES:
        return _rate(value)
    return "" if value is None else str(value)


def to_csv(report: Report) -> bytes:
    """One row per community, Chinese headers, money in yuan; UTF-8 with a BOM so spreadsheets read it."""
    d = directory()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([header for header, _ in COLUMNS])
    for community_id, f in report.communities.items():
        community = d.communities[community_id]
        fixed = {"id": community_id, "name": community.name, "street": d.streets[community.street_id].name}
        writer.writerow([fixed[path] if path in fixed else _cell(f, path) for _, path in COLUMNS])
    return "\ufeff".encode() + out.getvalue().encode("utf-8")


UNIT_COLUMNS: list[tuple[str, str]] = [
    ("成员单位编号", "id"),
    ("成员单位", "name"),
    ("单位类型", "kind"),
    ("结对社区", "community"),
    ("街道", "street"),
    ("承办诉求数", "appeals_assigned"),
    ("办结诉求数", "appeals_resolved"),
    ("志愿活动场次", "activities"),
    ("志愿服务时长(小时)", "volunteer_hours"),
    ("服务人次", "residents_served"),
    ("参与项目数", "projects"),
    ("投入资金(元)", "funding"),
]


def _unit_sort_key(item: tuple[str, UnitFacts | None]) -> tuple[int, int, str, str]:
    """Street, then community in the directory's order, then name: how the 服务大比拼 table is read."""
    d = directory()
    unit_id, facts = item
    streets, communities = list(d.streets), list(d.communities)
    if facts is None:
        return (len(streets), len(communities), "", unit_id)
    street = streets.index(facts.street_id) if facts.street_id in d.streets else len(streets)
    community = communities.index(facts.community_id) if facts.community_id in d.communities else len(communities)
    return (street, community, facts.name, unit_id)


def units_csv(report: Report, facts: Mapping[str, UnitFacts]) -> bytes:
    """One row per member unit of ``report.member_units``, Chinese headers, money in yuan; UTF-8 with a BOM."""
    d = directory()
    kinds = LABELS[MemberUnitKind]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([header for header, _ in UNIT_COLUMNS])
    for unit_id, known in sorted(((u, facts.get(u)) for u in report.member_units), key=_unit_sort_key):
        f = report.member_units[unit_id].model_dump()
        community = d.communities.get(known.community_id) if known else None
        street = d.streets.get(known.street_id) if known else None
        fixed = {
            "id": unit_id,
            "name": known.name if known else "",
            "kind": kinds.get(known.kind, (known.kind, ""))[0] if known else "",
            "community": community.name if community else (known.community_id if known else ""),
            "street": street.name if street else (known.street_id if known else ""),
            "funding": _yuan(int(f["funding"])),
        }
        writer.writerow([fixed[path] if path in fixed else str(f[path]) for _, path in UNIT_COLUMNS])
    return "\ufeff".encode() + out.getvalue().encode("utf-8")
