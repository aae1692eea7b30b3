"""The local server over real HTTP: the gateway's checks, the directory, and the local-only routes."""

from __future__ import annotations

import base64
import json

import boto3
import jwt
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import rsa

from canger_local import tokens
from services.common.domain.reference import directory
from tests.http.conftest import moto_server, start_server, stop_server

pytestmark = pytest.mark.http


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def assert_problem(response: requests.Response, status: int) -> dict:
    assert response.status_code == status
    assert response.headers["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status and body["title"] and body["detail"]
    return body


def test_health_is_ready(server):
    assert requests.get(server.url("/_local/health"), timeout=5).json() == {"ready": True}


def test_me_without_token_is_401(server):
    response = requests.get(server.url("/v1/me"), timeout=5)
    assert_problem(response, 401)
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_me_with_tampered_token_is_401(server):
    token = server.token("city_admin")
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["cognito:groups"] = ["city_admin"]
    claims["sub"] = "someone-else"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    assert_problem(requests.get(server.url("/v1/me"), headers=bearer(f"{header}.{forged}.{signature}"), timeout=5), 401)


def test_me_with_token_signed_by_another_key_is_401(server):
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    token = jwt.encode(
        {
            "sub": "x",
            "cognito:groups": ["city_admin"],
            "iss": tokens.ISSUER,
            "aud": tokens.AUDIENCE,
            "exp": 4102444800,
        },
        other_key,
        algorithm="RS256",
    )
    assert_problem(requests.get(server.url("/v1/me"), headers=bearer(token), timeout=5), 401)


def test_me_with_expired_token_is_401(server):
    expired = server.token("city_admin", "--ttl-seconds", "-60")
    assert_problem(requests.get(server.url("/v1/me"), headers=bearer(expired), timeout=5), 401)


def test_me_says_who_the_token_names(server):
    token = server.token("community_staff", "--community", "cm_ninghe", "--sub", "staff-7")
    response = requests.get(server.url("/v1/me"), headers=bearer(token), timeout=5)
    assert response.status_code == 200
    assert response.json() == {
        "sub": "staff-7",
        "role": "community_staff",
        "community_id": "cm_ninghe",
        "street_id": None,
    }


def test_unknown_route_is_404_problem_and_a_known_path_with_another_method_405(server):
    assert_problem(requests.get(server.url("/v1/nothing-here"), timeout=5), 404)
    assert_problem(requests.post(server.url("/v1/meta"), json={}, timeout=5), 405)


def test_meta_lists_every_enumeration_with_labels(server):
    meta = requests.get(server.url("/v1/meta"), timeout=5).json()
    assert set(meta) == {
        "appeal_categories",
        "appeal_channels",
        "volunteer_groups",
        "service_fields",
        "project_kinds",
        "funding_sources",
        "member_unit_kinds",
        "offer_kinds",
        "site_kinds",
        "category_fields",
    }
    assert {c["code"] for c in meta["offer_kinds"]} == {"venue", "funds", "volunteers", "expertise", "goods"}
    assert len(meta["member_unit_kinds"]) == 6 and len(meta["site_kinds"]) == 6
    assert meta["category_fields"]["elderly_care"] == ["elderly_care", "health"]
    assert set(meta["category_fields"]) == {c["code"] for c in meta["appeal_categories"]}
    categories = {c["code"]: c["label_zh"] for c in meta["appeal_categories"]}
    assert len(categories) == 13 and categories["childcare"] == "托育与儿童关爱"
    assert {c["code"] for c in meta["funding_sources"]} == {
        "fiscal",
        "community_fund",
        "charity",
        "social_capital",
        "member_unit",
        "other",
    }


def test_communities_are_dalis_44_with_streets_and_grids(server):
    response = requests.get(server.url("/v1/communities"), timeout=5)
    assert response.headers["Content-Type"].startswith("application/json")
    items = response.json()["items"]
    assert len(items) == 44
    by_name = {c["name"]: c for c in items}
    assert by_name["宁和社区"]["street_name"] == "下关街道"
    assert by_name["三和社区"]["street_name"] == "太和街道"
    assert {"百乐社区", "西大街社区"} <= set(by_name)
    assert all(c["grids"] and c["street_id"] in directory().streets for c in items)
    assert len({g["id"] for c in items for g in c["grids"]}) == sum(len(c["grids"]) for c in items)


def test_openapi_document_and_docs(server):
    document = requests.get(server.url("/openapi.json"), timeout=5).json()
    assert {"/v1/meta", "/v1/communities", "/v1/me"} <= set(document["paths"])
    assert document["paths"]["/v1/meta"]["get"]["security"] == []
    assert "swagger-ui" in requests.get(server.url("/docs"), timeout=5).text


def test_drain_and_schedules(server):
    drained = requests.post(server.url("/_local/drain"), timeout=60).json()
    assert (drained["drained"], drained["pending"]) == (True, 0)
    relay = requests.post(server.url("/_local/schedules/outbox-relay"), timeout=30)
    assert relay.status_code == 200 and relay.json()["result"] == {"due": 0, "published": 0, "failed": 0}
    assert_problem(requests.post(server.url("/_local/schedules/no-such-job"), timeout=5), 404)


def test_tokens_survive_a_restart(server_home):
    first = start_server(server_home, "--empty")
    token = first.token("street_officer", "--street", "st_xiaguan")
    stop_server(first)
    second = start_server(server_home, "--empty")
    try:
        response = requests.get(second.url("/v1/me"), headers=bearer(token), timeout=5)
        assert response.status_code == 200 and response.json()["street_id"] == "st_xiaguan"
    finally:
        stop_server(second)


def test_serves_against_an_external_moto_server(tmp_path):
    # Given a moto_server of its own (what AWS_ENDPOINT_URL points at in the reliability tests)
    with moto_server() as endpoint:
        # When the local server starts against it
        server = start_server(tmp_path, "--empty", endpoint_url=endpoint)
        try:
            assert requests.get(server.url("/v1/communities"), timeout=5).status_code == 200
            # Then the tables, bus and queues were created there, not in an embedded moto
            client = boto3.client("dynamodb", endpoint_url=endpoint, region_name="us-east-1")
            assert {"canger-records", "canger-stats", "canger-idempotency"} <= set(client.list_tables()["TableNames"])
            queues = boto3.client("sqs", endpoint_url=endpoint, region_name="us-east-1").list_queues()["QueueUrls"]
            assert any(url.endswith("/canger-events") for url in queues)
        finally:
            stop_server(server)
