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

    def as_json(self) -> dict[str, object]:
        return {"name": self.name, "description": self.description, "checks": list(self.checks)}


CATALOG: dict[str, Fault] = {}


def _register(name: str, description: str, *checks: str) -> None:
    if name in CATALOG:
        raise ValueError(f"fault {name!r} registered twice")
    if not checks:
        raise ValueError(f"fault {name!r} must name at least one check id")
    CATALOG[name] = Fault(name, description, tuple(checks))


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
