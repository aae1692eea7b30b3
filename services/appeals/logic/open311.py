"""Open311 GeoReport v2, read-only: the appeals as public service requests (API.md, "Open data").

    appeal category   →  service (service_code = the code, service_name = the Chinese label)
    appeal            →  service request, public fields only:
        status        closed when the appeal is closed, else open
        description   the title only; never the appeal's description, contact or exact location
        address       city, street and community names; lat/long rounded to 3 decimals (≈ 110 m)
        times         ISO 8601 in the report time zone (+08:00 for Asia/Shanghai)

A search (``requests``) covers at most ``MAX_WINDOW`` of submission times (default: the last 90 days)
and answers at most ``MAX_REQUESTS`` requests, newest first; ``service_request_id`` (a comma list)
overrides every other argument, as the specification says. Bad arguments are ``InvalidInput`` (400 in
the specification's error format), unknown ids and codes ``NotFound`` (404).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_EVEN, Decimal

from services.appeals.dal import open311 as dal
from services.appeals.models.open311 import Discovery, Endpoint, Service, ServiceDefinition, ServiceRequest
from services.appeals.models.resources import Level, Status
from services.common.config import get_settings
from services.common.domain import clock
from services.common.domain.errors import InvalidInput, NotFound
from services.common.domain.reference import LABELS, AppealCategory, directory
from services.common.observability import logger

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# When the service list last changed (the discovery document's changeset): change it with the categories.
CHANGESET = "2026-11-26T00:00:00+08:00"
MAX_WINDOW = timedelta(days=90)
MAX_REQUESTS = 1000
MAX_IDS = 100
_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_COORDINATE_STEP = Decimal("0.001")

OPEN_STATUSES = (Status.SUBMITTED, Status.ASSIGNED, Status.ESCALATED, Status.RESOLVED)

# Groups of services (the specification's ``group``): reference data, like the categories themselves.
GROUPS: dict[str, str] = {
    "employment": "民生服务",
    "medical": "民生服务",
    "education": "民生服务",
    "elderly_care": "民生服务",
    "childcare": "民生服务",
    "social_assistance": "民生服务",
    "housing_property": "城市管理",
    "parking_traffic": "城市管理",
    "environment": "城市管理",
    "public_facilities": "城市管理",
    "public_safety": "平安建设",
    "neighbour_dispute": "平安建设",
    "other": "其他",
}

# status_notes: made from codes, so no free text (a resolution, a reason) can carry personal data out.
_NOTES: dict[str, str] = {
    Status.SUBMITTED: "已受理，待交办",
    Status.ASSIGNED: "已交办，办理中",
    Status.RESOLVED: "已办结，待评价",
}
_ESCALATED_NOTES = {Level.STREET: "已上报街道协调", Level.CITY: "已上报市级协调", Level.COMMUNITY: "已上报协调"}
_CLOSED_NOTES = {
    "duplicate": "重复诉求，已关闭",
    "withdrawn": "已撤回",
    "out_of_scope": "不属受理范围，已关闭",
    "merged": "已并单办理",
}


def _service(category: str) -> Service:
    label_zh, label_en = LABELS[AppealCategory][category]
    return Service(
        service_code=category,
        service_name=label_zh,
        description=f"{label_zh}（{label_en}）：居民诉求 Residents' appeals",
        metadata=False,
        type="realtime",
        keywords=f"{label_zh},{label_en},{category}",
        group=GROUPS[category],
    )


def services() -> list[Service]:
    return [_service(category.value) for category in AppealCategory]


def service_definition(code: str) -> ServiceDefinition:
    if code not in LABELS[AppealCategory]:
        raise NotFound(f"No service has the code {code!r}; see services.json.")
    return ServiceDefinition(service_code=code, attributes=[])


def discovery(base_url: str) -> Discovery:
    return Discovery(
        changeset=CHANGESET,
        contact=f"{directory().city_name} 社区服务综合体 (Canger)",
        key_service="Read-only: no API key is needed or issued.",
        endpoints=[
            Endpoint(
                specification=SPECIFICATION,
                url=base_url,
                changeset=CHANGESET,
                type="production",
                formats=["text/xml", "application/json"],
            )
        ],
    )


# --- requests --------------------------------------------------------------------------------------


def local_time(stored: str | None) -> str | None:
    """Stored UTC text → ISO 8601 in the report time zone, to the second: ``2025-03-01T10:00:00+08:00``."""
    if stored is None:
        return None
    moment = datetime.fromisoformat(stored)
    return moment.astimezone(get_settings().zone).isoformat(timespec="seconds")


def _rounded(value: Decimal | None) -> float | None:
    # Three decimals of a degree is about 110 m: the neighbourhood, not the door.
    return float(Decimal(value).quantize(_COORDINATE_STEP, rounding=ROUND_HALF_EVEN)) if value is not None else None


def _agency(appeal: dal.PublicAppeal) -> str | None:
    places = directory()
    if appeal.level == Level.CITY:
        return f"{places.city_name}人民政府"
    if appeal.level == Level.STREET:
        street = places.streets.get(appeal.street_id)
        return f"{street.name}办事处" if street else None
    community = places.community(appeal.community_id)
    return f"{community.name}居民委员会" if community else None


def _address(appeal: dal.PublicAppeal) -> str:
    places = directory()
    street = places.streets.get(appeal.street_id)
    community = places.community(appeal.community_id)
    return "".join(
        [places.city_name, street.name if street else "", community.name if community else appeal.community_id]
    )


def _notes(appeal: dal.PublicAppeal) -> str:
    if appeal.status == Status.CLOSED:
        return _CLOSED_NOTES.get(appeal.close_reason or "", "已评价办结" if appeal.close_reason is None else "已关闭")
    if appeal.status == Status.ESCALATED:
        return _ESCALATED_NOTES[Level(appeal.level)]
    return _NOTES.get(appeal.status, "办理中")


def to_request(appeal: dal.PublicAppeal) -> ServiceRequest:
    # The last action's time; appeals stored before it was kept fall back on the latest time they have.
    updated = max(t for t in (appeal.submitted_at, appeal.updated_at, appeal.resolved_at, appeal.closed_at) if t)
    return ServiceRequest(
        service_request_id=appeal.id,
        status="closed" if appeal.status == Status.CLOSED else "open",
        status_notes=_notes(appeal),
        service_name=LABELS[AppealCategory].get(appeal.category, (appeal.category, ""))[0],
        service_code=appeal.category,
        description=appeal.title,
        agency_responsible=_agency(appeal),
        service_notice=None,
        requested_datetime=local_time(appeal.submitted_at) or "",
        updated_datetime=local_time(updated) or "",
        expected_datetime=local_time(appeal.due_at),
        address=_address(appeal),
        address_id=appeal.community_id,
        zipcode=None,
        lat=_rounded(appeal.lat),
        long=_rounded(appeal.lng),
        media_url=None,
    )


def request(request_id: str) -> ServiceRequest:
    found = dal.get_many([request_id]) if _ID.match(request_id) else {}
    if request_id not in found:
        raise NotFound(f"No service request has the id {request_id!r}.")
    return to_request(found[request_id])


def _list(value: str | None, name: str) -> list[str]:
    if value is None:
        return []
    items = [part.strip() for part in value.split(",")]
    if not all(items):
        raise InvalidInput.field(name, f"{name} is a comma-separated list without empty entries.")
    return items


def _moment(value: str, name: str, *, end_of_day: bool) -> datetime:
    """A w3c/ISO 8601 date-time; one without an offset is local time; a bare date is that whole day."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise InvalidInput.field(
            name, f"{name} must be an ISO 8601 date-time, e.g. 2025-03-01T00:00:00+08:00."
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=get_settings().zone)
    if _DATE_ONLY.match(value) and end_of_day:
        moment += timedelta(days=1, milliseconds=-1)
    return moment.astimezone(UTC)


def _window(start_date: str | None, end_date: str | None) -> tuple[datetime, datetime]:
    start = _moment(start_date, "start_date", end_of_day=False) if start_date else None
    end = _moment(end_date, "end_date", end_of_day=True) if end_date else None
    if start and end:
        if end < start:
            raise InvalidInput.field("end_date", "end_date must not be before start_date.")
        if end - start > MAX_WINDOW:
            raise InvalidInput.field("end_date", "start_date and end_date may be at most 90 days apart.")
        return start, end
    if start:
        return start, start + MAX_WINDOW
    if end:
        return end - MAX_WINDOW, end
    now = clock.utc_now()
    return now - MAX_WINDOW, now


def _statuses(wanted: list[str]) -> tuple[str, ...]:
    unknown = [s for s in wanted if s not in ("open", "closed")]
    if unknown:
        raise InvalidInput.field("status", "status is open, closed, or both (comma-separated).")
    if set(wanted) in (set(), {"open", "closed"}):
        return ()
    return tuple(OPEN_STATUSES) if wanted[0] == "open" else (Status.CLOSED.value,)


def _codes(wanted: list[str]) -> tuple[str, ...]:
    unknown = [code for code in wanted if code not in LABELS[AppealCategory]]
    if unknown:
        raise InvalidInput.field("service_code", f"Unknown service_code {unknown[0]!r}; see services.json.")
    return tuple(dict.fromkeys(wanted))


def _by_ids(ids: list[str]) -> list[ServiceRequest]:
    if len(ids) > MAX_IDS or not all(_ID.match(i) for i in ids):
        raise InvalidInput.field("service_request_id", f"Give 1 to {MAX_IDS} request ids, comma-separated.")
    found = dal.get_many(ids)
    newest_first = sorted(found.values(), key=lambda a: a.order, reverse=True)
    return [to_request(appeal) for appeal in newest_first]


def requests(
    *,
    service_request_id: str | None = None,
    service_code: str | None = None,
    start_date: str | None = None,
    end_date: str | None = None,
    status: str | None = None,
) -> list[ServiceRequest]:
    """The service requests matching the specification's arguments, newest first, at most ``MAX_REQUESTS``."""
    if service_request_id is not None:
        return _by_ids(_list(service_request_id, "service_request_id"))
    start, end = _window(start_date, end_date)
    search = dal.Search(
        start=clock.to_rfc3339(start),
        end=clock.to_rfc3339(end),
        categories=_codes(_list(service_code, "service_code")),
        statuses=_statuses(_list(status, "status")),
        limit=MAX_REQUESTS,
    )
    found = dal.search(search, community_ids=sorted(directory().communities))
    logger.info(
        "open311 search",
        returned=len(found.appeals),
        examined=found.examined,
        queries=found.queries,
        exhausted=found.exhausted,
    )
    return [to_request(appeal) for appeal in found.appeals]
