"""Credential headers the provider clients send."""

from __future__ import annotations

import base64


def basic_auth(user: str, password: str) -> str:
    """An HTTP Basic Authorization value (the HTTP layer takes headers, not httpx auth objects)."""
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
