"""Profile sections for input handling, webhooks, signed share links and the OpenAPI inventory.

Part of the profile (``golive/profile.py`` embeds them); kept apart so each section reads on its own.
Secrets are ``${VAR}`` references into the env file, as everywhere in a profile.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator


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


ParamLocation = Literal["query", "path", "body", "form", "header"]
SampleBody = dict[str, str | int | float | bool | None]


class InjectionTarget(Endpoint):
    """Parameters that reach a query: each gets error-, boolean- and time-based SQL probes.

    Every parameter is first sent with a harmless value (its ``path_params`` value, its value in
    ``sample``, or a string that matches nothing): that control must get a normal answer, or the
    parameter's probes prove nothing and the check is inconclusive."""

    query: list[str] = Field(default_factory=list, description="query parameters that reach a query")
    body: list[str] = Field(default_factory=list, description="JSON body fields that reach a query")
    form: list[str] = Field(default_factory=list, description="urlencoded form fields that reach a query")
    headers: list[str] = Field(default_factory=list, description="request headers that reach a query")
    path_params: dict[str, str] = Field(default_factory=dict,
        description="path parameter -> a value that exists ({sku} in /api/products/sku/{sku})")
    fixed: dict[str, str | int | bool] = Field(default_factory=dict,
        description="other query parameters (GET) or body fields (writes) the request needs")
    sample: SampleBody | None = Field(default=None, description=(
        "a valid body for a write endpoint: the probed field is set in it (form-encoded when form names fields)"))

    @model_validator(mode="after")
    def names_something(self) -> "InjectionTarget":
        if not (self.query or self.body or self.form or self.headers or self.path_params):
            raise ValueError(f"injection target {self.label} names no query, body, form, header or path parameter")
        if self.body and self.form:
            raise ValueError(f"injection target {self.label}: a body is JSON (body) or a form (form), not both")
        missing = [name for name in self.path_params if "{" + name + "}" not in self.path]
        if missing:
            raise ValueError(f"injection target {self.label}: path_params {missing} have no {{placeholder}} in the path")
        return self

    def parameters(self) -> list[tuple[ParamLocation, str]]:
        """(location, name) of every parameter the probes go into."""
        return ([("query", name) for name in self.query] + [("body", name) for name in self.body]
                + [("form", name) for name in self.form] + [("header", name) for name in self.headers]
                + [("path", name) for name in self.path_params])


class ParamEndpoint(Endpoint):
    """An endpoint whose parameter ``param`` is echoed (XSS), followed (redirect) or matched.

    ``location`` says where it travels (default: the path when ``path`` has ``{param}``, else the
    query). ``benign`` is the control value that must get a normal answer before any probe counts."""

    param: str = Field(description="the parameter's name")
    location: ParamLocation | None = Field(default=None, description=(
        "where the parameter travels: query, path, body, form or header (default: path when the path has "
        "{param}, else query)"))
    benign: str | None = Field(default=None, description=(
        "a harmless value the endpoint answers normally: the control every probe is judged beside"))
    sample: SampleBody | None = Field(default=None, description=(
        "a valid body for a write endpoint (body or form parameters go into it)"))

    @property
    def param_location(self) -> ParamLocation:
        if self.location:
            return self.location
        return "path" if "{" + self.param + "}" in self.path else "query"

    @model_validator(mode="after")
    def placeholder_for_path(self) -> "ParamEndpoint":
        if self.location == "path" and "{" + self.param + "}" not in self.path:
            raise ValueError(f"{self.label}: location path needs {{{self.param}}} in the path")
        return self


class Redos(ParamEndpoint):
    """A parameter validated by a pattern: near-miss inputs must not make the answer slow."""

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
    samples: dict[str, SampleBody] = Field(
        default_factory=dict,
        description="a valid body per write operation, by \"METHOD /path\" as the description names it "
                    "(\"POST /api/accounts\": {username: \"golive-{unique}\", ...}), for the probes that send "
                    "one (mass assignment on creates, SEC-AUTHZ-009); {unique} in a string becomes a fresh value "
                    "per request; default: the simplest body the operation's request schema allows")

    @field_validator("samples")
    @classmethod
    def _samples_name_operations(cls, samples: dict[str, SampleBody]) -> dict[str, SampleBody]:
        wrong = [label for label in samples if not re.fullmatch(r"(POST|PUT|PATCH|DELETE) /\S*", label)]
        if wrong:
            raise ValueError(f"samples are keyed by \"METHOD /path\" (POST /api/accounts): {wrong}")
        return samples


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
