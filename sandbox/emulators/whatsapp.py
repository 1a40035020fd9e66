"""WhatsApp Cloud API (Meta Graph) emulator under ``/_emulators/whatsapp/<version>/``.

The business has one phone number: id SANDBOX_WHATSAPP_PHONE_NUMBER_ID, display number
SANDBOX_WHATSAPP_BUSINESS_NUMBER, reached with the system-user token SANDBOX_WHATSAPP_ACCESS_TOKEN
(Bearer). ``GET /{phone-number-id}`` describes the number; ``POST /{phone-number-id}/messages``
sends and answers a ``wamid``. Errors use Graph's ``{"error": {message, type, code, fbtrace_id}}``.
"""

from __future__ import annotations

import base64
import re
import secrets
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from sandbox.emulators._accounts import bearer_token, same
from sandbox.settings import Settings

PREFIX = "/_emulators/whatsapp"
#: Meta's public test number, what a deployment still points at when nobody switched it over
META_TEST_NUMBER = {"display_phone_number": "+1 555-025-3483", "verified_name": "Test Number"}


def _graph_error(status: int, code: int, message: str, error_type: str = "OAuthException") -> JSONResponse:
    return JSONResponse({"error": {"message": message, "type": error_type, "code": code,
                                   "fbtrace_id": secrets.token_urlsafe(12)}}, status_code=status)


def build_router(settings: Settings) -> APIRouter:
    env, faults = settings.feature_env, settings.faults
    token, number_id = env.get("SANDBOX_WHATSAPP_ACCESS_TOKEN"), env.get("SANDBOX_WHATSAPP_PHONE_NUMBER_ID")
    business_number = env.get("SANDBOX_WHATSAPP_BUSINESS_NUMBER", "")
    router = APIRouter(tags=["emulator: whatsapp"])

    def refusal(request: Request, phone_number_id: str) -> JSONResponse | None:
        if faults.active("whatsapp_token_expired"):
            # a temporary (24 h) access token in the deployment instead of a system-user token
            return _graph_error(401, 190, "Error validating access token: Session has expired on Friday, "
                                "20-Nov-26 10:00:00 PST.")
        if not same(bearer_token(request), token):
            return _graph_error(401, 190, "Invalid OAuth access token - Cannot parse access token")
        if not same(phone_number_id, number_id):
            return _graph_error(400, 100, f"Unsupported get request. Object with ID '{phone_number_id}' does not "
                                "exist, cannot be loaded due to missing permissions, or does not support this "
                                "operation.", "GraphMethodException")
        return None

    def described_number() -> dict[str, str]:
        # the configured phone-number id belongs to Meta's test number, not the business's own
        if faults.active("whatsapp_phone_number_of_other_business"):
            return META_TEST_NUMBER
        return {"display_phone_number": business_number, "verified_name": "golive sandbox business"}

    @router.get(f"{PREFIX}/{{version}}/{{phone_number_id}}")
    def phone_number(version: str, phone_number_id: str, request: Request) -> JSONResponse:
        if (refused := refusal(request, phone_number_id)) is not None:
            return refused
        return JSONResponse({**described_number(), "id": phone_number_id, "quality_rating": "GREEN",
                             "code_verification_status": "VERIFIED", "platform_type": "CLOUD_API"})

    @router.post(f"{PREFIX}/{{version}}/{{phone_number_id}}/messages")
    async def send(version: str, phone_number_id: str, request: Request) -> JSONResponse:
        if (refused := refusal(request, phone_number_id)) is not None:
            return refused
        try:
            body: Any = await request.json()
        except ValueError:
            body = None
        if not isinstance(body, dict) or body.get("messaging_product") != "whatsapp":
            return _graph_error(400, 100, "(#100) The parameter messaging_product is required.", "OAuthException")
        to = re.sub(r"\D", "", str(body.get("to") or ""))
        if not 8 <= len(to) <= 15:
            return _graph_error(400, 131030, "(#131030) Recipient phone number not in allowed list")
        if body.get("type", "text") == "text" and not ((body.get("text") or {}).get("body")):
            return _graph_error(400, 100, "(#100) The parameter text['body'] is required.")
        wamid = "wamid." + base64.b64encode(secrets.token_bytes(24)).decode().rstrip("=")
        return JSONResponse({"messaging_product": "whatsapp", "contacts": [{"input": body["to"], "wa_id": to}],
                             "messages": [{"id": wamid}]})

    return router
