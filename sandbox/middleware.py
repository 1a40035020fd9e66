"""Pure ASGI middleware: request ids + access log, security headers, CORS, rate limits, and a
last-resort error shield. Hand-written (not Starlette's CORSMiddleware) so faults can bend them.

Order, outermost first: RequestLog -> SecurityHeaders -> Cors -> RateLimit -> ErrorShield -> app.
So every response, including 429s, preflights and 500s, gets an id, a log line and the headers.
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from urllib.parse import parse_qs, urlsplit

import fastapi
import uvicorn
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sandbox.faults import ActiveFaults
from sandbox.logs import get_logger, log
from sandbox.ratelimit import Decision, RateLimiter
from sandbox.runtime import admin_page_origin, api_base, frontend_origins, own_port
from sandbox.settings import RateLimit, Settings

_REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9._-]{1,128}$")

CSP_BASE = "default-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'self'"
STATIC_SECURITY_HEADERS: dict[str, str] = {
    "Strict-Transport-Security": "max-age=31536000; includeSubDomains",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}
# what the security_headers_missing fault strips
_FRAGILE_HEADERS = ("Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options", "Strict-Transport-Security")

CORS_ALLOW_METHODS = "GET, POST, PUT, PATCH, DELETE, OPTIONS"
CORS_ALLOW_HEADERS = "Authorization, Content-Type, X-Request-ID"
CORS_EXPOSE_HEADERS = "X-Request-ID, Retry-After, RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset"
CORS_MAX_AGE = "600"

LOGIN_PATH = "/api/auth/login"
# fault rate_limits_lowered: the gateway's limits, cut below what the service promises its clients
LOWERED_API_RATE = RateLimit(60, 10)
LOWERED_LOGIN_RATE = RateLimit(5, 60)


def _is_api(path: str) -> bool:
    return path == "/api" or path.startswith("/api/")


async def _send_json(send: Send, status: int, body: object, headers: dict[str, str] | None = None) -> None:
    payload = json.dumps(body).encode()
    raw = [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode())]
    raw += [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in (headers or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": payload})


class RequestLogMiddleware:
    """Request id (echoed when sane, else uuid4) on the response, one JSON log line per request.

    Logs the path without the query string (it may carry tokens) and never any header or body.
    """

    def __init__(self, app: ASGIApp, settings: Settings | None = None) -> None:
        self.app = app
        self.log = get_logger("access")
        self.ids_on_errors = not (settings and settings.faults.active("request_id_missing_on_errors"))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = Headers(scope=scope).get("x-request-id", "")
        request_id = incoming if _REQUEST_ID_RE.match(incoming) else str(uuid.uuid4())
        scope.setdefault("state", {})["request_id"] = request_id
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                if status < 400 or self.ids_on_errors:
                    MutableHeaders(scope=message)["X-Request-ID"] = request_id
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            level = logging.ERROR if status >= 500 else logging.WARNING if status >= 400 else logging.INFO
            client = scope.get("client")
            log(
                self.log,
                level,
                "request",
                request_id=request_id,
                method=scope["method"],
                path=scope["path"],
                status=status,
                duration_ms=round((time.perf_counter() - started) * 1000, 2),
                client=client[0] if client else None,
            )


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings
        self.faults: ActiveFaults = settings.faults

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                self._apply(scope, MutableHeaders(scope=message))
            await send(message)

        await self.app(scope, receive, send_with_headers)

    def _apply(self, scope: Scope, headers: MutableHeaders) -> None:
        csp = CSP_BASE
        if headers.get("content-type", "").startswith("text/html"):
            # the admin page is opened on http://localhost:<port> and calls the API on
            # http://127.0.0.1:<port>: a second origin it must be allowed to connect to
            csp += f"; connect-src 'self' {api_base(own_port(scope, self.settings))}"
        headers["Content-Security-Policy"] = csp
        for name, value in STATIC_SECURITY_HEADERS.items():
            headers[name] = value
        if _is_api(scope["path"]):
            # fault cdn_caches_api_responses: a CDN-friendly default leaked onto the API, so the edge
            # stores one user's answer and serves it to everyone for an hour
            cdn_cached = self.faults.active("cdn_caches_api_responses")
            headers["Cache-Control"] = "public, max-age=3600" if cdn_cached else "no-store"
        # never disclose the stack (uvicorn runs with server_header=False)
        for name in ("Server", "X-Powered-By"):
            if name in headers:
                del headers[name]

        if self.faults.active("security_headers_missing"):
            for name in _FRAGILE_HEADERS:
                del headers[name]
        if self.faults.active("server_product_named"):
            headers["Server"] = "uvicorn"
        if self.faults.active("server_version_disclosed"):
            headers["Server"] = f"uvicorn/{uvicorn.__version__}"
            headers["X-Powered-By"] = f"FastAPI/{fastapi.__version__}"


#: front-end app -> the fault that leaves its origin out of the allow-list
ORIGIN_LEFT_OUT = {"pos": "pos_origin_not_allowed"}


class CorsMiddleware:
    """CORS with an exact-match allow-list plus the admin page's and the front-end apps' own origins."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings
        self.faults: ActiveFaults = settings.faults

    def allowed_origins(self, scope: Scope) -> set[str]:
        origins = set(self.settings.allowed_origins)
        if not self.faults.active("admin_origin_not_allowed"):
            origins.add(admin_page_origin(own_port(scope, self.settings)))
        for app, origin in frontend_origins(own_port(scope, self.settings), self.settings.flavor).items():
            # the app's origin left out of the deployed allow-list (CORS_ORIGINS lists admin and web only)
            left_out = ORIGIN_LEFT_OUT.get(app)
            if left_out is None or not self.faults.active(left_out):
                origins.add(origin)
        return origins

    def is_allowed(self, origin: str, scope: Scope) -> bool:
        allowed = self.allowed_origins(scope)
        if self.faults.active("cors_reflects_any_origin"):
            return True
        if origin == "null":
            return self.faults.active("cors_allows_null")
        if origin in allowed:  # exact string match: scheme, host and port
            return True
        if self.faults.active("cors_suffix_match"):
            # the unanchored matching found in many hand-rolled CORS filters
            for entry in allowed:
                host = urlsplit(entry).hostname or entry
                if origin.startswith(entry) or origin.endswith(host):
                    return True
        return False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_headers = Headers(scope=scope)
        origin = request_headers.get("origin")
        allowed = origin is not None and self.is_allowed(origin, scope)
        vary = not self.faults.active("cors_vary_missing")

        if scope["method"] == "OPTIONS" and origin is not None and "access-control-request-method" in request_headers:
            headers: dict[str, str] = {}
            if vary:
                headers["Vary"] = "Origin"
            if allowed:
                headers.update(
                    {
                        "Access-Control-Allow-Origin": origin,
                        "Access-Control-Allow-Credentials": "true",
                        "Access-Control-Allow-Methods": CORS_ALLOW_METHODS,
                        "Access-Control-Allow-Headers": CORS_ALLOW_HEADERS,
                        "Access-Control-Max-Age": CORS_MAX_AGE,
                    }
                )
                if self.faults.active("cors_preflight_grants_anything"):
                    # "just echo what the browser asks for": every method and header is granted
                    headers["Access-Control-Allow-Methods"] = request_headers["access-control-request-method"]
                    headers["Access-Control-Allow-Headers"] = request_headers.get(
                        "access-control-request-headers", CORS_ALLOW_HEADERS)
            elif self.faults.active("cors_wildcard_with_credentials"):
                # a fallback for "unknown" origins that browsers reject, but caches and proxies keep
                headers.update({"Access-Control-Allow-Origin": "*", "Access-Control-Allow-Credentials": "true",
                                "Access-Control-Allow-Methods": CORS_ALLOW_METHODS,
                                "Access-Control-Allow-Headers": CORS_ALLOW_HEADERS})
            raw = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()]
            await send({"type": "http.response.start", "status": 204, "headers": raw})
            await send({"type": "http.response.body", "body": b""})
            return

        async def send_with_cors(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                if vary:
                    # the answer depends on Origin even when none was sent or it was refused
                    headers.add_vary_header("Origin")
                if allowed:
                    assert origin is not None
                    headers["Access-Control-Allow-Origin"] = origin
                    headers["Access-Control-Allow-Credentials"] = "true"
                    headers["Access-Control-Expose-Headers"] = CORS_EXPOSE_HEADERS
            await send(message)

        await self.app(scope, receive, send_with_cors)


class RateLimitMiddleware:
    """Per client IP: /api/* has one window; login has one per client IP and username.

    Login attempts are keyed by IP and username so that guessing one account's password is
    limited without one office's shared IP locking out all its users. The client is the TCP
    peer: X-Forwarded-For is not trusted (anyone can send it).
    """

    def __init__(self, app: ASGIApp, settings: Settings, limiter: RateLimiter) -> None:
        self.app = app
        self.settings = settings
        self.limiter = limiter
        lowered = settings.faults.active("rate_limits_lowered")
        self.api_rate = LOWERED_API_RATE if lowered else settings.api_rate
        self.login_rate = LOWERED_LOGIN_RATE if lowered else settings.login_rate

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not _is_api(scope["path"]):
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        ip = client[0] if client else "unknown"
        decisions = [await self.limiter.hit("api", ip, self.api_rate)]
        unlimited = self.settings.faults.active("login_rate_limit_missing") or \
            self.settings.faults.active("session_login_rate_limit_missing")
        if scope["path"] == LOGIN_PATH and scope["method"] == "POST" and not unlimited:
            body, receive = await _buffered(receive)
            key = f"{ip}|{_login_username(body)}"
            decisions.append(await self.limiter.hit("login", key, self.login_rate))
        refused = [d for d in decisions if not d.allowed]
        # report the tightest limit: the one a client must respect
        shown = max(refused, key=lambda d: d.reset_seconds) if refused else min(decisions, key=lambda d: d.remaining)
        headers = _ratelimit_headers(shown)
        if refused:
            headers["Retry-After"] = str(shown.reset_seconds)
            await _send_json(send, 429, {"detail": "Too Many Requests"}, headers)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                mutable = MutableHeaders(scope=message)
                for name, value in headers.items():
                    if name not in mutable:  # an endpoint with a tighter limit of its own reports that one
                        mutable[name] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)


async def _buffered(receive: Receive) -> tuple[bytes, Receive]:
    """Read the whole request body and give the app a receive that replays it."""
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    body = b"".join(chunks)
    replayed = False

    async def replay() -> Message:
        nonlocal replayed
        if not replayed:
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return body, replay


def _login_username(body: bytes) -> str:
    """The username of a JSON or urlencoded (form, session) login body ('' when there is none): the
    login limiter's key part."""
    if len(body) > 16_384:
        return ""
    try:
        parsed = json.loads(body)
    except ValueError:
        form = parse_qs(body.decode("utf-8", "replace"), max_num_fields=20)
        parsed = {"username": form["username"][0]} if form.get("username") else None
    username = parsed.get("username") if isinstance(parsed, dict) else None
    return username[:128] if isinstance(username, str) else ""


def _ratelimit_headers(decision: Decision) -> dict[str, str]:
    return {
        "RateLimit-Limit": str(decision.limit),
        "RateLimit-Remaining": str(decision.remaining),
        "RateLimit-Reset": str(decision.reset_seconds),
    }


class ErrorShieldMiddleware:
    """Unhandled exceptions become a plain 500 JSON answer inside the header/log middleware.

    Logs the exception class only: driver messages can carry SQL parameters.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.log = get_logger("error")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception as exc:  # the last line of defence
            log(
                self.log,
                logging.ERROR,
                "unhandled error",
                request_id=scope.get("state", {}).get("request_id"),
                path=scope["path"],
                error=type(exc).__name__,
            )
            if started:
                raise
            await _send_json(send, 500, {"detail": "Internal Server Error"})
