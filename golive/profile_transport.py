"""Profile sections for transport (HTTPS, TLS, cookies), rate limits, exposure and secrets.

Part of the profile (``golive/profile.py`` embeds them). A section set to ``false`` says the
target has no such feature; a missing one leaves its checks unverified.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, HttpUrl

JsonScalar = str | int | float | bool | None


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Transport(Strict):
    """The public HTTPS origin, and the plain-HTTP origin that must send browsers there."""

    https_url: HttpUrl = Field(description="the public HTTPS origin, e.g. https://api.example.com")
    http_url: HttpUrl | Literal[False] | None = Field(
        default=None,
        description="false: no plain-HTTP listener at all (port 80 closed), nothing to redirect")
    paths: list[str] = Field(default_factory=lambda: ["/"], min_length=1,
        description="paths whose redirect and HTTPS headers are checked")
    ca_file: str | None = Field(
        default=None,
        description="PEM bundle of the CAs to trust (a private CA, the sandbox's local CA); none: the public CAs")
    ip_address: str | None = Field(
        default=None,
        description="connect to this address instead of resolving the host (the host name still goes in SNI)")
    min_days_to_expiry: int = Field(default=21, ge=1, description="the certificate must stay valid this many days")
    hsts_min_age: int = Field(default=31_536_000, ge=0, description="the smallest acceptable HSTS max-age, in seconds")
    scan_timeout_s: float = Field(default=90.0, gt=0, le=600, description="time allowed for the TLS scan")


class Cookies(Strict):
    """Pages and endpoints whose Set-Cookie headers must carry Secure, HttpOnly and SameSite."""

    urls: list[HttpUrl] = Field(min_length=1, description="pages or endpoints that set cookies")
    script_readable: list[str] = Field(default_factory=list,
        description="cookie names meant to be read by scripts (a double-submit CSRF token): HttpOnly not required")


class RateLimitRule(Strict):
    """An endpoint that promises a rate limit: the request after ``limit`` in ``window_s`` gets 429."""

    service: str = Field(description="the service it is on")
    path: str = Field(description="its path (a cheap, read-only endpoint)")
    method: Literal["GET", "HEAD"] = "GET"
    limit: int = Field(ge=1, le=60, description="requests allowed per window")
    window_s: float = Field(gt=0, le=60, description="the window, in seconds")
    ratelimit_headers: bool = Field(
        default=False,
        description="the target promises RateLimit-Limit / RateLimit-Remaining / RateLimit-Reset headers")
    recovery_slack_s: float = Field(default=2.0, ge=0, le=30,
        description="seconds allowed beyond Retry-After before the client must be served again")


class Exposure(Strict):
    """What must not be public: debug pages, API docs, source maps, directory listings, default logins."""

    service: str = Field(description="the service probed for well-known leaks")
    paths_extra: list[str] = Field(default_factory=list,
        description="more paths that must not be served (in addition to golive's list of well-known leaks)")
    bundles: list[HttpUrl] | Literal[False] = Field(default_factory=list,
        description="pages (their <script src> are fetched) or script URLs to scan for secrets and source maps; "
                    "false: the system serves no front-end scripts (an API only)")
    api_docs_allowed: bool | None = Field(
        default=None,
        description="public API docs are deliberate (a public API): none means allowed outside production only")
    static_dirs: list[str] | Literal[False] = Field(default_factory=list,
        description="static folders that must not list their contents; false: the system serves no static files")
    default_credentials: list[tuple[str, str]] | Literal[False] = Field(default_factory=lambda: [
        ("admin", "admin"), ("admin", "password"), ("administrator", "admin"), ("administrator", "password"),
        ("root", "root"), ("root", "toor"),
    ], max_length=12,
        description="username/password pairs tried on the profile's login: each must be refused. Keep real "
                    "account names out if failed logins lock accounts (each pair is one failed attempt).")


class SecretsScan(Strict):
    repo: str = Field(description="a local checkout")
    baseline: str | None = Field(
        default=None,
        description="a detect-secrets baseline (relative to the repo) listing reviewed, accepted findings")
    max_commits: int = Field(default=500, ge=1)


class RuntimeConfig(Strict):
    """An endpoint reporting provider modes and hardening flags (values, never secrets)."""

    service: str
    path: str
    live_keys: dict[str, JsonScalar] | Literal[False] = Field(default_factory=dict,
        description="dotted path -> expected value: live payment keys (checked in production-kind envs, or always"
                    " when expect_live_keys is true) false: the system holds no provider keys with a test/live "
                    "mode (nothing to hold to live)")
    expect_live_keys: bool | None = None
    real_providers: dict[str, JsonScalar] | Literal[False] = Field(default_factory=dict,
        description="dotted path -> expected value: real providers, no mock or fallback false: the system talks "
                    "to no third-party provider that could be mocked")
    hardening: dict[str, JsonScalar] | Literal[False] = Field(default_factory=dict,
        description="dotted path -> expected value; null means \"unset or false\"; false: the system has no such "
                    "flags")


def transport_service_references(rate_limits: list[RateLimitRule] | Literal[False] | None,
                                 exposure: Exposure | Literal[False] | None,
                                 runtime_config: RuntimeConfig | Literal[False] | None) -> list[tuple[str, str]]:
    """(where, service name) of every service these sections name, for the profile's validation."""
    found = [(f"rate_limits[{rule.path}].service", rule.service) for rule in rate_limits or []]
    if exposure:
        found.append(("exposure.service", exposure.service))
    if runtime_config:
        found.append(("runtime_config.service", runtime_config.service))
    return found
