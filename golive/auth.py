"""Logging in as a profile role: the one place that knows how a target issues tokens."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
import pyotp

from golive.expect import snippet, where
from golive.http import HttpClient
from golive.outcomes import CheckFailed, unverified
from golive.probes.tokens import ForgeryContext
from golive.profile import Auth, Mfa


@dataclass(frozen=True)
class Tokens:
    role: str
    access: str
    refresh: str | None


def password_login(http: HttpClient, auth: Auth, service_url: str, role: str) -> httpx.Response:
    """The first (password) step only, as the target answers it."""
    credentials = auth.roles[role]
    spec = auth.login
    return http.post(
        service_url.rstrip("/") + spec.path,
        json={**spec.extra_fields, spec.username_field: credentials.username, spec.password_field: credentials.password},
        intent="login",
    )


def mfa_challenge(response: httpx.Response, mfa: Mfa) -> str | None:
    """The challenge id of a password login that asks for a second factor, else None."""
    try:
        body: Any = response.json()
    except ValueError:
        return None
    challenge = body.get(mfa.challenge_field) if isinstance(body, dict) else None
    return challenge if isinstance(challenge, str) and challenge else None


def totp_now(seed: str) -> str:
    return pyotp.TOTP(seed).now()


def complete_mfa(http: HttpClient, auth: Auth, service_url: str, role: str, challenge: str) -> httpx.Response:
    """Answer the second-factor challenge with the role's current TOTP code (profile seed)."""
    mfa = auth.mfa
    if not mfa or role not in mfa.totp_secrets:
        unverified(f"{role} must complete a second factor and the profile gives golive no TOTP seed for it "
                   "(auth.mfa.totp_secrets)")
    assert mfa  # unverified() raised otherwise
    return http.post(
        service_url.rstrip("/") + mfa.path,
        json={mfa.challenge_field: challenge, mfa.code_field: totp_now(mfa.totp_secrets[role])},
        intent="login",
    )


def login(http: HttpClient, auth: Auth, service_url: str, role: str) -> Tokens:
    """Log in with the role's credentials (and second factor); fail with evidence when refused."""
    spec = auth.login
    response = password_login(http, auth, service_url, role)
    challenge = mfa_challenge(response, auth.mfa) if auth.mfa and response.status_code == 200 else None
    if challenge is not None:
        response = complete_mfa(http, auth, service_url, role, challenge)
    if response.status_code != 200:
        raise CheckFailed(
            f"login as {role} was refused",
            expected="HTTP 200 with an access token",
            found=f"HTTP {response.status_code} {snippet(response)}",
            where=where(response),
            fix=f"check the {role} account exists, is active and its password in the env file is current",
        )
    try:
        body = response.json()
    except ValueError:
        body = None
    access = body.get(spec.access_token_field) if isinstance(body, dict) else None
    if not isinstance(access, str) or not access:
        raise CheckFailed(
            f"login as {role} returned no access token",
            expected=f"a JSON body with {spec.access_token_field!r}",
            found=snippet(response) or "an empty body",
            where=where(response),
            fix="align auth.login.access_token_field in the profile with the login response",
        )
    refresh = body.get(spec.refresh_token_field) if isinstance(body, dict) else None
    return Tokens(role, access, refresh if isinstance(refresh, str) else None)


def forgery_context(auth: Auth | None) -> ForgeryContext:
    """Keyless forgeries always; re-signed ones with the profile's signing key, key confusion with its public key."""
    return ForgeryContext(signing_key=auth.signing_key if auth else None, public_key=auth.public_key if auth else None)
