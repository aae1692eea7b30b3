"""What the Open311 GeoReport v2 endpoints return (http://wiki.open311.org/GeoReport_v2), in JSON and XML.

Field names are the specification's, not Canger's (``long``, ``service_request_id``). The XML forms use
the specification's element names::

    <services><service>…</service></services>
    <service_definition><service_code>…</service_code><attributes/></service_definition>
    <service_requests><request>…</request></service_requests>
    <errors><error><code>404</code><description>…</description></error></errors>

A ``ServiceRequest`` holds public fields only; there is no field here that an appeal's description,
contact or exact location could be copied into.
"""

from __future__ import annotations

from typing import Any, Literal
from xml.etree import ElementTree

from pydantic import BaseModel, ConfigDict, Field, RootModel

Format = Literal["json", "xml"]

CONTENT_TYPES: dict[str, str] = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}


class Service(BaseModel):
    model_config = ConfigDict(frozen=True)

    service_code: str = Field(description="The appeal category code")
    service_name: str = Field(description="The category's Chinese label")
    description: str
    metadata: bool = Field(description="Always false: no extra attributes are defined")
    type: Literal["realtime", "batch", "blackbox"]
    keywords: str = Field(description="Comma-separated")
    group: str


class Services(RootModel[list[Service]]):
    pass


class ServiceDefinition(BaseModel):
    service_code: str
    attributes: list[dict[str, Any]] = Field(default_factory=list, description="Always empty (metadata: false)")


class ServiceRequest(BaseModel):
    model_config = ConfigDict(frozen=True)

    service_request_id: str
    status: Literal["open", "closed"]
    status_notes: str | None = Field(description="Generated from the status and level; never free text")
    service_name: str
    service_code: str
    description: str = Field(description="The appeal's title only, never its description")
    agency_responsible: str | None = Field(description="The level handling it: the residents' committee, street, city")
    service_notice: str | None
    requested_datetime: str = Field(description="ISO 8601 with the +08:00 offset")
    updated_datetime: str = Field(description="ISO 8601 with the +08:00 offset")
    expected_datetime: str | None = Field(description="The due time, ISO 8601 with the +08:00 offset")
    address: str = Field(description="City, street and community names only")
    address_id: str = Field(description="The community id")
    zipcode: str | None
    lat: float | None = Field(default=None, description="Rounded to 3 decimals (about 100 m); absent without one")
    long: float | None = Field(default=None, description="Rounded to 3 decimals (about 100 m); absent without one")
    media_url: str | None


class ServiceRequests(RootModel[list[ServiceRequest]]):
    pass


class Endpoint(BaseModel):
    specification: str
    url: str
    changeset: str
    type: Literal["production", "test"]
    formats: list[str]


class Discovery(BaseModel):
    changeset: str
    contact: str
    key_service: str
    endpoints: list[Endpoint]


class Error(BaseModel):
    code: int
    description: str


class Errors(RootModel[list[Error]]):
    pass


def request_json(request: ServiceRequest) -> dict[str, Any]:
    """A request as JSON: ``lat``/``long`` left out when unknown (API.md: "or absent"), other fields null."""
    return request.model_dump(exclude={"lat", "long"} if request.lat is None else set())


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _element(parent: ElementTree.Element, tag: str, value: Any) -> None:
    child = ElementTree.SubElement(parent, tag)
    if isinstance(value, list):
        # Lists of scalars: <formats><format>text/xml</format>…; the only nested lists the spec has.
        for item in value:
            _element(child, tag.removesuffix("s"), item)
    elif isinstance(value, dict):
        for key, inner in value.items():
            _element(child, key, inner)
    else:
        child.text = _text(value)


def to_xml(root: str, item: str | None, rows: list[dict[str, Any]] | dict[str, Any]) -> str:
    """``to_xml("services", "service", [{…}, …])``, or ``to_xml("service_definition", None, {…})`` for one object."""
    element = ElementTree.Element(root)
    if isinstance(rows, dict):
        for key, value in rows.items():
            _element(element, key, value)
    else:
        for row in rows:
            _element(element, item or "item", row)
    body = ElementTree.tostring(element, encoding="unicode")
    return '<?xml version="1.0" encoding="utf-8"?>\n' + body
