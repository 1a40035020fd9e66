"""JWT issuing and strict validation (joserfc, HS256), and the FastAPI role guards.

golive checks tokens with PyJWT; the sandbox deliberately uses joserfc so that one library's
bug cannot make the checker and the checked agree.
"""

from __future__ import annotations

import logging
import secrets
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi import HTTPException, Request
from joserfc import jwt
from joserfc.errors import JoseError, SecurityWarning
from joserfc.jwk import OctKey

from sandbox.logs import get_logger, log
from sandbox.settings import ROLES

ISSUER = "golive-sandbox"
AUDIENCE = "golive-sandbox-api"
ALGORITHM = "HS256"
ACCESS_TTL_SECONDS = 60 * 60
REFRESH_TTL_SECONDS = 30 * 24 * 60 * 60
TOKEN_TYPES = ("access", "refresh")


class InvalidTokenError(Exception):
    """Any reason a token is not accepted; the reason is never shown to the client."""


@dataclass(frozen=True)
class IssuedToken:
    token: str
    jti: str
    issued_at: int
    expires_at: int


@dataclass(frozen=True)
class Principal:
    username: str
    role: str


class TokenService:
    def __init__(self, secret: str) -> None:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", SecurityWarning)
            self._key = OctKey.import_key(secret.encode("utf-8"))
        if caught:  # a short secret: say so in the JSON log instead of a bare warning on stderr
            log(get_logger("auth"), logging.WARNING, "weak JWT secret", detail=str(caught[0].message))

    def issue(self, username: str, role: str, typ: str, now: int | None = None) -> IssuedToken:
        if typ not in TOKEN_TYPES:
            raise ValueError(typ)
        issued_at = int(time.time()) if now is None else now
        ttl = ACCESS_TTL_SECONDS if typ == "access" else REFRESH_TTL_SECONDS
        jti = secrets.token_hex(16)
        claims: dict[str, Any] = {
            "sub": username,
            "role": role,
            "iat": issued_at,
            "exp": issued_at + ttl,
            "iss": ISSUER,
            "aud": AUDIENCE,
            "jti": jti,
            "typ": typ,
        }
        token = jwt.encode({"alg": ALGORITHM, "typ": "JWT"}, claims, self._key, algorithms=[ALGORITHM])
        return IssuedToken(token, jti, issued_at, issued_at + ttl)

    def verify(self, token: str, typ: str) -> dict[str, Any]:
        """Signature (HS256 only), exp, iat, iss, aud, typ, sub, jti; raises InvalidTokenError."""
        try:
            decoded = jwt.decode(token, self._key, algorithms=[ALGORITHM])
            if decoded.header.get("alg") != ALGORITHM:  # belt and braces: never 'none' & co
                raise InvalidTokenError("algorithm")
            registry = jwt.JWTClaimsRegistry(
                leeway=0,
                iss={"essential": True, "value": ISSUER},
                aud={"essential": True, "value": AUDIENCE},
                exp={"essential": True},
                iat={"essential": True},
                sub={"essential": True},
                jti={"essential": True},
                typ={"essential": True, "value": typ},
                role={"essential": True, "values": list(ROLES)},
            )
            registry.validate(decoded.claims)
        except (JoseError, ValueError, TypeError) as exc:
            raise InvalidTokenError(type(exc).__name__) from exc
        return decoded.claims


def _unauthorized(detail: str) -> HTTPException:
    return HTTPException(status_code=401, detail=detail, headers={"WWW-Authenticate": "Bearer"})


def require_roles(*roles: str) -> Callable[[Request], Principal]:
    """A FastAPI dependency: a valid access token (401 otherwise) of one of ``roles`` (403)."""
    allowed = set(roles or ROLES)

    def guard(request: Request) -> Principal:
        header = request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise _unauthorized("Not authenticated")
        tokens: TokenService = request.app.state.sandbox.tokens
        try:
            claims = tokens.verify(token.strip(), "access")
        except InvalidTokenError:
            raise _unauthorized("Invalid or expired token") from None
        principal = Principal(username=claims["sub"], role=claims["role"])
        if principal.role not in allowed:
            raise HTTPException(status_code=403, detail="Insufficient role")
        return principal

    return guard
