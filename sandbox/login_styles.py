"""How a request proves who it is, in each login style of the commerce flavor (SANDBOX_LOGIN).

- ``json`` / ``form``: a bearer JWT from the login (sandbox.auth.TokenService);
- ``session``: an opaque server-side session id in the ``sessionid`` cookie, Django-style: a CSRF
  token in the ``csrftoken`` cookie must be echoed in ``X-CSRFToken`` on every unsafe request, and
  only the cookie counts (an Authorization header is ignored);
- ``browser``: the same session API, signed into only by the login page's script (a one-time
  ticket the page fetches travels with the credentials: no plain form post or API call signs in);
- ``basic``: HTTP Basic with the user's password on every request; failed attempts are limited
  per client and username like logins are;
- ``token``: a pre-issued API key per user (SANDBOX_<USER>_API_KEY) in the ``X-API-Key`` header.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass, field

from fastapi import HTTPException, Request
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool

from sandbox.db import User
from sandbox.passwords import burn_verify_time, verify_password
from sandbox.settings import SESSION_STYLES

SESSION_COOKIE = "sessionid"
CSRF_COOKIE = "csrftoken"
CSRF_FIELD = "csrfmiddlewaretoken"
CSRF_HEADER = "x-csrftoken"
API_KEY_HEADER = "x-api-key"
SESSION_TTL_SECONDS = 60 * 60
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
BASIC_REALM = 'Basic realm="golive sandbox", charset="UTF-8"'


@dataclass(frozen=True)
class Identity:
    username: str
    role: str


@dataclass
class Sessions:
    """Server-side sessions: an unguessable id -> who, until when. Kept in memory (one process)."""

    ttl_seconds: int = SESSION_TTL_SECONDS
    _by_id: dict[str, tuple[Identity, float]] = field(default_factory=dict)

    def open(self, identity: Identity) -> str:
        session_id = secrets.token_urlsafe(32)
        self._by_id[session_id] = (identity, time.time() + self.ttl_seconds)
        return session_id

    def find(self, session_id: str) -> Identity | None:
        entry = self._by_id.get(session_id)
        if entry is None:
            return None
        identity, expires_at = entry
        if time.time() >= expires_at:
            del self._by_id[session_id]
            return None
        return identity

    def close(self, session_id: str) -> None:
        self._by_id.pop(session_id, None)


def new_csrf_token() -> str:
    return secrets.token_urlsafe(32)


def csrf_matches(cookie: str | None, echoed: str | None) -> bool:
    return bool(cookie) and bool(echoed) and hmac.compare_digest(str(cookie), str(echoed))


@dataclass
class BasicVerifier:
    """Checks Basic credentials against the users table. A password is verified with scrypt once;
    after that a keyed digest of the exact pair is remembered, as Basic sends it on every request."""

    _verified: dict[str, Identity] = field(default_factory=dict)
    _key: bytes = field(default_factory=lambda: secrets.token_bytes(32))

    _locked_until: dict[str, float] = field(default_factory=dict)

    def lock(self, key: str, seconds: int) -> None:
        self._locked_until[key] = time.monotonic() + max(seconds, 1)

    def refuse_while_locked(self, key: str) -> None:
        """429 with Retry-After while this client and username are locked out (even the right
        password: otherwise guessing would go on, with the answer telling a hit from a miss)."""
        until = self._locked_until.get(key)
        if until is None:
            return
        left = until - time.monotonic()
        if left <= 0:
            del self._locked_until[key]
            return
        raise HTTPException(status_code=429, detail="Too Many Requests", headers={"Retry-After": str(int(left) + 1)})

    def _digest(self, username: str, password: str) -> str:
        return hmac.new(self._key, f"{username}\0{password}".encode(), hashlib.sha256).hexdigest()

    def verify(self, db: object, username: str, password: str) -> Identity | None:
        remembered = self._verified.get(self._digest(username, password))
        if remembered is not None:
            return remembered
        with db.session() as session:  # type: ignore[attr-defined]
            user = session.scalar(select(User).where(User.username == username))
            if user is None:
                burn_verify_time(password)
                return None
            if not verify_password(password, user.password_hash):
                return None
            identity = Identity(user.username, user.role)
        self._verified[self._digest(username, password)] = identity
        return identity


def basic_pair(header: str) -> tuple[str, str] | None:
    """(username, password) of an ``Authorization: Basic`` header, None when it is not one."""
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic" or not encoded.strip():
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    username, colon, password = decoded.partition(":")
    return (username, password) if colon else None


def api_key_owner(keys: dict[str, str], presented: str) -> str | None:
    """The user whose pre-issued key this is (compared in constant time against every key)."""
    owner = None
    for username, key in keys.items():
        if hmac.compare_digest(key.encode(), presented.encode()):
            owner = username
    return owner


async def refuse_unparseable_body(request: Request) -> None:
    """Body-first APIs parse a JSON body before anything else: 400 for one that does not parse.
    Other bodies (uploads) are left to their route, which limits their size before reading them."""
    if "json" not in request.headers.get("content-type", "").lower():
        return
    body = await request.body()
    if not body:
        return
    try:
        json.loads(body)
    except ValueError:
        raise HTTPException(status_code=400, detail="Request body is not valid JSON") from None


def _refused(status: int, detail: str, challenge: str | None) -> HTTPException:
    headers = {"WWW-Authenticate": challenge} if challenge else None
    return HTTPException(status_code=status, detail=detail, headers=headers)


async def identify(request: Request) -> Identity:
    """Who sends this request, in the sandbox's login style; 401/403 (HTTPException) when nobody valid."""
    from sandbox.auth import InvalidTokenError  # sandbox.auth imports this module's guard helpers

    state = request.app.state.sandbox
    settings = state.settings
    style = settings.login_style
    if style in SESSION_STYLES:
        session_id = request.cookies.get(SESSION_COOKIE)
        identity = state.sessions.find(session_id) if session_id else None
        if identity is None:
            # Django REST framework's answer without a session: 403, no challenge
            raise _refused(403, "Authentication credentials were not provided.", None)
        if request.method not in SAFE_METHODS and \
                not csrf_matches(request.cookies.get(CSRF_COOKIE), request.headers.get(CSRF_HEADER)):
            raise _refused(403, "CSRF Failed: CSRF token missing or incorrect.", None)
        return identity
    if style == "basic":
        pair = basic_pair(request.headers.get("authorization", ""))
        if pair is None:
            raise _refused(401, "Not authenticated", BASIC_REALM)
        client = request.client.host if request.client else "unknown"
        attempts_key = f"{client}|{pair[0][:128]}"
        state.basic.refuse_while_locked(attempts_key)
        identity = await run_in_threadpool(state.basic.verify, state.db, *pair)
        if identity is None:
            # Basic has no login endpoint: every request is a login attempt, and failed ones are
            # limited per client and username like the JSON login's (basic_failed_attempts_unlimited)
            if not settings.faults.active("basic_failed_attempts_unlimited"):
                decision = await state.limiter.hit("login", attempts_key, settings.login_rate)
                if not decision.allowed:
                    state.basic.lock(attempts_key, decision.reset_seconds)
                    state.basic.refuse_while_locked(attempts_key)
            raise _refused(401, "Invalid username or password", BASIC_REALM)
        return identity
    if style == "token":
        presented = request.headers.get(API_KEY_HEADER, "").strip()
        owner = api_key_owner(dict(settings.api_keys), presented) if presented else None
        if owner is None:
            raise _refused(401, "Invalid or missing API key", "ApiKey")
        role = await run_in_threadpool(_role_of, state.db, owner)
        if role is None:
            raise _refused(401, "Invalid or missing API key", "ApiKey")
        return Identity(owner, role)
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise _refused(401, "Not authenticated", "Bearer")
    try:
        claims = state.tokens.verify(token.strip(), "access")
    except InvalidTokenError:
        raise _refused(401, "Invalid or expired token", "Bearer") from None
    return Identity(claims["sub"], claims["role"])


def _role_of(db: object, username: str) -> str | None:
    with db.session() as session:  # type: ignore[attr-defined]
        user = session.scalar(select(User).where(User.username == username))
        return user.role if user is not None else None
