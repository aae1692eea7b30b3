"""The served OpenAPI document is what standard tools need: it validates, `openapi-python-client` generates a
client from it without a warning, and that client drives the appeal flow against the local server."""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import requests
from openapi_spec_validator import OpenAPIV31SpecValidator

from canger_local import openapi
from tests.callers import ADMIN, RESIDENT, STAFF

pytestmark = pytest.mark.http

BIN = Path(sys.executable).parent


def test_the_served_document_passes_openapi_spec_validator(server):
    document = requests.get(server.url("/openapi.json"), timeout=5).json()
    assert [error.message for error in OpenAPIV31SpecValidator(document).iter_errors()] == []


@pytest.fixture(scope="module")
def client_package(server, tmp_path_factory):
    """The generated client package, importable as ``canger_client``."""
    where = tmp_path_factory.mktemp("generated")
    (where / "openapi.json").write_bytes(requests.get(server.url("/openapi.json"), timeout=5).content)
    command = ["generate", "--path", "openapi.json", "--meta", "none", "--output-path", "canger_client"]
    generated = subprocess.run(  # noqa: S603
        [str(BIN / "openapi-python-client"), *command],
        capture_output=True,
        text=True,
        cwd=where,
        # Its post-generation hook formats the code with ruff, a dev dependency of ours.
        env={**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"},
        timeout=120,
    )
    output = generated.stdout + generated.stderr
    assert generated.returncode == 0, output
    assert "Warning" not in output and "warning" not in output, output
    sys.path.insert(0, str(where))
    try:
        yield importlib.import_module("canger_client")
    finally:
        sys.path.remove(str(where))
        for name in [m for m in sys.modules if m == "canger_client" or m.startswith("canger_client.")]:
            del sys.modules[name]


def test_the_generated_client_drives_the_appeal_flow(server, client_package):
    from canger_client import AuthenticatedClient, Client
    from canger_client.api.appeals import assign_appeal, get_appeal_history, rate_appeal, resolve_appeal, submit_appeal
    from canger_client.api.statistics import get_stats
    from canger_client.models import Appeal, Assign, LiveFigures, NewAppeal, Rate, Resolve, SubmittedAppeal
    from canger_client.models.appeal_category import AppealCategory
    from canger_client.models.community_id import CommunityId
    from canger_client.models.get_stats_scope import GetStatsScope

    resident_sub = f"client-resident-{uuid.uuid4().hex[:6]}"
    resident = AuthenticatedClient(base_url=server.base_url, token=server.sign(RESIDENT.named(resident_sub)))
    staff = AuthenticatedClient(base_url=server.base_url, token=server.sign(STAFF.named("client-staff")))
    public = Client(base_url=server.base_url)
    before = get_stats.sync(2026, client=public, scope=GetStatsScope("community:cm_ninghe"))
    assert isinstance(before, LiveFigures)

    submitted = submit_appeal.sync(
        client=resident,
        body=NewAppeal(
            community_id=CommunityId.CM_NINGHE,
            category=AppealCategory.PUBLIC_FACILITIES,
            title="健身器材坏了",
            description="广场上的健身器材松动",
        ),
        idempotency_key=str(uuid.uuid4()),
    )
    assert isinstance(submitted, SubmittedAppeal), submitted
    assigned = assign_appeal.sync(submitted.id, client=staff, body=Assign(assignee="社区物业"))
    assert isinstance(assigned, Appeal) and assigned.status.value == "assigned", assigned
    resolved = resolve_appeal.sync(submitted.id, client=staff, body=Resolve(resolution="已紧固", on_site=True))
    assert isinstance(resolved, Appeal) and resolved.status.value == "resolved", resolved
    rated = rate_appeal.sync(submitted.id, client=resident, body=Rate(satisfaction=5))
    assert isinstance(rated, Appeal) and (rated.status.value, rated.satisfaction) == ("closed", 5), rated

    history = get_appeal_history.sync(submitted.id, client=staff)
    assert [entry.action.value for entry in history.items] == ["submit", "assign", "resolve", "rate"]
    requests.post(server.url("/_local/drain"), timeout=60)
    after = get_stats.sync(submitted.submitted_at.year, client=public, scope=GetStatsScope("community:cm_ninghe"))
    assert isinstance(after, LiveFigures), after
    if submitted.submitted_at.year == 2026:  # the year counted is Beijing time's; the same here but at new year
        assert after.appeals.submitted == before.appeals.submitted + 1
        assert after.appeals.resolved_on_site == before.appeals.resolved_on_site + 1
        assert after.appeals.satisfaction_avg is not None


def test_the_generated_client_reads_a_problem(server, client_package):
    from canger_client import AuthenticatedClient
    from canger_client.api.appeals import get_appeal
    from canger_client.models import Problem

    admin = AuthenticatedClient(base_url=server.base_url, token=server.sign(ADMIN))
    missing = get_appeal.sync("apl_01JAAAAAAAAAAAAAAAAAAAAAAA", client=admin)
    assert isinstance(missing, Problem)
    assert (missing.status, missing.type_) == (404, "urn:canger:problem:not-found")


def test_every_request_example_in_the_document_works_when_sent(server):
    """What Swagger UI's "Try it out" sends by default: each write's example, against records made for it."""
    document = requests.get(server.url("/openapi.json"), timeout=5).json()
    examples = {
        operation["operationId"]: (method, path, operation["requestBody"]["content"]["application/json"]["example"])
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if "requestBody" in operation
    }
    admin = server.headers(ADMIN.named(f"examples-{uuid.uuid4().hex[:6]}"))
    sent: set[str] = set()

    def send(operation_id: str, **ids: str) -> dict:
        method, path, example = examples[operation_id]
        for name, placeholder in (("volunteer", openapi.VOLUNTEER_PLACEHOLDER), ("into", openapi.APPEAL_PLACEHOLDER)):
            if name in ids:  # placeholders, said in the operation's description
                example = json.loads(json.dumps(example).replace(placeholder, ids.pop(name)))
        response = requests.request(method, server.url(path.format(**ids)), json=example, headers=admin, timeout=30)
        assert response.status_code in (200, 201), (operation_id, response.text)
        sent.add(operation_id)
        return response.json()

    first = send("submitAppeal")["id"]
    for action in ("assignAppeal", "escalateAppeal", "resolveAppeal", "reopenAppeal", "closeAppeal"):
        send(action, appeal_id=first)
    second = send("submitAppeal")["id"]
    send("resolveAppeal", appeal_id=second)
    send("rateAppeal", appeal_id=second)  # the caller submitted it, so may rate it
    # Deadlines: an appeal at street level, assigned there, so a city admin is the level above that decides.
    third = send("submitAppeal")["id"]
    send("escalateAppeal", appeal_id=third)
    send("assignAppeal", appeal_id=third)
    request_id = send("requestExtension", appeal_id=third)["id"]
    send("decideExtension", appeal_id=third, request_id=request_id)
    send("superviseAppeal", appeal_id=third)
    fourth = send("submitAppeal")["id"]
    send("mergeAppeal", appeal_id=fourth, into=third)
    send("putCalendar", year="2027")
    send("putAppealPolicy")
    for operation_id in ("recordMeeting", "createTeam"):
        send(operation_id)
    volunteer = send("registerVolunteer")["id"]
    send("logActivity", volunteer=volunteer)
    project = send("createProject")["id"]
    for operation_id in ("updateProject", "addFunding", "addDisbursement", "addSession"):
        send(operation_id, project_id=project)
    unit = send("createMemberUnit")["id"]
    send("updateMemberUnit", member_unit_id=unit)
    send("createSite")
    assert set(examples) == sent


def test_swagger_ui_and_its_assets_come_from_canger_itself(server):
    page = requests.get(server.url("/docs"), timeout=5)
    assert page.headers["Content-Type"] == "text/html; charset=utf-8"
    assert "//" not in page.text.replace("<!doctype html>", "")  # no absolute URL: nothing from a CDN
    script = requests.get(server.url("/docs/swagger-ui-bundle.js"), headers={"Accept-Encoding": "gzip"}, timeout=5)
    assert (script.status_code, script.headers["Content-Encoding"]) == (200, "gzip")
    assert script.headers["Content-Type"] == "text/javascript; charset=utf-8"
    assert "SwaggerUIBundle" in script.text
    style = requests.get(server.url("/docs/swagger-ui.css"), timeout=5)
    assert (style.status_code, style.headers["Content-Type"]) == (200, "text/css; charset=utf-8")
    missing = requests.get(server.url("/docs/../../etc/passwd"), timeout=5)
    assert missing.status_code == 404
    assert requests.get(server.url("/docs/index.html"), timeout=5).status_code == 404
