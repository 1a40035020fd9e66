"""The ASGI application: ``create_app(settings)``."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.concurrency import run_in_threadpool

from sandbox.auth import TokenService
from sandbox.bodylimit import JsonBodyLimitMiddleware
from sandbox.db import Database
from sandbox.flavors import get_flavor, routers_for
from sandbox.logs import get_logger, log
from sandbox.middleware import (
    CorsMiddleware,
    ErrorShieldMiddleware,
    RateLimitMiddleware,
    RequestLogMiddleware,
    SecurityHeadersMiddleware,
)
from sandbox.ratelimit import build_limiter
from sandbox.runtime import SandboxState
from sandbox.settings import Settings


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    # FastAPI's default echoes the offending input back: that can be a password
    assert isinstance(exc, RequestValidationError)
    errors = [{"loc": list(e.get("loc", ())), "msg": e.get("msg"), "type": e.get("type")} for e in exc.errors()]
    return JSONResponse({"detail": errors}, status_code=422)


async def _debug_not_found(request: Request, exc: Exception) -> Response:
    # fault debug_mode_404_page: the framework's debug mode left on, its 404 page lists every route
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code != 404:
        return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)
    routes = "".join(f"<li>{getattr(route, 'path', '')}</li>" for route in request.app.routes)
    return HTMLResponse(
        "<!doctype html><title>Page not found at " + request.url.path + "</title><h1>Page not found (404)</h1>"
        "<p>Using the URLconf defined in <code>shop.urls</code>, Django tried these URL patterns:</p><ol>" + routes +
        "</ol><p>You're seeing this error because you have <code>DEBUG = True</code> in your settings file.</p>",
        status_code=404)


def create_app(settings: Settings) -> FastAPI:
    """Build the app; raises ConfigError for settings it cannot run with.

    The database is opened in the lifespan (start-up) and removed at shutdown: run the app
    under a server or ``with TestClient(app)``.
    """
    flavor = get_flavor(settings.flavor)
    logger = get_logger()
    state = SandboxState(
        settings=settings,
        db=Database(settings),
        tokens=TokenService(settings.jwt_secret, settings.faults),
        limiter=build_limiter(settings.redis_url, settings.instance_id),
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        try:
            db_ok = await run_in_threadpool(state.db.open)
        except Exception as exc:
            # e.g. the named schema exists already: refuse to start. Re-raised without its chain,
            # because the server logs the traceback, and driver errors quote SQL and parameters.
            log(logger, logging.ERROR, "database setup failed", error=type(exc).__name__, database=state.db.kind)
            raise RuntimeError(f"database setup failed ({type(exc).__name__})") from None
        log(
            logger,
            logging.INFO,
            "sandbox started",
            flavor=flavor.name,
            faults=settings.faults.names,
            port=settings.port,
            database=state.db.kind,
            schema=state.db.schema,
            database_ok=db_ok,
            rate_limit_backend=state.limiter.backend.name,
            missing_env=list(settings.missing_env),
        )
        if settings.missing_env:
            log(logger, logging.WARNING, "required environment variables missing; not ready",
                missing_env=list(settings.missing_env))
        try:
            yield
        finally:
            await state.limiter.close()
            await run_in_threadpool(state.db.close)
            log(logger, logging.INFO, "sandbox stopped")

    # no API docs: a production system does not publish its schema on the public port
    app = FastAPI(title="golive sandbox", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan)
    app.state.sandbox = state
    app.add_exception_handler(RequestValidationError, _validation_error)
    if settings.faults.active("debug_mode_404_page"):
        app.add_exception_handler(StarletteHTTPException, _debug_not_found)
    for router in routers_for(flavor, settings):
        app.include_router(router)

    # add_middleware wraps: the last one added is the outermost
    app.add_middleware(JsonBodyLimitMiddleware, settings=settings)
    app.add_middleware(ErrorShieldMiddleware)
    app.add_middleware(RateLimitMiddleware, settings=settings, limiter=state.limiter)
    app.add_middleware(CorsMiddleware, settings=settings)
    app.add_middleware(SecurityHeadersMiddleware, settings=settings)
    app.add_middleware(RequestLogMiddleware, settings=settings)
    return app
