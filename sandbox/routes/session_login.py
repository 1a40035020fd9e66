"""The session login style (SANDBOX_LOGIN=session), shaped like Django's LoginView.

GET /api/auth/login renders the form and sets the ``csrftoken`` cookie (the same token in a hidden
``csrfmiddlewaretoken`` input). POST /api/auth/login with the form fields and that token signs in:
302 to ``/`` with an HttpOnly ``sessionid`` cookie and a rotated CSRF token. A missing or wrong
CSRF token is 403, wrong credentials 401 with one message. POST /api/auth/logout ends the session.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from sandbox.login_styles import (
    CSRF_COOKIE,
    CSRF_FIELD,
    CSRF_HEADER,
    SESSION_COOKIE,
    Identity,
    csrf_matches,
    new_csrf_token,
)
from sandbox.runtime import state_of
from sandbox.settings import Settings

#: routes/auth.py's password check: the user, a second-factor challenge (dict), or HTTPException
PasswordStep = Callable[..., Any]

_FORM = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sign in - golive sandbox</title></head>
<body><main><h1>Sign in</h1>{error}
<form method="post" action="/api/auth/login">
<input type="hidden" name="{field}" value="{token}">
<label>Username <input name="username" autocomplete="username" required></label>
<label>Password <input name="password" type="password" autocomplete="current-password" required></label>
<button type="submit">Sign in</button>
</form></main></body></html>
"""
FAILED_PAGE = ("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Sign in failed</title></head>"
               "<body><p>Invalid username or password.</p></body></html>")


def _csrf_cookie(response: Response, token: str, secure: bool) -> None:
    # readable by scripts on purpose (double submit), SameSite keeps other sites from sending it
    response.set_cookie(CSRF_COOKIE, token, max_age=365 * 24 * 3600, path="/", samesite="lax", secure=secure)


def session_login_router(settings: Settings, password_step: PasswordStep) -> APIRouter:
    router = APIRouter(tags=["auth"])
    faults = settings.faults

    @router.get("/api/auth/login", response_class=HTMLResponse)
    def login_page(request: Request) -> HTMLResponse:
        token = request.cookies.get(CSRF_COOKIE) or new_csrf_token()
        page = HTMLResponse(_FORM.format(error="", field=CSRF_FIELD, token=html.escape(token)))
        _csrf_cookie(page, token, request.url.scheme == "https")
        return page

    @router.post("/api/auth/login")
    async def session_login(request: Request, username: Annotated[str, Form(max_length=128)],
                            password: Annotated[str, Form(max_length=1024)],
                            csrfmiddlewaretoken: Annotated[str | None, Form()] = None) -> Response:
        echoed = csrfmiddlewaretoken or request.headers.get(CSRF_HEADER)
        if not csrf_matches(request.cookies.get(CSRF_COOKIE), echoed):
            raise HTTPException(status_code=403, detail="CSRF Failed: CSRF token missing or incorrect.")
        state = state_of(request)
        try:
            outcome = await run_in_threadpool(password_step, state, username, password,
                                              enumerable=faults.active("login_user_enumeration"))
        except HTTPException as refused:
            if refused.status_code != 401:
                raise
            return HTMLResponse(FAILED_PAGE, status_code=401)
        if isinstance(outcome, dict):  # a second factor is due: the JSON challenge, as the API answers it
            return JSONResponse(outcome)
        session_id = state.sessions.open(Identity(outcome.username, outcome.role))
        answer = RedirectResponse("/", status_code=302)
        secure = request.url.scheme == "https"
        answer.set_cookie(SESSION_COOKIE, session_id, max_age=state.sessions.ttl_seconds, path="/", httponly=True,
                          samesite="lax", secure=secure)
        _csrf_cookie(answer, new_csrf_token(), secure)  # rotated at login, as Django does
        return answer

    @router.post("/api/auth/logout", status_code=204)
    def logout(request: Request) -> Response:
        session_id = request.cookies.get(SESSION_COOKIE)
        if session_id:
            if not csrf_matches(request.cookies.get(CSRF_COOKIE), request.headers.get(CSRF_HEADER)):
                raise HTTPException(status_code=403, detail="CSRF Failed: CSRF token missing or incorrect.")
            state_of(request).sessions.close(session_id)
        answer = Response(status_code=204)
        answer.delete_cookie(SESSION_COOKIE, path="/")
        return answer

    return router
