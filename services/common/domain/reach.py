"""Whose records a listing reads: a community's, a street's, the whole city's, or one submitter's own.

Logic says *whose* items it wants; each service's ``dal`` turns a ``Reach`` into an index and a key,
so no logic module knows the table's layout::

    reach = Reach.for_listing(by, community_id=query.community_id)   # 403 / 422 as the rule below says
    page = store.list_teams(reach, limit=20, cursor=None)

Who may list what (API.md, "Callers and roles"), written once for every service::

    community_id given   the community, if the caller may see it: its staff and grid workers, officers of
                         its street, city admins (else 403); a resident still lists only their own
    none given           community roles → their community; street_officer → their street;
                         city_admin → the city; resident → what they submitted

A service that some roles may not read at all says so first (``by.require(...)``).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from services.common.domain.auth import COMMUNITY_ROLES, Principal, Role
from services.common.domain.errors import NotAllowed
from services.common.domain.reference import community_or_422


class ReachKind(StrEnum):
    COMMUNITY = "community"
    STREET = "street"
    CITY = "city"
    SUBMITTER = "submitter"


@dataclass(frozen=True)
class Reach:
    kind: ReachKind
    id: str = ""  # the community, street or submitter; empty for the city

    @classmethod
    def community(cls, community_id: str) -> Reach:
        return cls(ReachKind.COMMUNITY, community_id)

    @classmethod
    def street(cls, street_id: str) -> Reach:
        return cls(ReachKind.STREET, street_id)

    @classmethod
    def city(cls) -> Reach:
        return cls(ReachKind.CITY)

    @classmethod
    def submitter(cls, sub: str) -> Reach:
        return cls(ReachKind.SUBMITTER, sub)

    @classmethod
    def for_listing(cls, by: Principal, *, community_id: str | None) -> Reach:
        """The narrowest reach ``by`` may list, for an optional ``community_id`` (422 if unknown, 403 if not theirs)."""
        community = community_or_422(community_id) if community_id is not None else None
        if by.role is Role.RESIDENT:
            return cls.submitter(by.sub)
        if by.role in COMMUNITY_ROLES and by.community_id is not None:
            if community is not None and community.id != by.community_id:
                raise NotAllowed("You may list records of your own community only.")
            return cls.community(by.community_id)
        if by.role is Role.STREET_OFFICER and by.street_id is not None:
            if community is None:
                return cls.street(by.street_id)
            if community.street_id != by.street_id:
                raise NotAllowed("That community is not in your street.")
            return cls.community(community.id)
        if by.role is Role.CITY_ADMIN:
            return cls.community(community.id) if community is not None else cls.city()
        raise NotAllowed("Your role may not do this.")
