"""JWT issuing and strict validation (joserfc, HS256), and the FastAPI role guards.

golive checks tokens with PyJWT; the sandbox deliberately uses joserfc so that one library's
bug cannot make the checker and the checked agree.
"""

from __future__ import annotations

import base64
import json
import logging
import secrets
import time
import warnings
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from joserfc import jwt
from joserfc.errors import JoseError, SecurityWarning
from joserfc.jwk import OctKey

from sandbox.faults import ActiveFaults
from sandbox.login_styles import SAFE_METHODS, identify, refuse_unparseable_body
from sandbox.logs import get_logger, log
from sandbox.settings import ROLES

ISSUER = "golive-sandbox"
AUDIENCE = "golive-sandbox-api"
ALGORITHM = "HS256"
ACCESS_TTL_SECONDS = 60 * 60
REFRESH_TTL_SECONDS = 30 * 24 * 60 * 60
TOKEN_TYPES = ("access", "refresh")
#: the one key id we sign with; a token naming another key is refused, never tried with ours
KEY_ID = "sandbox-hs256-1"
#: what the weak_hs256_secret fault signs with (the value of countless tutorials)
WEAK_SECRET = "secret"


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


def _unverified_parts(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Header and claims without any verification: only the faulty code paths use this."""
    try:
        header_segment, payload_segment, _ = token.split(".")
        decode = lambda segment: json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))  # noqa: E731
        header, claims = decode(header_segment), decode(payload_segment)
    except (ValueError, TypeError) as exc:
        raise InvalidTokenError("malformed") from exc
    if not isinstance(header, dict) or not isinstance(claims, dict):
        raise InvalidTokenError("malformed")
    return header, claims


class TokenService:
    def __init__(self, secret: str, faults: ActiveFaults | None = None) -> None:
        self._faults = faults or ActiveFaults()
        if self._faults.active("weak_hs256_secret"):
            secret = WEAK_SECRET
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
        if typ == "access" and self._faults.active("token_lifetime_8_days"):
            ttl = 8 * 24 * 60 * 60  # "so that users stay logged in for the week"
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
        header = {"alg": ALGORITHM, "typ": "JWT", "kid": KEY_ID}
        token = jwt.encode(header, claims, self._key, algorithms=[ALGORITHM])
        return IssuedToken(token, jti, issued_at, issued_at + ttl)

    def verify(self, token: str, typ: str) -> dict[str, Any]:
        """Signature (HS256 only), exp, iat, iss, aud, typ, sub, jti; raises InvalidTokenError."""
        try:
            header, claims = self._verified_parts(token)
            if header.get("kid") != KEY_ID:
                raise InvalidTokenError("kid")
            unchecked = self._unchecked_claims()
            registry = jwt.JWTClaimsRegistry(
                leeway=0,
                **({} if "iss" in unchecked else {"iss": {"essential": True, "value": ISSUER}}),
                aud={"essential": True, "value": AUDIENCE},
                **({} if "exp" in unchecked else {"exp": {"essential": True}}),
                iat={"essential": True},
                sub={"essential": True},
                jti={"essential": True},
                typ={"essential": True, "value": typ},
                role={"essential": True, "values": list(ROLES)},
            )
            registry.validate({name: value for name, value in claims.items() if name not in unchecked})
        except (JoseError, ValueError, TypeError) as exc:
            raise InvalidTokenError(type(exc).__name__) from exc
        return claims

    def _verified_parts(self, token: str) -> tuple[dict[str, Any], dict[str, Any]]:
        if self._faults.active("jwt_signature_not_verified"):
            # "decode" used where "verify" was meant: the claims are read, the signature never checked
            return _unverified_parts(token)
        if self._faults.active("jwt_alg_none_accepted"):
            header, claims = _unverified_parts(token)
            if str(header.get("alg", "")).lower() == "none":  # the library default of old
                return header, claims
        decoded = jwt.decode(token, self._key, algorithms=[ALGORITHM])
        if decoded.header.get("alg") != ALGORITHM:  # belt and braces: never 'none' & co
            raise InvalidTokenError("algorithm")
        return dict(decoded.header), dict(decoded.claims)

    def _unchecked_claims(self) -> frozenset[str]:
        """Claims a faulty verifier forgets to validate."""
        unchecked = set()
        if self._faults.active("jwt_expiry_not_checked"):
            unchecked.add("exp")
        if self._faults.active("jwt_issuer_not_checked"):
            unchecked.add("iss")
        return frozenset(unchecked)


#: Declared (not enforced: the guard answers 401 itself) so the API description documents the
#: bearer requirement of every guarded operation.
BEARER = HTTPBearer(auto_error=False, scheme_name="bearerAuth")


def require_roles(*roles: str) -> Callable[..., Awaitable[Principal]]:
    """A FastAPI dependency: a valid credential of the sandbox's login style (401 otherwise; 403 for
    a session without one, as Django REST framework answers) of one of ``roles`` (403)."""
    allowed = set(roles or ROLES)

    async def guard(request: Request, _documented: HTTPAuthorizationCredentials | None = Depends(BEARER)) -> Principal:
        settings = request.app.state.sandbox.settings
        if settings.body_first and request.method not in SAFE_METHODS:
            await refuse_unparseable_body(request)  # the body is judged before the credential
        identity = await identify(request)
        principal = Principal(username=identity.username, role=identity.role)
        if principal.role not in allowed:
            if request.app.state.sandbox.settings.faults.active("role_refusal_unauthorized"):
                # still refused, with the status that means "who are you?" rather than "not you"
                raise HTTPException(status_code=401, detail="Insufficient role",
                                    headers={"WWW-Authenticate": 'Bearer error="insufficient_scope"'})
            raise HTTPException(status_code=403, detail="Insufficient role")
        return principal

    return guard
