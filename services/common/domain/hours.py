"""Volunteer hours, kept exactly as whole tenths of an hour.

API.md allows one decimal place, so every amount of hours is a whole number of tenths; stored and
summed as integers, 0.1 h added 3,000 times is exactly 300.0 h (as floats it would be 299.9999…)::

    to_tenths(Decimal("2.5")) == 25          from_tenths(25) == 2.5
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import Field, PlainValidator, WithJsonSchema

SECONDS_PER_TENTH = 360
TENTH = Decimal("0.1")
MAX_HOURS = 24  # an activity lasts at most 24 hours (API.md)


def _one_decimal(value: object) -> Decimal:
    # A JSON number only: "2.5" (a string) and true (a bool, which Python counts as an int) are refused.
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("must be a number of hours, e.g. 2.5")
    # Through str: the JSON number 2.5 is the decimal 2.5, and 0.30000000000000004 has 17 places.
    exact = Decimal(str(value))
    if not exact.is_finite() or exact <= 0:
        raise ValueError("must be a number greater than 0")
    if exact > MAX_HOURS:
        raise ValueError(f"must be at most {MAX_HOURS}")
    if exact != exact.quantize(TENTH):
        raise ValueError("use at most one decimal place, e.g. 2.5")
    return exact.quantize(TENTH)


Hours = Annotated[
    Decimal,
    PlainValidator(_one_decimal),
    WithJsonSchema({"type": "number", "exclusiveMinimum": 0, "maximum": MAX_HOURS, "multipleOf": 0.1}),
    Field(examples=[2.5], description="Hours, greater than 0, at most one decimal place"),
]


def to_tenths(hours: Decimal) -> int:
    return int(hours * 10)


def from_tenths(tenths: int) -> float:
    """For output: ``float(Decimal(25) / 10)`` is the float whose shortest repr is ``2.5``."""
    return float(Decimal(int(tenths)) / 10)
