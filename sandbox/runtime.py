"""Per-instance state shared by routes and middleware, and the sandbox's own origins."""

from __future__ import annotations

from dataclasses import dataclass, field

from fastapi import Request
from starlette.types import Scope

from sandbox.auth import TokenService
from sandbox.db import Database
from sandbox.login_styles import BasicVerifier, Sessions
from sandbox.ratelimit import RateLimiter
from sandbox.settings import Settings


@dataclass
class SandboxState:
    settings: Settings
    db: Database
    tokens: TokenService
    limiter: RateLimiter
    #: the session login style's sessions, and the Basic style's verified credentials
    sessions: Sessions = field(default_factory=Sessions)
    basic: BasicVerifier = field(default_factory=BasicVerifier)


def state_of(request: Request) -> SandboxState:
    state: SandboxState = request.app.state.sandbox
    return state


def own_port(scope: Scope, settings: Settings) -> int:
    """The port we serve on: known from the socket when served, else from the ASGI scope."""
    if settings.port is not None:
        return settings.port
    server = scope.get("server")
    return int(server[1]) if server and server[1] is not None else 80


def _origin(host: str, port: int) -> str:
    # a browser serialises the default port away: http://localhost, not http://localhost:80
    return f"http://{host}" if port == 80 else f"http://{host}:{port}"


def admin_page_origin(port: int) -> str:
    """Where the admin page is meant to be opened: a different origin from the API."""
    return _origin("localhost", port)


def api_base(port: int) -> str:
    return _origin("127.0.0.1", port)


#: the front-end apps each flavor serves on an origin of its own (http://<app>.localhost:<port>;
#: browsers resolve every *.localhost name to the loopback address)
FRONTEND_APPS: dict[str, tuple[str, ...]] = {"arogya": ("shop", "pos"), "realserv": ("web",)}


def frontend_origins(port: int, flavor: str) -> dict[str, str]:
    """Where each of the flavor's front-end apps is opened: origins apart from the API and each other."""
    return {app: _origin(f"{app}.localhost", port) for app in FRONTEND_APPS.get(flavor, ())}
