"""CDN cache rules: fingerprinted assets come through the edge and are cached for a long time;
HTML pages and API answers are never stored by a shared cache (one user's data served to all).
"""

from __future__ import annotations

from collections.abc import Mapping

from golive.probes.findings import Finding

ONE_YEAR_S = 31_536_000
# headers only an edge (or a proxy in front of the origin) adds: CloudFront, Cloudflare, Fastly,
# Akamai, Vercel, a generic Via
EDGE_HEADERS = ("via", "x-cache", "x-amz-cf-id", "x-amz-cf-pop", "cf-cache-status", "cf-ray",
                "x-served-by", "x-fastly-request-id", "x-akamai-transformed", "x-vercel-cache")
# any one of these keeps a response out of shared caches (max-age=0 is handled on its own)
NOT_STORED_DIRECTIVES = ("no-store", "no-cache", "private")


def cache_directives(header: str | None) -> dict[str, str | None]:
    """Cache-Control parsed into lower-case directive -> value (None for a bare directive)."""
    directives: dict[str, str | None] = {}
    for part in (header or "").split(","):
        name, _, value = part.strip().partition("=")
        if name.strip():
            directives[name.strip().lower()] = value.strip().strip('"') or None
    return directives


def _seconds(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def edge_evidence(headers: Mapping[str, str]) -> str | None:
    """The first header that shows the answer came through a CDN edge, as 'name: value'."""
    lowered = {name.lower(): value for name, value in headers.items()}
    for name in EDGE_HEADERS:
        if name in lowered:
            return f"{name}: {lowered[name]}"
    return None


def evaluate_asset(status: int, headers: Mapping[str, str], *, min_max_age_s: int = ONE_YEAR_S) -> list[Finding]:
    """A fingerprinted asset: 200 through the edge, public, cached for a year (or immutable)."""
    if status != 200:
        return [Finding("cdn-asset-unavailable", "200 for the fingerprinted asset", f"HTTP {status}",
                        "deploy the built assets to the CDN origin and point the asset URLs at the distribution")]
    findings = []
    if edge_evidence(headers) is None:
        findings.append(Finding("cdn-asset-not-via-edge", f"a CDN header ({', '.join(EDGE_HEADERS[:5])}, ...)",
                                "no CDN header: the asset comes straight from the origin",
                                "serve static assets from the CDN distribution, not from the app or bucket host"))
    cache_control = {name.lower(): value for name, value in headers.items()}.get("cache-control")
    directives = cache_directives(cache_control)
    shown = cache_control if cache_control is not None else "no Cache-Control"
    if "public" not in directives and "immutable" not in directives:
        findings.append(Finding("cdn-asset-not-public", "Cache-Control: public (shared caches may store it)",
                                shown, "set Cache-Control: public, max-age=31536000, immutable on fingerprinted files"))
    max_age = _seconds(directives.get("s-maxage")) or _seconds(directives.get("max-age")) or 0
    if any(name in directives for name in NOT_STORED_DIRECTIVES) or (max_age < min_max_age_s and "immutable" not in directives):
        findings.append(Finding("cdn-asset-short-lived", f"max-age >= {min_max_age_s} s or immutable", shown,
                                "fingerprinted file names change with their content: cache them for a year"))
    return findings


def evaluate_uncached(headers: Mapping[str, str]) -> list[Finding]:
    """An HTML page or API answer: no-store / no-cache / private / max-age=0, never shared-cacheable."""
    cache_control = {name.lower(): value for name, value in headers.items()}.get("cache-control")
    if cache_control is None:
        return [Finding("cdn-dynamic-no-cache-control", "Cache-Control: no-store, no-cache, private or max-age=0",
                        "no Cache-Control: a CDN applies its default TTL",
                        "send Cache-Control: no-store (API) or no-cache (HTML) from the application")]
    directives = cache_directives(cache_control)
    shared_ttl = _seconds(directives.get("s-maxage"))
    if shared_ttl:  # s-maxage overrides private/max-age for shared caches
        return [Finding("cdn-dynamic-cached", "no shared caching (s-maxage absent or 0)", cache_control,
                        "remove s-maxage from HTML and API responses")]
    if any(name in directives for name in NOT_STORED_DIRECTIVES) or _seconds(directives.get("max-age")) == 0:
        return []
    return [Finding("cdn-dynamic-cached", "Cache-Control: no-store, no-cache, private or max-age=0", cache_control,
                    "HTML and API responses must not be stored by the CDN: one user's answer would be served to others")]
