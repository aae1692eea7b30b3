"""Events of the complex service (source ``canger.complex``): member units and sites.

    MemberUnitJoined   a unit paired with a community            counts by ``joined_on``
    MemberUnitLeft     its pairing ended                         counts by ``left_on``
    SiteOpened         a site (阵地) of the complex               counts by ``opened_on``

A pairing is active at the end of year Y when it joined on or before 31 December of Y and had not left by
then, so the statistics service keeps joined and left counts by year and adds them up to Y. Units at work
in other services travel on those services' own events (``member_unit_id`` on ``AppealAssigned``,
``AppealResolved`` and ``FundingRecorded``; ``member_unit_ids`` on ``ActivityLogged`` and ``ProjectCreated``).
"""

from __future__ import annotations

import datetime as dt

from services.common.domain.contracts.base import EventData
from services.common.domain.fields import UtcDateTime


class MemberUnitJoined(EventData):
    member_unit_id: str
    kind: str
    joined_on: dt.date
    at: UtcDateTime


class MemberUnitLeft(EventData):
    member_unit_id: str
    kind: str
    joined_on: dt.date
    left_on: dt.date
    at: UtcDateTime


class SiteOpened(EventData):
    site_id: str
    kind: str
    opened_on: dt.date
    at: UtcDateTime
