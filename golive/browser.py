"""Driving a page with Playwright, with network failures reported as an unreachable target."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import zipfile
from typing import Any

from playwright.sync_api import Error as PlaywrightError

from golive.http import NO_ANSWER, Reachability, loopback_origin, unreachable_message
from golive.outcomes import TargetUnreachable

# Without these, Chromium's own background connections fail noisily on a closed network.
QUIET_CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
CHROMIUM_CANDIDATES = ("/usr/lib/chromium/chromium", "/usr/bin/chromium", "/usr/bin/chromium-browser")


def chromium_executable() -> str | None:
    """GOLIVE_CHROMIUM, else the distribution's Chromium; None lets Playwright use its own browsers."""
    configured = os.environ.get("GOLIVE_CHROMIUM")
    if configured:
        return configured
    return next((path for path in CHROMIUM_CANDIDATES if os.path.exists(path)), shutil.which("chromium"))


def open_page(page: Any, url: str, reachability: Reachability | None = None) -> None:
    """Navigate (within the page's default timeout), turning ``net::ERR_*`` and timeouts into TargetUnreachable.

    With the run's ``reachability``, a target already found dead is not waited for again.
    """
    if reachability:
        reachability.check(url)
    try:
        page.goto(url, wait_until="load")
    except PlaywrightError as error:
        reason = navigation_failure(str(error))
        if reason:
            if reachability:
                raise TargetUnreachable(reachability.mark(url, reason)) from None
            raise TargetUnreachable(unreachable_message(loopback_origin(url), reason)) from None
        raise


NET_ERRORS = {
    "ERR_CONNECTION_REFUSED": "connection refused",
    "ERR_NAME_NOT_RESOLVED": "DNS name not found",
    "ERR_CONNECTION_TIMED_OUT": "connection timed out",
    "ERR_ADDRESS_UNREACHABLE": "address unreachable",
}


def navigation_failure(text: str) -> str:
    """Playwright's navigation error in the HTTP layer's words ("" when it is no network failure):
    a dead target is "connection refused", a slow one "no answer within 15 s", not "Timeout 15000ms"."""
    timeout = re.search(r"Timeout (\d+)ms exceeded", text)
    if timeout:
        return f"{NO_ANSWER} {int(timeout.group(1)) / 1000:g} s"
    code = re.search(r"net::(ERR_[A-Z_]+)", text)
    if code:
        return NET_ERRORS.get(code.group(1), f"net::{code.group(1)}")
    return ""


def text_when_shown(page: Any, selector: str, text: str = "", until: str | None = None) -> str:
    """Wait until ``selector`` is visible and shows ``text`` (or, sooner, ``until`` shows: the page's
    error); return what ``selector`` shows (even on time-out)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    element = page.locator(selector)
    # A placeholder ("Loading…") can be visible before the real content arrives.
    awaited = element.filter(has_text=text) if text else element
    if until:
        awaited = awaited.or_(page.locator(until).filter(visible=True))
    try:
        awaited.first.wait_for(state="visible")
    except PlaywrightTimeout:
        pass
    return element.first.inner_text() if element.count() and element.first.is_visible() else ""


def sign_in(page: Any, login: Any, username: str, password: str, reachability: Reachability | None = None) -> str:
    """Open ``login`` (a profile LoginPage), sign in, and return what its signed-in element shows
    ("" when it never appeared: the page's own error, if any, is in the console or on screen)."""
    open_page(page, str(login.url), reachability)
    page.fill(login.username_selector, username)
    page.fill(login.password_selector, password)
    page.click(login.submit_selector)
    shown = text_when_shown(page, login.signed_in_selector, login.signed_in_text, until=login.error_selector)
    page.wait_for_load_state("networkidle")  # every call settled: nothing fails or logs after we look
    return shown


def alert_text(page: Any, selector: str | None) -> str:
    """What the page's visible error element says ("" when there is none)."""
    if not selector:
        return ""
    return " | ".join(text.strip() for text in page.locator(selector).filter(visible=True).all_inner_texts()
                      if text.strip())


def frame_under(page: Any, prefix: str) -> str:
    """The URL of the page, or of one of its frames, under ``prefix`` ("" when none is): a hosted
    checkout is opened either as the page or as a frame (Razorpay's modal)."""
    return next((frame.url for frame in page.frames if frame.url.startswith(prefix)), "")


def redact_trace(trace: bytes, redactor: Any) -> bytes:
    """A Playwright trace (zip) with every secret masked: it records what was typed (the password),
    request and answer bodies (tokens) and the page's storage. Text entries are redacted (JSON
    bodies field by field), binary ones (screenshots) kept."""
    source, target = io.BytesIO(trace), io.BytesIO()
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as cleaned:
        for entry in original.infolist():
            content = original.read(entry)
            try:
                text = content.decode("utf-8")
            except UnicodeDecodeError:
                cleaned.writestr(entry, content)
                continue
            # the trace's own event files are JSON lines (the viewer reads them line by line)
            lines = entry.filename.endswith((".trace", ".network"))
            redacted = "\n".join(_json_line(line, redactor) for line in text.split("\n")) if lines \
                else redactor.body(text)
            cleaned.writestr(entry, redacted.encode("utf-8"))
    return target.getvalue()


def _json_line(line: str, redactor: Any) -> str:
    try:
        return json.dumps(redactor.data(json.loads(line)), ensure_ascii=False)
    except ValueError:
        return redactor.text(line)
