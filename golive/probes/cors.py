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
