"""Profile sections for input handling, webhooks, signed share links and the OpenAPI inventory.

Part of the profile (``golive/profile.py`` embeds them); kept apart so each section reads on its own.
Secrets are ``${VAR}`` references into the env file, as everywhere in a profile.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


Method = Literal["GET", "POST", "PUT", "PATCH", "DELETE"]


class Endpoint(Strict):
    """An endpoint golive sends its probes to."""

    service: str = Field(description="the service it is on (a name from services)")
    path: str = Field(description="its path; path parameters as {name}")
    method: Method = "GET"
    role: str | None = Field(
        default=None,
        description="the profile role whose token the request carries; none: anonymous")

    @property
    def label(self) -> str:
        return f"{self.method} {self.path}"


class FieldValidation(Endpoint):
    """A dry-run (or otherwise harmless) endpoint that validates a JSON body and stores nothing."""

    method: Method = "POST"
    valid: dict[str, str | int | bool] = Field(min_length=1,
        description="a body the endpoint accepts: each probe changes one field of it")
    phone_fields: list[str] | Literal[False] = Field(
        default_factory=list, description="body fields holding a phone number (malformed numbers must be refused)")
    email_fields: list[str] | Literal[False] = Field(
        default_factory=list, description="body fields holding an e-mail address (malformed ones must be refused)")


class Upload(Endpoint):
    method: Method = "POST"
    limit_mb: int = Field(default=100, ge=1, description="the largest upload accepted, in MB")
    max_probe_mb: int = Field(default=8, ge=1, le=64,
        description="how much golive trickles before it concludes the target is reading the whole body")


class JsonBodyLimit(Endpoint):
    method: Method = "POST"
    limit_kb: int = Field(default=256, ge=1, description="the largest JSON body accepted, in KB")
    base: dict[str, str | int | bool] = Field(default_factory=dict,
        description="the body to pad past the limit (a padding field is added to it)")


class InjectionTarget(Endpoint):
    """Parameters that reach a query: each gets error-, boolean- and time-based SQL probes."""

    query: list[str] = Field(default_factory=list, description="query parameters that reach a query")
    body: list[str] = Field(default_factory=list, description="JSON body fields that reach a query")
    path_params: dict[str, str] = Field(default_factory=dict,
        description="path parameter -> a value that exists ({sku} in /api/products/sku/{sku})")
    fixed: dict[str, str | int | bool] = Field(default_factory=dict,
        description="other query parameters or body fields the request needs")

    @model_validator(mode="after")
    def names_something(self) -> "InjectionTarget":
        if not (self.query or self.body or self.path_params):
            raise ValueError(f"injection target {self.label} names no query, body or path parameter")
        return self


class ParamEndpoint(Endpoint):
    """An endpoint whose query parameter ``param`` is echoed (XSS), followed (redirect) or matched."""

    param: str = Field(description="the query parameter")


class Redos(Endpoint):
    """A parameter validated by a pattern: near-miss inputs must not make the answer slow.

    ``param`` names a query parameter, or a path parameter written as ``{name}`` in ``path``.
    """

    param: str = Field(description="the query parameter, or a path parameter written as {name} in path")
    budget_ms: int = Field(default=1000, ge=50, description="the slowest acceptable answer to a near-miss input")


class Inputs(Strict):
    """Endpoints for the input-handling probes; false for one says the system has no such input."""

    validation: FieldValidation | Literal[False] | None = Field(
        default=None, description="a dry-run endpoint validating phone and e-mail fields (stores nothing)")
    upload: Upload | Literal[False] | None = Field(default=None, description="the file upload endpoint and its limit")
    json_body: JsonBodyLimit | Literal[False] | None = Field(
        default=None, description="an endpoint whose JSON body size is limited")
    injection: list[InjectionTarget] | Literal[False] | None = Field(
        default=None, description="parameters that reach a database query (SQL injection probes)")
    injection_time_budget_s: float = Field(default=20.0, gt=0, le=120,
        description="total seconds the time-based SQL probes may spend, baselines included")
    reflection: list[ParamEndpoint] | Literal[False] | None = Field(
        default=None, description="query parameters echoed into a page (reflected XSS probes)")
    redos: list[Redos] | Literal[False] | None = Field(
        default=None, description="parameters validated by a pattern (ReDoS probes)")
    redirects: list[ParamEndpoint] | Literal[False] | None = Field(
        default=None, description="query parameters naming where to redirect (open redirect probes)")
    malformed: list[Endpoint] | Literal[False] | None = Field(
        default=None,
        description="endpoints that get malformed input (broken JSON, wrong types, bad bytes) to provoke errors")


class PaymentOrders(Strict):
    """Razorpay-style orders a payment webhook marks paid."""

    create_path: str = Field(description="POST {amount, currency, receipt} -> {id, status, ...}")
    status_path: str = Field(description="GET, with {order_id}")
    cancel_path: str | None = Field(default=None, description="DELETE, with {order_id}: undoes a test order")
    role: str | None = None
    probe_order_id: str | None = Field(
        default=None,
        description="a pending order forged events are aimed at (never changed by a correct target)")
    amount: int = Field(default=100, ge=1)
    paid_status: str = "paid"


class Webhook(Strict):
    name: str
    scheme: Literal["razorpay", "meta", "twilio", "sendgrid"]
    service: str
    path: str
    secret: str = Field(
        description="HMAC secret (razorpay, meta), auth token (twilio) or ECDSA private key PEM (sendgrid)"
    )
    verify_token: str | None = Field(default=None, description="meta: the GET handshake's verify token")
    orders: PaymentOrders | None = None


class ShareLinks(Strict):
    """Signed share links: ``generate_path`` (GET, ``subject`` query) answers ``{url}``."""

    service: str
    generate_path: str
    role: str | None = None
    headers: dict[str, str] = Field(default_factory=dict,
        description="headers the generate call carries besides the role's token (a service token: env refs)")
    subject: str = "golive-share-probe"
    url_field: str = "url"
    secret: str | None = Field(
        default=None,
        description="the signing secret (env ref): lets golive mint expired links in the target's format")
    format: Literal["hmac-sha256-json"] = "hmac-sha256-json"


class OpenApi(Strict):
    """Where the target describes its API; sweeps take endpoints from it."""

    service: str = Field(description="the service that serves it (a name from services)")
    source: str = Field(description="a path on the service (fetched with ``role``'s token) or a local file")
    role: str | None = Field(default=None, description="the role allowed to read it; none: public")
    max_operations: int = Field(default=20, ge=1, description="at most this many operations are swept")
    exclude: list[str] = Field(default_factory=list,
        description="paths sweeps leave alone (e.g. an endpoint whose small rate limit another check measures)")
    public_writes: list[str] = Field(
        default_factory=list,
        description="writes anonymous callers may make by design (\"POST /api/auth/login\", \"/webhooks/*\"): "
                    "sign-up, login, password reset, webhooks; any other anonymous write is a finding (SEC-AUTH-011)")


def input_service_references(
    inputs: Inputs | Literal[False] | None,
    webhooks: list[Webhook] | Literal[False] | None,
    share_links: ShareLinks | Literal[False] | None,
    openapi: OpenApi | Literal[False] | None,
) -> list[tuple[str, str]]:
    """(where, service name) of every service these sections name, for the profile's validation."""
    found: list[tuple[str, str]] = []
    if inputs:
        for name in ("validation", "upload", "json_body"):
            single = getattr(inputs, name)
            if single:
                found.append((f"inputs.{name}", single.service))
        for name in ("injection", "reflection", "redos", "redirects", "malformed"):
            for entry in getattr(inputs, name) or []:
                found.append((f"inputs.{name}[{entry.label}]", entry.service))
    for hook in webhooks or []:
        found.append((f"webhooks[{hook.name}]", hook.service))
    if share_links:
        found.append(("share_links", share_links.service))
    if openapi:
        found.append(("openapi", openapi.service))
    return found
