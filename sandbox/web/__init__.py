"""The admin web page: a login form and a dashboard, driven by a static script over CORS."""

from __future__ import annotations

import html
import secrets
from importlib import resources

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from sandbox.runtime import api_base, own_port
from sandbox.settings import Settings

_STATIC_TYPES = {
    "admin.js": "text/javascript; charset=utf-8",
    "admin.css": "text/css; charset=utf-8",
    "favicon.svg": "image/svg+xml",
}

SESSION_WIDGET = '    <p id="session-expiry" class="muted"></p>'


def _read(*parts: str) -> str:
    return resources.files(__name__).joinpath(*parts).read_text(encoding="utf-8")


def build_router(settings: Settings) -> APIRouter:
    faults = settings.faults
    router = APIRouter(tags=["admin"])
    templates = {name: _read("templates", f"{name}.html") for name in ("login", "dashboard")}
    static = {name: _read("static", name) for name in _STATIC_TYPES}

    def render(request: Request, name: str, **values: str) -> HTMLResponse:
        page = templates[name].replace("{{api_base}}", html.escape(api_base(own_port(request.scope, settings))))
        page = page.replace("{{login_style}}", html.escape(settings.login_style))
        for key, value in values.items():
            page = page.replace("{{" + key + "}}", value)
        return HTMLResponse(page)

    @router.get("/admin/login", response_class=HTMLResponse)
    def login_page(request: Request) -> HTMLResponse:
        page = render(request, "login")
        # a pre-login session (what server-side frameworks set on the first visit); the page's
        # script never reads it, so it can be HttpOnly
        if faults.active("cookie_flags_missing"):
            page.set_cookie("admin_session", secrets.token_urlsafe(24), path="/", httponly=False, samesite=None)
        else:
            page.set_cookie("admin_session", secrets.token_urlsafe(24), path="/admin", secure=True, httponly=True,
                            samesite="strict")
        return page

    @router.get("/admin/", response_class=HTMLResponse)
    def dashboard(request: Request) -> HTMLResponse:
        # admin_page_script_error: a template change dropped the element the script writes to
        widget = "" if faults.active("admin_page_script_error") else SESSION_WIDGET
        return render(request, "dashboard", session_widget=widget)

    @router.get("/admin", include_in_schema=False)
    def admin_root() -> RedirectResponse:
        return RedirectResponse("/admin/", status_code=307)

    @router.get("/admin/static/{name}")
    def static_file(name: str) -> Response:
        if name not in static:  # a fixed list: no path handling, no traversal
            raise HTTPException(status_code=404, detail="Not Found")
        return Response(static[name], media_type=_STATIC_TYPES[name])

    @router.get("/favicon.ico", include_in_schema=False)
    def favicon() -> Response:
        return Response(static["favicon.svg"], media_type="image/svg+xml")

    return router
