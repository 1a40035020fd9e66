"""The fault catalog: named production defects the sandbox can be started with.

Every golive check must be made to fail by at least one fault, so each fault names the check
ids that must catch it. A fault is a real change of behaviour somewhere in the sandbox (a code
path asks ``faults.active("name")``), never a flag that a checker could read.

Adding a fault: one ``_register(...)`` call below, plus the ``if faults.active(...)`` at the
place where the defect lives, plus a test in ``selftest/sandbox/test_sandbox_faults.py``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Fault:
    name: str
    description: str
    checks: tuple[str, ...]
    # the golive env whose sandbox flavor has the defect (a realserv-only fault cannot show on local)
    env: str = "local"
    # the defect is also in that env's own settings (an account password the deployment keeps):
    # the env is never healthy, so it is not run without the fault
    env_borne: bool = False
    # extra golive arguments the fault needs to show (a flapping fault shows over a window, not in one sample)
    args: tuple[str, ...] = ()

    def as_json(self) -> dict[str, object]:
        entry: dict[str, object] = {"name": self.name, "description": self.description, "checks": list(self.checks)}
        if self.env != "local":  # optional key: consumers default to "local"
            entry["env"] = self.env
        if self.env_borne:
            entry["env_borne"] = True
        if self.args:  # optional key: consumers default to no extra arguments
            entry["args"] = list(self.args)
        return entry


CATALOG: dict[str, Fault] = {}


def _register(name: str, description: str, *checks: str, env: str = "local", env_borne: bool = False,
              args: tuple[str, ...] = ()) -> None:
    if name in CATALOG:
        raise ValueError(f"fault {name!r} registered twice")
    if not checks:
        raise ValueError(f"fault {name!r} must name at least one check id")
    CATALOG[name] = Fault(name, description, tuple(checks), env, env_borne, args)


# --- infrastructure / health -----------------------------------------------------------------
_register(
    "liveness_down",
    "/health/live (and /api/health) answers 503 {\"status\":\"down\"}.",
    "INF-HEALTH-001",
)
_register(
    "liveness_flaps",
    "/health/live (and /api/health) answers 503 {\"status\":\"down\"} for the last 3 s of every 8 s "
    "(an instance in a crash loop): a one-off sample mostly sees it up; a window catches it.",
    "INF-HEALTH-001",
    args=("--observe", "20s", "--every", "2s"),
)
_register(
    "database_unreachable",
    "The database engine points at a path that cannot be opened: every DB access fails, "
    "/health/ready and /health/db answer 503, login answers 500.",
    "INF-HEALTH-002",
    "INF-HEALTH-003",
)
_register(
    "readiness_skips_db",
    "/health/ready answers 200 without checking the database (a readiness probe that checks "
    "nothing).",
    "INF-HEALTH-002",
)
_register(
    "slow_health",
    "Liveness, readiness and the DB ping each take about 1.2 s.",
    "INF-HEALTH-004",
)

# --- security headers ------------------------------------------------------------------------
_register(
    "security_headers_missing",
    "Responses carry no Content-Security-Policy, X-Content-Type-Options, X-Frame-Options or "
    "Strict-Transport-Security.",
    "SEC-HEADERS-001",
)
_register("search_limit_unbounded",
          "GET /api/products/search passes limit to the database unbounded: a value beyond 64 bits crashes the "
          "query (HTTP 500).", "SEC-INPUT-010")
_register("debug_mode_404_page",
          "The framework's debug mode is on: a page that does not exist shows Django's debug 404 with every "
          "URL pattern.", "SEC-EXPOSE-004")
_register("server_product_named",
          "Responses carry Server: uvicorn (no version, but the software is named).", "SEC-HEADERS-002")
_register(
    "server_version_disclosed",
    "Every response discloses the stack: Server: uvicorn/<version> and "
    "X-Powered-By: FastAPI/<version>.",
    "SEC-HEADERS-002",
)

# --- CORS ------------------------------------------------------------------------------------
_register(
    "cors_reflects_any_origin",
    "Any Origin is reflected in Access-Control-Allow-Origin together with "
    "Access-Control-Allow-Credentials: true.",
    "SEC-CORS-002",
    "SEC-CORS-003",
    "SEC-CORS-004",
)
_register(
    "cors_allows_null",
    "Origin 'null' (sandboxed iframes, file: pages) is allowed with credentials.",
    "SEC-CORS-003",
)
_register(
    "cors_suffix_match",
    "Origins are matched unanchored: accepted when they end with an allowed host or start with "
    "an allowed origin (https://admin.sandbox.test.evil.example, https://evil-admin.sandbox.test).",
    "SEC-CORS-004",
)
_register(
    "cors_vary_missing",
    "Allowed origins are echoed in Access-Control-Allow-Origin but Vary: Origin is missing, so "
    "shared caches can serve one origin's CORS answer to another.",
    "SEC-CORS-001",
)

# --- authentication / authorisation ---------------------------------------------------------
_register(
    "login_broken_for_role",
    "Login with valid manager credentials fails with 500 {\"detail\":\"Internal Server Error\"}.",
    "SEC-AUTH-001",
)
_register(
    "anonymous_order_create",
    "A guest checkout, POST /api/orders, shipped without its guard: anyone creates orders (the API "
    "description documents it without security).",
    "SEC-AUTH-011",
)
_register(
    "protected_endpoint_open",
    "/api/admin/users lost its auth guard and answers 200 without any token.",
    "SEC-AUTH-002",
)

# --- browser ---------------------------------------------------------------------------------
_register(
    "admin_page_script_error",
    "The /admin/ dashboard throws a TypeError after login (console error), although it still "
    "shows who is signed in.",
    "BRW-ADMIN-001",
)
_register(
    "admin_origin_not_allowed",
    "The admin page's own origin (http://localhost:<port>) is missing from the CORS allow-list, "
    "so the browser blocks the login request.",
    "BRW-ADMIN-001",
)
_register(
    "pos_origin_not_allowed",
    "Arogya's POS origin (http://pos.localhost:<port>) is missing from the API's CORS allow-list: the "
    "browser blocks the POS page's sign-in request.",
    "BRW-ORIGIN-001",
    env="arogya-local",
)
_register(
    "web_page_script_error",
    "RealServ's web app throws a TypeError after sign-in (its template lost the greeting element the "
    "script writes to), although the page still shows who is signed in.",
    "BRW-ORIGIN-001",
    env="realserv-local",
)
_register(
    "shop_checkout_button_dead",
    "RealServ's cart shows a Checkout button that never calls the API (renamed in the template, the "
    "script still binds the old id): no order, no Razorpay checkout.",
    "BRW-SHOP-001",
    env="realserv-local",
)

# --- authentication, tokens and authorization (issue 4) ------------------------------------
_register("jwt_alg_none_accepted",
          "Tokens with alg none (any spelling) and an empty signature are accepted.", "SEC-AUTH-003")
_register("jwt_signature_not_verified",
          "Token claims are decoded without verifying the signature: any tampered or unsigned token "
          "with plausible claims is accepted.", "SEC-AUTH-003")
_register("jwt_expiry_not_checked",
          "exp is not validated: expired tokens (and tokens without exp) are accepted.", "SEC-AUTH-003")
_register("jwt_issuer_not_checked",
          "iss is not validated: tokens of another issuer signed with the same key are accepted.",
          "SEC-AUTH-003")
_register("token_lifetime_8_days", "Access tokens live 8 days instead of 60 minutes.", "SEC-AUTH-004")
_register("weak_hs256_secret",
          "Tokens are signed with the HS256 secret \"secret\" instead of SANDBOX_JWT_SECRET.",
          "SEC-AUTH-005")
_register("refresh_token_not_rotated",
          "/api/auth/refresh returns the same refresh token and never revokes it: a stolen refresh "
          "token works forever.", "SEC-AUTH-006")
_register("admin_mfa_skipped",
          "The superadmin's password login returns tokens directly: no second factor asked.",
          "SEC-AUTH-007")
_register("login_user_enumeration",
          "Login with an unknown username answers 404 \"No such user\" at once, a wrong password 401.",
          "SEC-AUTH-008")
_register("login_rate_limit_missing",
          "Login attempts are not rate limited (only the general API limit applies).", "SEC-AUTH-009")
_register("otp_attempts_unlimited",
          "The OTP step accepts any number of wrong codes for one challenge.", "SEC-AUTH-009")
_register("rbac_manager_reaches_admin",
          "The manager role passes the guard of the admin function GET /api/admin/users.", "SEC-AUTHZ-001")
_register("bola_orders",
          "GET/PATCH/DELETE /api/orders/{id} look the order up by id alone: any signed-in user reads, "
          "changes and deletes other users' orders.", "SEC-AUTHZ-002", "SEC-AUTHZ-003")
_register("mass_assignable_role",
          "PATCH /api/me copies the request body onto the user: sending role=admin makes you admin.",
          "SEC-AUTHZ-004")
_register("signup_mass_assignable_fields",
          "Sign-up (POST /api/accounts) binds the whole body onto the new account: a visitor who sends "
          "{\"role\": \"admin\", \"verified\": true} opens a verified admin account.", "SEC-AUTHZ-009")
_register("password_hash_exposed",
          "GET /api/admin/users serialises the user rows with their password hashes.", "SEC-AUTHZ-005")
_register("role_refusal_unauthorized",
          "The role guard refuses a signed-in user without the role with 401 (as if unauthenticated) "
          "instead of the 403 the profile's policy names: still a refusal, a conformance finding.",
          "SEC-AUTHZ-008")
_register("service_endpoint_open",
          "GET /internal/stock-sync answers without the X-Service-Token service credential.", "SEC-AUTHZ-006")


class UnknownFaultError(ValueError):
    def __init__(self, unknown: Iterable[str]) -> None:
        self.unknown = sorted(unknown)
        known = ", ".join(sorted(CATALOG))
        super().__init__(f"unknown fault(s): {', '.join(self.unknown)}. Known faults: {known}")


class ActiveFaults:
    """The faults one sandbox instance runs with (fixed for the lifetime of the process)."""

    def __init__(self, names: Iterable[str] = ()) -> None:
        wanted = {n.strip() for n in names if n.strip()}
        unknown = wanted - CATALOG.keys()
        if unknown:
            raise UnknownFaultError(unknown)
        self._names = frozenset(wanted)

    @classmethod
    def parse(cls, value: str | None) -> ActiveFaults:
        """Parse ``SANDBOX_FAULTS`` (comma-separated names)."""
        return cls((value or "").split(","))

    def active(self, name: str) -> bool:
        # A typo in a fault name inside the sandbox would make the fault silently inert, and a
        # fault that never fires hides a check that can never fail: fail loudly instead.
        if name not in CATALOG:
            raise KeyError(f"no such fault in the catalog: {name!r}")
        return name in self._names

    @property
    def names(self) -> list[str]:
        return sorted(self._names)

    def __repr__(self) -> str:
        return f"ActiveFaults({self.names!r})"


# --- transport, exposure and secrets (issue 4 items 5 and 6) ---------------------------------
_register("https_redirect_missing",
          "The plain-HTTP port serves the application itself instead of redirecting to HTTPS.",
          "SEC-HTTPS-001")
_register("https_redirect_temporary",
          "The plain-HTTP port redirects to HTTPS with 302 Found (temporary, not cached by browsers).",
          "SEC-HTTPS-001")
_register("hsts_max_age_short",
          "HTTPS answers carry Strict-Transport-Security: max-age=86400 (one day).",
          "SEC-HTTPS-002")
_register("tls_modern_protocols_disabled",
          "The TLS listener accepts only TLS 1.0 and 1.1: no current browser can connect.",
          "SEC-TLS-005", "SEC-TLS-001")
_register("tls_legacy_protocols",
          "The TLS listener still accepts TLS 1.0 and 1.1 with weak cipher suites (@SECLEVEL=0).",
          "SEC-TLS-001", "SEC-TLS-004")
_register("tls_hostname_mismatch",
          "The server certificate is issued for shop.sandbox.invalid, not localhost.",
          "SEC-TLS-002")
_register("tls_self_signed_untrusted",
          "The server presents a self-signed certificate that no trusted CA issued.",
          "SEC-TLS-002")
_register("tls_certificate_expiring",
          "The server certificate expires in 10 days (renewal is not working).",
          "SEC-TLS-003")
_register("cookie_flags_missing",
          "The admin page's session cookie is set without Secure, HttpOnly and SameSite.",
          "SEC-COOKIE-001")
_register("rate_limit_missing",
          "GET /api/rate-probe is not rate limited at all.",
          "SEC-RATE-001")
_register("rate_limit_no_retry_after",
          "GET /api/rate-probe answers 429 without Retry-After (clients cannot know when to retry).",
          "SEC-RATE-001")
_register("rate_limit_never_recovers",
          "A client that exceeded the limit of GET /api/rate-probe stays blocked for 10 minutes although "
          "Retry-After promises the end of the window.",
          "SEC-RATE-001")
_register("rate_limits_lowered",
          "The gateway's rate limits were cut below what the service promises its clients: the API "
          "allows 60 requests per 10 s per client (instead of 600 a minute), login 5 attempts a minute "
          "per account (instead of 30), GET /api/rate-probe 2 per 2 s (instead of the 5 the profile "
          "declares). Clients within the promised limits get 429s; golive's other checks must ride them "
          "out or end broken (an environment problem), never fail on them.",
          "SEC-RATE-001")
_register("dotenv_served",
          "GET /.env serves the deployment's environment file.",
          "SEC-EXPOSE-001")
_register("git_directory_served",
          "The .git directory is deployed and served (/.git/config, /.git/HEAD).",
          "SEC-EXPOSE-001")
_register("source_maps_served",
          "The admin bundle's source map is served (/admin/static/admin.js.map, SourceMap header).",
          "SEC-EXPOSE-002")
_register("secret_in_js_bundle",
          "The admin bundle embeds a Razorpay live key secret and an AWS access key.",
          "SEC-EXPOSE-003")
_register("debug_console_exposed",
          "A debug console answers on /console and /debug without authentication.",
          "SEC-EXPOSE-004")
_register("api_docs_public",
          "The interactive API docs and schema are public (/docs, /openapi.json).",
          "SEC-EXPOSE-005")
_register("directory_listing",
          "GET /admin/static/ lists the static directory (Index of /admin/static/).",
          "SEC-EXPOSE-006")
_register("secret_committed_to_repo",
          "The repository's history holds a committed .env with a Razorpay live secret and an AWS key "
          "(deleted again in a later commit).",
          "SEC-SECRETS-001")
_register("razorpay_test_key_in_production",
          "The deployment runs with a Razorpay test key (rzp_test_...): payments are not real.",
          "SEC-SECRETS-002")
_register("mock_payment_provider",
          "Payments fall back to a mock provider (payments_provider: mock).",
          "SEC-SECRETS-003")
_register("insecure_tracker_allowed",
          "ALLOW_INSECURE_TRACKER=true: unsigned tracker links are accepted.",
          "SEC-SECRETS-004")
_register("webhook_signature_skip_flag",
          "SKIP_WEBHOOK_SIGNATURE=true is set in the deployment.",
          "SEC-SECRETS-004")
_register("cors_preflight_grants_anything",
          "Preflights echo whatever method and headers are requested (Access-Control-Request-Method/Headers "
          "reflected), e.g. TRACE or X-Debug-Impersonate.",
          "SEC-CORS-005")
_register("default_admin_password",
          "A setup account administrator/admin (role admin) was never removed.",
          "SEC-EXPOSE-007")
_register("weak_account_password",
          "The cashier account kept the installer's default password (changethis), whatever the "
          "deployment's secret says; the staging env records the password the system really has.",
          "SEC-SECRETS-005", env="staging-weak-password", env_borne=True)
_register("cors_wildcard_with_credentials",
          "Preflights from origins not on the allow-list get Access-Control-Allow-Origin: * together with "
          "Access-Control-Allow-Credentials: true.",
          "SEC-CORS-006")


# --- input handling (issue 4 item 3) -----------------------------------------------------------
_register(
    "phone_validation_missing",
    "POST /api/customers/validate accepts any phone string (no E.164 check): '12345', "
    "'+91 98765 43210', '0091-9876543210' pass.",
    "SEC-INPUT-001",
)
_register(
    "email_validation_missing",
    "POST /api/customers/validate only checks that the email contains '@': 'a@', '@b.example', "
    "'a b@c.example' and 'a@b@c.example' pass.",
    "SEC-INPUT-002",
)
_register(
    "upload_limit_not_enforced",
    "POST /api/uploads has no size limit: it reads any declared Content-Length to the end.",
    "SEC-INPUT-003",
)
_register(
    "upload_limit_checked_after_read",
    "POST /api/uploads reads the whole body first and only then answers 413: an oversize upload is "
    "received completely before it is refused.",
    "SEC-INPUT-003",
)
_register(
    "json_body_limit_missing",
    "JSON request bodies of any size are parsed (no MAX_JSON_BODY_KB limit).",
    "SEC-INPUT-004",
)
_register(
    "sql_injection_in_search",
    "GET /api/products/search builds its SQL by string formatting: quotes break the query (500 with "
    "the SQLite error text) and ' OR 1=1 -- returns every product.",
    "SEC-INPUT-005",
)
_register(
    "xss_reflected",
    "GET /search echoes the query into its HTML page without encoding.",
    "SEC-INPUT-006",
)
_register(
    "redos_sku_validation",
    "SKUs are validated with a catastrophically backtracking pattern (^([A-Z0-9]+-?)+$): a long "
    "SKU that does not match takes seconds.",
    "SEC-INPUT-007",
)
_register(
    "open_redirect",
    "GET /auth/redirect?next= redirects to any URL, absolute or protocol-relative.",
    "SEC-INPUT-008",
)
_register(
    "debug_error_pages",
    "The input endpoints run with debug error pages: malformed input they do not expect (a JSON "
    "array for an object, a non-numeric limit) raises, and the 500 page shows the Python traceback "
    "with file paths.",
    "SEC-INPUT-009",
)

# --- webhooks and signed links (issue 4 item 4) ---------------------------------------------------
_register(
    "razorpay_webhook_signature_skipped",
    "SKIP_WEBHOOK_SIGNATURE in effect: POST /webhooks/razorpay processes events without verifying "
    "X-Razorpay-Signature, so a forged payment.captured marks an order paid.",
    "SEC-WEBHOOK-001",
    "SEC-WEBHOOK-002",
)
_register(
    "razorpay_webhook_signs_reparsed_json",
    "The Razorpay webhook verifies the signature over the re-serialized JSON instead of the raw "
    "bytes: correctly signed events are refused unless the sender happened to use compact JSON.",
    "SEC-WEBHOOK-003",
)
_register(
    "razorpay_webhook_not_idempotent",
    "The Razorpay webhook ignores x-razorpay-event-id: a retried payment.captured is applied again "
    "(amount_paid counted twice).",
    "SEC-WEBHOOK-004",
)
_register(
    "meta_signature_not_checked",
    "POST /webhooks/whatsapp accepts events without checking X-Hub-Signature-256.",
    "SEC-WEBHOOK-001",
)
_register(
    "twilio_signature_not_checked",
    "POST /webhooks/twilio/status accepts status callbacks without checking X-Twilio-Signature.",
    "SEC-WEBHOOK-001",
)
_register(
    "webhook_accepts_stale_signature",
    "POST /webhooks/sendgrid/events verifies the ECDSA signature but not the timestamp's age: a "
    "correctly signed event from an hour ago is accepted (replay).",
    "SEC-WEBHOOK-001",
)
_register(
    "whatsapp_verify_token_ignored",
    "GET /webhooks/whatsapp answers hub.challenge whatever hub.verify_token says.",
    "SEC-WEBHOOK-005",
)
_register(
    "tracker_link_signature_not_checked",
    "GET /t/<token> decodes the tracker link's payload without verifying its signature "
    "(ALLOW_INSECURE_TRACKER=true): unsigned and tampered links open.",
    "SEC-WEBHOOK-006",
)
_register(
    "tracker_link_never_expires",
    "GET /t/<token> verifies the signature but ignores the expiry: expired links still open.",
    "SEC-WEBHOOK-006",
)

# --- API description (OpenAPI) sweeps ------------------------------------------------------------
_register(
    "product_lookup_unauthenticated",
    "GET /api/products/sku/{sku} answers callers without a token, although the API description "
    "(and the profile's protected list, which does not name it) says every /api route needs one.",
    "SEC-AUTH-010",
)
_register(
    "product_supplier_key_exposed",
    "GET /api/products (documented in the API description, not in the profile's protected list) "
    "serialises each product's supplier integration, API key included.",
    "SEC-AUTHZ-007",
)

# --- published keys (realserv flavor) ------------------------------------------------------------
_register(
    "jwt_key_confusion_accepted",
    "The realserv flavor's ID-token verifier takes the algorithm from the token: an HS256 token "
    "HMAC-signed with the flavor's own public key PEM (published in its JWKS) is accepted.",
    "SEC-AUTH-003",
    env="realserv-local",
)

# --- inventory initialization (arogya flavor: runbook S1/S2) -----------------------------------
_register(
    "batch_missing_expiry",
    "Arogya's opening stock has a batch uploaded without its expiry date (GET /api/batches shows "
    "expiry_date null): FEFO cannot order it and it can be sold past expiry.",
    "DAT-BATCH-001",
    env="arogya-local",
)
_register(
    "batch_qc_pending_on_sale",
    "A sellable Arogya product (AA-TUL-100) has only QC-pending batches: it can be sold before QC "
    "approved its stock.",
    "DAT-BATCH-002",
    env="arogya-local",
)
_register(
    "stock_all_expired",
    "A sellable Arogya product (AA-CHY-500) has only expired batches: FEFO has nothing to allocate.",
    "DAT-BATCH-003",
    env="arogya-local",
)
_register(
    "duplicate_sku",
    "Arogya's product master has two products with the same SKU (a re-import with a new GTIN).",
    "DAT-MASTER-001",
    env="arogya-local",
)

# --- release, deployment and per-service health ---------------------------------------------
_register(
    "cdn_caches_api_responses",
    "The API answers with Cache-Control: public, max-age=3600 (a CDN-friendly default applied to "
    "every route): the CDN stores one customer's /api/me and serves it to everyone for an hour.",
    "INF-CDN-001",
    env="consolidated-local",
)
_register(
    "cdn_assets_short_lived",
    "The CDN's cache policy for the fingerprinted front-end build was left at max-age=300: every "
    "visitor re-fetches unchanged bundles from the origin every five minutes.",
    "INF-CDN-001",
    env="consolidated-local",
)
_register(
    "replica_lag_high",
    "The read replica's apply stalled behind a long migration: readiness reports it 420 s behind "
    "the primary, so reads (order status, stock) return seven-minute-old data.",
    "INF-HEALTH-002",
    env="consolidated-local",
)
_register(
    "database_port_public",
    "A security group opens the database port to 0.0.0.0/0: the public host accepts TCP "
    "connections on the Postgres port.",
    "SEC-NET-001",
    env="realserv-local",
)
_register(
    "redis_port_public",
    "The ElastiCache security group allows inbound 6379 from anywhere: the public host accepts TCP "
    "connections on the Redis port.",
    "SEC-NET-001",
    env="realserv-local",
)
_register(
    "release_stale_version",
    "The deploy did not replace the running build: every health answer reports the previous "
    "release's version and commit, not the one being launched.",
    "REL-VERSION-001",
)
_register(
    "release_dirty_build",
    "The running build was made from a working tree with uncommitted changes: health reports the "
    "release version and commit suffixed -dirty (not the tagged, immutable artifact).",
    "REL-VERSION-001",
)
_register(
    "release_mixed_instances",
    "The rollout stopped half-way: one instance behind the load balancer still runs the previous "
    "release, so every third health answer reports the old version.",
    "REL-ROLLOUT-001",
)
_register(
    "release_migration_pending",
    "The release was deployed without running its database migration: the database health "
    "reports one pending migration.",
    "REL-MIGRATE-001",
)
_register(
    "frontend_pos_bundle_localhost_api",
    "Arogya's POS front-end was built with a developer's .env.local: its JavaScript calls "
    "NEXT_PUBLIC_API_URL=http://localhost:4000 instead of the production API.",
    "REL-FRONTEND-001",
    env="arogya-local",
)
_register(
    "frontend_web_bundle_staging_api",
    "Arogya's web shop was built from the staging environment: its bundle calls the staging API "
    "(arogya-api-staging.onrender.com), so production customers order against staging.",
    "REL-FRONTEND-001",
    env="arogya-local",
)
_register(
    "frontend_pos_not_redeployed",
    "Arogya's POS front-end was not redeployed with the release: Vercel still serves the build of "
    "the previous commit (its page's release meta names the old SHA).",
    "REL-FRONTEND-002",
    env="arogya-local",
)
_register(
    "env_shiprocket_credentials_unset",
    "Arogya's API was redeployed without its Shiprocket variables (SHIPROCKET_EMAIL/PASSWORD): it "
    "starts, but readiness reports the Shiprocket env group missing and shipments cannot be booked.",
    "INF-HEALTH-002",
    env="arogya-local",
)
_register(
    "env_sentry_dsn_unset",
    "The Node API was deployed without SENTRY_DSN: errors are silently not reported; readiness "
    "reports the Sentry env group missing.",
    "INF-HEALTH-002",
    env="consolidated-local",
)
_register(
    "gateway_catalog_route_missing",
    "RealServ's API Gateway stage was deployed without the catalog service's resource: "
    "/gateway/catalog/... answers 403 {\"message\": \"Missing Authentication Token\"}.",
    "INF-GW-001",
    env="realserv-local",
)
_register(
    "gateway_bypassed",
    "The API host is routed straight to the load balancer, bypassing API Gateway: no "
    "x-amzn-RequestId / x-amz-apigw-id headers, no X-Ray trace id, no API-key usage plan.",
    "INF-GW-001",
    "INF-GW-002",
    env="realserv-local",
)
_register(
    "gateway_api_key_not_required",
    "The mobile stage's methods were deployed with apiKeyRequired=false: mobile calls without an "
    "x-api-key reach the services.",
    "INF-GW-002",
    env="realserv-local",
)
_register(
    "webhook_plain_http_accepted",
    "The load balancer's port-80 rule has an exception for /…/webhooks/ paths: webhook deliveries "
    "are forwarded to the app over plain HTTP instead of being redirected to HTTPS.",
    "SEC-WEBHOOK-007",
    env="realserv-local",
)
_register(
    "realserv_web_bundle_hardcoded_host",
    "RealServ's web bundle hard-codes an OrderService task address (http://13.232.10.45:5004) next to "
    "the gateway URL: calls bypass the gateway and break when the task moves.",
    "REL-FRONTEND-001",
    env="realserv-local",
)
_register(
    "order_drops_trace_context",
    "OrderService calls PaymentService with a bare HttpClient (no propagation handler): the call "
    "starts a new X-Ray trace and PaymentService never sees the caller's X-Request-ID.",
    "OBS-TRACE-001",
    env="realserv-local",
)
_register(
    "realserv_order_db_down",
    "OrderService cannot reach its RDS database realserv_order_db (security group change): its "
    "/health answers 503 Unhealthy with the database check failing; the other six are fine.",
    "INF-HEALTH-002",
    env="realserv-local",
)
_register(
    "realserv_redis_down",
    "The ElastiCache Redis cluster is unreachable: every RealServ service's /health reports its "
    "redis check Unhealthy (503).",
    "INF-HEALTH-002",
    env="realserv-local",
)
_register(
    "realserv_maps_check_degraded",
    "IntegrationService's Google Maps check is Degraded (the API key is restricted): /health still "
    "answers 200, only its report says maps is not Healthy.",
    "INF-HEALTH-002",
    env="realserv-local",
)

# --- object storage and backups ----------------------------------------------------------------
_register("s3_app_credentials_denied",
          "The app's IAM access key was deactivated during a key rotation and the deployment still "
          "holds it: every S3 call answers 403 InvalidAccessKeyId.",
          "INF-S3-001", "INF-S3-007", env="realserv-local")
_register("s3_encryption_disabled",
          "The buckets were created by hand without a default server-side encryption rule; objects "
          "are stored unencrypted.", "INF-S3-002", env="realserv-local")
_register("s3_versioning_suspended",
          "Versioning was suspended on the media bucket to save storage: an overwrite or delete "
          "loses the previous file for good.", "INF-S3-003", env="realserv-local")
_register("s3_lifecycle_missing",
          "The media bucket has no lifecycle configuration: temporary uploads and old versions "
          "pile up forever.", "INF-S3-004", env="realserv-local")
_register("cdn_bypassed",
          "The public file URL points straight at the bucket instead of the CloudFront "
          "distribution: no edge, no Via / X-Cache, no Cache-Control.", "INF-S3-005", env="realserv-local")
_register("presigned_url_never_expires",
          "The storage proxy ignores X-Amz-Expires: a presigned link keeps working after it expired.",
          "INF-S3-006", env="realserv-local")
_register("presigned_signature_unchecked",
          "The storage proxy accepts presigned links by their access key id alone: a link whose "
          "key or parameters were edited is still served.", "INF-S3-006", env="realserv-local")
_register("backup_stale",
          "The nightly backup job has been failing for three days and nobody was alerted: the "
          "latest backup is older than the allowed age and there is none from before the deploy.",
          "INF-BACKUP-001", env="consolidated-local")
_register("backup_history_gap",
          "The backup job skipped three nights last week (a full disk): the retention window has "
          "holes.", "INF-BACKUP-002", env="consolidated-local")
_register("backup_corrupt",
          "The dump job writes truncated files (disk full mid-copy): backups exist but do not "
          "restore.", "INF-BACKUP-001", "INF-BACKUP-003", env="consolidated-local")

# --- provider integrations and payments ------------------------------------------------------
_register(
    "razorpay_key_revoked",
    "The Razorpay key pair was regenerated in the dashboard and the deployment still holds the old "
    "one: every API call answers 401 Authentication failed.",
    "INT-PROVIDERS-001",
    "INT-RAZORPAY-001",
)
_register(
    "twilio_verify_service_deleted",
    "The deployment's TWILIO_VERIFY_SERVICE_SID names a Verify service that was deleted: sending an "
    "OTP answers 404 (Twilio error 20404).",
    "INT-PROVIDERS-001",
    "INT-TWILIO-001",
)
_register(
    "sendgrid_key_without_mail_send",
    "The deployment's SendGrid API key is a restricted key without the Mail Send scope: mail/send "
    "answers 403 access forbidden.",
    "INT-PROVIDERS-001",
    "INT-SENDGRID-001",
)
_register(
    "whatsapp_phone_number_of_other_business",
    "The configured WhatsApp phone-number id is Meta's test number, not the business's production "
    "number: messages go out from '+1 555-025-3483 Test Number'.",
    "INT-WHATSAPP-001",
    env="realserv-local",
)
_register(
    "whatsapp_token_expired",
    "The deployment runs on a temporary 24-hour WhatsApp access token that has expired: the Graph API "
    "answers 401 OAuthException code 190.",
    "INT-PROVIDERS-001",
    "INT-WHATSAPP-001",
    "INT-WHATSAPP-002",
    env="realserv-local",
)
_register(
    "shiprocket_pickup_location_missing",
    "The pickup location the deployment sends was deleted in the Shiprocket panel: creating a "
    "shipment answers 422 Wrong Pickup location entered.",
    "INT-SHIPROCKET-001",
    env="arogya-local",
)
_register(
    "maps_key_restricted",
    "The Google Maps key is restricted to the Maps JavaScript API: server-side geocoding answers "
    "REQUEST_DENIED 'This API project is not authorized to use this API'.",
    "INT-PROVIDERS-001",
    "INT-MAPS-001",
    env="realserv-local",
)
_register(
    "firebase_staging_project",
    "The RealServ apps and services are configured with the staging Firebase project: users sign in "
    "and get ID tokens with iss/aud of realserv-sandbox-staging instead of the production project.",
    "INT-FIREBASE-001",
    env="realserv-local",
)
_register(
    "firebase_accepts_other_projects",
    "The services verify the ID token's signature against Google's keys but not its iss/aud: a token "
    "of any other Firebase project (signed by the same keys) is accepted.",
    "INT-FIREBASE-002",
    env="realserv-local",
)
_register(
    "checkout_verify_books_twice",
    "The shop's checkout callback is not idempotent: a retried verify (double click, client retry) "
    "books the payment and issues the invoice a second time.",
    "INT-CHECKOUT-001",
    env="consolidated-local",
)
_register(
    "checkout_refund_not_sent",
    "The shop books refunds locally (order refunded, credit note issued) but never calls Razorpay: "
    "the customer's money is not returned.",
    "INT-CHECKOUT-001",
    env="consolidated-local",
)
# the shop's Rs 1 payment with a live key (envs/consolidated-live-local.env: the emulator's payer pays
# the link; razorpay_payment_not_captured, razorpay_webhook_without_refund_events and
# checkout_refund_not_sent break the same chain there: selftest/runs/test_live_payment.py)
_register(
    "checkout_webhook_ignored",
    "The shop acknowledges Razorpay's payment.captured webhook with 200 and drops it: a payment made "
    "through a payment link never reaches the order, which stays unpaid.",
    "INT-CHECKOUT-001",
    env="consolidated-live-local",
)
_register(
    "checkout_webhook_not_idempotent",
    "The shop applies a webhook again when Razorpay redelivers it with the same x-razorpay-event-id: "
    "the link's payment is booked twice and a second invoice issued.",
    "INT-CHECKOUT-001",
    env="consolidated-live-local",
)

# --- observability and load -------------------------------------------------------------------
_register(
    "sentry_project_deleted",
    "The Sentry project SENTRY_DSN points at was deleted: ingest refuses its key (403 "
    "ProjectId) and the API no longer finds the project, so errors go nowhere.",
    "OBS-SENTRY-001",
    "OBS-SENTRY-002",
    "OBS-SENTRY-003",
)
_register(
    "error_events_unredacted",
    "The app's Sentry SDK sends request bodies and headers as they are (send_default_pii on, no "
    "scrubbing): passwords and tokens land in the error tracker.",
    "OBS-SENTRY-003",
    env="realserv-local",
)
_register(
    "sentry_fatal_burst_after_deploy",
    "The new release crashes in checkout: a burst of fatal events right after the deploy.",
    "OBS-SENTRY-002",
)
_register(
    "alert_webhook_revoked",
    "The Slack incoming webhook behind ALERT_WEBHOOK_URL was revoked: it answers 404 no_service, "
    "so no alert reaches the channel.",
    "OBS-ALERT-001",
    env="consolidated-local",
)
_register(
    "alert_email_subscription_missing",
    "The alarm topic has no (confirmed) e-mail subscription: alarms reach Slack only.",
    "OBS-ALERT-002",
    env="realserv-local",
)
_register(
    "search_slow_without_index",
    "Catalog search runs without its index: every search takes ~400 ms.",
    "PERF-LAT-001",
    env="inventory-local",
)
_register(
    "search_pool_exhausted_under_load",
    "Catalog search has a 2-connection database pool and no queue: under concurrent load extra "
    "searches fail with 503.",
    "LOAD-RUN-001",
    "LOAD-STRESS-001",
    env="realserv-local",
)

# --- arogya business flows (runbook S1, S3, S4) ----------------------------------------------
_register(
    "entity_type_missing",
    "Arogya's entity master has no manufacturer: the manufacturer sheet (MF-AAP) was never loaded.",
    "DAT-MASTER-002",
    env="arogya-local",
)
_register(
    "product_category_orphan",
    "Arogya product AA-CHY-500 names category WELLNESS (the legacy system's), which the category "
    "master does not have.",
    "DAT-MASTER-003", "DAT-SEQ-001",
    env="arogya-local",
)
_register(
    "product_missing_hsn",
    "Arogya product AA-TRI-060 was loaded with an empty HSN code: invoices cannot carry it.",
    "DAT-MASTER-004",
    env="arogya-local",
)
_register(
    "product_gtin_bad_check_digit",
    "Arogya product AA-TUL-100's GTIN has a typo in its last digit (8907654321026): the check digit "
    "is wrong and no scanner will match it.",
    "DAT-MASTER-004",
    env="arogya-local",
)
_register(
    "user_unknown_entity",
    "An Arogya cashier is mapped to entity FR-HSR, a planned store the entity master does not have.",
    "DAT-MASTER-005", "DAT-SEQ-001",
    env="arogya-local",
)
_register(
    "batch_unknown_product",
    "Arogya's opening stock has a batch of AA-GIL-200, a product the product master does not have "
    "(stock uploaded before its product, out of the runbook's sequence).",
    "DAT-SEQ-001",
    env="arogya-local",
)
_register(
    "aging_report_drops_long_dated",
    "Arogya's aging report stops at one year: stock expiring later is in no bucket, so the buckets "
    "no longer add up to stock on hand.",
    "DAT-AGING-001",
    env="arogya-local",
)
_register(
    "coa_served_as_html",
    "Arogya's COA links open the storage bucket's HTML index page (200 text/html), not the PDF.",
    "DAT-COA-001",
    env="arogya-local",
)
_register(
    "coa_file_missing",
    "The COA PDFs of Arogya product AA-CHY-500 were never uploaded: their links answer 404.",
    "DAT-COA-001",
    env="arogya-local",
)
_register(
    "slab_tier_gap",
    "Arogya's dealer slab for AA-ASH-250 jumps from 1-99 to 101-499: exactly 100 units has no price.",
    "COM-SLAB-001",
    env="arogya-local",
)
_register(
    "slab_tier_overlap",
    "Arogya's franchise slab for AA-TUL-100 has tiers 50-199 and 150+: 150-199 units match two prices.",
    "COM-SLAB-001",
    env="arogya-local",
)
_register(
    "dealer_without_credit_terms",
    "Arogya dealer DL-MYS has a credit limit but no credit terms (days) loaded.",
    "COM-CREDIT-001",
    env="arogya-local",
)
_register(
    "quote_tier_boundary_off_by_one",
    "Arogya's quote picks a slab tier only above its first quantity (> instead of >=): 100 units for a "
    "dealer get the 1-99 price, not the approved 100-499 price.",
    "COM-PRICE-001",
    env="arogya-local",
)
_register(
    "settlement_royalty_stale_rate",
    "Arogya's settlement job uses the old hard-coded 7 % franchise royalty, not the 8 % of the royalty "
    "rules: the draft pays franchise stores too much.",
    "COM-SETTLE-001",
    env="arogya-local",
)
_register(
    "invoice_tax_rounded_on_total",
    "Arogya's invoice tax summary re-computes GST once on the summed taxable value per HSN rate, "
    "while the lines round per line: the totals differ from the sum of line taxes by a paisa.",
    "COM-TAX-001",
    env="arogya-local",
)

# --- inventory system flows ----------------------------------------------------------------------
_register(
    "negative_stock_allowed",
    "POST /api/inventory/adjust applies an adjustment that takes stock below zero (deployed with "
    "ALLOW_NEGATIVE_STOCK=true).",
    "FLOW-ADJUST-001",
    "SEC-SECRETS-004",  # the config report shows ALLOW_NEGATIVE_STOCK=true
    env="inventory-local",
)
_register(
    "audit_row_not_written",
    "POST /api/inventory/adjust changes stock but writes no InventoryAudit row (the migration ran, "
    "the code path that writes the audit was not deployed).",
    "FLOW-ADJUST-002",
    env="inventory-local",
)
_register(
    "transfer_loses_quantity",
    "POST /api/inventory/transfers takes the full quantity from the source location but books one "
    "unit less at the destination.",
    "FLOW-TRANSFER-001",
    env="inventory-local",
)
_register(
    "checkout_deducts_twice",
    "The online store's checkout deducts each line's stock twice (page handler and order hook both "
    "deduct).",
    "FLOW-ORDER-001",
    env="inventory-local",
)
_register(
    "checkout_allows_backorder",
    "The online store's checkout accepts a quantity above the stock on hand and drives it negative.",
    "FLOW-ORDER-003",
    env="inventory-local",
)
_register(
    "audit_open_to_customer",
    "GET /api/inventory/audit answers any signed-in user (customers too), not only admins.",
    "SEC-AUTHZ-001",
    env="inventory-local",
)
_register(
    "stock_race_oversell",
    "Checkout checks stock in one read and deducts later without re-checking: concurrent buyers of "
    "the last units all succeed and stock goes negative.",
    "FLOW-CONC-001",
    env="inventory-local",
)
_register(
    "negative_stock_on_hand",
    "A location holds negative stock (-3 of INV-MAT-04 at STORE-MALL), left by an earlier oversell.",
    "FLOW-STOCK-001",
    env="inventory-local",
)
_register(
    "product_total_drifts",
    "A product's stored on-hand total (INV-LAMP-03) is 5 higher than the sum of its location stock.",
    "FLOW-STOCK-002",
    env="inventory-local",
)
_register(
    "orphan_stock_rows",
    "A product was deleted without its stock and audit rows: a stock row and an InventoryAudit row "
    "name a product (and a location) that no longer exist.",
    "FLOW-STOCK-003",
    env="inventory-local",
)
_register(
    "stock_levels_public",
    "GET /api/inventory/stock answers callers without a token (the route was left out of the "
    "middleware matcher), listing every product's stock per location.",
    "FLOW-SEC-001",
    env="inventory-local",
)
_register(
    "inventory_products_500",
    "GET /api/inventory/products answers 500: the deployed Prisma client selects a column the "
    "production schema does not have.",
    "FLOW-SMOKE-001",
    env="inventory-local",
)
_register(
    "return_restocks_twice",
    "Arogya's returns and cancellations put the goods back into their batches twice (the refund job "
    "restocks as well).",
    "FLOW-ORDER-002",
    env="arogya-local",
)
_register(
    "order_total_ignores_quantity",
    "Arogya's order total adds unit prices without multiplying by quantity: the total differs from "
    "the line sums and the ledger does not balance.",
    "FLOW-ORDER-004",
    env="arogya-local",
)
_register(
    "pos_store_user_unmapped",
    "Arogya's store users were imported without their store mapping: POS login answers 403.",
    "FLOW-POS-001",
    "BRW-POS-001",
    env="arogya-local",
)

# --- whatsapp tracker --------------------------------------------------------------------------
_register(
    "tracker_setup_drops_plus",
    "'setup' stores the family's number as WhatsApp sends it, without the leading '+': the welcome "
    "goes out, but the family's tracker link and every later message find no family.",
    "TRK-BOT-001",
    env="whatsapp_tracker-local",
)
_register(
    "tracker_theme_not_saved",
    "'theme:<name>' answers 'Theme set' but never stores the choice: the family's tracker keeps its "
    "old theme.",
    "TRK-BOT-006",
    env="whatsapp_tracker-local",
)
_register(
    "tracker_streak_skips_today",
    "'streak' counts consecutive attended days ending yesterday (a UTC date for an IST family): "
    "today's attendance is missing from the streak.",
    "TRK-BOT-007",
    env="whatsapp_tracker-local",
)
_register(
    'tracker_webhook_rate_limit_missing',
    'WEBHOOK_RATE_LIMIT_PER_MIN is not applied: one sender can push any number of messages a minute through the bot.',
    'TRK-RATE-001',
    env="whatsapp_tracker-local",
)
_register(
    'tracker_razorpay_rate_limit_missing',
    'RAZORPAY_RATE_LIMIT_PER_MIN is not applied: the payment webhook takes any number of requests a minute.',
    'TRK-RATE-002',
    env="whatsapp_tracker-local",
)
_register(
    'tracker_write_rate_limit_missing',
    'TRACKER_WRITE_RATE_LIMIT_PER_MIN is not applied: one tracker link can save and reset without limit.',
    'TRK-RATE-003',
    env="whatsapp_tracker-local",
)
_register(
    'request_id_missing_on_errors',
    'REQUEST_LOGGING half-configured: x-request-id is set on 2xx/3xx answers only, so a failed request (4xx/5xx) carries no id to quote in the incident log.',
    'TRK-OBS-001',
    env="whatsapp_tracker-local",
)
_register(
    'tracker_verify_token_prefix_match',
    "GET /webhook compares hub.verify_token with startswith: an empty (or any truncated) verify token gets the challenge echoed, so anyone can subscribe a callback.",
    'SEC-WEBHOOK-005',
    env="whatsapp_tracker-local",
)
_register(
    'tracker_webhook_unsigned_accepted',
    "The tracker's POST /webhook verifies X-Hub-Signature-256 only when the header is present: an unsigned delivery drives the bot.",
    'SEC-WEBHOOK-001',
    env="whatsapp_tracker-local",
)
_register(
    'tracker_share_link_unsigned',
    "GET /mytracker/<token> decodes the link's claims without verifying its HMAC (ALLOW_INSECURE_TRACKER behaviour): unsigned and tampered links open any family's tracker.",
    'SEC-WEBHOOK-006',
    env="whatsapp_tracker-local",
)
_register(
    'tracker_phone_not_e164',
    "The sign-up form's phone validation accepts any 6-20 digits (no +, no country code): numbers WhatsApp cannot deliver to are stored.",
    'SEC-INPUT-001',
    env="whatsapp_tracker-local",
)
_register(
    'tracker_internal_report_open',
    "The internal report, tracker-link and outbox endpoints skip the INTERNAL_REPORT_TOKEN check: anyone with the URL reads a family's report.",
    'TRK-TOKEN-001',
    env="whatsapp_tracker-local",
)
_register(
    'tracker_reminder_token_ignored',
    'The reminder endpoint accepts any non-empty X-Reminder-Token: anyone can make the tracker message every family.',
    'TRK-TOKEN-001',
    env="whatsapp_tracker-local",
)
_register(
    'tracker_voice_notes_migration_missing',
    'database_voice_notes_hardening.sql was never applied: the Supabase schema has no voice_notes table.',
    'TRK-MIG-001',
    env="whatsapp_tracker-local",
)
_register(
    'tracker_rls_not_enabled',
    "database_rls_hardening.sql was skipped: the public anon key reads every family's rows and may insert rows.",
    'TRK-MIG-002',
    env="whatsapp_tracker-local",
)
_register(
    'tracker_voice_note_dropped',
    'An inbound voice note is stored but the fallback reply is never sent: the family hears nothing.',
    'TRK-BOT-003',
    env="whatsapp_tracker-local",
)
_register(
    'tracker_bulk_logs_first_day_only',
    "Bulk logging ('attended 3,4,5') stores only the first day: the parser stops at the first comma.",
    'TRK-BOT-002',
    env="whatsapp_tracker-local",
)
_register(
    'tracker_web_save_not_persisted',
    'The /mytracker calendar save answers 200 but writes nothing (the service-role key lacks insert rights and the error is swallowed).',
    'TRK-BOT-002',
    env="whatsapp_tracker-local",
)
_register(
    'tracker_reset_month_keeps_web_days',
    'Reset month deletes only days logged from WhatsApp: days saved on the web calendar survive the reset.',
    'TRK-BOT-002',
    env="whatsapp_tracker-local",
)
_register(
    'tracker_weekly_digest_not_sent',
    'The weekly digest job runs and reports success but sends no message.',
    'TRK-BOT-004',
    env="whatsapp_tracker-local",
)
_register(
    'tracker_reject_invite_grants_access',
    "reject_invite marks the invite accepted: a rejected therapist still gets access to the child's tracker.",
    'TRK-BOT-005',
    env="whatsapp_tracker-local",
)
_register(
    'tracker_pro_link_wrong_amount',
    'go_pro_499 creates a Razorpay payment link for Rs 199 (both plans wired to one price).',
    'TRK-PAY-001',
    env="whatsapp_tracker-local",
)
_register(
    'tracker_payment_webhook_ignored',
    'The Razorpay webhook answers 200 to payment_link.paid but never marks the payment paid: payment_status keeps saying created.',
    'TRK-PAY-001',
    env="whatsapp_tracker-local",
)
_register(
    'tracker_delete_keeps_attendance',
    "Data deletion removes the family's profile row only: attendance, payments and messages stay (no ON DELETE CASCADE).",
    'TRK-DATA-001',
    env="whatsapp_tracker-local",
)

# --- realserv end-to-end flows ----------------------------------------------------------------
_register(
    "whatsapp_bot_menu_unanswered",
    "RealServ's WhatsApp bot only recognises the template button's 'MENU' payload: a buyer who types "
    "'hi' gets no answer and the conversation never starts.",
    "MKT-BOT-001",
    env="realserv-local",
)
_register(
    "integration_subscription_not_persisted",
    "IntegrationService answers 201 to a new webhook subscription but never saves it: reading it back "
    "finds nothing and partners receive no events.",
    "MKT-DATA-001",
    env="realserv-local",
)
_register(
    "order_whatsapp_not_sent",
    "RealServ's NotificationService drops the WhatsApp message of a paid order (template not "
    "approved in production): only the e-mail is sent.",
    "MKT-BUY-001",
    env="realserv-local",
)
_register(
    "order_total_stale_price",
    "RealServ's OrderService totals orders from a stale cached price list: an order's total is Rs 1 "
    "more than its line items.",
    "MKT-BUY-001",
    env="realserv-local",
)
_register(
    "refund_leaves_order_paid",
    "A refund goes through at Razorpay, but the order is left 'cancelled' instead of 'refunded': "
    "order and payment records disagree.",
    "MKT-REFUND-001",
    env="realserv-local",
)
# the live Rs 1 payment (envs/realserv-live-local.env: a live key, the emulator's payer pays the link)
_register(
    "razorpay_payment_not_captured",
    "The Razorpay account does not capture automatically: the payment a person makes through the Rs 1 "
    "payment link stays 'authorized' (Razorpay refunds it after days) and no payment.captured is sent.",
    "MKT-REFUND-001",
    env="realserv-live-local",
)
_register(
    "market_webhook_ignored",
    "RealServ's PaymentService acknowledges Razorpay's payment.captured webhook with 200 and drops it "
    "(subscribed to order.paid only): a payment made through a link never reaches the order.",
    "MKT-REFUND-001",
    env="realserv-live-local",
)
_register(
    "market_webhook_not_idempotent",
    "RealServ's PaymentService applies a webhook again when Razorpay redelivers it with the same "
    "x-razorpay-event-id: the payment is booked twice and the buyer told twice.",
    "MKT-REFUND-001",
    env="realserv-live-local",
)
_register(
    "market_webhook_leaves_order_unpaid",
    "RealServ's PaymentService records the captured payment from the webhook but never marks the "
    "order paid: the buyer paid for an order that stays 'created'.",
    "MKT-REFUND-001",
    env="realserv-live-local",
)
_register(
    "market_webhook_notifies_nobody",
    "RealServ's PaymentService marks the order paid from the webhook without queueing the buyer's "
    "e-mail and WhatsApp notifications.",
    "MKT-REFUND-001",
    env="realserv-live-local",
)
_register(
    "market_refund_fails",
    "RealServ's refund of a paid order fails at Razorpay (the amount is sent in rupees): the admin's "
    "cancel answers 502 and the buyer's money stays captured.",
    "MKT-REFUND-001",
    env="realserv-live-local",
)
_register(
    "razorpay_webhook_without_refund_events",
    "The Razorpay account's webhook is not subscribed to refund.processed: the system never learns "
    "that a refund was processed.",
    "MKT-REFUND-001",
    env="realserv-live-local",
)
_register(
    "kyc_approval_not_applied",
    "The admin's KYC approval answers 200 but is never saved: approved vendors stay 'submitted' and "
    "cannot list products.",
    "MKT-VENDOR-001",
    env="realserv-local",
)
_register(
    "role_change_not_applied",
    "Assigning a role writes the profile but not the Firebase custom claim: the user's new tokens "
    "keep the old role.",
    "MKT-ROLE-001",
    env="realserv-local",
)

# --- security on every flavor ---
_register(
    "shop_order_loaded_by_id_only",
    "The inventory store's order routes load an order by id alone (findUnique without the customer): "
    "any signed-in customer reads and cancels another customer's order by changing the id in the URL.",
    "SEC-AUTHZ-002",
    "SEC-AUTHZ-003",
    env="inventory-local",
)
_register(
    "store_orders_not_scoped",
    "Arogya's order routes lost their store filter: a store user lists, reads and cancels the orders "
    "of every store, not just their own store's.",
    "SEC-AUTHZ-002",
    "SEC-AUTHZ-003",
    env="arogya-local",
)
_register(
    "flavor_razorpay_signature_skipped",
    "RealServ's PaymentService left a \"temporary\" bypass in its Razorpay webhook: any "
    "X-Razorpay-Signature (or none) is accepted, so forged payment.captured events mark orders paid.",
    "SEC-WEBHOOK-001",
    "SEC-WEBHOOK-002",
    env="realserv-local",
)
_register(
    "flavor_whatsapp_unsigned_events_accepted",
    "RealServ's NotificationService verifies X-Hub-Signature-256 only when the header is present: a "
    "WhatsApp event without it is trusted.",
    "SEC-WEBHOOK-001",
    env="realserv-local",
)
_register(
    "inventory_adjust_guard_names_unknown_role",
    "A role rename left POST /api/inventory/adjust guarded by 'inventory_manager', a role no account "
    "has: the admin gets 403 and stock can no longer be adjusted by anyone.",
    "SEC-AUTHZ-001",
    env="inventory-local",
)
_register(
    "flavor_razorpay_test_keys",
    "Arogya's API was deployed with the staging secrets: RAZORPAY_KEY_ID is an rzp_test_ key, so "
    "production checkouts go to Razorpay's test mode and no money is collected.",
    "SEC-SECRETS-002",
    env="arogya-local",
)
_register(
    "consolidated_node_env_not_production",
    "The consolidated Node API runs with NODE_ENV=development in production (verbose errors, dev "
    "middleware, no production optimisations).",
    "SEC-SECRETS-004",
    env="consolidated-local",
)
_register(
    "realserv_razorpay_test_keys",
    "PaymentService's Razorpay key id in Secrets Manager is still the rzp_test_ one: its health "
    "check reports the test account mode.",
    "SEC-SECRETS-002",
    env="realserv-local",
)
_register(
    "flavor_phone_validation_digits_only",
    "RealServ's phone rule was written as \"at least 10 digits\" instead of E.164: 9876543210, "
    "(987) 654-3210 x12 and other non-E.164 numbers pass FluentValidation.",
    "SEC-INPUT-001",
    env="realserv-local",
)
_register(
    "flavor_upload_limit_after_buffering",
    "RealServ's VendorService enforces the 100 MB limit in the storage client, after ASP.NET buffered "
    "the whole request: an oversize upload is read completely before the 413.",
    "SEC-INPUT-003",
    env="realserv-local",
)
_register(
    "flavor_objects_loaded_by_id_only",
    "The consolidated shop loads an order by its id alone (no owner filter): any signed-in customer "
    "reads, changes and deletes another customer's order (BOLA).",
    "SEC-AUTHZ-002",
    "SEC-AUTHZ-003",
    env="consolidated-local",
)
_register(
    "flavor_profile_update_mass_assignment",
    "IdentityService binds PATCH /api/users/me straight onto the user entity: a customer sends "
    "{\"role\": \"admin\"} and becomes an admin.",
    "SEC-AUTHZ-004",
    env="realserv-local",
)

# --- the commerce API in other login styles and API shapes (SANDBOX_LOGIN, SANDBOX_LIST_ENVELOPE,
# SANDBOX_BODY_FIRST; envs/local-<style>.env). The session style's CSRF check has no fault: no golive
# check probes CSRF yet, and a fault nothing can catch would only break the matrix.
_register(
    "form_login_user_enumeration",
    "The OAuth2 password form login answers an unknown username 404 \"No such user\" at once, a wrong "
    "password 401.",
    "SEC-AUTH-008",
    env="local-form",
)
_register(
    "session_admin_route_open",
    "In the session-cookie API, GET /api/admin/users lost its guard: it answers 200 without a session.",
    "SEC-AUTH-002",
    env="local-session",
)
_register(
    "session_login_rate_limit_missing",
    "The session login form accepts any number of failed attempts (no 429 per client and username).",
    "SEC-AUTH-009",
    env="local-session",
)
_register(
    "basic_default_admin_password",
    "The HTTP Basic API still has the installer's account administrator/admin (role admin).",
    "SEC-EXPOSE-007",
    env="local-basic",
)
_register(
    "basic_failed_attempts_unlimited",
    "Wrong HTTP Basic credentials are answered 401 forever: password guessing is never limited.",
    "SEC-AUTH-009",
    env="local-basic",
)
_register(
    "api_key_role_ignored",
    "GET /api/admin/users accepts any valid API key: the key's user's role is never compared.",
    "SEC-AUTHZ-001",
    env="local-token",
)
_register(
    "envelope_orders_not_scoped",
    "The JSON API that wraps lists in {\"data\": [...]} and answers 404 for other users' orders loads "
    "GET/PATCH/DELETE /api/orders/{id} by id alone: any signed-in user reads and changes others' orders.",
    "SEC-AUTHZ-002",
    "SEC-AUTHZ-003",
    env="local-jsonapi",
)
_register(
    "bodyfirst_admin_route_open",
    "The JSON API that validates write bodies before the credential lost the guard of "
    "GET /api/admin/users: it answers 200 without a token.",
    "SEC-AUTH-002",
    env="local-jsonapi",
)
