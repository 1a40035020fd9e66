"""An alerting emulator: a Slack workspace (incoming webhook + conversations.history) and an
SNS-like alarm topic that fans a published alarm out to its e-mail and Slack subscriptions.

- ``POST /_emulators/alerts/slack/services/<team>/<bot>/<secret>`` ``{"text": ...}`` -> ``ok``
  (Slack answers a revoked or unknown webhook with 404 ``no_service``, an empty text with 400 ``no_text``);
- ``GET /_emulators/alerts/slack/api/conversations.history?channel=&oldest=`` (Bearer token);
- ``POST /_emulators/alerts/topics/<topic>/publish`` ``{"subject", "message"}`` (Bearer token),
  ``GET /_emulators/alerts/topics/<topic>/subscriptions``, ``GET /_emulators/alerts/mail/inbox``.
"""

from __future__ import annotations

import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, PlainTextResponse

from sandbox.emulators._accounts import bearer_token, same
from sandbox.settings import Settings

PREFIX = "/_emulators/alerts"
TEAM, BOT = "T0SANDBOX", "B0ALERTS"
DEFAULT_WEBHOOK_SECRET = "xK4mP9qR2sT7vW1yZ3bC5dF8"
DEFAULT_TOKEN = "xoxb-local-sandbox-alerts-token-61d2"
CHANNEL = "C0ALERTS"
TOPIC = "golive-alarms"
ONCALL_EMAIL = "oncall@sandbox.test"


@dataclass
class Workspace:
    channel: list[dict[str, Any]] = field(default_factory=list)
    inbox: list[dict[str, Any]] = field(default_factory=list)
    subscriptions: list[dict[str, str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def post_to_channel(self, text: str) -> None:
        with self.lock:
            # Slack's ts: seconds with microseconds, unique per channel
            ts = f"{time.time():.6f}"
            while any(message["ts"] == ts for message in self.channel):
                ts = f"{float(ts) + 0.000001:.6f}"
            self.channel.append({"type": "message", "subtype": "bot_message", "bot_id": BOT, "text": text, "ts": ts})


def build_router(settings: Settings) -> APIRouter:
    router = APIRouter(include_in_schema=False)
    token = settings.feature_env.get("SANDBOX_ALERTS_TOKEN", DEFAULT_TOKEN)
    workspace = Workspace(subscriptions=[
        {"Protocol": "email", "Endpoint": ONCALL_EMAIL},
        {"Protocol": "slack", "Endpoint": CHANNEL},
    ])
    if settings.faults.active("alert_email_subscription_missing"):
        # the e-mail subscription was never confirmed, so SNS dropped it: alarms reach Slack only
        workspace.subscriptions = [s for s in workspace.subscriptions if s["Protocol"] != "email"]
    for subscription in workspace.subscriptions:
        subscription["SubscriptionArn"] = f"arn:aws:sns:ap-south-1:000000000000:{TOPIC}:{uuid.uuid4()}"

    def authorized(request: Request) -> bool:
        return same(bearer_token(request), token)

    @router.post(PREFIX + "/slack/services/{team}/{bot}/{secret}")
    async def incoming_webhook(team: str, bot: str, secret: str, request: Request) -> PlainTextResponse:
        revoked = settings.faults.active("alert_webhook_revoked")
        if revoked or team != TEAM or bot != BOT or not same(secret, DEFAULT_WEBHOOK_SECRET):
            return PlainTextResponse("no_service", status_code=404)
        try:
            body = await request.json()
        except ValueError:
            return PlainTextResponse("invalid_payload", status_code=400)
        text = body.get("text") if isinstance(body, dict) else None
        if not isinstance(text, str) or not text.strip():
            return PlainTextResponse("no_text", status_code=400)
        workspace.post_to_channel(text)
        return PlainTextResponse("ok")

    @router.get(PREFIX + "/slack/api/conversations.history")
    def history(request: Request, channel: str = "", oldest: str = "0") -> JSONResponse:
        if not authorized(request):
            return JSONResponse({"ok": False, "error": "invalid_auth"})
        if channel != CHANNEL:
            return JSONResponse({"ok": False, "error": "channel_not_found"})
        try:
            since = float(oldest or 0)
        except ValueError:
            return JSONResponse({"ok": False, "error": "invalid_ts_oldest"})
        messages = [m for m in reversed(workspace.channel) if float(m["ts"]) > since]
        return JSONResponse({"ok": True, "messages": messages[:100], "has_more": len(messages) > 100})

    @router.post(PREFIX + "/topics/{topic}/publish")
    async def publish(topic: str, request: Request) -> JSONResponse:
        if not authorized(request):
            return JSONResponse({"Error": {"Code": "AuthorizationError"}}, status_code=403)
        if topic != TOPIC:
            return JSONResponse({"Error": {"Code": "NotFound", "Message": "Topic does not exist"}}, status_code=404)
        body = await request.json()
        subject, message = str(body.get("subject", "")), str(body.get("message", ""))
        for subscription in workspace.subscriptions:
            if subscription["Protocol"] == "email":
                with workspace.lock:
                    workspace.inbox.append({"to": subscription["Endpoint"], "subject": subject, "body": message,
                                            "received_at": time.time()})
            elif subscription["Protocol"] == "slack":
                workspace.post_to_channel(f"*{subject}*\n{message}")
        return JSONResponse({"MessageId": str(uuid.uuid4())})

    @router.get(PREFIX + "/topics/{topic}/subscriptions")
    def subscriptions(topic: str, request: Request) -> JSONResponse:
        if not authorized(request):
            return JSONResponse({"Error": {"Code": "AuthorizationError"}}, status_code=403)
        if topic != TOPIC:
            return JSONResponse({"Error": {"Code": "NotFound", "Message": "Topic does not exist"}}, status_code=404)
        return JSONResponse({"Subscriptions": [{**s, "TopicArn": f"arn:aws:sns:ap-south-1:000000000000:{TOPIC}"}
                                               for s in workspace.subscriptions]})

    @router.get(PREFIX + "/mail/inbox")
    def inbox(request: Request) -> JSONResponse:
        if not authorized(request):
            return JSONResponse({"detail": "unauthorized"}, status_code=401)
        return JSONResponse({"messages": list(reversed(workspace.inbox))})

    return router
