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
    service: str
    path: str
    method: Method = "GET"
    # the profile role whose token the request carries; none: anonymous
    role: str | None = None

    @property
    def label(self) -> str:
        return f"{self.method} {self.path}"


class FieldValidation(Endpoint):
    """A dry-run (or otherwise harmless) endpoint that validates a JSON body and stores nothing."""

    method: Method = "POST"
    # a body the endpoint accepts: each probe changes one field of it
    valid: dict[str, str | int | bool] = Field(min_length=1)
    phone_fields: list[str] | Literal[False] = Field(default_factory=list)
    email_fields: list[str] | Literal[False] = Field(default_factory=list)


class Upload(Endpoint):
    method: Method = "POST"
    limit_mb: int = Field(default=100, ge=1)
    # how much golive trickles before it concludes the target is reading the whole body
    max_probe_mb: int = Field(default=8, ge=1, le=64)


class JsonBodyLimit(Endpoint):
    method: Method = "POST"
    limit_kb: int = Field(default=256, ge=1)
    # the body to pad past the limit (a padding field is added to it)
    base: dict[str, str | int | bool] = Field(default_factory=dict)


class InjectionTarget(Endpoint):
    """Parameters that reach a query: each gets error-, boolean- and time-based SQL probes."""

    query: list[str] = Field(default_factory=list)
    body: list[str] = Field(default_factory=list)
    # path parameter -> a value that exists ({sku} in /api/products/sku/{sku})
    path_params: dict[str, str] = Field(default_factory=dict)
    # other query parameters or body fields the request needs
    fixed: dict[str, str | int | bool] = Field(default_factory=dict)

    @model_validator(mode="after")
    def names_something(self) -> "InjectionTarget":
        if not (self.query or self.body or self.path_params):
            raise ValueError(f"injection target {self.label} names no query, body or path parameter")
        return self


class ParamEndpoint(Endpoint):
    """An endpoint whose query parameter ``param`` is echoed (XSS), followed (redirect) or matched."""

    param: str


class Redos(Endpoint):
    """A parameter validated by a pattern: near-miss inputs must not make the answer slow.

    ``param`` names a query parameter, or a path parameter written as ``{name}`` in ``path``.
    """

    param: str
    budget_ms: int = Field(default=1000, ge=50)


class Inputs(Strict):
    validation: FieldValidation | Literal[False] | None = None
    upload: Upload | Literal[False] | None = None
    json_body: JsonBodyLimit | Literal[False] | None = None
    injection: list[InjectionTarget] | Literal[False] | None = None
    # total seconds the time-based SQL probes may spend, baselines included
    injection_time_budget_s: float = Field(default=20.0, gt=0, le=120)
    reflection: list[ParamEndpoint] | Literal[False] | None = None
    redos: list[Redos] | Literal[False] | None = None
    redirects: list[ParamEndpoint] | Literal[False] | None = None
    # endpoints that get malformed input (broken JSON, wrong types, bad bytes) to provoke errors
    malformed: list[Endpoint] | Literal[False] | None = None


class PaymentOrders(Strict):
    """Razorpay-style orders a payment webhook marks paid."""

    create_path: str  # POST {amount, currency, receipt} -> {id, status, ...}
    status_path: str  # GET, with {order_id}
    cancel_path: str | None = None  # DELETE, with {order_id}: undoes a test order
    role: str | None = None
    # a pending order forged events are aimed at (never changed by a correct target)
    probe_order_id: str | None = None
    amount: int = Field(default=100, ge=1)
    paid_status: str = "paid"


class Webhook(Strict):
    name: str
    scheme: Literal["razorpay", "meta", "twilio", "sendgrid"]
    service: str
    path: str
    # HMAC secret (razorpay, meta), auth token (twilio) or ECDSA private key PEM (sendgrid)
    secret: str
    # meta: the GET handshake's verify token
    verify_token: str | None = None
    orders: PaymentOrders | None = None


class ShareLinks(Strict):
    """Signed share links: ``generate_path`` (GET, ``subject`` query) answers ``{url}``."""

    service: str
    generate_path: str
    role: str | None = None
    # headers the generate call carries besides the role's token (a service token: env refs)
    headers: dict[str, str] = Field(default_factory=dict)
    subject: str = "golive-share-probe"
    url_field: str = "url"
    # the signing secret (env ref): lets golive mint expired links in the target's format
    secret: str | None = None
    format: Literal["hmac-sha256-json"] = "hmac-sha256-json"


class OpenApi(Strict):
    """Where the target describes its API; sweeps take endpoints from it."""

    service: str
    source: str  # a path on the service (fetched with ``role``'s token) or a local file
    role: str | None = None
    # at most this many operations are swept
    max_operations: int = Field(default=20, ge=1)
    # paths sweeps leave alone (e.g. an endpoint whose small rate limit another check measures)
    exclude: list[str] = Field(default_factory=list)
    # writes anonymous callers may make by design ("POST /api/auth/login", "/api/signup"): sign-up,
    # login, password reset, webhooks. Any other anonymous write is a finding (SEC-AUTH-011)
    public_writes: list[str] = Field(default_factory=list)


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
