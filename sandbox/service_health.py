"""RealServ's per-service /health: an ASP.NET Core health-check report of every dependency.

Each of the seven services checks its own PostgreSQL database (realserv_<service>_db), the shared
Redis cluster and the providers it talks to (Firebase Auth, Razorpay, WhatsApp, Google Maps,
S3). ASP.NET Core answers 503 when a check is Unhealthy and 200 when the worst is Degraded, so a
degraded provider hides behind a 200: only the report's entries tell.
"""

from __future__ import annotations

import time
from typing import Any

from fastapi.responses import JSONResponse

from sandbox.release import ReleaseIdentity
from sandbox.settings import Settings

#: the dependency checks every service registers, in the order the report lists them
DEPENDENCIES: tuple[str, ...] = ("database", "redis", "firebase", "razorpay", "whatsapp", "maps", "s3")
_RANK = {"Healthy": 0, "Degraded": 1, "Unhealthy": 2}


def database_name(service: str) -> str:
    return f"realserv_{service}_db"


def _entry_status(service: str, dependency: str, settings: Settings) -> tuple[str, str]:
    """(status, description) of one dependency check of one service."""
    faults = settings.faults
    if dependency == "database" and service == "order" and faults.active("realserv_order_db_down"):
        return "Unhealthy", "Npgsql: connection refused (the RDS instance is unreachable)"
    if dependency == "redis" and faults.active("realserv_redis_down"):
        return "Unhealthy", "StackExchange.Redis: no connection is active (ElastiCache unreachable)"
    if dependency == "maps" and service == "integration" and faults.active("realserv_maps_check_degraded"):
        return "Degraded", "Google Maps Geocoding API answered REQUEST_DENIED (API key restricted)"
    return "Healthy", ""


def report(service: str, settings: Settings, release: ReleaseIdentity) -> JSONResponse:
    started = time.perf_counter()
    entries: dict[str, dict[str, Any]] = {}
    for dependency in DEPENDENCIES:
        status, description = _entry_status(service, dependency, settings)
        entry: dict[str, Any] = {"status": status, "description": description, "data": {}}
        if dependency == "database":
            entry["data"] = {"database": database_name(service), "migrations": release.migrations()}
        elif dependency == "razorpay":
            # the Razorpay check says which account mode the configured key id belongs to
            test_keys = settings.faults.active("realserv_razorpay_test_keys")
            entry["data"] = {"mode": "test" if test_keys else "live",
                             "keyIdPrefix": "rzp_test_" if test_keys else "rzp_live_"}
        entries[dependency] = entry
    overall = max((entry["status"] for entry in entries.values()), key=_RANK.__getitem__)
    elapsed = time.perf_counter() - started
    body = {
        "status": overall,
        "service": service,
        **release.fields(),
        "totalDuration": f"00:00:{elapsed:09.7f}",
        "entries": entries,
    }
    return JSONResponse(body, status_code=503 if overall == "Unhealthy" else 200)
