"""What the system under test looks like: services, auth, roles, policies. Validated with pydantic.

A profile is YAML in ``profiles/``; values may reference the environment as ``${VAR}``. A section
set to ``false`` says the target has no such feature (its checks are not applicable); a section
that is missing means the profile does not say, and checks that need it are unverified.
"""

from __future__ import annotations

from typing import Literal

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, HttpUrl, field_validator, model_validator

from golive.probes.authz import json_path_error

from golive.profile_commercial import Commercial, commercial_service_references
from golive.profile_flows import Flows, flows_references
from golive.profile_marketplace import Marketplace
from golive.profile_inputs import Inputs, OpenApi, ShareLinks, Webhook, input_service_references
from golive.profile_storage import Backups, Storage
from golive.profile_tracker import Tracker, tracker_service_references
from golive.profile_integrations import Integrations
from golive.profile_release import Gateway, Release, Tracing, gateway_service_references, release_service_references
from golive.profile_observability import Observability, Performance, observability_service_references
from golive.profile_cdn import Cdn
from golive.profile_network import Network
from golive.profile_transport import (
    Cookies,
    Exposure,
    RateLimitRule,
    RuntimeConfig,
    SecretsScan,
    Transport,
    transport_service_references,
)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Health(Strict):
    """The service's health endpoints (paths on its base URL)."""

    live: str | Literal[False] | None = Field(
        default=None, description="liveness path (answers 200 while the process runs); false: the service has none")
    ready: str | Literal[False] | None = Field(
        default=None, description="readiness path (200 with its dependency checks); false: the service has none")
    db: str | Literal[False] | None = Field(
        default=None, description="database ping path; false: the service has no database")
    ready_expect: dict[str, bool | str | int] = Field(
        default_factory=dict,
        description="dotted JSON paths the readiness body must carry, with the value each must have "
                    "(e.g. checks.db: true)")
    ready_limits: dict[str, float] = Field(
        default_factory=dict,
        description="dotted JSON paths of numbers the readiness body reports, with the maximum each may have "
                    "(e.g. checks.db_replica_lag_s: 30)")
    budget_ms: int = Field(default=800, gt=0, description="the slowest acceptable health answer, in milliseconds")


class Service(Strict):
    """One deployed service of the system: its name (other sections refer to it), URL and health paths."""

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$",
                      description="short name other sections use to refer to this service (e.g. api)")
    base_url: HttpUrl = Field(description="where the service answers, e.g. ${APP_URL}")
    health: Health = Field(default_factory=Health, description="the service's health endpoints")

    def url(self, path: str) -> str:
        return str(self.base_url).rstrip("/") + "/" + path.lstrip("/")


class Credentials(Strict):
    """A role's way in: a username and password, or (login strategy ``token``) a pre-issued token or API key."""

    username: str | None = None
    password: str | None = None
    token: str | None = None

    @model_validator(mode="after")
    def _password_or_token(self) -> "Credentials":
        if self.token is None and (self.username is None or self.password is None):
            raise ValueError("a role needs username and password, or a token")
        return self


LoginStrategy = Literal["json", "form", "basic", "session", "token", "browser"]


class Csrf(Strict):
    """Django/Rails-style CSRF: a token read from a cookie (or a hidden input of ``page``) and echoed back."""

    cookie: str | None = Field(default="csrftoken", description="the cookie that carries the CSRF token")
    page: str | None = Field(default=None, description="a page to GET first that sets the cookie or holds the token "
                             "in a hidden input (default: the login path)")
    field: str | None = Field(default="csrfmiddlewaretoken", description="the form field the login echoes it in")
    header: str | None = Field(default="X-CSRFToken", description="the header unsafe requests echo it in")


class Login(Strict):
    """How golive signs in as a role (the strategy) and where the credential comes back."""

    strategy: LoginStrategy = Field(default="json", description=(
        "json: POST a JSON body; form: POST urlencoded (OAuth2 password grant); basic: HTTP Basic on every "
        "request; session: POST the login form, the credential comes back as a cookie (also on a 302); token: "
        "a pre-issued token per role from the env (roles.<role>.token); browser: sign in through the login page"))
    service: str
    path: str | None = Field(default=None, description=(
        "json/form/session: where credentials are posted; browser: the login page; basic/token: a path that "
        "needs the credential, used to verify it"))
    username_field: str = "username"
    password_field: str = "password"
    # dotted paths into the JSON answer (data.access_token)
    access_token_field: str = "access_token"
    refresh_token_field: str = "refresh_token"
    # Further fields the login body needs (Firebase's returnSecureToken, an OAuth2 client_id and scope, …).
    extra_fields: dict[str, str | bool | int] = Field(default_factory=dict)
    session_cookie: str | None = Field(default=None, description=(
        "session: the cookie that carries the session (default: every cookie the login answer sets)"))
    csrf: Csrf | None = None
    # browser strategy: the login page's fields
    username_selector: str = "input[name=username]"
    password_selector: str = "input[name=password]"
    submit_selector: str = "[type=submit]"
    error_selector: str = Field(default="[role=alert], .error, .errorlist, .alert-danger", description=(
        "browser: where the login page shows a refused sign-in (golive stops waiting once it shows text)"))

    @model_validator(mode="after")
    def _path_when_posting(self) -> "Login":
        if self.strategy in ("json", "form", "session", "browser") and not self.path:
            raise ValueError(f"login.path is required for the {self.strategy} strategy")
        return self


class CredentialPlacement(Strict):
    """Where the system reads the credential on every request."""

    location: Literal["header", "cookie", "query"] = "header"
    name: str = "Authorization"
    # the Authorization scheme ("Bearer", "Token", "token"); "" sends the bare value (X-API-Key)
    scheme: str = "Bearer"


class TokenPolicy(Strict):
    """The lifetimes the issued tokens must have."""

    access_minutes: int = Field(default=60, description="the access token's lifetime, in minutes")
    # false: the issuer's refresh tokens never expire by design (Firebase): revocation is what counts
    refresh_days: int | Literal[False] = 30

    @field_validator("refresh_days", mode="before")
    @classmethod
    def _refresh_days_is_a_count_or_false(cls, value: object) -> object:
        # `true` would otherwise become 1 day; say a number of days, or false for "never expire"
        if value is True:
            raise ValueError("refresh_days is a number of days, or false (refresh tokens never expire)")
        return value


class ProtectedEndpoint(Strict):
    """An endpoint that must refuse anonymous callers and callers outside ``roles``."""

    service: str = Field(description="the service it is on")
    path: str = Field(description="its path")
    method: Literal["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"] = "GET"
    roles: list[str] = Field(min_length=1, description="the roles (auth.roles) allowed to call it")

    @property
    def label(self) -> str:
        return f"{self.method} {self.path}"


class Mfa(Strict):
    """Roles whose password login must ask for a second factor, and how golive completes it."""

    roles: list[str] = Field(min_length=1)
    path: str  # the second step, e.g. /api/auth/otp
    challenge_field: str = "challenge"
    code_field: str = "code"
    # role -> base32 TOTP seed (an env reference): golive computes the code like an authenticator app
    totp_secrets: dict[str, str] = Field(default_factory=dict)
    # wrong codes one challenge tolerates before it answers 429 (false: no such limit is promised)
    max_attempts: int | Literal[False] = 5


class Refresh(Strict):
    """Where a refresh token is exchanged for a new access token."""

    path: str = Field(description="the refresh endpoint on the login service")
    refresh_token_field: str = "refresh_token"


class LoginRateLimit(Strict):
    """Failed logins one username may make per window (from one client) before 429."""

    burst: int = Field(ge=1, le=90)
    # a username no real account has: hammering it never locks anyone out
    probe_username: str = "golive-ratelimit-probe"


JwtClaim = Literal["exp", "nbf", "iat", "iss", "aud", "kid", "sub"]


class Auth(Strict):
    login: Login
    # where requests carry the credential; default from the strategy (Bearer, Basic, the session cookie)
    credential: CredentialPlacement | None = None
    # claims the system verifies: forgeries of the others are not applicable (default: all of them)
    enforced_claims: list[JwtClaim] = Field(default_factory=lambda: ["exp", "nbf", "iss", "aud", "kid"])
    token_policy: TokenPolicy = Field(default_factory=TokenPolicy)
    roles: dict[str, Credentials] = Field(min_length=1)
    protected: list[ProtectedEndpoint] = Field(default_factory=list)
    refresh: Refresh | Literal[False] | None = None
    mfa: Mfa | Literal[False] | None = None
    login_rate_limit: LoginRateLimit | Literal[False] | None = None
    # RS/ES public key (PEM, env ref) of the token issuer: enables the RS256->HS256 key-confusion probe
    public_key: str | None = None
    # where the issuer publishes its verification keys: a path on the login service or an absolute
    # URL; a JWKS {"keys": [...]} or an x509 {kid: cert PEM} map (Firebase). Enables key confusion
    # with the published keys and keeps the unknown-kid forgery's kid out of the set
    jwks_url: str | None = None
    # the token signing key (HS secret or private key PEM, env ref), only for test environments:
    # enables the re-signed forgeries that test exp/nbf/iat/iss/aud/kid checks one by one
    signing_key: str | None = None


RefusalStatus = Literal[401, 403, 404]
UpdateMethod = Literal["PATCH", "PUT", "POST"]

#: key names no response may carry (matched case-insensitively, also inside nested objects)
DEFAULT_SENSITIVE_FIELDS = (
    "password", "password_hash", "passwordHash", "hashed_password", "secret", "client_secret",
    "totp_secret", "otp_secret", "api_key", "private_key", "refresh_token", "reset_token",
)


def _json_path(value: str) -> str:
    problem = json_path_error(value)
    if problem:
        raise ValueError(f"{value!r} is not a JSONPath ({problem}); write e.g. $.data[*] or $.uuid")
    return value


class OwnedObject(Strict):
    """An object type users own: owner_role's first object must be out of other_role's reach."""

    name: str = Field(description="what the objects are (orders, invoices): names the check's instance")
    service: str = Field(description="the service that serves them")
    list_path: str = Field(description="lists the caller's own objects (GET)")
    item_path: str = Field(description="one object, with {id} where its id goes")
    items: str | None = Field(default=None, description=(
        "JSONPath of the entries in the list answer ($.data[*], $.results); default: a bare list or "
        "{\"items\": [...]}"))
    id: str = Field(default="$.id", description="JSONPath of an entry's id in the list ($.uuid, $.meta.pk)")
    owner_role: str = Field(description="a role that owns at least one object")
    other_role: str = Field(description="a role that must not reach the owner's objects")
    update: dict[str, str | int | bool] | Literal[False] = Field(
        default=False, validation_alias=AliasChoices("update", "patch"),
        description="the body of a harmless change other_role attempts (its older name: patch); false: not tried")
    update_method: UpdateMethod = Field(default="PATCH", description="how the objects are updated (PUT sends the "
                                        "whole object with the change)")
    delete: bool = Field(default=False, description="other_role also attempts a DELETE")
    actions: list[str] = Field(default_factory=list,
                               description="POST sub-paths of item_path other_role attempts (/cancel)")

    @field_validator("items", "id")
    @classmethod
    def _json_paths(cls, value: str | None) -> str | None:
        return None if value is None else _json_path(value)

    @field_validator("item_path")
    @classmethod
    def _item_path_has_id(cls, value: str) -> str:
        if "{id}" not in value:
            raise ValueError(f"item_path {value!r} needs the {{id}} placeholder")
        return value

    @field_validator("actions")
    @classmethod
    def actions_are_sub_paths(cls, actions: list[str]) -> list[str]:
        wrong = [action for action in actions if not action.startswith("/") or "{" in action]
        if wrong:
            raise ValueError(f"actions must be sub-paths of item_path starting with '/', without placeholders: "
                             f"{wrong}")
        return actions

    def item_url_path(self, object_id: object) -> str:
        return self.item_path.replace("{id}", str(object_id))


class ProfileUpdate(Strict):
    """Where a user updates their own profile: privileged fields sent there must not stick."""

    service: str = Field(description="the service it is on")
    path: str = Field(description="the endpoint, e.g. /api/me")
    method: UpdateMethod = Field(default="PATCH", description="how the profile is updated")
    role: str = Field(description="the role that updates its own profile")
    read_path: str | None = Field(default=None, description="where the profile is read (GET); default: path")
    sample: dict[str, str | int | bool | None] | None = Field(default=None, description=(
        "fields of an update the endpoint accepts: the control re-sends them with their current values (no "
        "change); default: the whole current profile minus the privileged fields"))


class RefusalPolicy(Strict):
    """The status the system should refuse with (a conformance finding when it uses another)."""

    forbidden_role: RefusalStatus | None = Field(
        default=None, description="for a signed-in role without the permission (auth.protected)")
    foreign_object: RefusalStatus | None = Field(
        default=None, description="for another user's object (404 hides that it exists, 403 says so)")


class SensitiveFieldEdits(Strict):
    """Changes to the default sensitive-field list."""

    add: list[str] = Field(default_factory=list, description="key names to scan for besides the defaults")
    remove: list[str] = Field(default_factory=list, description="default key names this system may return")


class Authorization(Strict):
    """Object-level and field-level access control."""

    objects: list[OwnedObject] | Literal[False] | None = Field(
        default=None, description="object types users own (one user must not reach another's); false: none")
    profile_update: ProfileUpdate | Literal[False] | None = Field(
        default=None, description="where users update their own profile (mass assignment of privileged fields)")
    privileged_fields: dict[str, str | int | bool] = Field(
        default_factory=lambda: {"role": "admin", "is_admin": True, "balance": 10_000_000, "price": 1},
        description="privileged field -> the value an attacker would send in a profile update",
    )
    sensitive_fields: list[str] | SensitiveFieldEdits = Field(
        default_factory=lambda: list(DEFAULT_SENSITIVE_FIELDS),
        description="key names no response may carry (case-insensitive, also in nested objects): a list replaces "
                    "the defaults, {add: [...], remove: [...]} edits them")
    refusal_status: RefusalPolicy | RefusalStatus | Literal[False] | None = Field(
        default=None, description="the status refusals should use: one for all (401, 403, 404) or per kind "
                                  "({forbidden_role: 403, foreign_object: 404}); checked by SEC-AUTHZ-008")

    @field_validator("sensitive_fields")
    @classmethod
    def _edit_default_sensitive_fields(cls, value: list[str] | SensitiveFieldEdits) -> list[str]:
        """Always a list once loaded: edits are applied to the defaults."""
        if isinstance(value, list):
            return value
        removed = {name.lower() for name in value.remove}
        not_default = sorted(removed - {name.lower() for name in DEFAULT_SENSITIVE_FIELDS})
        if not_default:
            raise ValueError(f"sensitive_fields.remove names fields the default does not have: {not_default}")
        kept = [name for name in DEFAULT_SENSITIVE_FIELDS if name.lower() not in removed]
        return list(dict.fromkeys([*kept, *value.add]))

    @field_validator("refusal_status")
    @classmethod
    def _one_status_for_every_refusal(cls, value: object) -> object:
        if isinstance(value, int) and not isinstance(value, bool):
            return RefusalPolicy(forbidden_role=value, foreign_object=value)  # type: ignore[arg-type]
        return value

    @property
    def owned(self) -> list[OwnedObject]:
        return self.objects or []


class ServiceEndpoint(Strict):
    """A service-to-service endpoint: it must refuse callers without the service credential."""

    service: str = Field(description="the service it is on")
    path: str = Field(description="its path")
    method: Literal["GET", "HEAD"] = "GET"
    header: str = Field(default="X-Service-Token", description="the header carrying the credential")
    credential: str = Field(description="the service credential (an env reference)")


class Cors(Strict):
    """The browser origins allowed to call the API; every other origin must be refused."""

    service: str = Field(description="the service whose CORS policy is checked")
    path: str = Field(default="/", description="a path that answers CORS requests")
    allowed_origins: list[str] = Field(min_length=1, description="origins allowed, e.g. https://app.example.com")
    credentials: bool = Field(default=True, description="allowed origins may send cookies/credentials")
    methods: list[str] = Field(default_factory=lambda: ["GET", "POST"], min_length=1,
                               description="methods a preflight from an allowed origin must grant")
    request_headers: list[str] = Field(default_factory=lambda: ["Authorization", "Content-Type"],
                                       description="request headers a preflight must grant")
    refused_methods: list[str] = Field(default_factory=lambda: ["PROPFIND", "TRACE"],
                                       description="methods no preflight may grant")
    refused_headers: list[str] = Field(default_factory=lambda: ["X-Golive-Unlisted-Header"],
                                       description="headers no preflight may grant")

    @field_validator("allowed_origins")
    @classmethod
    def origins_are_origins(cls, origins: list[str]) -> list[str]:
        for origin in origins:
            if origin == "*" or origin.rstrip("/") != origin or origin.count("/") != 2:
                raise ValueError(f"{origin!r} is not an origin like https://app.example.com")
        return origins


class HeaderPolicy(Strict):
    """Where the security headers (CSP, HSTS, X-Content-Type-Options, …) are checked."""

    service: str = Field(description="the service whose responses are checked")
    paths: list[str] = Field(default_factory=lambda: ["/"], min_length=1, description="paths whose answers are checked")
    require_hsts: bool = Field(default=True, description="Strict-Transport-Security is required")


class LoginPage(Strict):
    """A web sign-in page, driven in a real browser."""

    url: HttpUrl = Field(description="the sign-in page")
    role: str = Field(description="the role (auth.roles) that signs in")
    username_selector: str = "input[name=username]"
    password_selector: str = "input[name=password]"
    submit_selector: str = "button[type=submit]"
    signed_in_selector: str = Field(description="a CSS selector present once signed in")
    signed_in_text: str = Field(default="", description="text that element must contain")
    error_selector: str | None = Field(default="[role=alert]", description=(
        "what the page shows when the sign-in fails (ends the wait early, and its text is evidence); null: none"))


class Frontend(LoginPage):
    """One front-end origin (admin, web shop, POS): its own sign-in page, whose calls to the API cross origins."""

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$", description="short name (admin, shop, pos); journeys refer to it")


class PosSale(Strict):
    """A store user bills a sale on the POS page (after signing in through the POS front-end)."""

    frontend: str = Field(description="the front-end (browser.frontends[].name) that is the POS")
    item_selector: str = Field(description="the field the item's barcode or SKU is typed into")
    item_code: str = Field(description="the barcode or SKU billed (one unit)")
    quantity_selector: str | None = Field(default=None, description="the quantity field, if the till has one")
    reference_selector: str = Field(description=(
        "a field the bill carries back (a bill reference or note): golive types the run's reference into it, so "
        "cleanup finds and cancels the bill (flows.paths.orders and cancel)"))
    bill_selector: str = Field(description="the button that bills the sale")
    receipt_selector: str = Field(description="the element that shows the bill once the API billed it")
    receipt_text: str = Field(default="", description="text the receipt must contain")


class ShopOrders(Strict):
    """Where the shop's orders are listed by reference and cancelled (as ``role``)."""

    service: str = Field(description="the service of both paths")
    list_path: str = Field(description="lists orders; golive adds ?reference=<the run's reference> (GET)")
    cancel_path: str = Field(description="cancels one order, {id} in the path (POST)")
    role: str = Field(description="the role (auth.roles) that lists and cancels")


class ShopPayments(Strict):
    """Where the payment orders the checkout page creates are listed by their order's reference and
    settled (as ``role``): a payment order nobody paid is voided, one that was paid is refunded."""

    service: str = Field(description="the service of both paths")
    list_path: str = Field(description="lists payment orders; golive adds ?reference=<the order's reference> (GET)")
    settle_path: str = Field(description="settles one payment order, {id} in the path (POST)")
    role: str = Field(description="the role (auth.roles) that lists and settles")


class ShopCheckout(Strict):
    """A buyer goes from the shop's catalog through the cart to the payment provider's checkout page."""

    frontend: str = Field(description="the front-end (browser.frontends[].name) that is the shop")
    add_to_cart_selector: str = Field(description="the first product's add-to-cart button (clicked on the catalog)")
    cart_selector: str | None = Field(default=None, description="what opens the cart, if it is not always shown")
    reference_selector: str = Field(description=(
        "a field the order carries back (an order note): golive types the run's reference into it, so cleanup "
        "finds and cancels the order"))
    checkout_selector: str = Field(description="the checkout button")
    checkout_url: HttpUrl = Field(description=(
        "where the checkout page is (e.g. https://api.razorpay.com/v1/checkout/embedded): the journey ends on "
        "a page or frame under it"))
    checkout_shown_selector: str | None = Field(default=None, description="an element the checkout page shows")
    cleanup: ShopOrders = Field(description="how golive finds and cancels the order the journey placed")
    payments: ShopPayments | None = Field(default=None, description=(
        "how golive finds and settles the payment order the checkout page creates for the order; none: the page "
        "creates none, or cancelling the order settles it"))


class Browser(Strict):
    """Checks in a real browser (Chromium)."""

    admin_login: LoginPage | Literal[False] | None = Field(
        default=None, description="the admin sign-in page; false: the system has no admin web page")
    frontends: list[Frontend] | Literal[False] | None = Field(
        default=None, description=(
            "every front-end origin (admin, web shop, POS), each signing in through its own page; false: the "
            "system has no web front-end"))
    pos_sale: PosSale | Literal[False] | None = Field(
        default=None, description="the POS billing journey; false: the system has no POS page")
    shop_checkout: ShopCheckout | Literal[False] | None = Field(
        default=None, description="the shop's catalog -> cart -> checkout journey; false: no web checkout")

    def frontend(self, name: str) -> Frontend | None:
        return next((frontend for frontend in self.frontends or [] if frontend.name == name), None)


def browser_problems(browser: Browser, roles: set[str] | None) -> list[str]:
    """Roles the browser section names that auth does not have, duplicate front-ends, journeys on unknown ones."""
    problems = []
    named: list[tuple[str, str]] = []
    if browser.admin_login:
        named.append(("browser.admin_login.role", browser.admin_login.role))
    names = [frontend.name for frontend in browser.frontends or []]
    if len(set(names)) != len(names):
        problems.append("browser.frontends names must be unique")
    named += [(f"browser.frontends[{frontend.name}].role", frontend.role) for frontend in browser.frontends or []]
    if browser.shop_checkout:
        named.append(("browser.shop_checkout.cleanup.role", browser.shop_checkout.cleanup.role))
    for where, journey in (("pos_sale", browser.pos_sale), ("shop_checkout", browser.shop_checkout)):
        if journey and journey.frontend not in names:
            problems.append(f"browser.{where}.frontend {journey.frontend!r} is not one of browser.frontends {names}")
    if roles is not None:
        problems += [f"{where} {role!r} is not in auth.roles" for where, role in named if role not in roles]
    return problems


class Inventory(Strict):
    """Where the target lists its master data and opening batch stock (read with ``role``)."""

    service: str = Field(description="the service that serves them")
    entities_path: str = Field(description="lists the entities (GET)")
    products_path: str = Field(description="lists the products (GET)")
    batches_path: str = Field(description="lists the batches with their stock (GET)")
    role: str = Field(description="the role that reads them")


class Profile(Strict):
    name: str = Field(description="the profile's name (reports show it)")
    description: str = Field(default="", description="one line about the system")
    services: list[Service] = Field(min_length=1, description="the system's services: name, base URL, health paths")
    auth: Auth | Literal[False] | None = Field(
        default=None,
        description="how golive logs in, the roles it logs in as, token lifetimes and protected endpoints")
    cors: Cors | Literal[False] | None = Field(
        default=None, description="the CORS allow-list; false: the API serves no browser origins")
    headers: HeaderPolicy | None = Field(default=None, description="where security headers are checked")
    browser: Browser = Field(default_factory=Browser, description="checks in a real browser")
    authorization: Authorization | Literal[False] | None = Field(
        default=None,
        description="object-level access (one user's objects out of another's reach) and privileged fields")
    service_endpoints: list[ServiceEndpoint] | Literal[False] | None = Field(
        default=None, description="service-to-service endpoints that need a service credential")
    inputs: Inputs | Literal[False] | None = Field(
        default=None,
        description="endpoints for the input-handling probes: validation, uploads, body limits, SQL injection, "
                    "reflection, ReDoS, open redirects, malformed input")
    webhooks: list[Webhook] | Literal[False] | None = Field(
        default=None, description="webhook receivers and their signature schemes")
    share_links: ShareLinks | Literal[False] | None = Field(
        default=None, description="signed share links (expired or tampered links must be refused)")
    openapi: OpenApi | Literal[False] | None = Field(
        default=None, description="where the system publishes its API description; false: it publishes none")
    transport: Transport | Literal[False] | None = Field(
        default=None, description="HTTPS: TLS versions, certificate, HTTP->HTTPS redirect")
    cookies: Cookies | Literal[False] | None = Field(
        default=None, description="pages whose cookies must be Secure, HttpOnly and SameSite")
    rate_limits: list[RateLimitRule] | Literal[False] | None = Field(
        default=None, description="endpoints with a rate limit and the limit promised")
    exposure: Exposure | Literal[False] | None = Field(
        default=None, description="what must not be public: debug pages, API docs, source maps, default credentials")
    secrets_scan: SecretsScan | Literal[False] | None = Field(
        default=None, description="a checkout of the deployed code, scanned for committed secrets")
    runtime_config: RuntimeConfig | Literal[False] | None = Field(
        default=None, description="the endpoint reporting the running configuration (live keys, hardening flags)")
    inventory: Inventory | Literal[False] | None = Field(
        default=None, description="where master data and opening batch stock are listed")
    storage: Storage | Literal[False] | None = Field(
        default=None, description="object storage (S3): bucket settings, presigned URLs")
    backups: Backups | Literal[False] | None = Field(
        default=None, description="the backup store and how fresh backups must be")
    marketplace: Marketplace | Literal[False] | None = Field(
        default=None, description="the marketplace's services and roles for its business flows")
    commercial: Commercial | Literal[False] | None = Field(
        default=None, description="commercial rules: price sheets, credit limits, settlements")
    tracker: Tracker | Literal[False] | None = Field(default=None, description="the WhatsApp tracker's endpoints")
    integrations: Integrations | Literal[False] | None = Field(
        default=None,
        description="third-party providers in use (payments, SMS/OTP, e-mail, WhatsApp, shipping, maps)")
    observability: Observability | Literal[False] | None = Field(
        default=None, description="error tracking, alerting, request ids, logs")
    performance: Performance | Literal[False] | None = Field(
        default=None, description="latency budgets and load levels")
    release: Release | Literal[False] | None = Field(
        default=None,
        description="the release being launched: versions the services and front-ends must report, migrations")
    gateway: Gateway | Literal[False] | None = Field(
        default=None, description="the API gateway in front of the services")
    tracing: Tracing | Literal[False] | None = Field(default=None, description="distributed tracing")
    flows: Flows | Literal[False] | None = Field(
        default=None, description="business flows with stock (adjustments, transfers, audit trail)")
    cdn: Cdn | Literal[False] | None = Field(
        default=None, description="the CDN in front of the system; false: none")
    network: Network | Literal[False] | None = Field(
        default=None, description="a public host whose closed ports are probed; false: none golive may probe")
    # The go-live checklists this system answers to (checklists/<name>.yaml): their unmapped
    # critical items and missing attestations block GO.
    checklists: list[str] = Field(
        default_factory=list, description="the go-live checklists this system answers to (checklists/<name>.yaml)")
    critical: list[str] = Field(
        default_factory=list,
        description="check ids this system treats as blockers on top of the checks' own criticality")
    attestations_required: list[str] = Field(
        default_factory=list, description="checklist items that need a signed attestation for this system")
    http_timeout_s: float = Field(
        default=10.0, gt=0, le=120, description="timeout of every request golive sends, in seconds")
    request_budget: int = Field(
        default=100, ge=1,
        description="at most this many requests per endpoint (method + URL without query) per run and worker")
    not_applicable_items: dict[str, str] = Field(
        default_factory=dict,
        description="critical checklist items this system does not have to meet, each with the reason (item -> "
                    "why); without it, a critical item whose checks all find the feature absent fails the gate")

    @model_validator(mode="after")
    def references_resolve(self) -> "Profile":
        names = {service.name for service in self.services}
        problems: list[str] = []  # every wrong reference, not just the first
        if len(names) != len(self.services):
            problems.append("service names must be unique")
        referenced: list[tuple[str, str]] = []
        if self.auth:
            referenced.append(("auth.login.service", self.auth.login.service))
            referenced += [(f"auth.protected[{e.label}]", e.service) for e in self.auth.protected]
            for endpoint in self.auth.protected:
                unknown = set(endpoint.roles) - set(self.auth.roles)
                if unknown:
                    problems.append(f"auth.protected[{endpoint.label}] names unknown roles {sorted(unknown)}")
        if self.auth and self.auth.mfa and set(self.auth.mfa.roles) - set(self.auth.roles):
            problems.append(f"auth.mfa.roles names unknown roles {sorted(set(self.auth.mfa.roles) - set(self.auth.roles))}")
        if self.authorization:
            roles = set(self.auth.roles) if self.auth else set()
            for owned in self.authorization.owned:
                referenced.append((f"authorization.objects[{owned.name}].service", owned.service))
                unknown = {owned.owner_role, owned.other_role} - roles
                if unknown:
                    problems.append(f"authorization.objects[{owned.name}] names unknown roles {sorted(unknown)}")
            if self.authorization.profile_update:
                referenced.append(("authorization.profile_update.service", self.authorization.profile_update.service))
        for endpoint in self.service_endpoints or []:
            referenced.append((f"service_endpoints[{endpoint.path}].service", endpoint.service))
        if self.cors:
            referenced.append(("cors.service", self.cors.service))
        if self.headers:
            referenced.append(("headers.service", self.headers.service))
        problems += browser_problems(self.browser, set(self.auth.roles) if self.auth else None)
        if self.browser.shop_checkout:
            referenced.append(("browser.shop_checkout.cleanup.service", self.browser.shop_checkout.cleanup.service))
        referenced += input_service_references(self.inputs, self.webhooks, self.share_links, self.openapi)
        referenced += transport_service_references(self.rate_limits, self.exposure, self.runtime_config)
        referenced += tracker_service_references(self.tracker)
        referenced += observability_service_references(self.observability, self.performance)
        referenced += release_service_references(self.release) + gateway_service_references(self.gateway)
        referenced += commercial_service_references(self.commercial)
        referenced += flows_references(self.flows, set(self.auth.roles) if self.auth else set())
        if self.integrations and self.integrations.checkout:
            referenced.append(("integrations.checkout.service", self.integrations.checkout.service))
        if self.inventory:
            referenced.append(("inventory.service", self.inventory.service))
            if not self.auth or self.inventory.role not in self.auth.roles:
                problems.append(f"inventory.role names role {self.inventory.role!r}, which auth.roles does not have")
        if self.marketplace:
            referenced += [("marketplace.services", name) for name in self.marketplace.service_names()]
            for role in (self.marketplace.admin_role, self.marketplace.customer_role, self.marketplace.vendor_role):
                if not self.auth or role not in self.auth.roles:
                    problems.append(f"marketplace names role {role!r}, which auth.roles does not have")
        for where, name in referenced:
            if name not in names:
                problems.append(f"{where} names service {name!r}, not one of {sorted(names)}")
        if problems:
            raise ValueError("\n".join(problems))
        return self

    def service(self, name: str) -> Service:
        return next(service for service in self.services if service.name == name)
