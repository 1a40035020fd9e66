"""The sandbox's extra listeners: a plain-HTTP port that sends browsers to HTTPS, and the HTTPS port.

Both serve the same application as the main port. The plain-HTTP listener answers every request
with a permanent redirect to the same host on the TLS port (what a load balancer's port-80 rule
does); the TLS listener adds nothing but lets the transport faults bend what HTTPS answers.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import Iterator
from pathlib import Path

import uvicorn
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sandbox.faults import ActiveFaults
from sandbox.repo import make_repository
from sandbox.tls import make_certificates, server_context

SHORT_HSTS = "max-age=86400"


class HttpsRedirectApp:
    """Every request on the plain-HTTP port: 308 to https://<same host>:<tls port><same path>."""

    def __init__(self, app: ASGIApp, tls_port: int, faults: ActiveFaults) -> None:
        self.app, self.tls_port, self.faults = app, tls_port, faults

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self.faults.active("https_redirect_missing"):
            # the forgotten port-80 rule: the application itself answers over plain HTTP
            await self.app(scope, receive, send)
            return
        if self.faults.active("webhook_plain_http_accepted") and "/webhooks/" in scope["path"]:
            # a port-80 exception "because providers do not follow redirects": deliveries in clear text
            await self.app(scope, receive, send)
            return
        host = (Headers(scope=scope).get("host") or "localhost").rsplit(":", 1)[0] or "localhost"
        target = f"https://{host}:{self.tls_port}{scope.get('raw_path', b'').decode('latin-1') or scope['path']}"
        if scope.get("query_string"):
            target += "?" + scope["query_string"].decode("latin-1")
        # 302 is the framework default many redirects are written with: not cached, not permanent
        status = 302 if self.faults.active("https_redirect_temporary") else 308
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"location", target.encode("latin-1")), (b"content-length", b"0")]})
        await send({"type": "http.response.body", "body": b""})


class HttpsListenerApp:
    """The application as served on the TLS port."""

    def __init__(self, app: ASGIApp, faults: ActiveFaults) -> None:
        self.app, self.faults = app, faults

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self.faults.active("hsts_max_age_short"):
            await self.app(scope, receive, send)
            return

        async def send_short_hsts(message: Message) -> None:
            if message["type"] == "http.response.start":
                # a "try it for a day first" HSTS value that was never raised
                MutableHeaders(scope=message)["Strict-Transport-Security"] = SHORT_HSTS
            await send(message)

        await self.app(scope, receive, send_short_hsts)


class FollowerServer(uvicorn.Server):
    """Serves another socket in the main server's event loop and stops when the main server stops."""

    def __init__(self, config: uvicorn.Config, leader: uvicorn.Server) -> None:
        super().__init__(config)
        self.leader = leader

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield  # the main server owns the signal handlers

    async def on_tick(self, counter: int) -> bool:
        return self.leader.should_exit or await super().on_tick(counter)


def extra_listeners(app: ASGIApp, leader: uvicorn.Server, sockets: dict[str, socket.socket], state_dir: Path,
                    faults: ActiveFaults, log_level: str) -> list[tuple[uvicorn.Server, socket.socket]]:
    """Servers for the ``tls`` and ``redirect`` sockets; writes the CA and the stand-in repository."""
    files = make_certificates(state_dir / "tls", faults)
    # the repository golive's secrets scan reads (the sandbox's stand-in for its source code)
    make_repository(state_dir / "repo", faults)
    context = server_context(files, faults)

    def follower(asgi: ASGIApp, tls: bool) -> uvicorn.Server:
        config = uvicorn.Config(
            asgi, log_config=None, log_level=log_level, access_log=False, server_header=False, date_header=True,
            proxy_headers=False, lifespan="off",  # the main server runs the lifespan (database)
            timeout_graceful_shutdown=5, ssl_context_factory=(lambda config, default: context) if tls else None,
        )
        return FollowerServer(config, leader)

    servers = [(follower(HttpsListenerApp(app, faults), tls=True), sockets["tls"])]
    if "redirect" in sockets:
        tls_port = sockets["tls"].getsockname()[1]
        servers.append((follower(HttpsRedirectApp(app, tls_port, faults), tls=False), sockets["redirect"]))
    return servers


async def serve_together(main: uvicorn.Server, sock: socket.socket,
                         followers: list[tuple[uvicorn.Server, socket.socket]]) -> None:
    await asyncio.gather(main.serve(sockets=[sock]), *(server.serve(sockets=[s]) for server, s in followers))
