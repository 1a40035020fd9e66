"""SendGrid v3 emulator under ``/_emulators/sendgrid/v3``: mail/send, scopes, message lookup.

The account's API key is SANDBOX_SENDGRID_API_KEY (Bearer). ``mail/send`` answers 202 with an
``X-Message-Id`` when the mail is queued, 200 without one in sandbox mode (nothing delivered),
400 for an invalid body, 401 for an unknown key and 403 when the key lacks the mail.send scope.
"""

from __future__ import annotations

import time
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from sandbox.emulators._accounts import bearer_token, random_id, same
from sandbox.settings import Settings

PREFIX = "/_emulators/sendgrid/v3"
FULL_SCOPES = ["mail.send", "messages.read", "user.profile.read"]


def _errors(status: int, message: str, field: str | None = None) -> JSONResponse:
    return JSONResponse({"errors": [{"message": message, "field": field, "help": None}]}, status_code=status)


def _body_problem(body: Any) -> tuple[str, str] | None:
    if not isinstance(body, dict):
        return "The request body is not valid JSON.", "body"
    personalizations = body.get("personalizations")
    if not isinstance(personalizations, list) or not personalizations:
        return "The personalizations field is required and must have at least one personalization.", "personalizations"
    for entry in personalizations:
        if not isinstance(entry, dict) or not entry.get("to"):
            return "The to array is required for all personalization objects.", "personalizations.0.to"
    if not isinstance(body.get("from"), dict) or "@" not in str(body["from"].get("email", "")):
        return "The from object must be provided for every email send.", "from.email"
    if not body.get("subject") and not body.get("template_id"):
        return "The subject is required.", "subject"
    if not body.get("content") and not body.get("template_id"):
        return "Unless a valid template_id is provided, the content parameter is required.", "content"
    sandbox = ((body.get("mail_settings") or {}).get("sandbox_mode") or {}).get("enable", False)
    if not isinstance(sandbox, bool):
        return "The sandbox_mode enable parameter must be a boolean.", "mail_settings.sandbox_mode.enable"
    return None


def build_router(settings: Settings) -> APIRouter:
    env, faults = settings.feature_env, settings.faults
    api_key = env.get("SANDBOX_SENDGRID_API_KEY")
    messages: dict[str, dict[str, Any]] = {}
    router = APIRouter(tags=["emulator: sendgrid"])

    def scopes() -> list[str]:
        # a restricted key created without "Mail Send": the deployment's key cannot send mail
        return [s for s in FULL_SCOPES if s != "mail.send"] if faults.active("sendgrid_key_without_mail_send") \
            else FULL_SCOPES

    def unauthorized(request: Request) -> JSONResponse | None:
        if not same(bearer_token(request), api_key):
            return _errors(401, "The provided authorization grant is invalid, expired, or revoked")
        return None

    @router.get(f"{PREFIX}/scopes")
    def get_scopes(request: Request) -> JSONResponse:
        return unauthorized(request) or JSONResponse({"scopes": scopes()})

    @router.post(f"{PREFIX}/mail/send")
    async def send(request: Request) -> Response:
        if (refused := unauthorized(request)) is not None:
            return refused
        if "mail.send" not in scopes():
            return _errors(403, "access forbidden")
        try:
            body = await request.json()
        except ValueError:
            body = None
        if (problem := _body_problem(body)) is not None:
            return _errors(400, *problem)
        if body.get("mail_settings", {}).get("sandbox_mode", {}).get("enable") is True:
            return Response(status_code=200)  # validated, not delivered
        message_id = random_id("", 22)
        for entry in body["personalizations"]:
            for recipient in entry["to"]:
                messages[message_id] = {"msg_id": message_id, "from_email": body["from"]["email"],
                                        "subject": body.get("subject", ""), "to_email": recipient.get("email"),
                                        "status": "delivered", "last_event_time": time.strftime(
                                            "%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
        return Response(status_code=202, headers={"X-Message-Id": message_id})

    @router.get(f"{PREFIX}/messages/{{message_id}}")
    def get_message(message_id: str, request: Request) -> JSONResponse:
        if (refused := unauthorized(request)) is not None:
            return refused
        message = messages.get(message_id)
        return JSONResponse(message) if message else _errors(404, "resource not found")

    return router
