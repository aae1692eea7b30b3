"""Who is calling, from the JWT claims API Gateway's authorizer passed on.

Roles and their reach (API.md, "Callers and roles")::

    city_admin       everything, everywhere
    street_officer   their street (custom:street_id)
    community_staff  their community (custom:community_id)
    grid_worker      their community, appeals only
    resident         their own appeals

Behind API Gateway every claim arrives as a string, so the groups claim ``["community_staff"]``
becomes ``"[community_staff]"``; a decoded token gives the list. Both are accepted.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from services.common.domain.errors import NotAllowed, NotAuthenticated


class Role(StrEnum):
    RESIDENT = "resident"
    GRID_WORKER = "grid_worker"
    COMMUNITY_STAFF = "community_staff"
    STREET_OFFICER = "street_officer"
    CITY_ADMIN = "city_admin"


COMMUNITY_ROLES = frozenset({Role.GRID_WORKER, Role.COMMUNITY_STAFF})

GROUPS_CLAIM = "cognito:groups"
COMMUNITY_CLAIM = "custom:community_id"
STREET_CLAIM = "custom:street_id"


@dataclass(frozen=True)
class Principal:
    sub: str
    role: Role
    community_id: str | None = None
    street_id: str | None = None

    def is_role(self, *roles: Role) -> bool:
        return self.role in roles

    def oversees(self, community_id: str, street_id: str) -> bool:
        """May read a community's records: its staff, its street's officers, city admins."""
        return (
            self.role is Role.CITY_ADMIN
            or (self.role is Role.COMMUNITY_STAFF and self.community_id == community_id)
            or (self.role is Role.STREET_OFFICER and self.street_id == street_id)
        )

    def manages(self, community_id: str) -> bool:
        """May change a community's records: its staff and city admins."""
        return self.role is Role.CITY_ADMIN or (self.role is Role.COMMUNITY_STAFF and self.community_id == community_id)

    def require(self, *roles: Role) -> None:
        """Raise ``NotAllowed`` unless the caller holds one of ``roles``."""
        if self.role not in roles:
            raise NotAllowed("Your role may not do this.")


def parse_groups(value: Any) -> list[str]:
    """``["a", "b"]``, ``"[a b]"``, ``"[a, b]"`` and ``"a"`` all give ``["a", "b"]`` or ``["a"]``."""
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    if isinstance(value, str):
        text = value.strip().removeprefix("[").removesuffix("]")
        return [part.strip().strip('"') for part in text.replace(",", " ").split() if part.strip()]
    return []


def principal_from_claims(claims: Mapping[str, Any] | None) -> Principal:
    """The caller named by verified JWT claims; ``NotAuthenticated`` if they do not name one completely."""
    if not claims or not claims.get("sub"):
        raise NotAuthenticated("A bearer token is required.")
    roles = [group for group in parse_groups(claims.get(GROUPS_CLAIM)) if group in Role.__members__.values()]
    if len(roles) != 1:
        raise NotAuthenticated("The token must carry exactly one role.")
    role = Role(roles[0])
    community_id = claims.get(COMMUNITY_CLAIM) or None
    street_id = claims.get(STREET_CLAIM) or None
    if role in COMMUNITY_ROLES and not community_id:
        raise NotAuthenticated("A community role needs custom:community_id.")
    if role is Role.STREET_OFFICER and not street_id:
        raise NotAuthenticated("A street officer needs custom:street_id.")
    return Principal(sub=str(claims["sub"]), role=role, community_id=community_id, street_id=street_id)


def claims_from_event(event: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """JWT claims of an API Gateway v2 (HTTP API) event, or ``None`` on a public route."""
    authorizer = (event.get("requestContext") or {}).get("authorizer") or {}
    return (authorizer.get("jwt") or {}).get("claims")
