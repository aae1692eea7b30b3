"""Where the appeals service keeps its configuration: the policy and the city's own calendar years.

    pk APPEALS#SETTINGS   sk POLICY           the appeal policy (absent: the defaults)
    pk APPEALS#SETTINGS   sk CALENDAR#<year>  a year the city set (absent: the library's, or weekends only)

One partition, so everything a deadline needs is one Query (a handful of items, whatever the traffic).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from services.appeals.models.settings import AppealPolicy
from services.common.config import get_settings
from services.common.data import dynamo
from services.common.domain.clock import to_rfc3339
from services.common.domain.workdays import YearCalendar

SETTINGS_PK = "APPEALS#SETTINGS"
POLICY_SK = "POLICY"
CALENDAR_PREFIX = "CALENDAR#"


def _table() -> str:
    return get_settings().records_table


@dataclass(frozen=True)
class Stored:
    policy: AppealPolicy
    calendars: dict[int, YearCalendar]


def read() -> Stored:
    page = dynamo.query_page(
        _table(), index=None, partition_key="pk", partition_value=SETTINGS_PK, limit=1000, newest_first=False
    )
    policy = AppealPolicy()
    calendars: dict[int, YearCalendar] = {}
    for item in page.items:
        if item["sk"] == POLICY_SK:
            policy = AppealPolicy.model_validate(_plain(item["policy"]))
        elif item["sk"].startswith(CALENDAR_PREFIX):
            year = int(item["sk"].removeprefix(CALENDAR_PREFIX))
            calendars[year] = YearCalendar(
                year,
                frozenset(date.fromisoformat(d) for d in item.get("holidays", [])),
                frozenset(date.fromisoformat(d) for d in item.get("workdays", [])),
                "city",
            )
    return Stored(policy, calendars)


def _plain(value: Any) -> Any:
    """DynamoDB numbers come back as Decimal; the policy's are whole numbers."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, bool) or not hasattr(value, "as_integer_ratio"):
        return value
    return int(value)


def put_policy(policy: AppealPolicy, *, at: datetime, by: str) -> None:
    item = {
        "pk": SETTINGS_PK,
        "sk": POLICY_SK,
        "policy": policy.model_dump(mode="json"),
        "updated_at": to_rfc3339(at),
        "updated_by": by,
    }
    dynamo.put_item(_table(), item)


def put_calendar(calendar: YearCalendar, *, at: datetime, by: str) -> None:
    item = {
        "pk": SETTINGS_PK,
        "sk": f"{CALENDAR_PREFIX}{calendar.year}",
        "holidays": sorted(d.isoformat() for d in calendar.holidays),
        "workdays": sorted(d.isoformat() for d in calendar.workdays),
        "updated_at": to_rfc3339(at),
        "updated_by": by,
    }
    dynamo.put_item(_table(), item)
