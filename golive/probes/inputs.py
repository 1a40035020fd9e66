"""Input validation probes: E.164 phones, RFC 5322 emails, reflected XSS, open redirects, ReDoS.

Each function returns request material or judges answers as data; the checks send.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

from golive.probes.findings import Finding

# E.164: '+', a country code that does not start with 0, at most 15 digits in all.
VALID_PHONES = ("+919876543210", "+14155552671")
INVALID_PHONES = (
    "9876543210",          # no country code
    "+91 98765 43210",     # formatting spaces
    "0091-9876543210",     # trunk prefix and dash
    "+0919876543210",      # country code starting with 0
    "+91987654321098765",  # 17 digits
    "+91abc6543210",       # letters
    "12345",               # too short, no plus
)

# RFC 5322 addr-spec, as sign-up forms accept it (dot-atom local part, a dotted domain).
VALID_EMAILS = ("asha.rao@example.com", "ops+golive@mail.example.in")
INVALID_EMAILS = (
    "asha.rao",                 # no @
    "asha@",                    # no domain
    "@example.com",             # no local part
    "asha rao@example.com",     # space
    "asha@@example.com",        # two @
    "asha@exa mple.com",        # space in domain
    "asha..rao@example.com",    # consecutive dots
    "asha@example",             # single-label domain
    "<script>@example.com",     # specials outside a quoted string
)


@dataclass(frozen=True)
class ValidationCase:
    field: str
    value: str
    should_accept: bool


def validation_cases(phone_fields: list[str], email_fields: list[str]) -> list[ValidationCase]:
    cases = []
    for field in phone_fields:
        cases += [ValidationCase(field, value, True) for value in VALID_PHONES]
        cases += [ValidationCase(field, value, False) for value in INVALID_PHONES]
    for field in email_fields:
        cases += [ValidationCase(field, value, True) for value in VALID_EMAILS]
        cases += [ValidationCase(field, value, False) for value in INVALID_EMAILS]
    return cases


def evaluate_validation(case: ValidationCase, status_code: int) -> list[Finding]:
    """A valid value must be accepted (2xx), an invalid one refused with 400 or 422."""
    shown = f"{case.field}={case.value!r}"
    if case.should_accept:
        if 200 <= status_code < 300:
            return []
        return [Finding("validation-rejects-valid-value", f"2xx for the valid {shown}", f"HTTP {status_code}",
                        "accept every well-formed value; the validator is stricter than the standard")]
    if status_code in (400, 422):
        return []
    name = "validation-server-error" if status_code >= 500 else "validation-accepts-invalid-value"
    return [Finding(name, f"400 or 422 for the invalid {shown}", f"HTTP {status_code}",
                    "validate the field on the server (E.164 for phones, RFC 5322 for emails) before use")]


# --- one parameter set to a value, wherever it travels -----------------------------------------

@dataclass(frozen=True)
class RequestParts:
    """A request with one parameter set: the path (placeholders filled), query, body and headers."""

    path: str
    params: dict[str, Any] = field(default_factory=dict)
    json: dict[str, Any] | None = None
    form: dict[str, Any] | None = None
    headers: dict[str, str] = field(default_factory=dict)

    def as_kwargs(self) -> dict[str, Any]:
        """httpx request arguments (the path is the caller's to turn into a URL)."""
        kwargs: dict[str, Any] = {}
        if self.params:
            kwargs["params"] = self.params
        if self.json is not None:
            kwargs["json"] = self.json
        if self.form is not None:
            kwargs["data"] = self.form
        if self.headers:
            kwargs["headers"] = self.headers
        return kwargs


def place_value(path: str, location: str, name: str, value: str, *, path_values: Mapping[str, str] | None = None,
                query: Mapping[str, Any] | None = None, body: Mapping[str, Any] | None = None,
                form: bool = False) -> RequestParts:
    """The request with ``value`` in parameter ``name`` at ``location`` (query, path, body, form or
    header); the other parameters keep their harmless values. ``body`` is the valid body of a write
    (sent as a form when ``form``), None for a request without one."""
    values = dict(path_values or {})
    params = dict(query or {})
    payload = dict(body) if body is not None else None
    headers: dict[str, str] = {}
    if location == "path":
        values[name] = value
    elif location == "query":
        params[name] = value
    elif location in ("body", "form"):
        payload = {**(payload or {}), name: value}
        form = form or location == "form"
    elif location == "header":
        headers[name] = value
    else:
        raise ValueError(f"unknown parameter location {location!r}")
    for placeholder, filled in values.items():
        path = path.replace("{" + placeholder + "}", filled)
    if payload is None:
        return RequestParts(path, params, headers=headers)
    return RequestParts(path, params, form=payload, headers=headers) if form else \
        RequestParts(path, params, json=payload, headers=headers)


def normal_answer(status_code: int) -> bool:
    """What a control with a harmless value must get: 2xx, or a redirect (a page that forwards)."""
    return 200 <= status_code < 400


def control_failure(what: str, benign: str, status_code: int) -> str | None:
    """Why probes of ``what`` prove nothing (None when the harmless control got a normal answer)."""
    if normal_answer(status_code):
        return None
    return (f"{what} with the harmless value {benign!r} answered HTTP {status_code}, so the probes' answers "
            "prove nothing (give a value, body or role the endpoint accepts in the profile)")


# --- reflected XSS -----------------------------------------------------------------------------

def xss_payloads(marker: str | None = None) -> list[str]:
    """Payloads carrying a unique marker, so a reflection is unambiguous."""
    tag = marker or f"golive{secrets.token_hex(4)}"
    return [
        f"<script>alert('{tag}')</script>",
        f"\"><img src=x onerror=alert('{tag}')>",
        f"'><svg onload=alert('{tag}')>",
    ]


def evaluate_reflection(payload: str, status_code: int, content_type: str, text: str) -> list[Finding]:
    """The payload must not come back raw in a page a browser would render as HTML."""
    rendered_as_html = content_type == "" or "html" in content_type.lower() or "xml" in content_type.lower()
    if not rendered_as_html or payload not in text:
        return []
    return [Finding("xss-reflected", "the input HTML-encoded in the page (&lt;script&gt;…)",
                    f"HTTP {status_code} {content_type or 'without content type'} echoing {payload!r} raw",
                    "encode output for its context (the template engine's autoescaping); never echo raw input")]


# --- open redirects ------------------------------------------------------------------------------

EVIL_HOST = "golive-redirect.example"


def redirect_payloads(own_host: str) -> list[str]:
    return [
        f"https://{EVIL_HOST}/",
        f"//{EVIL_HOST}/",
        f"/\\{EVIL_HOST}/",
        f"https://{own_host}.{EVIL_HOST}/",
        f"https://{own_host}@{EVIL_HOST}/",
    ]


def evaluate_redirect(request_url: str, payload: str, status_code: int, location: str | None) -> list[Finding]:
    """A redirect answer must stay on the request's own host."""
    if not (300 <= status_code < 400) or not location:
        return []
    # browsers treat a backslash like a slash in http(s) URLs
    target = urlsplit(urljoin(request_url, location.replace("\\", "/")))
    own = urlsplit(request_url).hostname
    if target.hostname in (None, own) and target.scheme in ("http", "https", ""):
        return []
    return [Finding("open-redirect", f"no redirect off {own} for next={payload!r}",
                    f"HTTP {status_code} Location: {location}",
                    "redirect only to relative paths (one leading '/', no '//' or '\\') or an allow-list of hosts")]


# --- regular-expression denial of service ------------------------------------------------------

def redos_inputs(lengths: range = range(16, 41, 2)) -> list[str]:
    """Near-miss inputs of growing length: runs of one class, then a character that breaks the
    match. Nested quantifiers ((a+)+, (a|a)*) backtrack exponentially on them; a linear pattern
    answers all in the same time. Sent shortest first, stopping at the first slow answer."""
    values = [("A" * length) + "!" for length in lengths] + [("a1-" * (length // 3)) + "!" for length in lengths]
    return list(dict.fromkeys(values))


def evaluate_duration(value: str, elapsed_ms: float, budget_ms: int) -> list[Finding]:
    if elapsed_ms <= budget_ms:
        return []
    return [Finding("slow-pathological-input", f"an answer within {budget_ms} ms for a {len(value)}-character near-miss",
                    f"{elapsed_ms:.0f} ms for {value[:48]!r}",
                    "use patterns without nested quantifiers (or a linear-time engine such as re2) and cap input length")]
