"""Signed share links (tracker-style): the forgeries a correct server refuses.

Format ``hmac-sha256-json``: ``<b64url(JSON {"sub": ..., "exp": epoch})>.<b64url(HMAC-SHA256(secret,
first part))>``, unpadded base64url, as the WhatsApp tracker's ``/internal/tracker-link`` issues them.
With the secret golive can mint a fresh link (proving it speaks the format) and an expired one.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time

from golive.probes.findings import Finding


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sign_link_token(secret: str, subject: str, expires_at: int) -> str:
    payload = _b64url(json.dumps({"sub": subject, "exp": expires_at}, separators=(",", ":")).encode())
    signature = hmac.new(secret.encode(), payload.encode("ascii"), hashlib.sha256).digest()
    return f"{payload}.{_b64url(signature)}"


def token_of(url: str) -> str:
    """The token in a share URL: its last path segment."""
    return url.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]


def with_token(url: str, token: str) -> str:
    return url.split("?", 1)[0].rstrip("/").rsplit("/", 1)[0] + "/" + token


def forgeries(issued_token: str, secret: str | None, *, now: int | None = None) -> dict[str, str]:
    """Named forged tokens derived from a genuine one. ``expired`` needs the secret."""
    now = int(time.time()) if now is None else now
    payload, _, signature = issued_token.partition(".")
    try:
        claims = json.loads(_unb64url(payload))
    except ValueError:
        claims = {}
    subject = str(claims.get("sub", "golive")) if isinstance(claims, dict) else "golive"
    tampered_claims = {**(claims if isinstance(claims, dict) else {}), "sub": subject + "-other"}
    tampered = _b64url(json.dumps(tampered_claims, separators=(",", ":")).encode())
    forged = {
        "unsigned": payload,
        "empty-signature": payload + ".",
        "tampered": f"{tampered}.{signature}",
        "truncated-signature": f"{payload}.{signature[:-4]}",
    }
    if secret:
        forged["expired"] = sign_link_token(secret, subject, now - 3600)
    return forged


def evaluate_forgery(name: str, status_code: int) -> list[Finding]:
    if 400 <= status_code < 500:
        return []
    what = "an expired" if name == "expired" else f"a {name}"
    finding = "share-link-never-expires" if name == "expired" else "share-link-signature-not-checked"
    fix = ("check the expiry claim on every request" if name == "expired"
           else "verify the HMAC (constant-time) before reading the link's claims")
    return [Finding(finding, f"4xx for {what} share link", f"HTTP {status_code}", fix)]
