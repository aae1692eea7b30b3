"""The projects service's only door to DynamoDB: projects, their ledger and their sessions.

Items (Records table; every key starts ``PROJECTS#``)::

    project       pk PROJECTS#PROJECT#<id>   sk PROJECT          funding_total, disbursed_total, balance (fen)
    funding       pk PROJECTS#PROJECT#<id>   sk LEDGER#<received_on>#<recorded_at>#<fnd_id>
    disbursement  pk PROJECTS#PROJECT#<id>   sk LEDGER#<paid_on>#<recorded_at>#<dsb_id>
    session       pk PROJECTS#PROJECT#<id>   sk SESSION#<held_on>#<recorded_at>#<ses_id>
    tally         pk PROJECTS#TALLY#<year>   sk <community>      started, started_<kind>, funding, disbursed, …

Ledger lines sort by date just before the project item (``LEDGER#…`` < ``PROJECT``), so one Query
returns the ledger and the totals it must agree with. Every line is written in the same transaction
as the project's totals, and a disbursement's transaction holds the condition ``balance >= amount``:
however many clients pay out at once, DynamoDB serializes the transactions and the balance never
goes below zero.

Listings (sort key ``<year>#<created_at>#<id>``: newest year first, a year is a BETWEEN)::

    gsi1  PROJECTS#COMMUNITY#<cid>
    gsi2  PROJECTS#COMMUNITY#<cid>#KIND#<kind>
    gsi3  PROJECTS#YEAR#<year>#KIND#<kind>       (sort <community>#<id>: the yearly policy check)
    gsi5  PROJECTS#STREET#<sid>
    gsi6  PROJECTS#CITY
"""

from __future__ import annotations

from typing import Any

from services.common.config import get_settings
from services.common.data import dynamo, outbox
from services.common.data.tally import Tally
from services.common.domain.clock import to_rfc3339
from services.common.domain.errors import Conflict, NotFound
from services.common.domain.events import Event
from services.common.domain.money import cny
from services.common.domain.reach import Reach, ReachKind
from services.projects.models.resources import Disbursement, Funding, LedgerLine, Project, Session

PREFIX = "PROJECTS#"
PROJECT_SK = "PROJECT"
LEDGER_PREFIX = "LEDGER#"
SESSION_PREFIX = "SESSION#"
_TOTALS = ("funding_total", "disbursed_total", "balance")
_COUNTS = ("beneficiaries_covered", "service_sessions", "residents_served")


def _table() -> str:
    return get_settings().records_table


def project_key(project_id: str) -> dict[str, str]:
    return {"pk": f"PROJECTS#PROJECT#{project_id}", "sk": PROJECT_SK}


def _project_item(project: Project) -> dict[str, Any]:
    sort = f"{project.year}#{to_rfc3339(project.created_at)}#{project.id}"
    community = f"PROJECTS#COMMUNITY#{project.community_id}"
    item = project.model_dump(mode="json", exclude={*_TOTALS, "budget"})
    return {
        **project_key(project.id),
        **item,
        **{name: getattr(project, name).amount for name in _TOTALS},
        "budget": project.budget.amount if project.budget else None,
        "gsi1pk": community,
        "gsi1sk": sort,
        "gsi2pk": f"{community}#KIND#{project.kind}",
        "gsi2sk": sort,
        "gsi3pk": f"PROJECTS#YEAR#{project.year}#KIND#{project.kind}",
        "gsi3sk": f"{project.community_id}#{project.id}",
        "gsi5pk": f"PROJECTS#STREET#{project.street_id}",
        "gsi5sk": sort,
        "gsi6pk": "PROJECTS#CITY",
        "gsi6sk": sort,
    }


def _project(item: dict[str, Any]) -> Project:
    fields = {name: item.get(name) for name in Project.model_fields}
    for name in _TOTALS:
        fields[name] = cny(item.get(name, 0))
    for name in (*_COUNTS, "year", "version"):
        fields[name] = int(item.get(name, 0))
    fields["budget"] = cny(item["budget"]) if item.get("budget") is not None else None
    if fields["target_beneficiaries"] is not None:
        fields["target_beneficiaries"] = int(fields["target_beneficiaries"])
    return Project.model_validate(fields)


def create(project: Project, events: list[Event], tally: Tally) -> None:
    outbox.write_and_publish(
        [dynamo.put(_table(), _project_item(project), "attribute_not_exists(pk)"), tally.item()], events
    )


def get(project_id: str, *, consistent: bool = False) -> Project | None:
    item = dynamo.get_item(_table(), project_key(project_id), consistent=consistent)
    return _project(item) if item else None


def _update(project_id: str, expression: str, values: dict[str, Any], condition: str, names: dict | None = None):
    update: dict[str, Any] = {
        "TableName": _table(),
        "Key": dynamo.marshal(project_key(project_id)),
        "UpdateExpression": expression,
        "ConditionExpression": condition,
        "ExpressionAttributeValues": dynamo.values(values),
    }
    if names:
        update["ExpressionAttributeNames"] = names
    return {"Update": update}


def change(project: Project, *, read_version: int, events: list[Event]) -> None:
    """Status and beneficiaries, if the project is still at ``read_version`` (else ``WriteConflict``)."""
    update = _update(
        project.id,
        "SET #status = :status, beneficiaries_covered = :covered, version = :next",
        {
            ":status": project.status,
            ":covered": project.beneficiaries_covered,
            ":next": project.version,
            ":v": read_version,
        },
        "version = :v",
        {"#status": "status"},
    )
    outbox.write_and_publish([update], events)


def _line(project_id: str, day: str, recorded_at: str, line_id: str) -> dict[str, str]:
    return {"pk": project_key(project_id)["pk"], "sk": f"{LEDGER_PREFIX}{day}#{recorded_at}#{line_id}"}


def _record(item: dict[str, Any], totals: dict[str, Any], tally: Tally, events: list[Event]) -> None:
    """A new line under a project, the project's totals and the community tally: one transaction.

    The totals' condition is only that the project exists, so a failure means it does not.
    """
    try:
        outbox.write_and_publish([dynamo.put(_table(), item, "attribute_not_exists(pk)"), totals, tally.item()], events)
    except dynamo.WriteConflict:
        raise NotFound("No such project.") from None


def add_funding(funding: Funding, events: list[Event], tally: Tally) -> None:
    item = {
        **_line(funding.project_id, funding.received_on.isoformat(), to_rfc3339(funding.recorded_at), funding.id),
        **funding.model_dump(mode="json", exclude={"amount"}),
        "type": "funding",
        "date": funding.received_on.isoformat(),
        "amount": funding.amount.amount,
    }
    totals = _update(
        funding.project_id,
        "ADD funding_total :a, balance :a",
        {":a": funding.amount.amount},
        "attribute_exists(pk)",
    )
    _record(item, totals, tally, events)


def add_disbursement(disbursement: Disbursement, events: list[Event], tally: Tally) -> None:
    """Pay out only from the balance: the condition and the write are one transaction (else 409)."""
    amount = disbursement.amount.amount
    item = {
        **_line(
            disbursement.project_id,
            disbursement.paid_on.isoformat(),
            to_rfc3339(disbursement.recorded_at),
            disbursement.id,
        ),
        **disbursement.model_dump(mode="json", exclude={"amount"}),
        "type": "disbursement",
        "date": disbursement.paid_on.isoformat(),
        "amount": amount,
    }
    totals = _update(
        disbursement.project_id,
        "ADD disbursed_total :a, balance :minus",
        {":a": amount, ":minus": -amount},
        "attribute_exists(pk) AND balance >= :a",
    )
    try:
        outbox.write_and_publish([dynamo.put(_table(), item, "attribute_not_exists(pk)"), totals, tally.item()], events)
    except dynamo.WriteConflict:
        current = get(disbursement.project_id, consistent=True)
        balance = current.balance.amount if current else 0
        raise Conflict(
            f"The disbursement of {amount} fen is more than the balance of {balance} fen; nothing was recorded.",
            balance=cny(balance).model_dump(),
        ) from None


def add_session(session: Session, events: list[Event], tally: Tally) -> None:
    item = {
        "pk": project_key(session.project_id)["pk"],
        "sk": f"{SESSION_PREFIX}{session.held_on.isoformat()}#{to_rfc3339(session.recorded_at)}#{session.id}",
        **session.model_dump(mode="json"),
    }
    totals = _update(
        session.project_id,
        "ADD service_sessions :one, residents_served :n",
        {":one": 1, ":n": session.residents_served},
        "attribute_exists(pk)",
    )
    _record(item, totals, tally, events)


def _partition(project_id: str, low: str, high: str, *, newest_first: bool = False) -> list[dict[str, Any]]:
    return dynamo.query_page(
        _table(),
        index=None,
        partition_key="pk",
        partition_value=project_key(project_id)["pk"],
        sort_key="sk",
        sort_between=(low, high),
        limit=100_000,
        newest_first=newest_first,
    ).items


def ledger(project_id: str) -> tuple[Project | None, list[LedgerLine]]:
    """The project and every ledger line in date order, with the running balance: one Query."""
    items = _partition(project_id, LEDGER_PREFIX, PROJECT_SK)
    project = next((_project(i) for i in items if i["sk"] == PROJECT_SK), None)
    lines, balance = [], 0
    for item in (i for i in items if i["sk"].startswith(LEDGER_PREFIX)):
        amount = int(item["amount"])
        balance += amount if item["type"] == "funding" else -amount
        lines.append(
            LedgerLine(
                id=item["id"],
                type=item["type"],
                date=item["date"],
                amount=cny(amount),
                source=item.get("source"),
                donor=item.get("donor"),
                purpose=item.get("purpose"),
                payee=item.get("payee"),
                balance=cny(balance),
            )
        )
    return project, lines


def sessions(project_id: str) -> tuple[Project | None, list[Session]]:
    items = _partition(project_id, PROJECT_SK, f"{SESSION_PREFIX}~")
    project = next((_project(i) for i in items if i["sk"] == PROJECT_SK), None)
    found = [
        Session.model_validate(
            {**{k: i.get(k) for k in Session.model_fields}, "residents_served": int(i["residents_served"])}
        )
        for i in items
        if i["sk"].startswith(SESSION_PREFIX)
    ]
    return project, found


def _listing(reach: Reach, kind: str | None) -> tuple[str, str, str | None]:
    """(index, partition, kind still to filter by): a community's projects of one kind have their own partition."""
    if reach.kind is ReachKind.COMMUNITY:
        base = f"PROJECTS#COMMUNITY#{reach.id}"
        return ("gsi2", f"{base}#KIND#{kind}", None) if kind else ("gsi1", base, None)
    if reach.kind is ReachKind.STREET:
        return "gsi5", f"PROJECTS#STREET#{reach.id}", kind
    if reach.kind is ReachKind.CITY:
        return "gsi6", "PROJECTS#CITY", kind
    raise ValueError(f"projects are not listed by {reach.kind}")


def list_projects(
    reach: Reach,
    *,
    year: int | None,
    kind: str | None,
    limit: int,
    cursor: str | None,
) -> dynamo.Page[Project]:
    index, partition, kind = _listing(reach, kind)
    page = dynamo.query_page(
        _table(),
        index=index,
        partition_key=f"{index}pk",
        partition_value=partition,
        sort_key=f"{index}sk",
        sort_between=(f"{year}#", f"{year}#~") if year else None,
        limit=limit,
        cursor=cursor,
        filter_expression="#kind = :kind" if kind else None,
        filter_names={"#kind": "kind"} if kind else None,
        filter_values={":kind": kind} if kind else None,
    )
    return dynamo.Page([_project(i) for i in page.items], page.next_cursor)
