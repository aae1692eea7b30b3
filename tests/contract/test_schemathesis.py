"""Schemathesis against the local server: every operation, every check, as a city admin and as a community's
staff, with a fixed seed and a time bound; zero failures (configuration and its one exception:
tests/contract/schemathesis.toml; hooks: tests/contract/schemathesis_hooks.py).

Reports (JUnit, NDJSON) are kept in .artifacts/schemathesis/.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.callers import ADMIN, STAFF
from tests.http.conftest import ROOT, start_server, stop_server

CONFIG = Path(__file__).with_name("schemathesis.toml")
ARTIFACTS = ROOT / ".artifacts" / "schemathesis"
SEED = "20261126"
SECONDS_PER_ROLE = "55"  # two roles: the whole run stays under two minutes


@pytest.fixture(scope="module")
def contract_server(tmp_path_factory):
    server = start_server(tmp_path_factory.mktemp("canger-contract"), "--empty")
    yield server
    stop_server(server)


@pytest.mark.http
@pytest.mark.parametrize("caller", [ADMIN, STAFF], ids=lambda c: c.role.value)
def test_schemathesis_finds_nothing(contract_server, caller):
    role = caller.role.value
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    token = contract_server.sign(caller)
    command = [
        str(Path(sys.executable).with_name("schemathesis")),
        "--config-file",
        str(CONFIG),
        "run",
        contract_server.url("/openapi.json"),
        "--checks",
        "all",
        "--seed",
        SEED,
        "--max-examples",
        "10",
        # One worker: on Python 3.11, hypothesis' ast.parse in two threads at once can fail inside CPython
        # ("AST constructor recursion depth mismatch", fixed in 3.12), which is an error of the run.
        "--workers",
        "1",
        "--max-time",
        SECONDS_PER_ROLE,
        "--header",
        f"Authorization: Bearer {token}",
        "--generation-database",
        "none",
        "--no-color",
        "--report",
        "junit,ndjson",
        "--report-dir",
        str(ARTIFACTS / role),
    ]
    run = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env=os.environ, timeout=180)  # noqa: S603
    summary = run.stdout[run.stdout.find("SUMMARY") :]
    (ARTIFACTS / role / "summary.txt").write_text(summary, encoding="utf-8")  # the case count
    assert run.returncode == 0, run.stdout[-6000:]
    assert re.search(r"\b(\d+) generated, \1 passed\b", summary), summary
