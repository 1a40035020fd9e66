"""Health endpoints: liveness (no DB), readiness (real query + env), DB ping; Node-style aliases."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from sandbox.runtime import SandboxState, state_of
from sandbox.settings import Settings

SLOW_HEALTH_SECONDS = 1.2


def build_router(settings: Settings) -> APIRouter:
    faults = settings.faults
    router = APIRouter(tags=["health"])

    async def maybe_slow() -> None:
        if faults.active("slow_health"):
            await asyncio.sleep(SLOW_HEALTH_SECONDS)

    async def live() -> JSONResponse:
        await maybe_slow()
        if faults.active("liveness_down"):
            return JSONResponse({"status": "down"}, status_code=503)
        return JSONResponse({"status": "ok"})

    async def ready(request: Request) -> JSONResponse:
        await maybe_slow()
        state = state_of(request)
        checks: dict[str, bool] = {"env": not state.settings.missing_env}
        if not faults.active("readiness_skips_db"):
            checks["db"] = await _db_ok(state)
        ready_now = all(checks.values())
        body = {"ready": ready_now, "checks": dict(sorted(checks.items()))}
        return JSONResponse(body, status_code=200 if ready_now else 503)

    async def db(request: Request) -> JSONResponse:
        await maybe_slow()
        try:
            latency_ms = await run_in_threadpool(state_of(request).db.ping)
        except Exception as exc:  # any failure means "not ok"
            # the class name only: driver messages carry hosts, users, DSNs
            return JSONResponse({"status": "error", "error": type(exc).__name__}, status_code=503)
        return JSONResponse({"status": "ok", "latency_ms": round(latency_ms, 3)})

    router.add_api_route("/health/live", live, methods=["GET"])
    router.add_api_route("/health/ready", ready, methods=["GET"])
    router.add_api_route("/health/db", db, methods=["GET"])
    # aliases for the Node-style systems; no version is disclosed
    router.add_api_route("/api/health", live, methods=["GET"])
    router.add_api_route("/api/health/db", db, methods=["GET"])
    return router


async def _db_ok(state: SandboxState) -> bool:
    try:
        await run_in_threadpool(state.db.ready_query)
    except Exception:  # any failure means "not ready"
        return False
    return True
