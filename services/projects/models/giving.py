"""A 360Giving data package (Data Standard 1.4.3, https://standard.threesixtygiving.org): what
``GET /v1/open-data/360giving/{year}.json`` returns. Field names are the standard's (camelCase).

``amountAwarded`` is yuan as a ``Decimal`` made exactly from fen (``Decimal(1250050).scaleb(-2) ==
Decimal("12500.50")``) and written as a JSON number with exactly those digits by ``package_json``:
no float ever holds it, so the package adds up to the statistics to the fen.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class Organization(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str = Field(description="An org-id.guide identifier, or <configured prefix>-<code> for one without")
    name: str


class BeneficiaryLocation(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str
    countryCode: Literal["CN"] = "CN"


class GrantProgramme(BaseModel):
    model_config = ConfigDict(frozen=True)

    code: str = Field(description="The project kind")
    title: str


class Grant(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str = Field(description="<grant prefix>-<funding id>")
    title: str
    description: str
    currency: Literal["CNY"] = "CNY"
    amountAwarded: Decimal = Field(description="Yuan, exact from fen")
    awardDate: str = Field(description="The day the funding was received, YYYY-MM-DD")
    fundingOrganization: list[Organization]
    recipientOrganization: list[Organization]
    beneficiaryLocation: list[BeneficiaryLocation]
    grantProgramme: list[GrantProgramme]


class Package(BaseModel):
    grants: list[Grant]


def yuan(fen: int) -> Decimal:
    """Fen → yuan, exactly: ``yuan(1250050) == Decimal("12500.50")``."""
    return Decimal(int(fen)).scaleb(-2)


def _encode(value: Any) -> str:
    if isinstance(value, Decimal):
        return format(value, "f")  # plain digits, never an exponent: 12500.50
    if isinstance(value, dict):
        return "{" + ",".join(f"{json.dumps(k, ensure_ascii=False)}:{_encode(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(_encode(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)


def package_json(package: Package) -> str:
    """The package as JSON text, decimals written digit for digit (``json.dumps`` would need a float)."""
    return _encode(package.model_dump(mode="python"))
