"""Driving a page with Playwright, with network failures reported as an unreachable target."""

from __future__ import annotations

import os
import shutil
from typing import Any

from playwright.sync_api import Error as PlaywrightError

from golive.http import Reachability
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
        text = str(error)
        if "net::ERR_" in text or "Timeout" in text:
            reason = text.split("\n", 1)[0].split(": ", 1)[-1]
            if reachability:
                reachability.mark(url, reason)
            raise TargetUnreachable(f"unreachable: {url} ({reason})") from None
        raise


def text_when_shown(page: Any, selector: str, text: str = "") -> str:
    """Wait until ``selector`` is visible and shows ``text``; return what it shows (even on time-out)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    element = page.locator(selector)
    try:
        # A placeholder ("Loading…") can be visible before the real content arrives.
        (element.filter(has_text=text) if text else element).first.wait_for(state="visible")
    except PlaywrightTimeout:
        pass
    return element.first.inner_text() if element.count() else ""
