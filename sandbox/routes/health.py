"""Health endpoints: liveness (no DB), readiness (real query + env), DB ping; Node-style aliases."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from sandbox import env_groups
from sandbox.release import ReleaseIdentity
from sandbox.runtime import SandboxState, state_of
from sandbox.settings import Settings

SLOW_HEALTH_SECONDS = 1.2
# flavors whose readiness reports read-replica lag, the lag of a healthy replica, and that of a
# replica whose apply stalled behind a long migration (fault replica_lag_high)
REPLICA_FLAVORS = frozenset({"consolidated"})
REPLICA_LAG_HEALTHY_S = 0.4
REPLICA_LAG_STALLED_S = 420.0
# fault liveness_flaps: an instance that falls over for a few seconds, over and over (a crash loop
# behind a load balancer): up for FLAP_PERIOD_S - FLAP_DOWN_S, then down for FLAP_DOWN_S
FLAP_PERIOD_S = 8.0
FLAP_DOWN_S = 3.0


def flapped_down(elapsed_s: float) -> bool:
    """Whether a flapping instance is down this far (seconds) into its life: the last part of each period."""
    return elapsed_s % FLAP_PERIOD_S >= FLAP_PERIOD_S - FLAP_DOWN_S


def build_router(settings: Settings) -> APIRouter:
    faults = settings.faults
    router = APIRouter(tags=["health"])
    # liveness answers say which build runs (version, commit), like a stamped production build
    release = ReleaseIdentity(settings)
    born = time.monotonic()

    async def maybe_slow() -> None:
        if faults.active("slow_health"):
            await asyncio.sleep(SLOW_HEALTH_SECONDS)

    async def live() -> JSONResponse:
        await maybe_slow()
        if faults.active("liveness_down"):
            return JSONResponse({"status": "down"}, status_code=503)
        if faults.active("liveness_flaps") and flapped_down(time.monotonic() - born):
            return JSONResponse({"status": "down"}, status_code=503)
        return JSONResponse({"status": "ok", **release.fields()})

    async def ready(request: Request) -> JSONResponse:
        await maybe_slow()
        state = state_of(request)
        checks: dict[str, bool] = {"env": not state.settings.missing_env}
        if not faults.active("readiness_skips_db"):
            checks["db"] = await _db_ok(state)
        ready_now = all(checks.values())
        body: dict[str, Any] = {"ready": ready_now, "checks": dict(sorted(checks.items()))}
        # which deployment variable groups are set (names only); a go-live decides which it needs
        if state.settings.flavor in env_groups.REPORTING_FLAVORS:
            body["checks"]["env_groups"] = env_groups.report(state.settings.configured_env)
        # the consolidated deployment reads from a database replica: how far it trails the primary
        # (a measurement, not a pass/fail: the go-live decides the acceptable lag)
        if state.settings.flavor in REPLICA_FLAVORS:
            lagging = faults.active("replica_lag_high")
            body["checks"]["db_replica_lag_s"] = REPLICA_LAG_STALLED_S if lagging else REPLICA_LAG_HEALTHY_S
        return JSONResponse(body, status_code=200 if ready_now else 503)

    async def db(request: Request) -> JSONResponse:
        await maybe_slow()
        try:
            latency_ms = await run_in_threadpool(state_of(request).db.ping)
        except Exception as exc:  # any failure means "not ok"
            # the class name only: driver messages carry hosts, users, DSNs
            return JSONResponse({"status": "error", "error": type(exc).__name__}, status_code=503)
        return JSONResponse({"status": "ok", "latency_ms": round(latency_ms, 3),
                             "migrations": release.migrations()})

    router.add_api_route("/health/live", live, methods=["GET"])
    router.add_api_route("/health/ready", ready, methods=["GET"])
    router.add_api_route("/health/db", db, methods=["GET"])
    # aliases for the Node-style systems; they name the release, never server software versions
    router.add_api_route("/api/health", live, methods=["GET"])
    router.add_api_route("/api/health/db", db, methods=["GET"])
    return router


async def _db_ok(state: SandboxState) -> bool:
    try:
        await run_in_threadpool(state.db.ready_query)
    except Exception:  # any failure means "not ready"
        return False
    return True
