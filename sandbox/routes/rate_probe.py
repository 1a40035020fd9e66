"""GET /api/rate-probe: a cheap endpoint with a small limit of its own (SANDBOX_RATE_PROBE_LIMIT).

It lets a rate-limit check exceed a limit within seconds without touching the limits every other
check depends on (login, the general API window).
"""

from __future__ import annotations

import time

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from sandbox.runtime import state_of
from sandbox.settings import RateLimit, Settings

#: rate_limit_never_recovers: how long an offender stays blocked, whatever Retry-After said
BLOCK_SECONDS = 600
#: rate_limits_lowered: the gateway's cut, below the 5 per 2 s the service promises
LOWERED_RATE = RateLimit(2, 2)


def build_router(settings: Settings) -> APIRouter:
    faults = settings.faults
    router = APIRouter(tags=["limits"])
    rate = LOWERED_RATE if faults.active("rate_limits_lowered") else settings.rate_probe_rate
    blocked_until: dict[str, float] = {}

    @router.get("/api/rate-probe")
    async def rate_probe(request: Request) -> JSONResponse:
        if faults.active("rate_limit_missing"):
            return JSONResponse({"status": "ok"})
        client = request.client.host if request.client else "unknown"
        decision = await state_of(request).limiter.hit("rate-probe", client, rate)
        headers = {
            "RateLimit-Limit": str(decision.limit),
            "RateLimit-Remaining": str(decision.remaining),
            "RateLimit-Reset": str(decision.reset_seconds),
        }
        blocked = decision.allowed is False
        if faults.active("rate_limit_never_recovers"):
            # a "ban on abuse" rule nobody documented: the promised Retry-After is not kept
            if blocked:
                blocked_until.setdefault(client, time.monotonic() + BLOCK_SECONDS)
            blocked = blocked or blocked_until.get(client, 0.0) > time.monotonic()
        if not blocked:
            return JSONResponse({"status": "ok"}, headers=headers)
        if not faults.active("rate_limit_no_retry_after"):
            headers["Retry-After"] = str(decision.reset_seconds)
        return JSONResponse({"detail": "Too Many Requests"}, status_code=429, headers=headers)

    return router
