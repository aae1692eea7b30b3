"""Money: an integer number of fen (分) in CNY, never a float.

    {"amount": 1250000, "currency": "CNY"}   is ¥12,500.00

Input refuses floats (even 100.0), booleans, zero, negatives, amounts over 10^12 fen and any
currency but CNY, each as a 422 naming the field.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt

MAX_FEN = 10**12

Fen = Annotated[StrictInt, Field(gt=0, le=MAX_FEN, description="Integer fen (分): 100 is ¥1.00")]
Currency = Literal["CNY"]


class Money(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    amount: Fen
    currency: Currency = Field(description="Only CNY")


class Amount(BaseModel):
    """A money value as shown: any integer (a balance may be 0)."""

    model_config = ConfigDict(frozen=True)

    amount: int
    currency: Currency = "CNY"


def cny(fen: int) -> Amount:
    return Amount(amount=int(fen))
