"""What the provider emulators share: reading the account's credentials and the caller's, and JSON bodies.

Private (leading underscore): the emulator discovery in ``__init__`` skips it.
"""

from __future__ import annotations

import base64
import hmac
import secrets
from typing import Any

from fastapi import Request


def basic_credentials(request: Request) -> tuple[str, str] | None:
    """``(user, password)`` of an HTTP Basic Authorization header, or None."""
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "basic" or not value:
        return None
    try:
        user, sep, password = base64.b64decode(value, validate=True).decode("utf-8").partition(":")
    except (ValueError, UnicodeDecodeError):
        return None
    return (user, password) if sep else None


def bearer_token(request: Request) -> str | None:
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    return value.strip() or None if scheme.lower() == "bearer" else None


def same(given: str | None, configured: str | None) -> bool:
    """Constant-time equality; an unconfigured account matches nothing."""
    if not given or not configured:
        return False
    return hmac.compare_digest(given.encode(), configured.encode())


def random_id(prefix: str, length: int = 14) -> str:
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    return prefix + "".join(secrets.choice(alphabet) for _ in range(length))


async def body_of(request: Request) -> dict[str, Any]:
    """The request's JSON object body; ``{}`` when it is not JSON or not an object."""
    try:
        body = await request.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}
