"""Which groups of deployment variables this process runs with, as readiness reports them.

A go-live runbook asks "backend env set: DB, JWT, CORS, Razorpay, Twilio, SendGrid, Shiprocket,
AWS S3": readiness answers per group whether every variable of the group is set (names only,
never values). The release faults start the process as a deploy that lost variables would.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

#: group -> the variables the sandbox needs for it (the SANDBOX_* spelling of the app's env)
GROUPS: dict[str, tuple[str, ...]] = {
    "JWT": ("SANDBOX_JWT_SECRET",),
    "CORS": ("SANDBOX_ALLOWED_ORIGINS",),
    "Razorpay": ("SANDBOX_RAZORPAY_KEY_ID", "SANDBOX_RAZORPAY_KEY_SECRET", "SANDBOX_RAZORPAY_WEBHOOK_SECRET"),
    "Twilio": ("SANDBOX_TWILIO_ACCOUNT_SID", "SANDBOX_TWILIO_AUTH_TOKEN", "SANDBOX_TWILIO_VERIFY_SERVICE_SID"),
    "SendGrid": ("SANDBOX_SENDGRID_API_KEY",),
    "Shiprocket": ("SANDBOX_SHIPROCKET_EMAIL", "SANDBOX_SHIPROCKET_PASSWORD"),
    "AWS_S3": ("SANDBOX_S3_ACCESS_KEY_ID", "SANDBOX_S3_SECRET_ACCESS_KEY"),
    "Sentry": ("SANDBOX_SENTRY_PUBLIC_KEY",),
    "Alerts": ("SANDBOX_ALERTS_TOKEN",),
}

#: the flavors whose readiness lists the groups; the tracker's runbook fixes its readiness body to
#: exactly ready, checks.env and checks.db
REPORTING_FLAVORS: frozenset[str] = frozenset({"commerce", "consolidated", "arogya", "inventory"})

#: release fault -> the variables that deploy lost
UNSET_BY_FAULT: dict[str, tuple[str, ...]] = {
    "env_shiprocket_credentials_unset": GROUPS["Shiprocket"],
    "env_sentry_dsn_unset": GROUPS["Sentry"],
}


def unset_by_faults(active: Iterable[str]) -> frozenset[str]:
    """The variables the active faults' deploy lost."""
    return frozenset(name for fault in active for name in UNSET_BY_FAULT.get(fault, ()))


def configured(env: Mapping[str, str]) -> frozenset[str]:
    """The names of the group variables that are set (non-blank)."""
    wanted = {name for names in GROUPS.values() for name in names}
    return frozenset(name for name in wanted if env.get(name, "").strip())


def report(configured_names: frozenset[str]) -> dict[str, bool]:
    """{group: every variable of it set}. The database is readiness's own ``checks.db`` (reached,
    not just configured: the sandbox falls back to a built-in SQLite database when unset)."""
    return {group: all(name in configured_names for name in names) for group, names in GROUPS.items()}
