"""MAX_JSON_BODY_KB: JSON request bodies above the limit are answered 413 before they are parsed.

Pure ASGI: a declared Content-Length over the limit is refused from the headers; a chunked body is
counted while it arrives and refused once it passes the limit.
"""

from __future__ import annotations

import json

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sandbox.settings import Settings

DEFAULT_LIMIT_KB = 256


class JsonBodyTooLarge(Exception):
    pass


async def _send_413(send: Send, limit_kb: int) -> None:
    payload = json.dumps({"detail": f"JSON body larger than {limit_kb} KB"}).encode()
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode()),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": payload})


class JsonBodyLimitMiddleware:
    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.limit_kb = int(settings.feature_env.get("SANDBOX_MAX_JSON_BODY_KB", str(DEFAULT_LIMIT_KB)))
        self.enabled = not settings.faults.active("json_body_limit_missing")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = Headers(scope=scope) if scope["type"] == "http" else None
        if not self.enabled or headers is None or "json" not in headers.get("content-type", "").lower():
            await self.app(scope, receive, send)
            return
        limit = self.limit_kb * 1024
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            await _send_413(send, self.limit_kb)
            return
        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise JsonBodyTooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except JsonBodyTooLarge:
            if not started:
                await _send_413(send, self.limit_kb)
