"""What the system under test looks like: services, auth, roles, policies. Validated with pydantic.

A profile is YAML in ``profiles/``; values may reference the environment as ``${VAR}``. A section
set to ``false`` says the target has no such feature (its checks are not applicable); a section
that is missing means the profile does not say, and checks that need it are unverified.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, field_validator, model_validator


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Health(Strict):
    live: str | Literal[False] | None = None
    ready: str | Literal[False] | None = None
    db: str | Literal[False] | None = None
    # Dotted JSON paths the readiness body must carry, with the value each must have.
    ready_expect: dict[str, bool | str | int] = Field(default_factory=dict)
    budget_ms: int = Field(default=800, gt=0)


class Service(Strict):
    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    base_url: HttpUrl
    health: Health = Field(default_factory=Health)

    def url(self, path: str) -> str:
        return str(self.base_url).rstrip("/") + "/" + path.lstrip("/")


class Credentials(Strict):
    username: str
    password: str


class Login(Strict):
    service: str
    path: str
    username_field: str = "username"
    password_field: str = "password"
    access_token_field: str = "access_token"
    refresh_token_field: str = "refresh_token"
    # Further fields the login body needs (Firebase's returnSecureToken, a tenant id, …).
    extra_fields: dict[str, str | bool | int] = Field(default_factory=dict)


class TokenPolicy(Strict):
    access_minutes: int = 60
    refresh_days: int = 30


class ProtectedEndpoint(Strict):
    service: str
    path: str
    method: Literal["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"] = "GET"
    roles: list[str] = Field(min_length=1)

    @property
    def label(self) -> str:
        return f"{self.method} {self.path}"


class Auth(Strict):
    login: Login
    token_policy: TokenPolicy = Field(default_factory=TokenPolicy)
    roles: dict[str, Credentials] = Field(min_length=1)
    protected: list[ProtectedEndpoint] = Field(default_factory=list)


class Cors(Strict):
    service: str
    path: str = "/"
    allowed_origins: list[str] = Field(min_length=1)
    credentials: bool = True
    methods: list[str] = Field(default_factory=lambda: ["GET", "POST"])
    request_headers: list[str] = Field(default_factory=lambda: ["Authorization", "Content-Type"])

    @field_validator("allowed_origins")
    @classmethod
    def origins_are_origins(cls, origins: list[str]) -> list[str]:
        for origin in origins:
            if origin == "*" or origin.rstrip("/") != origin or origin.count("/") != 2:
                raise ValueError(f"{origin!r} is not an origin like https://app.example.com")
        return origins


class HeaderPolicy(Strict):
    service: str
    paths: list[str] = Field(default_factory=lambda: ["/"])
    require_hsts: bool = True


class AdminLogin(Strict):
    url: HttpUrl
    role: str
    username_selector: str = "input[name=username]"
    password_selector: str = "input[name=password]"
    submit_selector: str = "button[type=submit]"
    signed_in_selector: str
    signed_in_text: str = ""


class Browser(Strict):
    admin_login: AdminLogin | Literal[False] | None = None


class Profile(Strict):
    name: str
    description: str = ""
    services: list[Service] = Field(min_length=1)
    auth: Auth | Literal[False] | None = None
    cors: Cors | Literal[False] | None = None
    headers: HeaderPolicy | None = None
    browser: Browser = Field(default_factory=Browser)
    # The go-live checklists this system answers to (checklists/<name>.yaml): their unmapped
    # critical items and missing attestations block GO.
    checklists: list[str] = Field(default_factory=list)
    # Check ids this system treats as blockers on top of the checks' own criticality.
    critical: list[str] = Field(default_factory=list)
    # Checklist items that need a signed attestation for this system.
    attestations_required: list[str] = Field(default_factory=list)
    http_timeout_s: float = Field(default=10.0, gt=0, le=120)
    # At most this many requests per endpoint (method + URL without query) per run and worker.
    request_budget: int = Field(default=100, ge=1)

    @model_validator(mode="after")
    def references_resolve(self) -> "Profile":
        names = {service.name for service in self.services}
        if len(names) != len(self.services):
            raise ValueError("service names must be unique")
        referenced: list[tuple[str, str]] = []
        if self.auth:
            referenced.append(("auth.login.service", self.auth.login.service))
            referenced += [(f"auth.protected[{e.label}]", e.service) for e in self.auth.protected]
            for endpoint in self.auth.protected:
                unknown = set(endpoint.roles) - set(self.auth.roles)
                if unknown:
                    raise ValueError(f"auth.protected[{endpoint.label}] names unknown roles {sorted(unknown)}")
        if self.cors:
            referenced.append(("cors.service", self.cors.service))
        if self.headers:
            referenced.append(("headers.service", self.headers.service))
        if self.auth and self.browser.admin_login and self.browser.admin_login.role not in self.auth.roles:
            raise ValueError(f"browser.admin_login.role {self.browser.admin_login.role!r} is not in auth.roles")
        for where, name in referenced:
            if name not in names:
                raise ValueError(f"{where} names service {name!r}, not one of {sorted(names)}")
        return self

    def service(self, name: str) -> Service:
        return next(service for service in self.services if service.name == name)
