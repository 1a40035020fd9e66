"""The profile's ``release`` section: which build must be running, where each service says so,
how long to watch a rollout, where migrations are reported, and which front-end bundles to read.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, HttpUrl


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Migrations(Strict):
    """Where each release service reports its schema's migration state."""

    path: str = Field(
        description="a path on each release service (e.g. /api/health/db); the body carries pending_field"
    )
    pending_field: str = Field(
        default="migrations.pending",
        description="dotted path of the number of migrations not yet applied (must be 0)")


class Frontend(Strict):
    """A deployed front-end: its page and the scripts it loads must call the production API."""

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    url: HttpUrl
    allowed_hosts: list[str] = Field(default_factory=list,
        description="hosts (besides the API's) the built page may name: CDNs, analytics, payment checkout")
    release_meta: str | None = Field(
        default=None,
        description="the <meta name=...> whose content is the commit (or version) the page was built from")


class Release(Strict):
    version: str = Field(min_length=1,
        description="the version (tag) the running build must report, e.g. ${GOLIVE_RELEASE}")
    commit: str | None = Field(
        default=None,
        description="the commit SHA it must report (optional: a prefix of at least 7 hex digits matches)")
    version_field: str = "version"
    commit_field: str = "commit"
    services: list[str] | None = Field(
        default=None,
        description="the services that report their release (default: every service with a liveness path)")
    path: str | None = Field(
        default=None,
        description="where each service reports it (default: the service's liveness path)")
    polls: int = Field(default=10, ge=1, le=90,
        description="rollout consistency: this many health answers per service must all be at the release")
    poll_interval_s: float = Field(default=0.0, ge=0, le=60)
    migrations: Migrations | Literal[False] | None = None
    api_url: HttpUrl | None = Field(
        default=None,
        description="the production API URL front-end bundles must call (NEXT_PUBLIC_API_URL)")
    frontends: list[Frontend] | Literal[False] | None = None


def release_service_references(release: Release | Literal[False] | None) -> list[tuple[str, str]]:
    """(where, service name) of every service the release section names, for the profile's validation."""
    if not release or release.services is None:
        return []
    return [(f"release.services[{index}]", name) for index, name in enumerate(release.services)]


class GatewayApiKey(Strict):
    """A route of the gateway's API-key stage (mobile apps): refused without the key, served with it."""

    path: str = Field(description="on the gateway, e.g. /mobile/identity/health")
    value: str = Field(description="the issued key (env reference)")
    header: str = "x-api-key"


class Gateway(Strict):
    """The API gateway in front of the services: one route per service, its own answer headers."""

    base_url: HttpUrl
    routes: dict[str, str] = Field(min_length=1,
        description="service name -> a path through the gateway that reaches that service's health endpoint")
    response_headers: list[str] = Field(default_factory=lambda: ["x-amzn-RequestId"], min_length=1,
        description="headers the gateway adds to every answer (AWS API Gateway: x-amzn-RequestId, x-amz-apigw-id;"
                    " with X-Ray tracing: X-Amzn-Trace-Id)")
    api_key: GatewayApiKey | Literal[False] | None = None

    def url(self, path: str) -> str:
        return str(self.base_url).rstrip("/") + "/" + path.lstrip("/")


def gateway_service_references(gateway: Gateway | Literal[False] | None) -> list[tuple[str, str]]:
    if not gateway:
        return []
    return [(f"gateway.routes[{name}]", name) for name in gateway.routes]


class XRay(Strict):
    """Where golive reads traces back (AWS X-Ray's BatchGetTraces), with read-only credentials."""

    endpoint_url: HttpUrl | None = Field(default=None, description="none: the region's public X-Ray endpoint")
    region: str
    access_key_id: str
    secret_access_key: str
    wait_s: float = Field(default=30.0, ge=0, le=300,
        description="how long a trace may take to appear in X-Ray after the request")


class Tracing(Strict):
    """A request that crosses services, and the segments its one trace must hold, in call order."""

    entry_url: HttpUrl = Field(description="e.g. the gateway route of a call that goes gateway -> order -> payment")
    chain: list[str] = Field(min_length=2, description="segment names, caller first")
    trace_header: str = "X-Amzn-Trace-Id"
    request_id_header: str = "X-Request-ID"
    request_id_annotation: str = Field(
        default="request_id",
        description="the segment annotation carrying the correlation id each service saw")
    xray: XRay
