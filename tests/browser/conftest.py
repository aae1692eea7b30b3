"""The dashboard in a real browser: Debian's chromium driven by Playwright, against a local server.

The server runs on its own ``moto_server`` with the demo data plus a synthetic year (2025) in all 44
communities, so every view has something to show. ``make test`` installs chromium and the CJK fonts
(Playwright's own browser download does not work here); without them these tests fail, not skip.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.http.conftest import ROOT, LocalServer, moto_server, start_server, stop_server

CHROMIUM = "/usr/bin/chromium"
# Offline, quiet and container-safe: no sandbox (we run as root in a container), no GPU, no QUIC,
# nothing fetched in the background (no updates, no sync, no first-run pages).
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SYNTHETIC_EVENTS = 240  # ~30 s to count on a moto_server; enough for every community and month
YEAR = 2025
ARTIFACTS = ROOT / ".artifacts" / "browser"
DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}


def seeded_server(home: Path, endpoint: str, events: int = SYNTHETIC_EVENTS) -> LocalServer:
    """A local server on ``endpoint`` with the demo data and ``events`` synthetic events of 2025, all counted."""
    server = start_server(home, endpoint_url=endpoint)
    subprocess.run(  # noqa: S603
        [sys.executable, "-m", "tests.browser.seed", endpoint, str(events), str(YEAR)], check=True, cwd=ROOT
    )
    # A drain gives up after 60 s and says so; on a busy machine counting the year takes longer.
    deadline = time.monotonic() + 600
    while not requests.post(server.url("/_local/drain"), timeout=120).json()["drained"]:
        if time.monotonic() > deadline:
            stop_server(server)
            raise RuntimeError("the synthetic year was not counted within 10 minutes")
    return server


@pytest.fixture(scope="session")
def dashboard_built() -> None:
    if not (ROOT / "web" / "dist" / "index.html").is_file():
        pytest.fail("web/dist is not built: `make test` builds it (make web)")


@pytest.fixture(scope="session")
def site(tmp_path_factory, dashboard_built) -> Iterator[LocalServer]:
    with moto_server() as endpoint:
        server = seeded_server(tmp_path_factory.mktemp("dashboard-home"), endpoint)
        yield server
        stop_server(server)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield launched
        launched.close()


class Page:
    """A page with the console errors and failed requests it saw, for the "no console errors" checks."""

    def __init__(self, page) -> None:
        self.page = page
        self.errors: list[str] = []
        self.api_requests: list[str] = []
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("request", lambda r: self.api_requests.append(r.url) if "/v1/" in r.url else None)


@pytest.fixture
def page(browser) -> Iterator[Page]:
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    yield Page(context.new_page())
    context.close()


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
