"""Sandbox configuration, read only from environment variables (see sandbox/README.md)."""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from sandbox import env_groups
from sandbox.faults import ActiveFaults, UnknownFaultError

ROLES: tuple[str, ...] = ("admin", "manager", "cashier", "superadmin")
#: accounts seeded only when their password is set (username -> role): the second-factor
#: superadmin and a second cashier, so object-level checks have two users of one role
OPTIONAL_USERS: dict[str, str] = {"superadmin": "superadmin", "cashier2": "cashier"}
#: roles whose password login must be completed with a TOTP code
MFA_ROLES: tuple[str, ...] = ("superadmin",)

#: webhook, share-link and input-limit settings read by sandbox/routes/webhooks.py and
#: sandbox/routes/inputs.py; an unset secret makes its endpoint refuse every request
FEATURE_ENV: tuple[str, ...] = (
    "SANDBOX_RAZORPAY_WEBHOOK_SECRET", "SANDBOX_WHATSAPP_APP_SECRET", "SANDBOX_WHATSAPP_VERIFY_TOKEN",
    "SANDBOX_TWILIO_AUTH_TOKEN", "SANDBOX_SENDGRID_PUBLIC_KEY", "SANDBOX_TRACKER_SHARE_SECRET",
    "SANDBOX_UPLOAD_LIMIT_MB", "SANDBOX_MAX_JSON_BODY_KB",
    # the API key RealServ's gateway issues to the mobile apps (sandbox/routes/gateway.py)
    "SANDBOX_GATEWAY_API_KEY",
    # the S3 emulator's one accepted access key (sandbox/emulators/s3.py)
    "SANDBOX_S3_ACCESS_KEY_ID", "SANDBOX_S3_SECRET_ACCESS_KEY",
    # observability emulators and the app's error trigger (sandbox/emulators/sentry.py, alerts.py)
    "SANDBOX_SENTRY_PUBLIC_KEY", "SANDBOX_SENTRY_AUTH_TOKEN", "SANDBOX_ALERTS_TOKEN", "SANDBOX_DEBUG_TOKEN",
    # the provider accounts the emulators (sandbox/emulators/) accept: unset refuses every call
    "SANDBOX_RAZORPAY_KEY_ID", "SANDBOX_RAZORPAY_KEY_SECRET", "SANDBOX_TWILIO_ACCOUNT_SID",
    # the Razorpay account's webhook (a path on this process) and the person who pays its payment links
    "SANDBOX_RAZORPAY_WEBHOOK_PATH", "SANDBOX_RAZORPAY_PAYER_DELAY_S",
    "SANDBOX_TWILIO_VERIFY_SERVICE_SID", "SANDBOX_TWILIO_TEST_NUMBER", "SANDBOX_TWILIO_TEST_CODE",
    "SANDBOX_SENDGRID_API_KEY", "SANDBOX_WHATSAPP_ACCESS_TOKEN", "SANDBOX_WHATSAPP_PHONE_NUMBER_ID",
    "SANDBOX_WHATSAPP_BUSINESS_NUMBER", "SANDBOX_SHIPROCKET_EMAIL", "SANDBOX_SHIPROCKET_PASSWORD",
    "SANDBOX_SHIPROCKET_PICKUP_LOCATION", "SANDBOX_MAPS_API_KEY",
    # a second Firebase project (RealServ flavor): its ID tokens must be refused by the services
    "SANDBOX_FIREBASE_OTHER_PROJECT", "SANDBOX_FIREBASE_OTHER_API_KEY",
    # the WhatsApp tracker's service tokens and Supabase keys (sandbox/tracker/)
    "SANDBOX_TRACKER_INTERNAL_REPORT_TOKEN", "SANDBOX_TRACKER_REMINDER_TOKEN",
    "SANDBOX_SUPABASE_SERVICE_ROLE", "SANDBOX_SUPABASE_ANON_KEY",
    # free ports golive picked for the database/Redis stand-ins a security-group fault exposes
    "SANDBOX_DB_PUBLIC_PORT", "SANDBOX_REDIS_PUBLIC_PORT",
    # RealServ NotificationService's internal token: reads its WhatsApp bot's outbox (sandbox/realserv_bot.py)
    "SANDBOX_REALSERV_INTERNAL_TOKEN",
)

#: the env vars /health/ready reports as ``checks.env``
REQUIRED_ENV: tuple[str, ...] = (
    "SANDBOX_JWT_SECRET",
    "SANDBOX_ADMIN_PASSWORD",
    "SANDBOX_MANAGER_PASSWORD",
    "SANDBOX_CASHIER_PASSWORD",
)

#: what each non-commerce flavor needs to be ready (the commerce flavor needs REQUIRED_ENV);
#: the tracker stands in for a service that refuses readiness without its WhatsApp credentials
FLAVOR_REQUIRED_ENV: dict[str, tuple[str, ...]] = {
    "whatsapp_tracker": ("SANDBOX_WHATSAPP_APP_SECRET", "SANDBOX_WHATSAPP_VERIFY_TOKEN"),
    "consolidated": ("SANDBOX_JWT_SECRET", "SANDBOX_USERS"),
    "arogya": ("SANDBOX_JWT_SECRET", "SANDBOX_USERS"),
    "inventory": ("SANDBOX_JWT_SECRET", "SANDBOX_USERS"),
    "realserv": ("SANDBOX_USERS", "SANDBOX_FIREBASE_PROJECT", "SANDBOX_FIREBASE_API_KEY"),
}

DEFAULT_ALLOWED_ORIGINS = "https://admin.sandbox.test,https://pos.sandbox.test"
DEFAULT_FLAVOR = "commerce"

#: how the commerce flavor's users sign in (SANDBOX_LOGIN), see sandbox/login_styles.py: a JSON login
#: issuing JWTs (the default), the OAuth2 password form, a server-side session cookie with CSRF, HTTP
#: Basic on every request, pre-issued API keys per user (SANDBOX_<USER>_API_KEY), or the session API
#: behind a login page whose script signs in (browser: no plain request replicates it)
LOGIN_STYLES: tuple[str, ...] = ("json", "form", "session", "basic", "token", "browser")
#: the styles whose API reads a server-side session cookie (with Django-style CSRF)
SESSION_STYLES: tuple[str, ...] = ("session", "browser")
#: SANDBOX_LIST_ENVELOPE: list answers wrapped in an object under this key ({"data": [...]})
LIST_ENVELOPE_KEYS: tuple[str, ...] = ("data", "items", "results")

#: what plain ``python -m sandbox`` fills in, so a person can try it without any setup
STANDALONE_DEFAULTS: dict[str, str] = {
    "SANDBOX_ADMIN_PASSWORD": "admin-demo",
    "SANDBOX_MANAGER_PASSWORD": "manager-demo",
    "SANDBOX_CASHIER_PASSWORD": "cashier-demo",
}

_UNITS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}
_RATE_RE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*(second|minute|hour|day)s?\s*$")
_SCHEMA_RE = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


class ConfigError(ValueError):
    """A configuration value the sandbox cannot run with (the CLI exits 2)."""


@dataclass(frozen=True)
class FlavorUser:
    """An e-mail login of a non-commerce flavor; ``password`` None means the account is disabled."""

    email: str
    role: str
    password: str | None = field(repr=False)


def parse_users(spec: str | None, env: Mapping[str, str]) -> tuple[FlavorUser, ...]:
    """``SANDBOX_USERS=email:role:PASSWORD_VAR,...``: the password is read from the named variable,
    so the user list can be shown while the passwords stay in variables that get redacted."""
    users = []
    for entry in (spec or "").split(","):
        if not entry.strip():
            continue
        parts = [part.strip() for part in entry.split(":")]
        if len(parts) != 3 or not all(parts) or "@" not in parts[0]:
            raise ConfigError(f"SANDBOX_USERS entry {entry.strip()!r}: expected email:role:PASSWORD_VARIABLE")
        email, role, variable = parts
        users.append(FlavorUser(email.lower(), role, env.get(variable, "").strip() or None))
    return tuple(users)


@dataclass(frozen=True)
class RateLimit:
    limit: int
    window_seconds: int

    @classmethod
    def parse(cls, text: str, var: str) -> RateLimit:
        """``30/minute``, ``600/minute``, ``5/second``, ``100/10minutes`` ..."""
        match = _RATE_RE.match(text)
        if not match:
            raise ConfigError(f"{var}={text!r}: expected <count>/<second|minute|hour|day>")
        count, multiple, unit = int(match.group(1)), match.group(2), match.group(3)
        window = (int(multiple) if multiple else 1) * _UNITS[unit]
        if count < 1 or window < 1:
            raise ConfigError(f"{var}={text!r}: count and window must be positive")
        return cls(count, window)

    def __str__(self) -> str:
        return f"{self.limit}/{self.window_seconds}s"


@dataclass(frozen=True)
class Settings:
    jwt_secret: str
    #: username -> password; the seeded usernames equal their role names (see OPTIONAL_USERS)
    passwords: Mapping[str, str | None]
    flavor: str = DEFAULT_FLAVOR
    faults: ActiveFaults = field(default_factory=ActiveFaults)
    database_url: str | None = None
    db_schema: str | None = None
    allowed_origins: tuple[str, ...] = tuple(DEFAULT_ALLOWED_ORIGINS.split(","))
    login_rate: RateLimit = RateLimit(30, 60)
    api_rate: RateLimit = RateLimit(600, 60)
    #: GET /api/rate-probe: a small limit of its own, so a rate-limit check is quick and isolated
    rate_probe_rate: RateLimit = RateLimit(5, 2)
    redis_url: str | None = None
    #: username -> base32 TOTP seed of the MFA roles' accounts (SANDBOX_<USER>_TOTP_SECRET)
    totp_secrets: Mapping[str, str] = field(default_factory=dict)
    #: the credential /internal/* callers must present in X-Service-Token
    service_token: str | None = None
    #: FEATURE_ENV values that are set (name -> value)
    feature_env: Mapping[str, str] = field(default_factory=dict)
    #: required env vars that were not set (reported by /health/ready as checks.env = false)
    missing_env: tuple[str, ...] = ()
    #: e-mail logins of the non-commerce flavors (SANDBOX_USERS)
    users: tuple[FlavorUser, ...] = ()
    #: the RealServ flavor's Firebase project id and Web API key
    firebase_project: str = "golive-sandbox"
    firebase_api_key: str | None = None
    #: what the running build reports about itself (SANDBOX_RELEASE, SANDBOX_RELEASE_COMMIT); a build
    #: nobody stamped reports what an unstamped dev build does
    release: str = "0.0.0-dev"
    release_commit: str = "unknown"
    #: the deployment variables of sandbox/env_groups.py that are set (readiness reports their groups)
    configured_env: frozenset[str] = frozenset()
    #: distinguishes parallel sandboxes (Postgres schema, Redis keys)
    instance_id: str = field(default_factory=lambda: secrets.token_hex(6))
    #: the commerce flavor's login style (LOGIN_STYLES)
    login_style: str = "json"
    #: username -> pre-issued API key (login style "token")
    api_keys: Mapping[str, str] = field(default_factory=dict)
    #: the key list answers are wrapped under ({"data": [...]}); None: bare JSON lists
    list_envelope: str | None = None
    #: write endpoints parse the body before they look at the credential (many Flask/Express APIs do)
    body_first: bool = False
    host: str = "127.0.0.1"
    #: the TCP port we serve on; None until known (tests without a socket fall back to the
    #: port in the ASGI scope)
    port: int | None = None

    def with_port(self, host: str, port: int) -> Settings:
        return replace(self, host=host, port=port)

    @property
    def schema_name(self) -> str:
        return self.db_schema or f"sandbox_{self.instance_id}"

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Settings:
        """Build settings from an environment mapping; raises ConfigError on bad values."""

        def get(name: str) -> str | None:
            value = env.get(name, "").strip()
            return value or None

        flavor = get("SANDBOX_FLAVOR") or DEFAULT_FLAVOR
        required = FLAVOR_REQUIRED_ENV.get(flavor, REQUIRED_ENV)
        login_style = (get("SANDBOX_LOGIN") or "json").lower()
        if login_style not in LOGIN_STYLES:
            raise ConfigError(f"SANDBOX_LOGIN={login_style!r}: expected one of {', '.join(LOGIN_STYLES)}")
        if login_style == "token":  # API keys replace the JWT secret and the admin's password
            required = ("SANDBOX_ADMIN_API_KEY", *(name for name in required if name != "SANDBOX_JWT_SECRET"))
        envelope = get("SANDBOX_LIST_ENVELOPE")
        if envelope is not None and envelope not in LIST_ENVELOPE_KEYS:
            raise ConfigError(f"SANDBOX_LIST_ENVELOPE={envelope!r}: expected one of {', '.join(LIST_ENVELOPE_KEYS)}")
        body_first = (get("SANDBOX_BODY_FIRST") or "false").lower()
        if body_first not in ("true", "false", "1", "0"):
            raise ConfigError(f"SANDBOX_BODY_FIRST={body_first!r}: expected true or false")
        missing = tuple(name for name in required if get(name) is None)
        try:
            faults = ActiveFaults.parse(env.get("SANDBOX_FAULTS"))
        except UnknownFaultError as exc:
            raise ConfigError(str(exc)) from exc
        # a deploy that lost variables (release faults) starts without them, like the real one would
        lost = env_groups.unset_by_faults(faults.names)
        env = {name: value for name, value in env.items() if name not in lost}

        schema = get("SANDBOX_DB_SCHEMA")
        if schema is not None and not _SCHEMA_RE.match(schema):
            raise ConfigError(f"SANDBOX_DB_SCHEMA={schema!r}: use lower-case letters, digits, _")

        origins = tuple(
            o.strip().rstrip("/") for o in (get("SANDBOX_ALLOWED_ORIGINS") or DEFAULT_ALLOWED_ORIGINS).split(",")
            if o.strip()
        )
        return cls(
            # Without a configured secret the process still starts (so /health/ready can say
            # what is wrong) but signs with a random, unguessable key.
            jwt_secret=get("SANDBOX_JWT_SECRET") or secrets.token_urlsafe(48),
            passwords={name: get(f"SANDBOX_{name.upper()}_PASSWORD") for name in (*ROLES, *OPTIONAL_USERS)},
            flavor=flavor,
            faults=faults,
            database_url=get("SANDBOX_DATABASE_URL"),
            db_schema=schema,
            allowed_origins=origins,
            login_rate=RateLimit.parse(get("SANDBOX_LOGIN_RATE_LIMIT") or "30/minute", "SANDBOX_LOGIN_RATE_LIMIT"),
            api_rate=RateLimit.parse(get("SANDBOX_API_RATE_LIMIT") or "600/minute", "SANDBOX_API_RATE_LIMIT"),
            rate_probe_rate=RateLimit.parse(get("SANDBOX_RATE_PROBE_LIMIT") or "5/2seconds", "SANDBOX_RATE_PROBE_LIMIT"),
            redis_url=get("SANDBOX_REDIS_URL"),
            totp_secrets={
                name: secret for name in MFA_ROLES if (secret := get(f"SANDBOX_{name.upper()}_TOTP_SECRET"))
            },
            service_token=get("SANDBOX_SERVICE_TOKEN"),
            feature_env={name: value for name in FEATURE_ENV if (value := get(name))},
            missing_env=missing,
            users=parse_users(get("SANDBOX_USERS"), env),
            firebase_project=get("SANDBOX_FIREBASE_PROJECT") or "golive-sandbox",
            firebase_api_key=get("SANDBOX_FIREBASE_API_KEY"),
            release=get("SANDBOX_RELEASE") or "0.0.0-dev",
            release_commit=get("SANDBOX_RELEASE_COMMIT") or "unknown",
            configured_env=env_groups.configured(env),
            login_style=login_style,
            api_keys={name: key for name in (*ROLES, *OPTIONAL_USERS)
                      if (key := get(f"SANDBOX_{name.upper()}_API_KEY"))},
            list_envelope=envelope,
            body_first=body_first in ("true", "1"),
        )
