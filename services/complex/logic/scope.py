"""Whose units or sites a public listing reads, from its optional ``community_id`` and ``street_id``."""

from __future__ import annotations

from services.common.domain.errors import InvalidInput
from services.common.domain.reach import Reach
from services.common.domain.reference import community_or_422, directory


def public_reach(community_id: str | None, street_id: str | None) -> Reach:
    """The community if given (422 if unknown, or not in ``street_id`` when both are given), else the street
    (422 if unknown), else the city."""
    if community_id is not None:
        community = community_or_422(community_id)
        if street_id is not None and street_id != community.street_id:
            raise InvalidInput.field("street_id", "The community is not in this street.")
        return Reach.community(community.id)
    if street_id is not None:
        if street_id not in directory().streets:
            raise InvalidInput.field("street_id", "No street has this id; see GET /v1/communities.")
        return Reach.street(street_id)
    return Reach.city()
