"""What the observability and load checks exercise on the app itself.

- ``POST <prefix>/internal/debug/error``: the app's test-error trigger (``X-Debug-Token``). It
  raises and reports an error event to Sentry the way an SDK does, with the request body attached
  and sensitive fields scrubbed first.
- ``GET <prefix>/catalog/search?q=``: a key read endpoint (product search) backed by a small
  connection pool; outside ``/api/`` so a load run measures the endpoint, not the API rate limit.
"""

from __future__ import annotations

import asyncio
import hmac
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from sandbox.emulators import sentry
from sandbox.settings import Settings

#: key names a Sentry SDK's default denylist scrubs (sentry_sdk.scrubber.DEFAULT_DENYLIST, abridged)
SCRUBBED_KEYS = frozenset({
    "password", "passwd", "secret", "api_key", "apikey", "auth", "credentials", "token", "access_token",
    "refresh_token", "authorization", "cookie", "session", "x-debug-token",
})
FILTERED = "[Filtered]"
CATALOG = [
    {"sku": "RICE-5KG", "name": "Basmati rice 5 kg"}, {"sku": "ATTA-10KG", "name": "Whole wheat atta 10 kg"},
    {"sku": "DAL-1KG", "name": "Toor dal 1 kg"}, {"sku": "OIL-1L", "name": "Groundnut oil 1 l"},
    {"sku": "TEA-500G", "name": "Assam tea 500 g"}, {"sku": "SALT-1KG", "name": "Iodised salt 1 kg"},
]
#: the work one search does on a database connection (a query, serialisation)
QUERY_SECONDS = 0.004
#: what a missing index costs every search
UNINDEXED_QUERY_SECONDS = 0.4
HEALTHY_POOL_SIZE = 64
#: a pool sized for a demo: more concurrent searches than this and the extra ones fail at once
STARVED_POOL_SIZE = 2
STARVED_POOL_HOLD_SECONDS = 0.03


def scrub(data: Any) -> Any:
    """Replace the values of sensitive keys, at any depth."""
    if isinstance(data, dict):
        return {key: FILTERED if str(key).lower() in SCRUBBED_KEYS else scrub(value) for key, value in data.items()}
    if isinstance(data, list):
        return [scrub(value) for value in data]
    return data


def build_router(settings: Settings, prefix: str = "") -> APIRouter:
    router = APIRouter(prefix=prefix, include_in_schema=False)
    faults = settings.faults
    debug_token = settings.feature_env.get("SANDBOX_DEBUG_TOKEN")
    starved = faults.active("search_pool_exhausted_under_load")
    pool_size = STARVED_POOL_SIZE if starved else HEALTHY_POOL_SIZE
    in_use = 0

    @router.post("/internal/debug/error")
    async def raise_test_error(request: Request) -> JSONResponse:
        presented = request.headers.get("x-debug-token", "")
        if not debug_token or not presented or not hmac.compare_digest(presented.encode(), debug_token.encode()):
            return JSONResponse({"detail": "debug token required"}, status_code=401)
        try:
            body = await request.json()
        except ValueError:
            body = {}
        body = body if isinstance(body, dict) else {}
        captured = {
            "url": str(request.url), "method": "POST", "data": body,
            "headers": {name: value for name, value in request.headers.items() if name != "cookie"},
        }
        if not faults.active("error_events_unredacted"):
            captured = scrub(captured)
        marker = str(body.get("marker", ""))[:80]
        event_id = sentry.report_from_app(
            settings, level="error", message=f"RuntimeError: test error requested {marker}".strip(),
            tags={"golive_probe": marker} if marker else {}, request=captured, extra={"trigger": "debug endpoint"},
        )
        # the trigger raised on purpose: 500, with the event id the SDK returned (null: not delivered)
        return JSONResponse({"error": "test error raised", "event_id": event_id}, status_code=500)

    @router.get("/catalog/search")
    async def search(q: str = "") -> JSONResponse:
        nonlocal in_use
        if in_use >= pool_size:
            # no queueing: a starved pool fails the request instead of waiting for a connection
            return JSONResponse({"detail": "database connection pool exhausted"}, status_code=503)
        in_use += 1
        try:
            seconds = UNINDEXED_QUERY_SECONDS if faults.active("search_slow_without_index") else QUERY_SECONDS
            await asyncio.sleep(STARVED_POOL_HOLD_SECONDS if starved else seconds)
            needle = q.lower()
            return JSONResponse({"items": [item for item in CATALOG if needle in item["name"].lower()]})
        finally:
            in_use -= 1

    return router
