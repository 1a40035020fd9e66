"""What a login answer says about how the system wants to be logged in to.

A refused login is one root cause for every check that needed the role, so its diagnosis must be
exact: a 422 naming the body fields of a form endpoint, a 302 that sets a session cookie, a 401.
Pure functions over status, headers and body; the login code sends the request.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class LoginDiagnosis:
    """Why a login gave no credential: a one-line summary and what to change."""

    summary: str
    fix: str


def lookup(body: Any, dotted: str) -> Any:
    """``data.access_token`` in ``{"data": {"access_token": …}}``; None when any step is missing."""
    value = body
    for part in dotted.split("."):
        if isinstance(value, Mapping) and part in value:
            value = value[part]
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return None
    return value


def missing_fields(body_text: str) -> list[str]:
    """Body fields a validation error names as missing (FastAPI/pydantic, DRF, express-validator shapes)."""
    try:
        body = json.loads(body_text)
    except ValueError:
        return []
    names: list[str] = []
    detail = body.get("detail") if isinstance(body, dict) else None
    if isinstance(detail, list):  # FastAPI: [{"loc": ["body", "username"], "type": "missing"}]
        for error in detail:
            if isinstance(error, dict) and str(error.get("type", "")).startswith("missing"):
                loc = [str(part) for part in error.get("loc", []) if part != "body"]
                if loc:
                    names.append(".".join(loc))
    elif isinstance(body, dict):  # DRF: {"username": ["This field is required."]}
        for key, value in body.items():
            messages = value if isinstance(value, list) else [value]
            if any(isinstance(m, str) and "required" in m.lower() for m in messages):
                names.append(key)
    return names


def _cookie_names(set_cookies: Sequence[str]) -> list[str]:
    return [header.split("=", 1)[0].strip() for header in set_cookies if "=" in header]


def diagnose(strategy: str, status: int, *, body_text: str, content_type: str, set_cookies: Sequence[str],
             location: str, token_field: str, username_field: str, password_field: str) -> LoginDiagnosis:
    """Why a ``strategy`` login answered ``status`` without a usable credential."""
    cookies = _cookie_names(set_cookies)
    if status in (422, 400):
        missing = missing_fields(body_text)
        if missing:
            wanted = {username_field, password_field}
            if strategy == "json" and wanted & set(missing):
                return LoginDiagnosis(
                    f"HTTP {status}: body fields missing ({', '.join(missing)}) — does the endpoint want a form?",
                    "set auth.login.strategy: form (an OAuth2 password login reads urlencoded fields)")
            return LoginDiagnosis(f"HTTP {status}: body fields missing ({', '.join(missing)})",
                                  "align auth.login.username_field / password_field / extra_fields with the endpoint")
        if "csrf" in body_text.lower():
            return LoginDiagnosis(f"HTTP {status}: the login wants a CSRF token", "set auth.login.csrf in the profile")
        return LoginDiagnosis(f"HTTP {status}: the login body was rejected",
                              "check the credentials' format and auth.login.strategy (json or form)")
    if status == 415:
        other = "form" if strategy == "json" else "json"
        return LoginDiagnosis(f"HTTP 415: the endpoint does not take a {strategy} body",
                              f"set auth.login.strategy: {other}")
    if status in (301, 302, 303, 307, 308):
        if cookies and strategy != "session":
            return LoginDiagnosis(
                f"HTTP {status} to {location or '?'} with a session cookie ({', '.join(cookies)})",
                "set auth.login.strategy: session (and session_cookie) — the system signs in with a cookie")
        return LoginDiagnosis(f"HTTP {status} to {location or '?'} without a session cookie",
                              "the credentials or the CSRF token were not accepted: check the role's password "
                              "and auth.login.csrf")
    if status == 403 and "csrf" in body_text.lower():
        return LoginDiagnosis("HTTP 403: CSRF verification failed",
                              "set auth.login.csrf (cookie, page, field, header) in the profile")
    if status in (401, 403):
        return LoginDiagnosis(f"HTTP {status}: the credentials were refused",
                              "check the account exists, is active, and its password in the env file is current")
    if status in (404, 405):
        return LoginDiagnosis(f"HTTP {status}: no login endpoint answers there",
                              "check auth.login.service and auth.login.path")
    if status >= 500:
        return LoginDiagnosis(f"HTTP {status}: the login endpoint failed", "the system's login is broken: see its logs")
    if 200 <= status < 300:
        if strategy == "session":
            return LoginDiagnosis(f"HTTP {status} without a session cookie",
                                  "set auth.login.session_cookie to the cookie the login sets, or use another strategy")
        if "json" not in content_type:
            return LoginDiagnosis(f"HTTP {status} with {content_type or 'no content type'}, not a JSON token answer",
                                  "a page answered: use strategy session (form login with a cookie) or browser")
        if cookies:
            return LoginDiagnosis(f"HTTP {status} without {token_field!r}, but with cookies ({', '.join(cookies)})",
                                  "set auth.login.strategy: session with session_cookie")
        keys = _top_keys(body_text)
        return LoginDiagnosis(f"HTTP {status} without {token_field!r} in the answer (keys: {keys})",
                              "set auth.login.access_token_field to the token's dotted path (e.g. data.access_token)")
    return LoginDiagnosis(f"HTTP {status}", "check auth.login in the profile")


def _top_keys(body_text: str) -> str:
    try:
        body = json.loads(body_text)
    except ValueError:
        return "not JSON"
    if isinstance(body, dict):
        inner = {key: sorted(value)[:6] for key, value in body.items() if isinstance(value, dict)}
        keys = [f"{key}.{{{', '.join(inner[key])}}}" if key in inner else key for key in sorted(body)[:10]]
        return ", ".join(keys) or "none"
    return type(body).__name__
