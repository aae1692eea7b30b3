"""The projects service's only door to DynamoDB: projects, their ledger and their sessions.

Items (Records table; every key starts ``PROJECTS#``)::

    project       pk PROJECTS#PROJECT#<id>   sk PROJECT          funding_total, disbursed_total, balance (fen)
    funding       pk PROJECTS#PROJECT#<id>   sk LEDGER#<received_on>#<recorded_at>#<fnd_id>
    disbursement  pk PROJECTS#PROJECT#<id>   sk LEDGER#<paid_on>#<recorded_at>#<dsb_id>
    session       pk PROJECTS#PROJECT#<id>   sk SESSION#<held_on>#<recorded_at>#<ses_id>
    tally         pk PROJECTS#TALLY#<year>   sk <community>      started, started_<kind>, funding, disbursed, …

A project's co-organising member units and a funding line's giving unit are checked in the writing
transaction (``member_units.paired`` on ``COMPLEX#UNIT#<mu_id>``, read-only here).

Ledger lines sort by date just before the project item (``LEDGER#…`` < ``PROJECT``), so one Query
returns the ledger and the totals it must agree with. Every line is written in the same transaction
as the project's totals, and a disbursement's transaction holds the condition ``balance >= amount``:
however many clients pay out at once, DynamoDB serializes the transactions and the balance never
goes below zero.

Listings (sort key ``<year>#<created_at>#<id>``: newest year first, a year is a BETWEEN)::

    gsi1  PROJECTS#COMMUNITY#<cid>
    gsi2  PROJECTS#COMMUNITY#<cid>#KIND#<kind>
    gsi3  PROJECTS#YEAR#<year>#KIND#<kind>       (sort <community>#<id>: the yearly policy check)
    gsi4  PROJECTS#FUNDING#<year of received_on>  funding lines only (sort <received_on>#<recorded_at>#<fnd_id>)
    gsi5  PROJECTS#STREET#<sid>
    gsi6  PROJECTS#CITY
"""

from __future__ import annotations

from typing import Any

from services.common.config import get_settings
from services.common.data import dynamo, member_units, outbox, records, unit_refs
from services.common.data.dynamo import TxItem
from services.common.data.tally import Tally
from services.common.domain.clock import to_rfc3339
from services.common.domain.errors import Conflict, InvalidInput, NotFound
from services.common.domain.events import Event
from services.common.domain.money import cny
from services.common.domain.reach import Reach, ReachKind
from services.projects.models.records import LedgerRecord, ProjectRecord
from services.projects.models.resources import Disbursement, Funding, LedgerLine, Session

PREFIX = "PROJECTS#"
PROJECT_SK = "PROJECT"
LEDGER_PREFIX = "LEDGER#"
SESSION_PREFIX = "SESSION#"


def _table() -> str:
    return get_settings().records_table


def project_key(project_id: str) -> dict[str, str]:
    return {"pk": f"PROJECTS#PROJECT#{project_id}", "sk": PROJECT_SK}


def _project_item(project: ProjectRecord) -> dict[str, Any]:
    sort = f"{project.year}#{to_rfc3339(project.created_at)}#{project.id}"
    community = f"PROJECTS#COMMUNITY#{project.community_id}"
    return records.to_item(
        project,
        **project_key(project.id),
        gsi1pk=community,
        gsi1sk=sort,
        gsi2pk=f"{community}#KIND#{project.kind}",
        gsi2sk=sort,
        gsi3pk=f"PROJECTS#YEAR#{project.year}#KIND#{project.kind}",
        gsi3sk=f"{project.community_id}#{project.id}",
        gsi5pk=f"PROJECTS#STREET#{project.street_id}",
        gsi5sk=sort,
        gsi6pk="PROJECTS#CITY",
        gsi6sk=sort,
    )


def _project(item: dict[str, Any]) -> ProjectRecord:
    return records.from_item(ProjectRecord, item)


def create(project: ProjectRecord, events: list[Event], tally: Tally) -> None:
    """The project, a check that each co-organising unit is paired (``member_units.paired``, else 422 naming
    ``member_unit_ids[n]``) and the tally: one transaction."""
    units = project.member_unit_ids
    checks = [member_units.paired(unit_id) for unit_id in units]
    try:
        outbox.write_and_publish([TxItem("project", _put_new(_project_item(project))), *checks, tally.item()], events)
    except dynamo.WriteConflict as conflict:
        invalid = conflict.invalid_references(member_units.LABEL, "member_unit_ids", units, unit_refs.NOT_PAIRED)
        if invalid:
            raise invalid from None
        raise


def get(project_id: str, *, consistent: bool = False) -> ProjectRecord | None:
    item = dynamo.get_item(_table(), project_key(project_id), consistent=consistent)
    return _project(item) if item else None


def _update(
    project_id: str, expression: str, values: dict[str, Any], condition: str, names: dict[str, str] | None = None
) -> TxItem:
    """The project's own item, updated in a line's transaction: labelled ``"project"``."""
    return TxItem(
        "project",
        dynamo.update(_table(), project_key(project_id), expression, values, condition=condition, names=names),
    )


def change(project: ProjectRecord, *, read_version: int, events: list[Event]) -> None:
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


def _put_new(item: dict[str, Any]) -> dict[str, Any]:
    return dynamo.put(_table(), item, "attribute_not_exists(pk)")


def funding_year_partition(year: int) -> str:
    return f"PROJECTS#FUNDING#{year}"


def _line(line: LedgerRecord) -> dict[str, str]:
    day, recorded_at = line.date.isoformat(), to_rfc3339(line.recorded_at)
    return {"pk": project_key(line.project_id)["pk"], "sk": f"{LEDGER_PREFIX}{day}#{recorded_at}#{line.id}"}


def _record(
    item: dict[str, Any], totals: TxItem, tally: Tally, events: list[Event], checks: tuple[TxItem, ...] = ()
) -> None:
    """A new line under a project, the project's totals, the community tally and ``checks``: one transaction.

    The totals' condition is only that the project exists, so a failure means it does not; a member
    unit's check failing (funding from a unit) is a 422 naming ``member_unit_id``.
    """
    try:
        outbox.write_and_publish([TxItem("line", _put_new(item)), totals, *checks, tally.item()], events)
    except dynamo.WriteConflict as conflict:
        if conflict.failed("project"):
            raise NotFound("No such project.") from None
        if conflict.failed(member_units.LABEL):
            raise InvalidInput.field("member_unit_id", unit_refs.NOT_PAIRED) from None
        raise


def add_funding(funding: Funding, events: list[Event], tally: Tally, *, member_unit_name: str | None = None) -> None:
    """The funding line (with its giving unit's name, for 360Giving), the totals, the tally, and a check that
    the giving unit is still paired: one transaction."""
    line = LedgerRecord.of(funding, member_unit_name=member_unit_name)
    # The year's funding, for the 360Giving export (dal/giving.py): a Query, not a walk of every project.
    year_index = {
        "gsi4pk": funding_year_partition(line.date.year),
        "gsi4sk": f"{line.date.isoformat()}#{to_rfc3339(line.recorded_at)}#{line.id}",
    }
    item = records.to_item(line, **_line(line), **year_index)
    totals = _update(
        funding.project_id,
        "ADD funding_total :a, balance :a",
        {":a": funding.amount.amount},
        "attribute_exists(pk)",
    )
    checks = (member_units.paired(funding.member_unit_id),) if funding.member_unit_id else ()
    _record(item, totals, tally, events, checks)


def add_disbursement(disbursement: Disbursement, events: list[Event], tally: Tally) -> None:
    """Pay out only from the balance: the condition and the write are one transaction (else 409)."""
    amount = disbursement.amount.amount
    line = LedgerRecord.of(disbursement)
    item = records.to_item(line, **_line(line))
    totals = _update(
        disbursement.project_id,
        "ADD disbursed_total :a, balance :minus",
        {":a": amount, ":minus": -amount},
        "attribute_exists(pk) AND balance >= :a",
    )
    try:
        outbox.write_and_publish([TxItem("line", _put_new(item)), totals, tally.item()], events)
    except dynamo.WriteConflict as conflict:
        if not conflict.failed("project"):
            raise
        current = get(disbursement.project_id, consistent=True)
        balance = current.balance if current else 0
        raise Conflict(
            f"The disbursement of {amount} fen is more than the balance of {balance} fen; nothing was recorded.",
            balance=cny(balance).model_dump(),
        ) from None


def add_session(session: Session, events: list[Event], tally: Tally) -> None:
    sort = f"{SESSION_PREFIX}{session.held_on.isoformat()}#{to_rfc3339(session.recorded_at)}#{session.id}"
    item = records.to_item(session, pk=project_key(session.project_id)["pk"], sk=sort)
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


def ledger(project_id: str) -> tuple[ProjectRecord | None, list[LedgerLine]]:
    """The project and every ledger line in date order, with the running balance: one Query."""
    items = _partition(project_id, LEDGER_PREFIX, PROJECT_SK)
    project = next((_project(i) for i in items if i["sk"] == PROJECT_SK), None)
    lines, balance = [], 0
    for line in (records.from_item(LedgerRecord, i) for i in items if i["sk"].startswith(LEDGER_PREFIX)):
        balance += line.amount if line.type == "funding" else -line.amount
        lines.append(line.to_line(balance))
    return project, lines


def sessions(project_id: str) -> tuple[ProjectRecord | None, list[Session]]:
    items = _partition(project_id, PROJECT_SK, f"{SESSION_PREFIX}~")
    project = next((_project(i) for i in items if i["sk"] == PROJECT_SK), None)
    found = [records.from_item(Session, i) for i in items if i["sk"].startswith(SESSION_PREFIX)]
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
) -> dynamo.Page[ProjectRecord]:
    index, partition, kind = _listing(reach, kind)
    sort_between = (f"{year}#", f"{year}#~") if year else None
    page = dynamo.query_index(
        _table(), index, partition, sort_between=sort_between, limit=limit, cursor=cursor, filters={"kind": kind}
    )
    return dynamo.Page([_project(i) for i in page.items], page.next_cursor)
