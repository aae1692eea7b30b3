"""The 360Giving export against moto: valid against the official 1.4.3 schema, exact yuan from fen, one
grant per funding line of the year, configurable identifiers, read by index (no Scan: see ``calls``)."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from services.common.config import get_settings
from tests.callers import NINGHE, SANHE, STAFF
from tests.callers import OTHER_STAFF as SANHE_STAFF
from tests.conftest import FakeContext, http_event
from tests.giving_schema import errors
from tests.integration.conftest import api_for


@pytest.fixture
def api(calls):
    return api_for("services.projects.handler")


@pytest.fixture
def export(calls):
    from services.projects.handler import lambda_handler

    def get(name: str) -> tuple[int, str]:
        response = lambda_handler(http_event("GET", f"/v1/open-data/360giving/{name}"), FakeContext())
        return response["statusCode"], response["body"]

    return get


def project(api, who=STAFF, community=NINGHE, **changes) -> dict:
    body = {"community_id": community, "kind": "secretary_led", "title": "老旧小区加装电梯", "year": 2025} | changes
    reply = api("POST", "/v1/projects", who, body)
    assert reply.status == 201, reply.body
    return reply.body


def fund(api, project_id, amount, day, source="fiscal", who=STAFF, **extra) -> dict:
    body = {"source": source, "amount": amount, "currency": "CNY", "received_on": day, **extra}
    reply = api("POST", f"/v1/projects/{project_id}/funding", who, body)
    assert reply.status == 201, reply.body
    return reply.body


def test_the_years_funding_is_a_valid_package_with_exact_yuan(api, export):
    # Given funding of two projects in two communities, in 2025 and either side of it
    lift = project(api)
    care = project(api, who=SANHE_STAFF, community=SANHE, kind="care", title="独居老人关爱")
    fund(api, lift["id"], 999, "2024-12-31")
    first = fund(api, lift["id"], 1, "2025-01-01", donor="张三")
    second = fund(api, care["id"], 1_000_000_000_000, "2025-06-15", source="charity", who=SANHE_STAFF)
    third = fund(api, lift["id"], 1_234_567, "2025-12-31", source="community_fund")
    fund(api, lift["id"], 500, "2026-01-01")

    # When the 2025 package is exported
    status, body = export("2025.json")

    # Then it validates against the official schema and holds the three 2025 lines, exactly
    assert status == 200
    package = json.loads(body, parse_float=Decimal)
    assert errors(json.loads(body)) == []
    grants = package["grants"]
    assert [g["id"] for g in grants] == [f"360G-canger-{f['id']}" for f in (first, second, third)]
    assert [g["amountAwarded"] for g in grants] == [Decimal("0.01"), Decimal("10000000000.00"), Decimal("12345.67")]
    assert sum(g["amountAwarded"] for g in grants) * 100 == 1 + 1_000_000_000_000 + 1_234_567
    assert '"amountAwarded":12345.67' in body
    assert [g["awardDate"] for g in grants] == ["2025-01-01", "2025-06-15", "2025-12-31"]
    care_grant = grants[1]
    assert care_grant["title"] == "独居老人关爱"
    assert care_grant["currency"] == "CNY"
    assert care_grant["fundingOrganization"] == [{"id": "360G-canger-source-charity", "name": "慈善资源"}]
    assert care_grant["recipientOrganization"] == [
        {"id": "360G-canger-community-cm_sanhe", "name": "三和社区居民委员会"}
    ]
    assert care_grant["beneficiaryLocation"] == [{"name": "大理市太和街道三和社区", "countryCode": "CN"}]
    assert care_grant["grantProgramme"] == [{"code": "care", "title": "五社联动关爱"}]
    assert "张三" not in body  # a donor may be a private person


def test_the_schema_check_is_real(api, export):
    # Given a valid package
    fund(api, project(api)["id"], 100, "2025-03-01")
    package = json.loads(export("2025.json")[1])
    assert errors(package) == []

    # Then breaking it in ways the standard forbids is caught
    grant = package["grants"][0]
    assert errors({"grants": []})
    assert errors({"grants": [{k: v for k, v in grant.items() if k != "recipientOrganization"}]})
    assert errors({"grants": [{**grant, "amountAwarded": "1.00"}]})
    assert errors({"grants": [{**grant, "awardDate": "1 March 2025"}]})
    assert errors({"grants": [{**grant, "currency": "RMB"}]})


def test_identifiers_come_from_configuration(api, export, monkeypatch):
    # Given a city that set its own prefixes
    monkeypatch.setenv("OPEN_DATA_GRANT_PREFIX", "360G-dalicity")
    monkeypatch.setenv("OPEN_DATA_RECIPIENT_PREFIX", "CN-USC-rc")
    monkeypatch.setenv("OPEN_DATA_FUNDER_PREFIX", "360G-dalicity-fund")
    get_settings.cache_clear()
    try:
        funding = fund(api, project(api)["id"], 100, "2025-03-01")
        (grant,) = json.loads(export("2025.json")[1])["grants"]
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()

    # Then the grant and organisation identifiers carry them
    assert grant["id"] == f"360G-dalicity-{funding['id']}"
    assert grant["recipientOrganization"][0]["id"] == "CN-USC-rc-cm_ninghe"
    assert grant["fundingOrganization"][0]["id"] == "360G-dalicity-fund-fiscal"


def test_a_year_without_funding_is_404_and_bad_names_are_404_or_422(api, export):
    fund(api, project(api)["id"], 100, "2025-03-01")

    assert export("2024.json")[0] == 404
    assert export("2025.xml")[0] == 404
    assert export("2025")[0] == 404
    assert export("25.json")[0] == 422


def test_the_export_reads_one_index_partition_and_batches_the_projects(api, export, calls):
    # Given 3 projects with 2 lines each in 2025
    for n in range(3):
        project_id = project(api, title=f"项目{n}")["id"]
        fund(api, project_id, 100, "2025-03-01")
        fund(api, project_id, 200, "2025-04-01")
    calls.reset()

    # When the package is exported
    status, body = export("2025.json")

    # Then it took one Query of the year's funding and one BatchGetItem of the projects (and no Scan)
    assert status == 200
    assert len(json.loads(body)["grants"]) == 6
    assert calls.of("dynamodb") == {"dynamodb.Query": 1, "dynamodb.BatchGetItem": 1}
