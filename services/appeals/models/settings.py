"""The appeals service's configuration: the time-limit policy and the working-day calendar (API.md,
"Deadlines, supervision and merging"). Each is both the PUT body and the GET answer."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, field_validator

from services.common.domain.reference import AppealCategory

Days = Annotated[StrictInt, Field(ge=1, le=60)]
# "default" or a category code: kept as text, so the policy is stored and shown exactly as it was given.
if TYPE_CHECKING:
    HandleDaysKey = str
else:
    HandleDaysKey = Literal.__getitem__(("default", *(c.value for c in AppealCategory)))


class AppealPolicy(BaseModel):
    """Defaults are the Shandong hotline's numbers: 1 working day to respond, 5 to handle, 10 of extensions."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    respond_days: Days = 1
    handle_days: dict[HandleDaysKey, Days] = Field(
        default_factory=lambda: {"default": 5},
        description='Working days to handle an appeal once assigned: "default", and any category\'s own number',
        examples=[{"default": 5, "neighbour_dispute": 10}],
        json_schema_extra={"required": ["default"]},
    )
    max_extension_days: Annotated[StrictInt, Field(ge=0, le=60)] = 10
    auto_escalate_overdue: StrictBool = False
    duplicate_window_days: Annotated[StrictInt, Field(ge=1, le=365)] = 30
    duplicate_radius_m: Annotated[StrictInt, Field(ge=0, le=5000)] = 250

    @field_validator("handle_days")
    @classmethod
    def _has_default(cls, value: dict[str, int]) -> dict[str, int]:
        if "default" not in value:
            raise ValueError('needs a "default" number of working days')
        return value

    def handle_days_for(self, category: str) -> int:
        return self.handle_days.get(category, self.handle_days["default"])


class CalendarBody(BaseModel):
    """A year's exceptions to Monday–Friday, as the State Council (or the city) announced them."""

    model_config = ConfigDict(extra="forbid")

    holidays: Annotated[list[date], Field(max_length=366)] = Field(description="Days off (weekdays, and any other)")
    workdays: Annotated[list[date], Field(max_length=366)] = Field(description="Weekend dates that are working days")


class CalendarYear(BaseModel):
    year: int
    holidays: list[date]
    workdays: list[date]
    source: Literal["builtin", "city", "weekends_only"]
    warning: str | None = Field(
        default=None, description="Set when nothing is known of the year: deadlines count weekends only"
    )
