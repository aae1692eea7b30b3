"""Sites (阵地) of the complex: service centres, stations, care centres. Anyone reads them; a community's
staff and city admins open them (API.md, "The complex"). Opening a site is one transaction with its
``SiteOpened`` event and the tally (``sites_opened`` by the year of ``opened_on``)."""

from __future__ import annotations

from services.common.data.tally import Tally
from services.common.domain import clock
from services.common.domain.auth import Principal, Role
from services.common.domain.contracts import complex as contract
from services.common.domain.contracts.tallies import ComplexTally
from services.common.domain.errors import NotAllowed, get_or_404
from services.common.domain.events import new_event
from services.common.domain.ids import new_id
from services.common.domain.reference import community_or_422
from services.common.observability import logger
from services.complex.dal import store
from services.complex.logic.days import past_day
from services.complex.logic.scope import public_reach
from services.complex.models import inputs
from services.complex.models.records import SiteRecord
from services.complex.models.resources import Site, SiteList

SERVICE = "complex"


def create(body: inputs.NewSite, *, by: Principal) -> Site:
    community = community_or_422(body.community_id)
    by.require(Role.COMMUNITY_STAFF, Role.CITY_ADMIN)
    if not by.manages(community.id):
        raise NotAllowed("You may open sites of your own community only.")
    past_day(body.opened_on, "opened_on")
    now = clock.utc_now()
    site = SiteRecord(
        id=new_id("site"),
        name=body.name,
        kind=body.kind.value,
        community_id=community.id,
        street_id=community.street_id,
        address=body.address,
        services=[s.value for s in body.services],
        operator=body.operator,
        opened_on=body.opened_on,
        created_by=by.sub,
        created_at=now,
        version=1,
    )
    data = contract.SiteOpened(
        community_id=site.community_id,
        street_id=site.street_id,
        site_id=site.id,
        kind=site.kind,
        opened_on=site.opened_on,
        at=now,
    )
    tally = Tally(site.opened_on.year, site.community_id, ComplexTally(sites_opened=1))
    store.create_site(site, [new_event(SERVICE, data, occurred_at=now)], tally)
    logger.info("site opened", site_id=site.id, community_id=site.community_id, kind=site.kind)
    return site.to_resource()


def get(site_id: str) -> Site:
    return get_or_404(store.get_site, site_id, prefix="site", what="site").to_resource()


def list_sites(
    *, community_id: str | None, street_id: str | None, kind: str | None, limit: int, cursor: str | None
) -> SiteList:
    page = store.list_sites(public_reach(community_id, street_id), kind=kind, limit=limit, cursor=cursor)
    return SiteList(items=[s.to_resource() for s in page.items], next_cursor=page.next_cursor)
