"""Logging in as a profile role: the one place that knows how a target issues tokens."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import httpx
import pyotp

from golive.expect import snippet, where
from golive.http import HttpClient
from golive.outcomes import CheckFailed, unverified
from golive.probes.jwks import KeySetError, PublishedKey, key_confusion_candidates, known_kids, parse_key_set
from golive.probes.tokens import ForgeryContext
from golive.profile import Auth, Mfa, Profile


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
    code = totp_now(mfa.totp_secrets[role])
    # A live one-time code and its challenge are credentials under any field name: mask them by value.
    http.redactor.add(code, challenge)
    return http.post(
        service_url.rstrip("/") + mfa.path,
        json={mfa.challenge_field: challenge, mfa.code_field: code},
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


def jwks_location(profile: Profile, auth: Auth) -> str | None:
    """The absolute URL of the issuer's published keys: auth.jwks_url as given, or a path on the
    login service."""
    if not auth.jwks_url:
        return None
    if auth.jwks_url.startswith(("http://", "https://")):
        return auth.jwks_url
    return profile.service(auth.login.service).url(auth.jwks_url)


def fetch_published_keys(http: HttpClient, url: str) -> list[PublishedKey]:
    """GET the published key set and parse it; unverified (with the reason) when that fails."""
    response = http.get(url)
    if response.status_code != 200:
        unverified(f"the published keys at {url} answered HTTP {response.status_code}, not 200 "
                   "(check auth.jwks_url in the profile)")
    try:
        return parse_key_set(response.json())
    except ValueError as error:  # not JSON (JSONDecodeError) or not a key set (KeySetError)
        reason = error if isinstance(error, KeySetError) else "the body is not JSON"
        unverified(f"the published keys at {url} are unusable: {reason} ({snippet(response)})")
        raise  # unverified() raised already; keeps type checkers informed


# forgeries that use the published key set when the profile names one (auth.jwks_url)
KEY_SET_FORGERIES = frozenset({"hs256_key_confusion", "unknown_kid", "unknown_kid_resigned"})


def forgeries_with_key_set(auth: Auth, names: list[str]) -> list[str]:
    """Collection-time list: key confusion runs by name when the keys can be fetched at check time."""
    if auth.jwks_url and "hs256_key_confusion" not in names:
        return [*names, "hs256_key_confusion"]
    return names


def forgery_contexts(auth: Auth, forgery: str, keys: list[PublishedKey] | None) -> list[ForgeryContext]:
    """The contexts to build ``forgery`` with: one, or for key confusion one per PEM spelling of
    every published key (plus the profile's own public_key, when set)."""
    base = forgery_context(auth)
    if keys is None:
        return [base]
    base = replace(base, known_kids=known_kids(keys))
    if forgery != "hs256_key_confusion":
        return [base]
    configured = [base] if base.public_key is not None else []
    return [*configured, *(replace(base, public_key=pem) for pem in key_confusion_candidates(keys))]
