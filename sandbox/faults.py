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

    def as_json(self) -> dict[str, object]:
        entry: dict[str, object] = {"name": self.name, "description": self.description, "checks": list(self.checks)}
        if self.env != "local":  # optional key: consumers default to "local"
            entry["env"] = self.env
        return entry


CATALOG: dict[str, Fault] = {}


def _register(name: str, description: str, *checks: str, env: str = "local") -> None:
    if name in CATALOG:
        raise ValueError(f"fault {name!r} registered twice")
    if not checks:
        raise ValueError(f"fault {name!r} must name at least one check id")
    CATALOG[name] = Fault(name, description, tuple(checks), env)


# --- infrastructure / health -----------------------------------------------------------------
_register(
    "liveness_down",
    "/health/live (and /api/health) answers 503 {\"status\":\"down\"}.",
    "INF-HEALTH-001",
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
_register("password_hash_exposed",
          "GET /api/admin/users serialises the user rows with their password hashes.", "SEC-AUTHZ-005")
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

# --- object storage and backups ----------------------------------------------------------------

# --- provider integrations and payments ------------------------------------------------------

# --- observability and load -------------------------------------------------------------------

# --- arogya business flows (runbook S1, S3, S4) ----------------------------------------------

# --- inventory system flows ----------------------------------------------------------------------

# --- whatsapp tracker --------------------------------------------------------------------------

# --- realserv end-to-end flows ----------------------------------------------------------------
