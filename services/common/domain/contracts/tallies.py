"""The per-community, per-year tallies each service keeps beside its records, as the yearly job reads them.

A service adds to its tally in the same transaction as the record it counts
(``services.common.data.tally``); the statistics service reads every community's tally of a year and
reconciles it with the counters fed by events. These models are the contract between the two: the
figure names are fields here, not strings passed around::

    Tally(2025, "cm_ninghe", AppealsTally(submitted=1))          # the appeals service, on intake
    tallies = {source: tally.read_year(source, 2025) for source in TALLY_SOURCES}   # the yearly job
"""

from __future__ import annotations

from typing import ClassVar

from pydantic import BaseModel, ConfigDict

from services.common.domain.reference import ProjectKind


class TallyFigures(BaseModel):
    """What one write adds (or a year adds up to) for one community. Absent figures are zero."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    source: ClassVar[str]  # the service whose records these count

    def deltas(self) -> dict[str, int]:
        """The figures given (zeros too, so the attribute exists): what an update adds."""
        return self.model_dump(exclude_unset=True)


class AppealsTally(TallyFigures):
    source: ClassVar[str] = "appeals"

    submitted: int = 0
    resolved: int = 0  # first resolutions
    meetings_held: int = 0
    appeals_discussed: int = 0
    # Deadlines, supervision and merging (each decided in its action's own transaction):
    responded: int = 0  # first responses of appeals with a respond_by
    responded_in_time: int = 0
    resolved_in_time: int = 0  # first resolutions by their due_at
    overdue: int = 0  # appeals that became overdue (first time)
    extended: int = 0  # appeals whose first extension was approved
    supervised: int = 0
    merged: int = 0
    to_units: int = 0  # appeals first assigned to a member unit (the complex's appeals_to_units)


class VolunteersTally(TallyFigures):
    source: ClassVar[str] = "volunteers"

    registered: int = 0
    activities: int = 0
    hours_tenths: int = 0
    residents_served: int = 0
    with_units: int = 0  # activities co-organised by at least one member unit


class ProjectsTally(TallyFigures):
    source: ClassVar[str] = "projects"

    started: int = 0
    started_secretary_led: int = 0
    started_care: int = 0
    started_partner: int = 0
    started_red_property: int = 0
    started_other: int = 0
    funding: int = 0  # fen
    disbursed: int = 0  # fen
    sessions: int = 0
    session_residents: int = 0
    funding_from_units: int = 0  # fen, funding of source member_unit

    @staticmethod
    def started_field(kind: ProjectKind | str) -> str:
        return f"started_{ProjectKind(kind).value}"

    @classmethod
    def project_started(cls, kind: ProjectKind | str) -> ProjectsTally:
        return cls.model_validate({"started": 1, cls.started_field(kind): 1})


class ComplexTally(TallyFigures):
    """The complex's own records: pairings and sites, by the year of their date (joined_on, left_on, opened_on)."""

    source: ClassVar[str] = "complex"

    units_joined: int = 0
    units_left: int = 0
    sites_opened: int = 0


TALLY_SOURCES: tuple[type[TallyFigures], ...] = (AppealsTally, VolunteersTally, ProjectsTally, ComplexTally)

# Every project kind has its own started_<kind> figure.
assert all(ProjectsTally.started_field(kind) in ProjectsTally.model_fields for kind in ProjectKind)
