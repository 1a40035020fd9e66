"""CORS: which origins a server trusts, judged from its answers to crafted Origin headers."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlsplit

from golive.probes.findings import Finding

EVIL_ORIGIN = "https://evil.example"


def lookalike_origins(allowed: str) -> dict[str, str]:
    """Origins that a sloppy (unanchored, prefix, suffix or scheme-blind) matcher would accept."""
    parts = urlsplit(allowed)
    host, port = parts.hostname or "", f":{parts.port}" if parts.port else ""
    looks = {
        "suffix": f"{parts.scheme}://{host}.evil.example{port}",
        "prefix": f"{parts.scheme}://evil{host}{port}",
        "subdomain-prefix": f"{parts.scheme}://evil-{host}{port}",
    }
    if parts.scheme == "https":
        looks["scheme-downgrade"] = f"http://{host}{port}"
    return looks


def _lower(headers: Mapping[str, str]) -> dict[str, str]:
    return {name.lower(): value for name, value in headers.items()}


def vary_has_origin(headers: Mapping[str, str]) -> bool:
    vary = _lower(headers).get("vary", "")
    return any(token.strip().lower() in ("origin", "*") for token in vary.split(","))


def evaluate_allowed_origin(origin: str, headers: Mapping[str, str], *, credentials: bool) -> list[Finding]:
    """An origin on the allow-list must be echoed exactly, with credentials if used, and Vary: Origin."""
    lowered = _lower(headers)
    acao = lowered.get("access-control-allow-origin")
    findings = []
    if acao != origin:
        findings.append(Finding("cors-allowed-origin-not-echoed", f"Access-Control-Allow-Origin: {origin}",
                                f"Access-Control-Allow-Origin: {acao}" if acao else "no Access-Control-Allow-Origin",
                                "add the origin to the server's CORS allow-list"))
        return findings
    if credentials and lowered.get("access-control-allow-credentials", "").lower() != "true":
        findings.append(Finding("cors-credentials-not-allowed", "Access-Control-Allow-Credentials: true",
                                lowered.get("access-control-allow-credentials", "no header"),
                                "allow credentials for the allow-listed origins, or set credentials: false in the profile"))
    if not vary_has_origin(headers):
        findings.append(Finding("cors-vary-origin-missing", "Vary: Origin (the answer depends on Origin)",
                                f"Vary: {lowered.get('vary', '(none)')}",
                                "send Vary: Origin so caches never serve one origin's CORS answer to another"))
    return findings


def evaluate_refused_origin(origin: str, headers: Mapping[str, str], *, kind: str = "untrusted") -> list[Finding]:
    """An origin not on the allow-list must get no Access-Control-Allow-Origin naming it (nor *)."""
    lowered = _lower(headers)
    acao = lowered.get("access-control-allow-origin")
    credentials = lowered.get("access-control-allow-credentials", "").lower() == "true"
    if acao is None:
        return []
    if acao == "*":
        name = "cors-wildcard-with-credentials" if credentials else "cors-wildcard-origin"
        return [Finding(name, f"no Access-Control-Allow-Origin for {kind} origin {origin}", "Access-Control-Allow-Origin: *",
                        "replace * with an explicit allow-list of origins")]
    if acao == origin:
        prefix = "cors-null-origin-allowed" if origin == "null" else f"cors-{kind}-origin-reflected"
        name = f"{prefix}-with-credentials" if credentials else prefix
        return [Finding(name, f"no Access-Control-Allow-Origin for {kind} origin {origin}",
                        f"Access-Control-Allow-Origin: {acao}" + (", Access-Control-Allow-Credentials: true" if credentials else ""),
                        "match Origin exactly against an allow-list; never reflect it, never allow null")]
    return []


def _tokens(value: str | None) -> set[str]:
    return {token.strip().lower() for token in (value or "").split(",") if token.strip()}


def evaluate_preflight_granted(origin: str, method: str, request_headers: list[str], headers: Mapping[str, str],
                               *, credentials: bool) -> list[Finding]:
    """An allowed origin's preflight for a method and headers the API uses must be granted."""
    lowered = _lower(headers)
    granted = lowered.get("access-control-allow-origin")
    # "*" grants every origin to requests without credentials (a browser refuses it with credentials)
    if granted != origin and not (granted == "*" and not credentials):
        return [Finding("cors-preflight-origin-not-granted", f"Access-Control-Allow-Origin: {origin} on the preflight",
                        lowered.get("access-control-allow-origin", "no Access-Control-Allow-Origin"),
                        "answer preflights from allow-listed origins")]
    findings = []
    methods = _tokens(lowered.get("access-control-allow-methods"))
    # '*' is a literal method name when credentials are sent
    if method.lower() not in methods and not ("*" in methods and not credentials):
        findings.append(Finding("cors-preflight-method-not-granted", f"{method} in Access-Control-Allow-Methods",
                                lowered.get("access-control-allow-methods", "no Access-Control-Allow-Methods"),
                                f"allow {method} for the allow-listed origins"))
    allowed_headers = _tokens(lowered.get("access-control-allow-headers"))
    missing = [h for h in request_headers if h.lower() not in allowed_headers and not ("*" in allowed_headers and not credentials)]
    if missing:
        findings.append(Finding("cors-preflight-headers-not-granted", f"{', '.join(missing)} in Access-Control-Allow-Headers",
                                lowered.get("access-control-allow-headers", "no Access-Control-Allow-Headers"),
                                "allow the request headers the front end sends"))
    return findings


def evaluate_preflight_refused(method: str | None, request_headers: list[str], headers: Mapping[str, str]) -> list[Finding]:
    """A method or header the API does not use must not be granted by a preflight."""
    lowered = _lower(headers)
    if "access-control-allow-origin" not in lowered:
        return []  # nothing granted at all
    findings = []
    methods = _tokens(lowered.get("access-control-allow-methods"))
    if method and (method.lower() in methods or "*" in methods):
        findings.append(Finding("cors-preflight-grants-unlisted-method", f"{method} not in Access-Control-Allow-Methods",
                                f"Access-Control-Allow-Methods: {lowered.get('access-control-allow-methods')}",
                                "answer preflights with a fixed list of the methods the API uses; never echo the request"))
    allowed_headers = _tokens(lowered.get("access-control-allow-headers"))
    granted = [h for h in request_headers if h.lower() in allowed_headers or "*" in allowed_headers]
    if granted:
        findings.append(Finding("cors-preflight-grants-unlisted-headers", f"{', '.join(granted)} not allowed",
                                f"Access-Control-Allow-Headers: {lowered.get('access-control-allow-headers')}",
                                "answer preflights with a fixed list of request headers; never echo the request"))
    return findings


def evaluate_credentials_with_wildcard(headers: Mapping[str, str]) -> list[Finding]:
    """Access-Control-Allow-Credentials: true never goes with Access-Control-Allow-Origin: *."""
    lowered = _lower(headers)
    if lowered.get("access-control-allow-origin") == "*" and \
            lowered.get("access-control-allow-credentials", "").lower() == "true":
        return [Finding("cors-wildcard-with-credentials", "credentials only with an explicit allow-listed origin",
                        "Access-Control-Allow-Origin: *, Access-Control-Allow-Credentials: true",
                        "never combine * with credentials: echo only allow-listed origins")]
    return []
