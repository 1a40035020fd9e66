"""The admin page in a real Chromium: clean on the healthy sandbox, broken by its two faults.

The page is opened on http://localhost:<port> and calls the API on http://127.0.0.1:<port>,
so the browser really performs CORS. Skipped when Playwright or Chromium is missing
(CHROMIUM_PATH overrides Debian's Chromium; never ``playwright install`` here).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

sync_api = pytest.importorskip("playwright.sync_api")

_CANDIDATES = (os.environ.get("CHROMIUM_PATH"), "/usr/lib/chromium/chromium", "/usr/bin/chromium")
CHROMIUM = next((path for path in _CANDIDATES if path and Path(path).exists()), None)
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no Chromium (set CHROMIUM_PATH)")

LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@dataclass
class PageEvents:
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    bad_responses: list[str] = field(default_factory=list)


# not named "browser": pytest-playwright, when installed, owns that fixture name
@pytest.fixture(scope="module")
def chromium() -> Iterator[object]:
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="module")
def sandboxes(tmp_path_factory, spawn_module) -> dict[str, object]:
    """Three sandboxes started at once (start-up is the slow part): healthy and one per fault."""
    children = {
        "healthy": spawn_module(tmp_path_factory.mktemp("healthy")),
        "admin_page_script_error": spawn_module(tmp_path_factory.mktemp("script"), "admin_page_script_error"),
        "admin_origin_not_allowed": spawn_module(tmp_path_factory.mktemp("origin"), "admin_origin_not_allowed"),
    }
    for child in children.values():
        child.wait_live()
    return children


def _sign_in(browser, child, username: str, password: str, expect_whoami: bool) -> tuple[object, PageEvents]:
    context = browser.new_context()
    page = context.new_page()
    events = PageEvents()
    # listeners before goto, so nothing is missed
    page.on("console", lambda msg: events.console_errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: events.page_errors.append(f"{exc.name}: {exc.message}"))
    page.on("requestfailed", lambda req: events.failed_requests.append(f"{req.url} {req.failure}"))
    page.on("response",
            lambda res: events.bad_responses.append(f"{res.status} {res.url}") if res.status >= 400 else None)
    page.goto(child.admin_login_url)
    page.fill("#username", username)
    page.fill("#password", password)
    page.get_by_role("button", name="Sign in").click()
    if expect_whoami:
        page.wait_for_url("**/admin/")
        # a locator, not wait_for_function: that evaluates a string, which the page's CSP forbids
        page.locator("#whoami", has_text="Signed in as").wait_for()
    else:
        page.wait_for_selector("#error:not([hidden])")
    # every request settled: nothing can fail or log after we look
    page.wait_for_load_state("networkidle")
    return page, events


def test_admin_page_is_clean_on_the_healthy_sandbox(chromium, sandboxes, kit):
    child = sandboxes["healthy"]
    page, events = _sign_in(chromium, child, "admin", kit.passwords["admin"], expect_whoami=True)
    assert page.text_content("#whoami") == "Signed in as admin (admin)"
    assert page.text_content("#session-expiry").startswith("Session expires at")
    assert events == PageEvents(), events
    page.context.close()


def test_admin_page_shows_failed_login(chromium, sandboxes):
    child = sandboxes["healthy"]
    page, events = _sign_in(chromium, child, "admin", "not-the-password", expect_whoami=False)
    assert page.text_content("#error") == "Invalid username or password"
    assert events.bad_responses == [f"401 {child.base}/api/auth/login"]
    assert not events.page_errors
    page.context.close()


def test_fault_admin_page_script_error_in_browser(chromium, sandboxes, kit):
    child = sandboxes["admin_page_script_error"]
    page, events = _sign_in(chromium, child, "manager", kit.passwords["manager"], expect_whoami=True)
    assert page.text_content("#whoami") == "Signed in as manager (manager)"
    assert any(error.startswith("TypeError") for error in events.page_errors), events
    # the page's error reporter puts it on the console as well
    assert any("admin page error" in error for error in events.console_errors), events
    page.context.close()


def test_fault_admin_origin_not_allowed_in_browser(chromium, sandboxes, kit):
    child = sandboxes["admin_origin_not_allowed"]
    page, events = _sign_in(chromium, child, "admin", kit.passwords["admin"], expect_whoami=False)
    assert any("blocked by CORS policy" in error for error in events.console_errors), events
    assert events.failed_requests
    assert "could not be reached" in page.text_content("#error")
    page.context.close()
