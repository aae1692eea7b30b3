"""Duplicate hints for a new appeal (API.md, "Duplicate hints"): which open appeals it may repeat.

The candidates are what the data layer read with one Query: the open appeals of the new appeal's
community and category submitted within ``duplicate_window_days`` (never another community's, never the
whole table). A candidate is a hint when its text is similar (``similarity`` ≥ 0.5) or, when both have
coordinates, it lies within ``duplicate_radius_m``; at most five, the most similar first, then the nearest.
Hints carry no contact data: only id, title, time, similarity and distance.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from services.appeals.logic.similarity import THRESHOLD, distance_m, fingerprint, similarity

MAX_HINTS = 5


@dataclass(frozen=True)
class Candidate:
    id: str
    title: str
    description: str
    submitted_at: datetime
    lat: float | None
    lng: float | None


@dataclass(frozen=True)
class Hint:
    id: str
    title: str
    submitted_at: datetime
    similarity: float
    distance_m: float | None


def hints(
    *,
    title: str,
    description: str,
    lat: float | None,
    lng: float | None,
    candidates: Iterable[Candidate],
    radius_m: int,
) -> list[Hint]:
    mine = fingerprint(title, description)
    found: list[Hint] = []
    for candidate in candidates:
        score = similarity(mine, fingerprint(candidate.title, candidate.description))
        metres = None
        if None not in (lat, lng, candidate.lat, candidate.lng):
            metres = round(distance_m(lat, lng, candidate.lat, candidate.lng), 1)  # type: ignore[arg-type]
        if score >= THRESHOLD or (metres is not None and metres <= radius_m):
            found.append(Hint(candidate.id, candidate.title, candidate.submitted_at, score, metres))
    found.sort(key=lambda h: (-h.similarity, h.distance_m if h.distance_m is not None else float("inf"), h.id))
    return found[:MAX_HINTS]
