"""GET /api/health/config on the Node-style flavors: the deployment's provider modes and flags.

What each system's deploy checklist asks an operator to verify in the production environment,
reported as values, never secrets: arogya and the consolidated shop run Razorpay (live keys, the
real provider, no mock fallback) and the consolidated shop NODE_ENV=production; the inventory
system reports ALLOW_NEGATIVE_STOCK (its checklist: "default: false").
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from sandbox.settings import Settings

LIVE_KEY_PREFIX = "rzp_live_"
TEST_KEY_PREFIX = "rzp_test_"
CONFIG_FLAVORS = frozenset({"arogya", "consolidated", "inventory"})


def _razorpay(test_keys: bool) -> dict[str, Any]:
    prefix = TEST_KEY_PREFIX if test_keys else LIVE_KEY_PREFIX
    return {"mode": "test" if test_keys else "live", "key_id_prefix": prefix}


def build_routers(settings: Settings) -> list[APIRouter]:
    if settings.flavor not in CONFIG_FLAVORS:
        return []
    faults, flavor = settings.faults, settings.flavor
    router = APIRouter(tags=[f"{flavor}: health"])

    def report() -> dict[str, Any]:
        if flavor == "inventory":
            # the stock rule and this report read the same variable: negative_stock_allowed sets it true
            return {"flags": {"ALLOW_NEGATIVE_STOCK": faults.active("negative_stock_allowed")}}
        body: dict[str, Any] = {
            "providers": {
                # a deploy that copied the staging secrets runs on test keys
                "razorpay": _razorpay(faults.active("flavor_razorpay_test_keys")),
                "payments": "real",
            },
        }
        if flavor == "consolidated":
            body["node_env"] = "development" if faults.active("consolidated_node_env_not_production") \
                else "production"
        return body

    @router.get("/api/health/config")
    def config() -> JSONResponse:
        return JSONResponse(report(), headers={"Cache-Control": "no-store"})

    return [router]
