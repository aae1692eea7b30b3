"""Open data over HTTP against the local server: the 360Giving package adds up to the statistics to the fen,
and Open311 answers without a token, in JSON and XML, without anything private."""

from __future__ import annotations

import json
import uuid
from collections import Counter
from decimal import Decimal
from xml.etree import ElementTree

import pytest
import requests

from services.common.domain.auth import Role
from tests.callers import Caller
from tests.giving_schema import errors

pytestmark = pytest.mark.http

YEAR = 2023  # a year the other HTTP tests leave alone, though the comparison holds for any year
NINGHE, SANHE, XIAGUAN_02 = "cm_ninghe", "cm_sanhe", "cm_xiaguan_02"


def parse_xml(content: bytes) -> ElementTree.Element:
    # The stdlib parser, as an Open311 client would use it, on our own server's answer.
    return ElementTree.fromstring(content)  # noqa: S314 - trusted: the system under test wrote it


def post(server, path, headers, body):
    response = requests.post(server.url(path), json=body, headers=headers, timeout=60)
    assert response.status_code == 201, response.text
    return response.json()


def drain(server) -> None:
    response = requests.post(server.url("/_local/drain"), timeout=180)
    assert response.status_code == 200 and response.json()["drained"] is True


def funding_figures(server, scope: str) -> dict:
    response = requests.get(server.url(f"/v1/stats/{YEAR}"), params={"scope": scope}, timeout=30)
    assert response.status_code == 200, response.text
    return response.json()["projects"]["funding"]


def test_the_360giving_package_validates_and_adds_up_to_the_statistics_to_the_fen(server):
    # Given funding in three communities from several sources, on the year's edges and outside it
    run = uuid.uuid4().hex[:6]
    lines = [
        (NINGHE, "fiscal", 1, f"{YEAR}-01-01"),
        (NINGHE, "charity", 123_456_789, f"{YEAR}-06-30"),
        (SANHE, "community_fund", 99, f"{YEAR}-12-31"),
        (SANHE, "fiscal", 10**12, f"{YEAR}-03-15"),
        (XIAGUAN_02, "social_capital", 70_001, f"{YEAR}-09-09"),
        (XIAGUAN_02, "fiscal", 5_000, f"{YEAR - 1}-12-31"),
        (NINGHE, "fiscal", 7_000, f"{YEAR + 1}-01-01"),
    ]
    projects: dict[str, str] = {}
    for community, source, amount, day in lines:
        staff = server.headers(Caller(Role.COMMUNITY_STAFF, f"giving-{community}-{run}", community=community))
        if community not in projects:
            body = {"community_id": community, "kind": "secretary_led", "title": f"{community} 项目", "year": YEAR}
            projects[community] = post(server, "/v1/projects", staff, body)["id"]
        body = {"source": source, "amount": amount, "currency": "CNY", "received_on": day}
        post(server, f"/v1/projects/{projects[community]}/funding", staff, body)

    # When every event has reached the statistics and the package is exported (no token)
    drain(server)
    response = requests.get(server.url(f"/v1/open-data/360giving/{YEAR}.json"), timeout=30)

    # Then the package is valid 360Giving, and its grants add up to the year's funding figures exactly:
    # for the city, for each community (by recipient) and for each source (by funder)
    assert response.status_code == 200, response.text
    assert errors(response.json()) == []
    grants = json.loads(response.text, parse_float=Decimal)["grants"]
    fen = [int(g["amountAwarded"] * 100) for g in grants]
    assert all(g["amountAwarded"] * 100 == f for g, f in zip(grants, fen, strict=True))
    assert sum(fen) == funding_figures(server, "city")["total"]
    by_recipient, by_funder = Counter(), Counter()
    for grant, amount in zip(grants, fen, strict=True):
        by_recipient[grant["recipientOrganization"][0]["id"].rpartition("-")[2]] += amount
        by_funder[grant["fundingOrganization"][0]["id"].rpartition("-")[2]] += amount
    for community in (NINGHE, SANHE, XIAGUAN_02):
        assert by_recipient[community] == funding_figures(server, f"community:{community}")["total"]
    city_sources = {code: amount for code, amount in funding_figures(server, "city")["by_source"].items() if amount}
    assert dict(by_funder) == city_sources
    assert by_recipient[XIAGUAN_02] >= 70_001 and by_recipient[SANHE] >= 10**12 + 99


def test_open311_over_http_is_public_and_never_shows_private_data(server):
    # Given an appeal with a description, a contact and exact coordinates, entered by a grid worker
    grid_worker = server.headers(Caller(Role.GRID_WORKER, f"o311-{uuid.uuid4().hex[:6]}", community=NINGHE))
    private = ["门口台阶破损老人摔倒过两次", "司马光明", "13711112222", "洱海路 77 号", "25.59876", "100.23456"]
    appeal = post(
        server,
        "/v1/appeals",
        grid_worker,
        {
            "community_id": NINGHE,
            "category": "public_facilities",
            "title": "台阶破损",
            "description": private[0],
            "contact": {"name": private[1], "phone": private[2]},
            "location": {"address": private[3], "lat": 25.59876, "lng": 100.23456},
        },
    )

    # When every Open311 document is read without a token, in JSON and XML
    paths = [
        "discovery.json",
        "services.json",
        "services.xml",
        "services/public_facilities.json",
        "services/public_facilities.xml",
        "requests.json",
        "requests.xml",
        "requests.json?service_code=public_facilities",
        f"requests.xml?service_request_id={appeal['id']}",
        f"requests/{appeal['id']}.json",
        f"requests/{appeal['id']}.xml",
    ]
    replies = {path: requests.get(server.url(f"/open311/v2/{path}"), timeout=30) for path in paths}

    # Then each answers, in its format, and none shows the private fields
    for path, reply in replies.items():
        assert reply.status_code == 200, (path, reply.text)
        expected = "text/xml" if ".xml" in path else "application/json"
        assert reply.headers["Content-Type"].startswith(expected), path
        if expected == "text/xml":
            parse_xml(reply.content)
        for value in private:
            assert value not in reply.text, (path, value)
    (request,) = replies[f"requests/{appeal['id']}.json"].json()
    assert (request["lat"], request["long"]) == (25.599, 100.235)
    assert request["description"] == "台阶破损"
    root = parse_xml(replies[f"requests/{appeal['id']}.xml"].content)
    assert root.tag == "service_requests"
    assert root.find("request").findtext("service_request_id") == appeal["id"]
    unknown = requests.get(server.url("/open311/v2/requests/apl_none.xml"), timeout=30)
    assert unknown.status_code == 404
    assert parse_xml(unknown.content).find("error").findtext("code") == "404"
    discovery = replies["discovery.json"].json()
    assert discovery["endpoints"][0]["url"] == server.url("/open311/v2")
