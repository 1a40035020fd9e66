"""E-mail logins and tokens of the non-commerce flavors.

The commerce flavor keeps its database users and sandbox.auth; these flavors have a handful of
accounts from SANDBOX_USERS, held in memory (hashed), and tokens shaped like the seed systems':
HS256 JWTs for the Node-style APIs, Firebase-style RS256 ID tokens for RealServ.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi import HTTPException, Request
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import OctKey, RSAKey

from sandbox.passwords import burn_verify_time, hash_password, verify_password
from sandbox.settings import FlavorUser

ACCESS_TTL_SECONDS = 60 * 60
REFRESH_TTL_SECONDS = 30 * 24 * 60 * 60


@dataclass(frozen=True)
class Account:
    email: str
    role: str
    password_hash: str = ""


class Accounts:
    """The flavor's users; unknown e-mail and wrong password look the same (time and answer)."""

    def __init__(self, users: tuple[FlavorUser, ...]) -> None:
        self._by_email = {u.email: Account(u.email, u.role, hash_password(u.password)) for u in users}

    def authenticate(self, email: str, password: str) -> Account | None:
        account = self._by_email.get(email.strip().lower())
        if account is None:
            burn_verify_time(password)
            return None
        return account if verify_password(password, account.password_hash) else None

    @property
    def roles(self) -> frozenset[str]:
        return frozenset(a.role for a in self._by_email.values())


class FlavorTokens:
    """Issues and strictly verifies one flavor's access tokens (one algorithm, one key id)."""

    def __init__(self, *, key: OctKey | RSAKey, algorithm: str, kid: str, issuer: str, audience: str,
                 roles: frozenset[str]) -> None:
        self._key, self.algorithm, self.kid = key, algorithm, kid
        self.issuer, self.audience, self.roles = issuer, audience, roles

    @classmethod
    def hs256(cls, secret: str, *, flavor: str, roles: frozenset[str]) -> FlavorTokens:
        return cls(key=OctKey.import_key(secret.encode("utf-8")), algorithm="HS256", kid=f"{flavor}-hs256-1",
                   issuer=f"{flavor}-api", audience=f"{flavor}-clients", roles=roles)

    @classmethod
    def firebase(cls, project: str, *, roles: frozenset[str]) -> FlavorTokens:
        # a fresh key per start, like a rotated Google key: verifiers must fetch the JWKS
        kid = secrets.token_hex(20)
        key = RSAKey.generate_key(2048, parameters={"kid": kid, "alg": "RS256", "use": "sig"})
        return cls(key=key, algorithm="RS256", kid=kid, issuer=f"https://securetoken.google.com/{project}",
                   audience=project, roles=roles)

    def jwks(self) -> dict[str, Any]:
        """The public key set (empty for HMAC keys: they have no public half)."""
        if not isinstance(self._key, RSAKey):
            return {"keys": []}
        return {"keys": [self._key.as_dict(private=False)]}

    def issue(self, account: Account, typ: str = "access", now: int | None = None) -> str:
        issued_at = int(time.time()) if now is None else now
        ttl = ACCESS_TTL_SECONDS if typ == "access" else REFRESH_TTL_SECONDS
        claims: dict[str, Any] = {
            "iss": self.issuer, "aud": self.audience, "sub": account.email, "email": account.email,
            "role": account.role, "iat": issued_at, "exp": issued_at + ttl, "typ": typ,
            "jti": secrets.token_hex(16),
        }
        if self.algorithm == "RS256":  # Firebase ID token claims
            claims.update(auth_time=issued_at, user_id=account.email, email_verified=True,
                          firebase={"identities": {"email": [account.email]}, "sign_in_provider": "password"})
        header = {"alg": self.algorithm, "typ": "JWT", "kid": self.kid}
        return jwt.encode(header, claims, self._key, algorithms=[self.algorithm])

    def verify(self, token: str, typ: str = "access") -> dict[str, Any]:
        """Signature with our one algorithm and key id, then exp, iat, iss, aud, sub, typ, role."""
        try:
            decoded = jwt.decode(token, self._key, algorithms=[self.algorithm])
            if decoded.header.get("alg") != self.algorithm or decoded.header.get("kid") != self.kid:
                raise ValueError("header")
            jwt.JWTClaimsRegistry(
                leeway=0,
                iss={"essential": True, "value": self.issuer},
                aud={"essential": True, "value": self.audience},
                exp={"essential": True},
                iat={"essential": True},
                sub={"essential": True},
                typ={"essential": True, "value": typ},
                role={"essential": True, "values": sorted(self.roles)},
            ).validate(dict(decoded.claims))
        except (JoseError, ValueError, TypeError):
            raise HTTPException(status_code=401, detail="Invalid or expired token",
                                headers={"WWW-Authenticate": "Bearer"}) from None
        return dict(decoded.claims)

    def guard(self, *roles: str) -> Callable[[Request], Account]:
        """A FastAPI dependency: 401 without a valid access token, 403 for a role not in ``roles``."""
        allowed = set(roles or self.roles)

        def check(request: Request) -> Account:
            scheme, _, token = request.headers.get("authorization", "").partition(" ")
            if scheme.lower() != "bearer" or not token.strip():
                raise HTTPException(status_code=401, detail="Not authenticated",
                                    headers={"WWW-Authenticate": "Bearer"})
            claims = self.verify(token.strip())
            if claims["role"] not in allowed:
                raise HTTPException(status_code=403, detail="Insufficient role")
            account = Account(claims["sub"], claims["role"])
            request.state.account = account  # for handlers that take no dependency parameter
            return account

        return check
