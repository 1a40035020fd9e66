"""A WhatsApp bot's conversation judged from the replies it sent: a greeting opens the menu, a
command answers from live data (an order's current status), anything else gets help.

Pure: the replies are the text bodies read from the bot's outbox.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from golive.probes.findings import Finding


def _joined(replies: Sequence[str]) -> str:
    return " | ".join(replies)[:300] or "no reply"


def menu_findings(replies: Sequence[str], offers: str) -> list[Finding]:
    """A greeting is answered with a menu that offers ``offers`` (a command word, e.g. ``track``)."""
    if not replies:
        return [Finding("bot-greeting-unanswered", "a menu in reply to 'hi'", "no reply",
                        "answer typed greetings (hi, hello, menu), not only template button payloads")]
    if not any(offers.lower() in reply.lower() for reply in replies):
        return [Finding("bot-menu-incomplete", f"a menu offering '{offers}'", _joined(replies),
                        f"list '{offers}' in the menu")]
    return []


def status_findings(replies: Sequence[str], order_id: int | str, status: str) -> list[Finding]:
    """``track <order id>`` is answered with that order's current status."""
    text = " ".join(replies)
    names_order = re.search(rf"(?<![0-9]){re.escape(str(order_id))}(?![0-9])", text) is not None
    if not replies or not names_order or not re.search(rf"\b{re.escape(status)}\b", text, re.IGNORECASE):
        return [Finding("bot-order-status-wrong", f"order {order_id}'s status '{status}'", _joined(replies),
                        "look the order up in OrderService and reply with its current status")]
    return []


def help_findings(replies: Sequence[str]) -> list[Finding]:
    """'help' (or a message the bot does not understand) gets an answer, never silence."""
    if not replies:
        return [Finding("bot-help-unanswered", "a help reply", "no reply",
                        "answer 'help' and unknown messages with what the bot can do")]
    return []
