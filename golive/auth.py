"""Logging in as a profile role: the one place that knows how a target issues tokens."""

from __future__ import annotations

from dataclasses import dataclass

from golive.expect import snippet, where
from golive.http import HttpClient
from golive.outcomes import CheckFailed
from golive.profile import Auth


@dataclass(frozen=True)
class Tokens:
    role: str
    access: str
    refresh: str | None


def login(http: HttpClient, auth: Auth, service_url: str, role: str) -> Tokens:
    """Log in with the role's credentials; fail with evidence when the target refuses."""
    credentials = auth.roles[role]
    spec = auth.login
    response = http.post(
        service_url.rstrip("/") + spec.path,
        json={**spec.extra_fields, spec.username_field: credentials.username, spec.password_field: credentials.password},
        intent="login",
    )
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
