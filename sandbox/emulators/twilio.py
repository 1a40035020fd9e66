"""Twilio Verify emulator under ``/_emulators/twilio/v2``: send an OTP, check it.

The account is SANDBOX_TWILIO_ACCOUNT_SID / SANDBOX_TWILIO_AUTH_TOKEN (HTTP Basic), its one
Verify service SANDBOX_TWILIO_VERIFY_SERVICE_SID. Like Firebase's fictional phone numbers, the
test number SANDBOX_TWILIO_TEST_NUMBER always receives SANDBOX_TWILIO_TEST_CODE; any other number
gets a random code nobody outside the emulator sees. Form-encoded requests, JSON answers, Twilio's
error shape ``{code, message, more_info, status}``.
"""

from __future__ import annotations

import secrets
import time
from typing import Any
from urllib.parse import parse_qsl

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from sandbox.emulators._accounts import basic_credentials, random_id, same
from sandbox.settings import Settings

PREFIX = "/_emulators/twilio/v2"
MAX_CHECKS = 5
CODE_TTL_S = 600


def _error(status: int, code: int, message: str) -> JSONResponse:
    return JSONResponse({"code": code, "message": message, "more_info": f"https://www.twilio.com/docs/errors/{code}",
                         "status": status}, status_code=status)


async def form_of(request: Request) -> dict[str, str]:
    """The form-encoded body (Twilio's request format), parsed without a multipart dependency."""
    return dict(parse_qsl((await request.body()).decode("utf-8", "replace"), keep_blank_values=True))


def build_router(settings: Settings) -> APIRouter:
    env, faults = settings.feature_env, settings.faults
    account_sid, auth_token = env.get("SANDBOX_TWILIO_ACCOUNT_SID"), env.get("SANDBOX_TWILIO_AUTH_TOKEN")
    service_sid = env.get("SANDBOX_TWILIO_VERIFY_SERVICE_SID")
    test_number, test_code = env.get("SANDBOX_TWILIO_TEST_NUMBER"), env.get("SANDBOX_TWILIO_TEST_CODE")
    pending: dict[str, dict[str, Any]] = {}  # "to" -> the open verification
    router = APIRouter(tags=["emulator: twilio"])

    def refusal(request: Request, service: str) -> JSONResponse | None:
        given = basic_credentials(request)
        if given is None or not same(given[0], account_sid) or not same(given[1], auth_token):
            return _error(401, 20003, "Authenticate")
        # the deployment's Verify service was deleted in the console: its SID resolves to nothing
        if not same(service, service_sid) or faults.active("twilio_verify_service_deleted"):
            return _error(404, 20404, f"The requested resource /Services/{service} was not found")
        return None

    def public(verification: dict[str, Any]) -> dict[str, Any]:
        return {key: value for key, value in verification.items() if not key.startswith("_")}

    @router.get(f"{PREFIX}/Services/{{service}}")
    def get_service(service: str, request: Request) -> JSONResponse:
        if (refused := refusal(request, service)) is not None:
            return refused
        return JSONResponse({"sid": service, "account_sid": account_sid, "friendly_name": "golive sandbox",
                             "code_length": 6, "lookup_enabled": False, "skip_sms_to_landlines": False})

    @router.post(f"{PREFIX}/Services/{{service}}/Verifications")
    async def send(service: str, request: Request) -> JSONResponse:
        if (refused := refusal(request, service)) is not None:
            return refused
        form = await form_of(request)
        to, channel = str(form.get("To") or ""), str(form.get("Channel") or "")
        if not to:
            return _error(400, 60200, "Invalid parameter `To`")
        if channel not in ("sms", "call", "email", "whatsapp"):
            return _error(400, 60200, "Invalid parameter `Channel`")
        sends = pending.get(to, {}).get("_sends", 0) + 1
        if sends > 5:
            return _error(429, 60203, "Max send attempts reached")
        code = test_code if to == test_number and test_code else f"{secrets.randbelow(10**6):06d}"
        verification = {"sid": random_id("VE", 32), "service_sid": service, "account_sid": account_sid, "to": to,
                        "channel": channel, "status": "pending", "valid": False, "amount": None, "payee": None,
                        "date_created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                        "_code": code, "_sends": sends, "_checks": 0, "_expires": time.time() + CODE_TTL_S}
        pending[to] = verification
        return JSONResponse(public(verification), status_code=201)

    @router.post(f"{PREFIX}/Services/{{service}}/VerificationCheck")
    async def check(service: str, request: Request) -> JSONResponse:
        if (refused := refusal(request, service)) is not None:
            return refused
        form = await form_of(request)
        to, code = str(form.get("To") or ""), str(form.get("Code") or "")
        verification = pending.get(to)
        if verification is None or verification["status"] != "pending" or time.time() > verification["_expires"]:
            return _error(404, 20404, f"The requested resource /Services/{service}/VerificationCheck was not found")
        verification["_checks"] += 1
        if verification["_checks"] > MAX_CHECKS:
            verification["status"] = "max_attempts_reached"
            return _error(429, 60202, "Max check attempts reached")
        if secrets.compare_digest(code, verification["_code"]):
            verification.update(status="approved", valid=True)
        return JSONResponse(public(verification))

    return router
