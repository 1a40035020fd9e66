"""GET /health/config: which provider modes and hardening flags this deployment runs with.

What an operator (and golive) reads before a cutover: the Razorpay key mode (never the key),
whether payments go to the real provider, and the hardening flags of the WhatsApp tracker
runbook. Values only, no secrets.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from sandbox.settings import Settings

LIVE_KEY_PREFIX = "rzp_live_"
TEST_KEY_PREFIX = "rzp_test_"


def build_router(settings: Settings) -> APIRouter:
    faults = settings.faults
    router = APIRouter(tags=["health"])

    def razorpay_key_prefix() -> str:
        # the key id the payment client was configured with decides the mode
        return TEST_KEY_PREFIX if faults.active("razorpay_test_key_in_production") else LIVE_KEY_PREFIX

    @router.get("/health/config")
    def config() -> JSONResponse:
        prefix = razorpay_key_prefix()
        flags: dict[str, bool | None] = {
            "ALLOW_INSECURE_TRACKER": faults.active("insecure_tracker_allowed"),
            # unset is the safe value: the key is absent rather than false
            "SKIP_WEBHOOK_SIGNATURE": True if faults.active("webhook_signature_skip_flag") else None,
        }
        body = {
            "providers": {
                "razorpay": {"mode": "test" if prefix == TEST_KEY_PREFIX else "live", "key_id_prefix": prefix},
                "payments": "mock" if faults.active("mock_payment_provider") else "real",
            },
            "flags": flags,
        }
        return JSONResponse(body, headers={"Cache-Control": "no-store"})

    return router
