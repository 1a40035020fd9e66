"""Driving a page with Playwright, with network failures reported as an unreachable target."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Error as PlaywrightError

from golive.http import Reachability
from golive.outcomes import TargetUnreachable


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
