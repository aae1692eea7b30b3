"""The local server as a front-end developer meets it: CORS like the stack, `canger token`, readable logs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading

import jwt
import pytest
import requests

from canger_local import tokens
from canger_local.gateway import Cors
from tests.callers import ADMIN
from tests.http.conftest import ROOT, start_server, stop_server

pytestmark = pytest.mark.http

NEW = {"community_id": "cm_ninghe", "category": "other", "title": "井盖松动", "description": "小区门口井盖松动"}


def preflight(server, origin: str, method: str = "POST") -> requests.Response:
    headers = {
        "Origin": origin,
        "Access-Control-Request-Method": method,
        "Access-Control-Request-Headers": "authorization,content-type",
    }
    return requests.options(server.url("/v1/appeals"), headers=headers, timeout=5)


@pytest.mark.parametrize("origin", ["http://localhost:5173", "http://127.0.0.1:8080"])
def test_a_preflight_from_a_local_origin_is_answered_like_api_gateway(server, origin):
    response = preflight(server, origin)
    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Origin"] == origin
    assert response.headers["Access-Control-Allow-Methods"] == "GET,POST,PATCH"
    assert response.headers["Access-Control-Allow-Headers"] == "authorization,content-type,idempotency-key"


@pytest.mark.parametrize("origin", ["https://evil.example", "http://localhost:1.evil.example", "http://localhost"])
def test_a_preflight_from_another_origin_gets_no_cors_headers(server, origin):
    response = preflight(server, origin)
    assert response.status_code == 204
    assert "Access-Control-Allow-Origin" not in response.headers


def test_a_request_from_a_local_origin_may_read_the_answer_and_its_headers(server):
    headers = {**server.headers(ADMIN), "Origin": "http://localhost:5173"}
    response = requests.post(server.url("/v1/appeals"), json=NEW, headers=headers, timeout=30)
    assert response.status_code == 201
    assert response.headers["Access-Control-Allow-Origin"] == "http://localhost:5173"
    assert response.headers["Access-Control-Expose-Headers"] == "location,idempotent-replayed"
    problem = requests.get(server.url("/v1/me"), headers={"Origin": "http://localhost:5173"}, timeout=5)
    assert (problem.status_code, problem.headers["Access-Control-Allow-Origin"]) == (401, "http://localhost:5173")


def test_a_request_from_another_origin_is_answered_without_cors_headers(server):
    response = requests.get(server.url("/v1/meta"), headers={"Origin": "https://evil.example"}, timeout=5)
    assert response.status_code == 200
    assert "Access-Control-Allow-Origin" not in response.headers


def test_allow_origin_replaces_the_local_defaults(tmp_path):
    server = start_server(tmp_path, "--empty", "--allow-origin", "https://canger.example.cn")
    try:
        assert preflight(server, "https://canger.example.cn").headers["Access-Control-Allow-Origin"] == (
            "https://canger.example.cn"
        )
        assert "Access-Control-Allow-Origin" not in preflight(server, "http://localhost:5173").headers
    finally:
        stop_server(server)


def test_an_origin_pattern_star_stands_for_one_label_or_port():
    cors = Cors(("https://*.canger.example.cn",))
    assert cors.allows("https://dashboard.canger.example.cn")
    assert not cors.allows("https://a.b.canger.example.cn")
    assert not cors.allows("https://canger.example.cn")


def _canger(*args: str, cwd, env) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603
        [sys.executable, "-m", "canger_local.cli", *args], capture_output=True, text=True, cwd=cwd, env=env
    )


def test_canger_token_uses_the_projects_key_from_any_directory(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "CANGER_HOME"}
    env["PYTHONPATH"] = str(ROOT)  # as the installed `canger` finds the project, wherever it runs
    issued = _canger("token", "--role", "city_admin", cwd=tmp_path, env=env)
    assert issued.returncode == 0, issued.stderr
    assert not (tmp_path / ".canger").exists()
    key = tokens._private_key_in(tokens.PROJECT_HOME).public_key()
    claims = jwt.decode(issued.stdout.strip(), key, algorithms=["RS256"], audience=tokens.AUDIENCE)
    assert claims["cognito:groups"] == ["city_admin"]


@pytest.mark.parametrize(
    ("role", "needs"),
    [("community_staff", "--community"), ("grid_worker", "--community"), ("street_officer", "--street")],
)
def test_canger_token_refuses_a_scoped_role_without_its_scope(tmp_path, role, needs):
    refused = _canger("token", "--role", role, cwd=ROOT, env={**os.environ, "CANGER_HOME": str(tmp_path)})
    assert (refused.returncode, refused.stdout) == (2, "")
    assert needs in refused.stderr


def _log_lines(server) -> list[str]:
    port = server.base_url.rsplit(":", 1)[1]
    return (server.home / f"server-{port}.log").read_text(encoding="utf-8").splitlines()


def test_each_log_line_names_the_function_that_wrote_it(server):
    # Requests and the queue consumer run side by side; each line must still name its own function.
    headers = server.headers(ADMIN)

    def submit():
        for _ in range(3):
            assert requests.post(server.url("/v1/appeals"), json=NEW, headers=headers, timeout=30).status_code == 201

    threads = [threading.Thread(target=submit) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    requests.post(server.url("/_local/drain"), timeout=60)
    records = [json.loads(line) for line in _log_lines(server) if line.startswith("{")]
    functions = {r["message"]: set() for r in records}
    for record in records:
        functions[record["message"]].add(record.get("function_name"))
    assert functions["appeal submitted"] == {"appeals-api"}
    assert functions["batch applied"] == {"stats-consumer"}


def test_the_access_log_escapes_control_characters(server):
    requests.get(server.url("/v1/x%0aGET%20/v1/forged%20200%200ms%0d"), timeout=5)
    lines = _log_lines(server)
    assert not [line for line in lines if line.startswith("GET /v1/forged")]
    assert [line for line in lines if line.startswith("GET /v1/x\\nGET /v1/forged 200 0ms\\r 404 ")]
