"""Browser-facing response headers: the OWASP Secure Headers set and version disclosure.

Each outcome is a named finding, after Mozilla Observatory's test names.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from golive.probes.findings import Finding

ONE_YEAR = 31_536_000
DISCLOSING_HEADERS = ("x-powered-by", "x-aspnet-version", "x-aspnetmvc-version", "x-generator", "sourcemap", "x-sourcemap")
VERSION_IN_VALUE = re.compile(r"\d+(\.\d+)+|/\s*\d")
UNSAFE_REFERRER = frozenset({"unsafe-url", "no-referrer-when-downgrade"})


def _lower(headers: Mapping[str, str]) -> dict[str, str]:
    return {name.lower(): value for name, value in headers.items()}


def csp_directives(policy: str) -> dict[str, list[str]]:
    directives: dict[str, list[str]] = {}
    for part in policy.split(";"):
        tokens = part.strip().split()
        if tokens:
            directives.setdefault(tokens[0].lower(), [t.lower() for t in tokens[1:]])
    return directives


def hsts_max_age(value: str) -> int | None:
    match = re.search(r"max-age\s*=\s*\"?(\d+)", value, re.IGNORECASE)
    return int(match.group(1)) if match else None


def evaluate_hsts(headers: Mapping[str, str], minimum: int = ONE_YEAR) -> list[Finding]:
    value = _lower(headers).get("strict-transport-security")
    if value is None:
        return [Finding("hsts-not-implemented", f"Strict-Transport-Security with max-age>={minimum}", "no header",
                        f"send Strict-Transport-Security: max-age={ONE_YEAR}; includeSubDomains")]
    age = hsts_max_age(value)
    if age is None:
        return [Finding("hsts-header-invalid", "a max-age directive", repr(value), "fix the header's syntax")]
    if age < minimum:
        return [Finding("hsts-max-age-too-short", f"max-age>={minimum}", f"max-age={age}",
                        f"raise max-age to at least {minimum} seconds")]
    return []


def evaluate_csp(headers: Mapping[str, str]) -> list[Finding]:
    lowered = _lower(headers)
    policy = lowered.get("content-security-policy")
    if policy is None:
        return [Finding("csp-not-implemented", "a Content-Security-Policy header", "no header",
                        "send Content-Security-Policy: default-src 'self'; object-src 'none'; frame-ancestors 'none'")]
    directives = csp_directives(policy)
    findings = []
    if "default-src" not in directives:
        findings.append(Finding("csp-default-src-missing", "a default-src directive", repr(policy),
                                "add default-src 'self' as the fallback for every fetch directive"))
    objects = directives.get("object-src", directives.get("default-src", []))
    if objects != ["'none'"]:
        findings.append(Finding("csp-object-src-not-none", "object-src 'none'", f"object-src {' '.join(objects) or 'unset'}",
                                "add object-src 'none' (plugins are never needed)"))
    scripts = directives.get("script-src", directives.get("default-src", []))
    if "'unsafe-inline'" in scripts and not any(s.startswith(("'nonce-", "'sha")) for s in scripts):
        findings.append(Finding("csp-unsafe-inline-scripts", "no 'unsafe-inline' for scripts", "script-src allows 'unsafe-inline'",
                                "move inline scripts to files or use nonces/hashes"))
    return findings


def evaluate_framing(headers: Mapping[str, str]) -> list[Finding]:
    lowered = _lower(headers)
    ancestors = csp_directives(lowered.get("content-security-policy", "")).get("frame-ancestors")
    xfo = lowered.get("x-frame-options", "").strip().lower()
    if ancestors is not None or xfo in ("deny", "sameorigin"):
        return []
    if xfo:
        return [Finding("x-frame-options-header-invalid", "DENY or SAMEORIGIN", repr(xfo), "send X-Frame-Options: DENY")]
    return [Finding("x-frame-options-not-implemented", "CSP frame-ancestors or X-Frame-Options", "neither",
                    "send Content-Security-Policy frame-ancestors 'none' (and X-Frame-Options: DENY for old browsers)")]


def evaluate_nosniff(headers: Mapping[str, str]) -> list[Finding]:
    value = _lower(headers).get("x-content-type-options")
    if value is None:
        return [Finding("x-content-type-options-not-implemented", "X-Content-Type-Options: nosniff", "no header",
                        "send X-Content-Type-Options: nosniff")]
    if value.strip().lower() != "nosniff":
        return [Finding("x-content-type-options-header-invalid", "nosniff", repr(value), "send X-Content-Type-Options: nosniff")]
    return []


def evaluate_referrer_policy(headers: Mapping[str, str]) -> list[Finding]:
    value = _lower(headers).get("referrer-policy")
    if value is None:
        return [Finding("referrer-policy-not-implemented", "Referrer-Policy", "no header",
                        "send Referrer-Policy: no-referrer (or strict-origin-when-cross-origin)")]
    # Browsers apply the last policy they understand.
    last = [token.strip().lower() for token in value.split(",") if token.strip()][-1:]
    if last and last[0] in UNSAFE_REFERRER:
        return [Finding("referrer-policy-unsafe", "a policy that does not leak full URLs cross-origin", value,
                        "send Referrer-Policy: no-referrer")]
    return []


def evaluate_security_headers(headers: Mapping[str, str], *, require_hsts: bool = True) -> list[Finding]:
    """The OWASP recommended header set on one response."""
    findings = evaluate_hsts(headers) if require_hsts else []
    for evaluate in (evaluate_csp, evaluate_framing, evaluate_nosniff, evaluate_referrer_policy):
        findings += evaluate(headers)
    return findings


def evaluate_version_disclosure(headers: Mapping[str, str]) -> list[Finding]:
    """Headers that tell an attacker which software and version to look up."""
    lowered = _lower(headers)
    findings = []
    server = lowered.get("server")
    if server and VERSION_IN_VALUE.search(server):
        findings.append(Finding("server-version-disclosed", "no version in Server", f"Server: {server}",
                                "remove the version from the Server header (or the header entirely)"))
    elif server:
        # no version, but the product is named: an attacker knows which advisories to read
        findings.append(Finding("server-product-disclosed", "no Server header naming the software",
                                f"Server: {server}", "drop the Server header (or set it to a neutral value)"))
    for name in DISCLOSING_HEADERS:
        if name in lowered:
            findings.append(Finding(f"{name}-disclosed", f"no {name} header", f"{name}: {lowered[name]}",
                                    f"stop sending {name} (framework/proxy setting)"))
    findings += [
        Finding(f"{name}-disclosed", f"no {name} header", f"{name}: {value}", f"stop sending {name}")
        for name, value in lowered.items()
        if name.startswith("x-nextjs-")
    ]
    return findings
