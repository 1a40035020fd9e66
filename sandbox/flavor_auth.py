"""E-mail logins and tokens of the non-commerce flavors.

The commerce flavor keeps its database users and sandbox.auth; these flavors have a handful of
accounts from SANDBOX_USERS, held in memory (hashed), and tokens shaped like the seed systems':
HS256 JWTs for the Node-style APIs, Firebase-style RS256 ID tokens for RealServ.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import hmac
import json
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509.oid import NameOID
from fastapi import HTTPException, Request
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import OctKey, RSAKey

from sandbox.passwords import burn_verify_time, hash_password, verify_password
from sandbox.settings import FlavorUser

ACCESS_TTL_SECONDS = 60 * 60
REFRESH_TTL_SECONDS = 30 * 24 * 60 * 60


def _b64url(segment: str) -> bytes:
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def _header_alg(token: str) -> object:
    try:
        header = json.loads(_b64url(token.split(".")[0]))
    except (ValueError, UnicodeDecodeError):
        return None
    return header.get("alg") if isinstance(header, dict) else None


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

    # sign-ups and the admin's user management (RealServ's marketplace flows)
    def add(self, email: str, password: str, role: str) -> Account | None:
        """A new account, or None when the e-mail is taken."""
        email = email.strip().lower()
        if email in self._by_email:
            return None
        self._by_email[email] = account = Account(email, role, hash_password(password))
        return account

    def get(self, email: str) -> Account | None:
        return self._by_email.get(email.strip().lower())

    def set_role(self, email: str, role: str) -> Account | None:
        account = self.get(email)
        if account is None:
            return None
        self._by_email[account.email] = changed = Account(account.email, role, account.password_hash)
        return changed

    def remove(self, email: str) -> bool:
        return self._by_email.pop(email.strip().lower(), None) is not None


class FlavorTokens:
    """Issues and strictly verifies one flavor's access tokens (one algorithm, one key id)."""

    def __init__(self, *, key: OctKey | RSAKey, algorithm: str, kid: str, issuer: str, audience: str,
                 roles: frozenset[str], accept_key_confusion: bool = False) -> None:
        self._key, self.algorithm, self.kid = key, algorithm, kid
        self.issuer, self.audience, self.roles = issuer, audience, roles
        # fault jwt_key_confusion_accepted: HS256 tokens keyed with our own public key PEM pass
        self._accept_key_confusion = accept_key_confusion
        # fault firebase_accepts_other_projects: the signature is checked, iss and aud are not
        self.verifies_project = True
        self._certificate: str | None = None

    @classmethod
    def hs256(cls, secret: str, *, flavor: str, roles: frozenset[str]) -> FlavorTokens:
        return cls(key=OctKey.import_key(secret.encode("utf-8")), algorithm="HS256", kid=f"{flavor}-hs256-1",
                   issuer=f"{flavor}-api", audience=f"{flavor}-clients", roles=roles)

    @classmethod
    def firebase(cls, project: str, *, roles: frozenset[str], accept_key_confusion: bool = False) -> FlavorTokens:
        # a fresh key per start, like a rotated Google key: verifiers must fetch the JWKS
        kid = secrets.token_hex(20)
        key = RSAKey.generate_key(2048, parameters={"kid": kid, "alg": "RS256", "use": "sig"})
        return cls(key=key, algorithm="RS256", kid=kid, issuer=f"https://securetoken.google.com/{project}",
                   audience=project, roles=roles, accept_key_confusion=accept_key_confusion)

    def for_project(self, project: str) -> FlavorTokens:
        """Tokens of another Firebase project: Google signs every project's ID tokens with the same
        securetoken keys, so only iss and aud tell them apart."""
        other = copy.copy(self)
        other.issuer, other.audience = f"https://securetoken.google.com/{project}", project
        return other

    def jwks(self) -> dict[str, Any]:
        """The public key set (empty for HMAC keys: they have no public half)."""
        if not isinstance(self._key, RSAKey):
            return {"keys": []}
        return {"keys": [self._key.as_dict(private=False)]}

    def x509_certificates(self) -> dict[str, str]:
        """The public key as Google publishes it: {kid: self-signed certificate PEM}, made once."""
        if not isinstance(self._key, RSAKey):
            return {}
        if self._certificate is None:
            name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "securetoken.system.gserviceaccount.com")])
            now = datetime.now(UTC)
            self._certificate = (
                x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(self._key.public_key)
                .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(hours=1))
                .not_valid_after(now + timedelta(days=14)).sign(self._key.private_key, hashes.SHA256())
                .public_bytes(serialization.Encoding.PEM).decode("ascii"))
        return {self.kid: self._certificate}

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
            if self._accept_key_confusion and _header_alg(token) == "HS256":
                claims = self._hs256_with_public_pem(token)
            else:
                decoded = jwt.decode(token, self._key, algorithms=[self.algorithm])
                if decoded.header.get("alg") != self.algorithm or decoded.header.get("kid") != self.kid:
                    raise ValueError("header")
                claims = dict(decoded.claims)
            jwt.JWTClaimsRegistry(
                leeway=0,
                **({"iss": {"essential": True, "value": self.issuer},
                    "aud": {"essential": True, "value": self.audience}} if self.verifies_project else {}),
                exp={"essential": True},
                iat={"essential": True},
                sub={"essential": True},
                typ={"essential": True, "value": typ},
                role={"essential": True, "values": sorted(self.roles)},
            ).validate(claims)
        except (JoseError, ValueError, TypeError):
            raise HTTPException(status_code=401, detail="Invalid or expired token",
                                headers={"WWW-Authenticate": "Bearer"}) from None
        return claims

    def _hs256_with_public_pem(self, token: str) -> dict[str, Any]:
        """The classic misuse: the algorithm comes from the token and the "secret" is the key
        material the verifier holds, our public key PEM, which anyone can fetch from the JWKS."""
        assert isinstance(self._key, RSAKey)
        secret = self._key.as_pem(private=False)
        header_segment, payload_segment, signature_segment = token.split(".")
        expected = hmac.new(secret, f"{header_segment}.{payload_segment}".encode("ascii"), hashlib.sha256).digest()
        if not hmac.compare_digest(expected, _b64url(signature_segment)):
            raise ValueError("signature")
        claims = json.loads(_b64url(payload_segment))
        if not isinstance(claims, dict):
            raise ValueError("payload")
        return claims

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
