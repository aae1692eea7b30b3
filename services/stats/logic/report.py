"""The yearly report: every scope's figures, reconciled against the records, with the policy gaps.

Reconciliation compares, per community, a counter fed by events with the tally each service writes
in the same transaction as its records (``services.common.data.tally``). Equal: nothing was lost or
counted twice on the way. Different: recorded as drift, with both numbers, and logged.

    RECONCILED figure (counter)     ←→  tally (service prefix, name)
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

from services.common.domain.contracts.tallies import AppealsTally, ProjectsTally, TallyFigures, VolunteersTally
from services.common.domain.reference import ProjectKind, directory
from services.stats.logic.figures import figures
from services.stats.models import Drift, Figures, Policy, Reconciliation, Report

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


def build(
    year: int,
    *,
    counters: Mapping[str, Mapping[str, int]],
    tallies: Tallies,
    computed_at: datetime,
    final: bool,
    timezone: str,
) -> Report:
    d = directory()
    return Report(
        year=year,
        computed_at=computed_at,
        final=final,
        timezone=timezone,
        city=figures(counters.get("city", {})),
        streets={s: figures(counters.get(f"street:{s}", {})) for s in d.streets},
        communities={c: figures(counters.get(f"community:{c}", {})) for c in d.communities},
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
