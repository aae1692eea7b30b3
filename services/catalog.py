"""Every Lambda function of Canger: its handler, its HTTP routes, its schedule, its queue, its access.

This is the route table and wiring that both the CDK stack (``infra_cdk``) and the local server
(``canger_local``) are built from, so what runs on a laptop is what AWS runs. It names handlers as
import paths and imports none of them.

    function          kind       trigger
    directory-api     http       GET /v1/meta, /v1/communities, /v1/me, /openapi.json, /docs, unmatched routes
    appeals-api       http       /v1/appeals…, /v1/meetings…, /v1/calendar/{year}, /v1/appeal-policy,
                                 /open311/v2/… (public)
    volunteers-api    http       /v1/teams…, /v1/volunteers…, /v1/activities…
    projects-api      http       /v1/projects…, /v1/open-data/360giving/{year}.json (public)
    complex-api       http       /v1/member-units…, /v1/sites…, GET /v1/communities/{id}/matches
    stats-api         http       GET /v1/stats/{year}[/months|/scopes], /v1/reports/{report},
                                 /v1/reports/{year}/units.csv, /v1/member-units/{id}/figures (public)
    stats-consumer    queue      canger-events, batches of 100
    yearly-metrics    schedule   daily 01:00 Asia/Shanghai (reads the member units' names for their table)
    outbox-relay      schedule   every minute (services/platform: shared jobs)
    appeal-deadlines  schedule   every 15 minutes (the appeals service's own job)

The three kinds are three types (``HttpFunction``, ``QueueFunction``, ``ScheduledFunction``), so a
function cannot have routes and a schedule at once, and ``tests/unit/test_catalog.py`` fails when the
routes here and the handlers' route decorators disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

# Events: every source under "canger." goes to one queue, read by the stats consumer.
EVENT_SOURCE_PREFIX = "canger."
EVENTS_RULE_PATTERN = {"source": [{"prefix": EVENT_SOURCE_PREFIX}]}
EVENTS_QUEUE = "canger-events"
EVENTS_DLQ = "canger-events-dlq"
EVENTS_MAX_RECEIVES = 5
EVENTS_VISIBILITY_SECONDS = 180  # six times the consumer's timeout, as AWS advises for SQS sources


@dataclass(frozen=True)
class Route:
    method: str
    path: str  # API Gateway form: "/v1/appeals/{appeal_id}"
    public: bool = False

    @property
    def route_key(self) -> str:
        return f"{self.method} {self.path}"


@dataclass(frozen=True)
class Schedule:
    name: str
    expression: str  # EventBridge Scheduler: "rate(1 minute)", "cron(0 1 * * ? *)"
    timezone: str = "UTC"


@dataclass(frozen=True)
class Access:
    """What a function's role may touch. Records access is limited to these pk prefixes (LeadingKeys)."""

    records_prefixes: tuple[str, ...] = ()
    records_write: bool = False
    stats: Literal["none", "read", "write"] = "none"
    idempotency: bool = False
    publishes_events: bool = False
    reports: Literal["none", "read", "write"] = "none"
    # Another service's items this function only reads and checks inside its transactions (GetItem,
    # ConditionCheckItem), never writes: the member units appeals, activities and projects refer to.
    references: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class Function:
    """What every function has; its kind (and trigger) is its subclass."""

    name: str
    handler: str  # "package.module.attribute"
    service: str
    description: str
    access: Access = field(default_factory=Access)
    timeout_seconds: int = 10
    memory_mb: int = 512


@dataclass(frozen=True, kw_only=True)
class HttpFunction(Function):
    routes: tuple[Route, ...]
    # Receives API Gateway's $default route, so an unknown route gets a problem+json 404.
    default_route: bool = False


@dataclass(frozen=True, kw_only=True)
class QueueFunction(Function):
    consumes_queue: str
    batch_size: int = 100
    max_concurrency: int = 2  # Lambda's minimum is 2


@dataclass(frozen=True, kw_only=True)
class ScheduledFunction(Function):
    schedule: Schedule


OPEN311_DOCUMENTS = ("discovery.json", "services.json", "services.xml", "requests.json", "requests.xml")
APPEAL_ACTIONS = ("assign", "escalate", "resolve", "rate", "reopen", "close", "supervise", "merge")


MEMBER_UNITS = "COMPLEX#UNIT#"  # services.common.data.member_units.PREFIX


def _writer(prefix: str, *, references: tuple[str, ...] = ()) -> Access:
    """An API that writes its own items and their outbox events, idempotently."""
    return Access(
        records_prefixes=(prefix, "OUTBOX#"),
        records_write=True,
        idempotency=True,
        publishes_events=True,
        references=references,
    )


FUNCTIONS: tuple[Function, ...] = (
    HttpFunction(
        name="directory-api",
        handler="services.directory.handler.lambda_handler",
        service="directory",
        description="Reference data: enumerations, communities, the caller's identity; the OpenAPI document",
        routes=(
            Route("GET", "/v1/meta", public=True),
            Route("GET", "/v1/communities", public=True),
            Route("GET", "/v1/me"),
            Route("GET", "/openapi.json", public=True),
            # Swagger UI and its assets, from the Powertools package: no CDN (services/directory/docs.py).
            Route("GET", "/docs", public=True),
            Route("GET", "/docs/{asset}", public=True),
        ),
        default_route=True,
    ),
    HttpFunction(
        name="appeals-api",
        handler="services.appeals.handler.lambda_handler",
        service="appeals",
        description="Appeals: intake, assignment across levels, resolution, ratings; consultation meetings",
        routes=(
            Route("POST", "/v1/appeals"),
            Route("GET", "/v1/appeals"),
            Route("GET", "/v1/appeals/{appeal_id}"),
            Route("GET", "/v1/appeals/{appeal_id}/history"),
            *(Route("POST", f"/v1/appeals/{{appeal_id}}/{action}") for action in APPEAL_ACTIONS),
            Route("POST", "/v1/appeals/{appeal_id}/extension-requests"),
            Route("POST", "/v1/appeals/{appeal_id}/extension-requests/{request_id}/decide"),
            Route("POST", "/v1/meetings"),
            Route("GET", "/v1/meetings"),
            Route("GET", "/v1/meetings/{meeting_id}"),
            # Open311 GeoReport v2, public and read-only (API.md, "Open data").
            *(Route("GET", f"/open311/v2/{document}", public=True) for document in OPEN311_DOCUMENTS),
            Route("GET", "/open311/v2/services/{service}", public=True),
            Route("GET", "/open311/v2/requests/{request}", public=True),
            # Deadlines' configuration: the calendar is public, the policy is for staff (API.md).
            Route("GET", "/v1/calendar/{year}", public=True),
            Route("PUT", "/v1/calendar/{year}"),
            Route("GET", "/v1/appeal-policy"),
            Route("PUT", "/v1/appeal-policy"),
        ),
        access=_writer("APPEALS#", references=(MEMBER_UNITS,)),
    ),
    HttpFunction(
        name="volunteers-api",
        handler="services.volunteers.handler.lambda_handler",
        service="volunteers",
        description="Volunteer teams, registration, activities with hours, yearly service records",
        routes=(
            Route("POST", "/v1/teams"),
            Route("GET", "/v1/teams"),
            Route("GET", "/v1/teams/{team_id}"),
            Route("POST", "/v1/volunteers"),
            Route("GET", "/v1/volunteers"),
            Route("GET", "/v1/volunteers/{volunteer_id}"),
            Route("GET", "/v1/volunteers/{volunteer_id}/record"),
            Route("POST", "/v1/activities"),
            Route("GET", "/v1/activities"),
            Route("GET", "/v1/activities/{activity_id}"),
        ),
        access=_writer("VOLUNTEERS#", references=(MEMBER_UNITS,)),
    ),
    HttpFunction(
        name="projects-api",
        handler="services.projects.handler.lambda_handler",
        service="projects",
        description="Secretary-led and care projects: funding by source, disbursements, sessions, ledger",
        routes=(
            Route("POST", "/v1/projects"),
            Route("GET", "/v1/projects"),
            Route("GET", "/v1/projects/{project_id}"),
            Route("PATCH", "/v1/projects/{project_id}"),
            Route("POST", "/v1/projects/{project_id}/funding"),
            Route("POST", "/v1/projects/{project_id}/disbursements"),
            Route("POST", "/v1/projects/{project_id}/sessions"),
            Route("GET", "/v1/projects/{project_id}/sessions"),
            Route("GET", "/v1/projects/{project_id}/ledger"),
            Route("GET", "/v1/open-data/360giving/{file}", public=True),
        ),
        access=_writer("PROJECTS#", references=(MEMBER_UNITS,)),
    ),
    HttpFunction(
        name="complex-api",
        handler="services.complex.handler.lambda_handler",
        service="complex",
        description="The community service complex: member units and their offers, sites, demand-to-resource matching",
        routes=(
            Route("POST", "/v1/member-units"),
            Route("GET", "/v1/member-units", public=True),
            Route("GET", "/v1/member-units/{member_unit_id}", public=True),
            Route("PATCH", "/v1/member-units/{member_unit_id}"),
            # Public routes carry no claims behind API Gateway, so a unit's contact has its own authenticated route.
            Route("GET", "/v1/member-units/{member_unit_id}/contact"),
            Route("POST", "/v1/sites"),
            Route("GET", "/v1/sites", public=True),
            Route("GET", "/v1/sites/{site_id}", public=True),
            Route("GET", "/v1/communities/{community_id}/matches"),
        ),
        # Matching reads open appeals by category (APPEALS#DEMAND#…), kept by the appeals service
        # (services.common.data.open_demand).
        access=Access(
            records_prefixes=("COMPLEX#", "OUTBOX#"),
            records_write=True,
            idempotency=True,
            publishes_events=True,
            references=("APPEALS#DEMAND#",),
        ),
    ),
    HttpFunction(
        name="stats-api",
        handler="services.stats.handler.lambda_handler",
        service="stats",
        description="Live yearly and monthly figures by city, street and community; the frozen yearly reports",
        routes=(
            Route("GET", "/v1/stats/{year}", public=True),
            Route("GET", "/v1/stats/{year}/months", public=True),
            Route("GET", "/v1/stats/{year}/scopes", public=True),
            Route("GET", "/v1/reports/{report}", public=True),
            Route("GET", "/v1/reports/{year}/units.csv", public=True),
            Route("GET", "/v1/member-units/{member_unit_id}/figures", public=True),
        ),
        access=Access(stats="read", reports="read", references=(MEMBER_UNITS,)),
    ),
    QueueFunction(
        name="stats-consumer",
        handler="services.stats.consumer.lambda_handler",
        service="stats",
        description="Applies every event to the statistics counters, each exactly once",
        consumes_queue=EVENTS_QUEUE,
        batch_size=100,
        access=Access(records_prefixes=("OUTBOX#",), records_write=True, stats="write"),
        timeout_seconds=30,
    ),
    ScheduledFunction(
        name="yearly-metrics",
        handler="services.stats.yearly.lambda_handler",
        service="stats",
        description="Freezes the yearly report for every scope, reconciles it with the records, stores JSON and CSV",
        schedule=Schedule("yearly-metrics", "cron(0 1 * * ? *)", "Asia/Shanghai"),
        access=Access(
            records_prefixes=("APPEALS#TALLY#", "VOLUNTEERS#TALLY#", "PROJECTS#TALLY#", "COMPLEX#TALLY#"),
            stats="read",
            reports="write",
            references=(MEMBER_UNITS,),  # the units' names for the units table (BatchGetItem)
        ),
        timeout_seconds=120,
        memory_mb=1024,
    ),
    ScheduledFunction(
        name="outbox-relay",
        handler="services.platform.relay.lambda_handler",
        service="platform",
        description="Republishes outbox events that no consumer has confirmed",
        schedule=Schedule("outbox-relay", "rate(1 minute)"),
        access=Access(records_prefixes=("OUTBOX#",), records_write=True, publishes_events=True),
        timeout_seconds=60,
    ),
    # The appeals service's own job, not a platform one: it changes appeal records by the appeals' rules
    # (overdue, history, escalation) in the same transactions as the API, through the same data layer.
    ScheduledFunction(
        name="appeal-deadlines",
        handler="services.appeals.deadlines.lambda_handler",
        service="appeals",
        description="Flags appeals whose respond_by or due_at passed unmet; escalates them if the policy says so",
        schedule=Schedule("appeal-deadlines", "rate(15 minutes)"),
        access=Access(records_prefixes=("APPEALS#", "OUTBOX#"), records_write=True, publishes_events=True),
        timeout_seconds=300,
    ),
)


def http_functions() -> list[HttpFunction]:
    return [f for f in FUNCTIONS if isinstance(f, HttpFunction)]


def queue_functions() -> list[QueueFunction]:
    return [f for f in FUNCTIONS if isinstance(f, QueueFunction)]


def scheduled_functions() -> list[ScheduledFunction]:
    return [f for f in FUNCTIONS if isinstance(f, ScheduledFunction)]


def default_function() -> HttpFunction:
    """The function that answers API Gateway's ``$default`` route (unknown routes)."""
    return next(f for f in http_functions() if f.default_route)


def by_name(name: str) -> Function:
    for function in FUNCTIONS:
        if function.name == name:
            return function
    raise KeyError(name)
