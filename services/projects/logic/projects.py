"""What the projects service does: projects of every kind, their funding, disbursements and sessions.

Who may do what (API.md, "Callers and roles")::

    community_staff   everything for their own community
    street_officer    read their street's projects
    city_admin        everything, everywhere
    grid_worker, resident   nothing here (403)

A project moves ``planned → in_progress → completed`` (or straight to completed); never back.
Money is integer fen. Every change and its event are one transaction (``dal.store``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import partial
from typing import Any

from services.common.data import unit_refs
from services.common.data.member_units import UnitRef
from services.common.data.tally import Tally
from services.common.domain import clock, years
from services.common.domain.auth import Principal, Role
from services.common.domain.contracts import projects as contract
from services.common.domain.contracts.tallies import ProjectsTally
from services.common.domain.errors import Conflict, InvalidInput, NotAllowed, NotFound, get_or_404, require_version
from services.common.domain.events import new_event
from services.common.domain.ids import is_id, new_id
from services.common.domain.money import cny
from services.common.domain.reach import Reach
from services.common.domain.reference import FundingSource, community_or_422
from services.common.observability import logger
from services.projects.dal import store
from services.projects.models import inputs
from services.projects.models.records import ProjectRecord
from services.projects.models.resources import (
    Disbursement,
    Funding,
    Ledger,
    Project,
    ProjectList,
    Session,
    SessionList,
)

SERVICE = "projects"
READERS = (Role.COMMUNITY_STAFF, Role.STREET_OFFICER, Role.CITY_ADMIN)
ORDER = {"planned": 0, "in_progress": 1, "completed": 2}
EARLIEST_DAY = dt.date(2000, 1, 1)


def _may_write(by: Principal, community_id: str) -> None:
    by.require(Role.COMMUNITY_STAFF, Role.CITY_ADMIN)
    if not by.manages(community_id):
        raise NotAllowed("You may manage projects of your own community only.")


def _sees(by: Principal) -> Callable[[ProjectRecord], bool]:
    return lambda project: by.oversees(project.community_id, project.street_id)


def _visible(project_id: str, by: Principal, *, consistent: bool = False) -> ProjectRecord:
    by.require(*READERS)
    load = partial(store.get, consistent=consistent)
    return get_or_404(load, project_id, prefix="prj", what="project", visible=_sees(by))


def _writable(project_id: str, by: Principal) -> ProjectRecord:
    project = _visible(project_id, by, consistent=True)
    _may_write(by, project.community_id)
    return project


def _scope(project: ProjectRecord) -> dict[str, Any]:
    return {
        "project_id": project.id,
        "community_id": project.community_id,
        "street_id": project.street_id,
        "kind": project.kind,
        "year": project.year,
    }


def _past_day(day: dt.date, field: str) -> None:
    """A record of money or a session is dated on a day that has come (in the report time zone)."""
    today = years.local_date(clock.utc_now())
    if day > today:
        raise InvalidInput.field(field, "The date is in the future.")
    if day < EARLIEST_DAY:
        raise InvalidInput.field(field, "The date is before 2000.")


# --- projects --------------------------------------------------------------------------------------


def create(body: inputs.NewProject, *, by: Principal) -> Project:
    community = community_or_422(body.community_id)
    _may_write(by, community.id)
    errors = unit_refs.id_errors(body.member_unit_ids, field="member_unit_ids")
    if errors:
        raise InvalidInput(errors)
    now = clock.utc_now()
    project = ProjectRecord(
        id=new_id("prj"),
        community_id=community.id,
        street_id=community.street_id,
        kind=body.kind.value,
        title=body.title,
        year=body.year,
        lead=body.lead,
        description=body.description,
        budget=body.budget.amount if body.budget else None,
        target_beneficiaries=body.target_beneficiaries,
        status="planned",
        funding_total=0,
        disbursed_total=0,
        balance=0,
        beneficiaries_covered=0,
        service_sessions=0,
        residents_served=0,
        member_unit_ids=body.member_unit_ids,
        created_by=by.sub,
        created_at=now,
        version=1,
    )
    data = contract.ProjectCreated(
        **_scope(project),
        budget=body.budget.amount if body.budget else None,
        target_beneficiaries=body.target_beneficiaries,
        at=now,
        member_unit_ids=project.member_unit_ids,
    )
    event = new_event(SERVICE, data, occurred_at=now)
    store.create(
        project, [event], Tally(project.year, project.community_id, ProjectsTally.project_started(project.kind))
    )
    logger.info("project created", project_id=project.id, community_id=project.community_id, kind=project.kind)
    return project.to_resource()


def get(project_id: str, *, by: Principal) -> Project:
    return _visible(project_id, by).to_resource()


def change(project_id: str, body: inputs.ProjectChange, *, by: Principal) -> Project:
    if body.status is None and body.beneficiaries_covered is None:
        raise InvalidInput.field("body", "Give a status or beneficiaries_covered to change.")
    before = _writable(project_id, by)
    require_version("project", before.version, body.expected_version)
    status = body.status or before.status
    if ORDER[status] < ORDER[before.status]:
        raise Conflict(f"A project that is {before.status} cannot become {status}.")
    covered = before.beneficiaries_covered if body.beneficiaries_covered is None else body.beneficiaries_covered
    after = before.model_copy(
        update={"status": status, "beneficiaries_covered": covered, "version": before.version + 1}
    )
    now = clock.utc_now()
    data = contract.ProjectUpdated(
        **_scope(after),
        status=status,
        previous_status=before.status,
        beneficiaries_covered=covered,
        beneficiaries_delta=covered - before.beneficiaries_covered,
        at=now,
    )
    event = new_event(SERVICE, data, occurred_at=now)
    store.change(after, read_version=before.version, events=[event])
    logger.info("project changed", project_id=project_id, status=status)
    return after.to_resource()


def list_projects(
    *, by: Principal, community_id: str | None, year: int | None, kind: str | None, limit: int, cursor: str | None
) -> ProjectList:
    by.require(*READERS)
    reach = Reach.for_listing(by, community_id=community_id)
    page = store.list_projects(reach, year=year, kind=kind, limit=limit, cursor=cursor)
    return ProjectList(items=[p.to_resource() for p in page.items], next_cursor=page.next_cursor)


# --- money and sessions ----------------------------------------------------------------------------


def _giving_unit(body: inputs.NewFunding) -> UnitRef | None:
    """Funding from source ``member_unit`` names the unit, paired now; no other source names one (422)."""
    from_unit = body.source is FundingSource.MEMBER_UNIT
    if body.member_unit_id is None:
        if from_unit:
            raise InvalidInput.field("member_unit_id", "Funding from source member_unit names the member unit.")
        return None
    if not from_unit:
        raise InvalidInput.field("member_unit_id", "Only funding from source member_unit names a member unit.")
    return unit_refs.paired_or_422(body.member_unit_id, field="member_unit_id")


def add_funding(project_id: str, body: inputs.NewFunding, *, by: Principal) -> Funding:
    _past_day(body.received_on, "received_on")
    project = _writable(project_id, by)
    unit = _giving_unit(body)
    now = clock.utc_now()
    funding = Funding(
        id=new_id("fnd"),
        project_id=project.id,
        source=body.source.value,
        amount=cny(body.amount),
        received_on=body.received_on,
        donor=body.donor,
        reference=body.reference,
        member_unit_id=unit.id if unit else None,
        recorded_by=by.sub,
        recorded_at=now,
    )
    data = contract.FundingRecorded(
        **_scope(project),
        funding_id=funding.id,
        source=funding.source,
        amount=body.amount,
        received_on=body.received_on,
        member_unit_id=funding.member_unit_id,
    )
    event = new_event(SERVICE, data, occurred_at=now)
    figures = ProjectsTally(funding=body.amount, funding_from_units=body.amount if unit else 0)
    tally = Tally(body.received_on.year, project.community_id, figures)
    # The unit is checked again in the funding's transaction (member_units.paired): leaving meanwhile is a 422.
    store.add_funding(funding, [event], tally, member_unit_name=unit.name if unit else None)
    logger.info("funding recorded", project_id=project.id, funding_id=funding.id, source=funding.source)
    return funding


def add_disbursement(project_id: str, body: inputs.NewDisbursement, *, by: Principal) -> Disbursement:
    _past_day(body.paid_on, "paid_on")
    project = _writable(project_id, by)
    now = clock.utc_now()
    disbursement = Disbursement(
        id=new_id("dsb"),
        project_id=project.id,
        amount=cny(body.amount),
        paid_on=body.paid_on,
        purpose=body.purpose,
        payee=body.payee,
        recorded_by=by.sub,
        recorded_at=now,
    )
    data = contract.DisbursementRecorded(
        **_scope(project), disbursement_id=disbursement.id, amount=body.amount, paid_on=body.paid_on
    )
    event = new_event(SERVICE, data, occurred_at=now)
    store.add_disbursement(
        disbursement, [event], Tally(body.paid_on.year, project.community_id, ProjectsTally(disbursed=body.amount))
    )
    logger.info("disbursement recorded", project_id=project.id, disbursement_id=disbursement.id)
    return disbursement


def add_session(project_id: str, body: inputs.NewSession, *, by: Principal) -> Session:
    _past_day(body.held_on, "held_on")
    project = _writable(project_id, by)
    now = clock.utc_now()
    session = Session(
        id=new_id("ses"),
        project_id=project.id,
        held_on=body.held_on,
        title=body.title,
        residents_served=body.residents_served,
        recorded_by=by.sub,
        recorded_at=now,
    )
    data = contract.SessionRecorded(
        **_scope(project), session_id=session.id, held_on=body.held_on, residents_served=body.residents_served
    )
    event = new_event(SERVICE, data, occurred_at=now)
    tally = Tally(
        body.held_on.year,
        project.community_id,
        ProjectsTally(sessions=1, session_residents=body.residents_served),
    )
    store.add_session(session, [event], tally)
    logger.info("session recorded", project_id=project.id, session_id=session.id)
    return session


def _readable(project: ProjectRecord | None, by: Principal) -> ProjectRecord:
    by.require(*READERS)
    if project is None or not by.oversees(project.community_id, project.street_id):
        raise NotFound("No such project.")
    return project


def ledger(project_id: str, *, by: Principal) -> Ledger:
    project, lines = store.ledger(project_id) if is_id(project_id, "prj") else (None, [])
    project = _readable(project, by)
    return Ledger(
        project_id=project.id,
        funding_total=cny(project.funding_total),
        disbursed_total=cny(project.disbursed_total),
        balance=cny(project.balance),
        items=lines,
    )


def sessions(project_id: str, *, by: Principal) -> SessionList:
    project, found = store.sessions(project_id) if is_id(project_id, "prj") else (None, [])
    _readable(project, by)
    return SessionList(items=found)
