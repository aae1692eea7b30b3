"""Start ``canger serve`` as a real process on a free port and speak HTTP to it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from tests.callers import Caller

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class LocalServer:
    base_url: str
    home: Path
    process: subprocess.Popen

    def token(self, role: str, *extra: str) -> str:
        env = {**os.environ, "CANGER_HOME": str(self.home)}
        return subprocess.run(  # noqa: S603
            [sys.executable, "-m", "canger_local.cli", "token", "--role", role, *extra],
            check=True,
            capture_output=True,
            text=True,
            env=env,
            cwd=ROOT,
        ).stdout.strip()

    def sign(self, caller: Caller) -> str:
        """A token for this server, signed in-process with its key (``token`` runs the real CLI instead)."""
        from canger_local import tokens

        return tokens.issue(
            caller.role, community_id=caller.community, street_id=caller.street, sub=caller.sub, key_home=self.home
        )

    def headers(self, caller: Caller) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.sign(caller)}"}

    def url(self, path: str) -> str:
        return self.base_url + path


def start_server(home: Path, *args: str, endpoint_url: str | None = None, ready_seconds: float = 60) -> LocalServer:
    port = free_port()
    env = {**os.environ, "CANGER_HOME": str(home)}
    env.pop("AWS_ENDPOINT_URL", None)
    if endpoint_url:
        env["AWS_ENDPOINT_URL"] = endpoint_url
    log = open(home / f"server-{port}.log", "w")  # noqa: SIM115 - closed with the process
    process = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "canger_local.cli", "serve", "--port", str(port), *args],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    server = LocalServer(f"http://127.0.0.1:{port}", home, process)
    deadline = time.monotonic() + ready_seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError((home / f"server-{port}.log").read_text())
        try:
            if requests.get(server.url("/_local/health"), timeout=1).status_code == 200:
                return server
        except (requests.ConnectionError, requests.Timeout):
            pass  # not listening yet, or too busy loading demo data to answer within the second
        time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"local server did not become ready in {ready_seconds:.0f} s")


@contextmanager
def moto_server() -> Iterator[str]:
    """A ``moto_server`` process of its own; yields its endpoint URL."""
    port = free_port()
    process = subprocess.Popen(  # noqa: S603
        [str(Path(sys.executable).with_name("moto_server")), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                requests.get(endpoint + "/moto-api/", timeout=1)
                break
            except requests.ConnectionError:
                time.sleep(0.2)
        yield endpoint
    finally:
        # Patient: after a busy run moto can take more than 10 s to finish what it is doing and exit.
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def stop_server(server: LocalServer) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.process.kill()


@pytest.fixture(scope="session")
def server_home(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("canger-home")


@pytest.fixture(scope="session")
def server(server_home) -> Iterator[LocalServer]:
    running = start_server(server_home, "--empty")
    yield running
    stop_server(running)
