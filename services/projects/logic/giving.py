"""The 360Giving export of a year's funding (API.md, "Open data"): one grant per funding line.

    grant                    from
    id                       <grant prefix>-<funding id>                (prefixes: typed configuration)
    title                    the project's title
    description              made from codes: community, project kind, funding source (no free text)
    amountAwarded            the line's fen as yuan, exactly (Decimal)
    awardDate                the day it was received
    fundingOrganization      the source: <funder prefix>-<source code>, its Chinese label; funding from a
                             member unit: the unit, <funder prefix>-<mu id> and its name (an organisation,
                             never a private person; ids start "mu_", so never a source code)
    recipientOrganization    the community's residents' committee: <recipient prefix>-<community id>
    beneficiaryLocation      the community, street and city, country CN
    grantProgramme           the project kind: its code and Chinese label

The lines are the ones the statistics count as the year's funding (dated in the year by
``received_on``), so the grants add up to ``projects.funding.total`` of ``GET /v1/stats/{year}``.
A donor's name never appears: it may be a private person's.
"""

from __future__ import annotations

import re

from services.common.config import get_settings
from services.common.domain.errors import InvalidInput, NotFound
from services.common.domain.reference import LABELS, FundingSource, ProjectKind, directory
from services.common.observability import logger
from services.projects.dal import giving as dal
from services.projects.models.giving import BeneficiaryLocation, Grant, GrantProgramme, Organization, Package, yuan

_FILE = re.compile(r"^(?P<year>[^.]+)\.json$")
_YEAR = re.compile(r"^\d{4}$")


def year_of_file(name: str) -> int:
    """``"2025.json"`` → 2025; another suffix is a 404, a year that is not four digits a 422 (API.md)."""
    match = _FILE.match(name)
    if not match:
        raise NotFound("360Giving packages are /v1/open-data/360giving/<year>.json.")
    if not _YEAR.match(match.group("year")) or not 2000 <= int(match.group("year")) <= 2100:
        raise InvalidInput.field("year", "The year is four digits, 2000 to 2100.")
    return int(match.group("year"))


def _label(enumeration: type, code: str) -> str:
    return LABELS[enumeration].get(code, (code, code))[0]


def recipient(community_id: str) -> Organization:
    community = directory().community(community_id)
    name = f"{community.name}居民委员会" if community else community_id
    return Organization(id=f"{get_settings().open_data_recipient_prefix}-{community_id}", name=name)


def funder(source: str) -> Organization:
    return Organization(id=f"{get_settings().open_data_funder_prefix}-{source}", name=_label(FundingSource, source))


def funder_of(line: dal.FundingLine) -> Organization:
    """The giving member unit when the line names one, else its source."""
    if line.member_unit_id is None:
        return funder(line.source)
    name = line.member_unit_name or _label(FundingSource, line.source)
    return Organization(id=f"{get_settings().open_data_funder_prefix}-{line.member_unit_id}", name=name)


def _place(project: dal.ProjectFacts) -> str:
    places = directory()
    street = places.streets.get(project.street_id)
    community = places.community(project.community_id)
    return "".join(
        [places.city_name, street.name if street else "", community.name if community else project.community_id]
    )


def _grant(line: dal.FundingLine, project: dal.ProjectFacts) -> Grant:
    kind, source = _label(ProjectKind, project.kind), _label(FundingSource, line.source)
    return Grant(
        id=f"{get_settings().open_data_grant_prefix}-{line.id}",
        title=project.title,
        description=f"{_place(project)}{kind}项目「{project.title}」的{source}",
        amountAwarded=yuan(line.amount),
        awardDate=line.received_on.isoformat(),
        fundingOrganization=[funder_of(line)],
        recipientOrganization=[recipient(project.community_id)],
        beneficiaryLocation=[BeneficiaryLocation(name=_place(project))],
        grantProgramme=[GrantProgramme(code=project.kind, title=kind)],
    )


def package(year: int) -> Package:
    """The year's package; 404 when the year has no funding (the standard requires at least one grant)."""
    lines = dal.funding_of_year(year)
    if not lines:
        raise NotFound(f"No funding is dated in {year}; a 360Giving package needs at least one grant.")
    projects = dal.projects(line.project_id for line in lines)
    grants = [_grant(line, projects[line.project_id]) for line in lines if line.project_id in projects]
    if len(grants) != len(lines):
        # A funding line is written in one transaction with its project's totals, so this is a bug.
        logger.error("funding without its project", year=year, missing=len(lines) - len(grants))
    return Package(grants=grants)
