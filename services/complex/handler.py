"""Complex API: member units and their offers, sites, demand-to-resource matching (API.md, "The complex")."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Query

from services.common.domain.reference import MemberUnitKind, SiteKind
from services.common.edge import responses
from services.common.edge.api import caller, create_app, created, http_handler
from services.common.edge.params import CommunityParam, Cursor, Limit
from services.complex.logic import matching, sites, units
from services.complex.models import inputs
from services.complex.models.resources import Matches, MemberUnit, MemberUnitList, Site, SiteList, UnitContact

app = create_app()
UNITS, SITES, MATCHING = ["member-units"], ["sites"], ["matching"]
StreetParam = Annotated[str | None, Query(max_length=64, description="A street id from /v1/communities")]


@app.post(
    "/v1/member-units",
    tags=UNITS,
    summary="Pair a member unit with a community",
    responses=created(MemberUnit),
    operation_id="createMemberUnit",
    description=(
        "City admins, or the community's staff, pair a member unit (成员单位) with a community, with its resource"
        " list (`offers`). `joined_on` defaults to today in Beijing and may not be in the future. The answer never"
        " holds the contact. 201 with `Location`."
    ),
)
def create_member_unit(body: inputs.NewMemberUnit) -> Response[MemberUnit]:
    unit = units.create(body, by=caller(app))
    return responses.created(unit, f"/v1/member-units/{unit.id}")


@app.get(
    "/v1/member-units",
    tags=UNITS,
    summary="List member units, newest first",
    operation_id="listMemberUnits",
    description=(
        "Public. Member units of a community, a street or the whole city (neither given), newest first, optionally"
        " of one kind; units that have left are listed with `left_on`. Never the contact."
    ),
)
def list_member_units(
    community_id: CommunityParam = None,
    street_id: StreetParam = None,
    kind: Annotated[MemberUnitKind | None, Query()] = None,
    limit: Limit = 20,
    cursor: Cursor = None,
) -> MemberUnitList:
    return units.list_units(
        community_id=community_id,
        street_id=street_id,
        kind=kind.value if kind else None,
        limit=limit,
        cursor=cursor,
    )


@app.get(
    "/v1/member-units/<member_unit_id>",
    tags=UNITS,
    summary="One member unit, without its contact",
    operation_id="getMemberUnit",
    description="Public. One member unit with its offers and pairing dates; never its contact.",
)
def get_member_unit(member_unit_id: str) -> MemberUnit:
    return units.get(member_unit_id)


@app.patch(
    "/v1/member-units/<member_unit_id>",
    tags=UNITS,
    summary="Change a member unit, or end its pairing",
    operation_id="updateMemberUnit",
    description=(
        "The community's staff or a city admin change the name, contact or offers (the list is replaced), or end"
        " the pairing with `left_on` (on or after `joined_on`, not in the future). A unit that has left cannot be"
        " changed again (409); `expected_version` not current is 409."
    ),
)
def change_member_unit(member_unit_id: str, body: inputs.MemberUnitChange) -> MemberUnit:
    return units.change(member_unit_id, body, by=caller(app))


@app.get(
    "/v1/member-units/<member_unit_id>/contact",
    tags=UNITS,
    summary="A member unit's contact",
    operation_id="getMemberUnitContact",
    description=(
        "The unit's contact person and phone: its community's staff and city admins only (else 403)."
        " Both are null when the unit has no contact on record."
    ),
)
def get_member_unit_contact(member_unit_id: str) -> UnitContact:
    return units.contact(member_unit_id, by=caller(app))


@app.post(
    "/v1/sites",
    tags=SITES,
    summary="Open a site of the complex",
    responses=created(Site),
    operation_id="createSite",
    description=(
        "City admins, or the community's staff, record a site (阵地) and the service fields it serves (at least one,"
        " each once). `opened_on` may not be in the future. 201 with `Location`."
    ),
)
def create_site(body: inputs.NewSite) -> Response[Site]:
    site = sites.create(body, by=caller(app))
    return responses.created(site, f"/v1/sites/{site.id}")


@app.get(
    "/v1/sites",
    tags=SITES,
    summary="List sites, newest first",
    operation_id="listSites",
    description="Public. Sites of a community, a street or the whole city (neither given), optionally of one kind.",
)
def list_sites(
    community_id: CommunityParam = None,
    street_id: StreetParam = None,
    kind: Annotated[SiteKind | None, Query()] = None,
    limit: Limit = 20,
    cursor: Cursor = None,
) -> SiteList:
    return sites.list_sites(
        community_id=community_id,
        street_id=street_id,
        kind=kind.value if kind else None,
        limit=limit,
        cursor=cursor,
    )


@app.get(
    "/v1/sites/<site_id>",
    tags=SITES,
    summary="One site",
    operation_id="getSite",
    description="Public. One site of the complex.",
)
def get_site(site_id: str) -> Site:
    return sites.get(site_id)


@app.get(
    "/v1/communities/<community_id>/matches",
    tags=MATCHING,
    summary="Match a community's open demands with member units' offers",
    operation_id="getCommunityMatches",
    description=(
        "The community's open appeals by category (需求清单) and the paired units whose offers serve them (资源清单):"
        " the community's own units first, then its street's, then the city's. For the community's staff, its"
        " street's officers and city admins (else 403); an unknown community is 404."
    ),
)
def get_matches(community_id: str) -> Matches:
    return matching.matches(community_id, by=caller(app))


lambda_handler = http_handler(app)
