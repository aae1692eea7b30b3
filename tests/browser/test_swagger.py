"""Swagger UI in a real browser (Debian's chromium driven by Playwright), served by Canger itself:
it loads without the internet, takes a pasted token with Authorize, and "Try it out" on GET /v1/me works.

Chromium comes from tests/browser/conftest.py (``browser``), which ``make browser-deps`` makes possible;
the screenshot is kept in .artifacts/browser/swagger-me.png.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.callers import STAFF
from tests.http.conftest import ROOT, LocalServer, start_server, stop_server

pytestmark = pytest.mark.http

ARTIFACTS = ROOT / ".artifacts" / "browser"


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[LocalServer]:
    running = start_server(tmp_path_factory.mktemp("swagger-home"), "--empty")
    yield running
    stop_server(running)


def test_swagger_ui_authorizes_with_a_pasted_token_and_tries_get_me(server, browser):
    token = server.sign(STAFF.named("swagger-staff"))
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    outside: list[str] = []  # every request must stay on this server: no CDN
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(server.base_url) else None)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(server.url("/docs"))
        page.locator("#operations-directory-getMe").wait_for(timeout=30_000)

        page.locator("button.authorize").first.click()
        page.locator(".auth-container input").first.fill(token)
        page.locator(".auth-btn-wrapper button.authorize").click()
        page.locator(".auth-btn-wrapper button.btn-done").click()

        operation = page.locator("#operations-directory-getMe")
        operation.locator(".opblock-summary").click()
        operation.locator("button.try-out__btn").click()
        operation.locator("button.execute").click()
        status = operation.locator(".live-responses-table .response .response-col_status").first
        status.wait_for(timeout=30_000)
        body = operation.locator(".live-responses-table .response-col_description pre").first.inner_text()

        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        operation.locator(".live-responses-table").first.scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / "swagger-me.png"), full_page=False)
        assert status.inner_text().strip() == "200"
        assert '"sub": "swagger-staff"' in body
        assert '"community_id": "cm_ninghe"' in body
        assert outside == []
        assert errors == []
    finally:
        context.close()
