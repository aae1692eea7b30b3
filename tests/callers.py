"""The one way tests name who is calling: a ``Caller``, turned into what each suite needs.

STAFF.principal()      unit tests: the ``Principal`` logic receives
STAFF.claims()         integration tests: the JWT claims API Gateway passes to a handler
server.headers(STAFF)  HTTP tests: a bearer token the local server verifies
STAFF.named("staff-7") the same role and scope under another ``sub`` (the HTTP suites share a server)
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from services.common.domain.auth import COMMUNITY_CLAIM, GROUPS_CLAIM, STREET_CLAIM, Principal, Role

NINGHE, XIAGUAN = "cm_ninghe", "st_xiaguan"
SANHE, TAIHE = "cm_sanhe", "st_taihe"


@dataclass(frozen=True)
class Caller:
    role: Role
    sub: str
    community: str | None = None
    street: str | None = None

    def named(self, sub: str) -> Caller:
        return replace(self, sub=sub)

    def principal(self) -> Principal:
        return Principal(self.sub, self.role, community_id=self.community, street_id=self.street)

    def claims(self) -> dict[str, str]:
        # As API Gateway passes them: every claim a string, the groups list as "[role]".
        result = {"sub": self.sub, GROUPS_CLAIM: f"[{self.role.value}]"}
        if self.community:
            result[COMMUNITY_CLAIM] = self.community
        if self.street:
            result[STREET_CLAIM] = self.street
        return result


RESIDENT = Caller(Role.RESIDENT, "resident-1")
OTHER_RESIDENT = Caller(Role.RESIDENT, "resident-2")
STAFF = Caller(Role.COMMUNITY_STAFF, "staff-1", community=NINGHE)
OTHER_STAFF = Caller(Role.COMMUNITY_STAFF, "staff-2", community=SANHE)
GRID_WORKER = Caller(Role.GRID_WORKER, "grid-1", community=NINGHE)
OFFICER = Caller(Role.STREET_OFFICER, "officer-1", street=XIAGUAN)
OTHER_OFFICER = Caller(Role.STREET_OFFICER, "officer-2", street=TAIHE)
ADMIN = Caller(Role.CITY_ADMIN, "admin-1")
