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

from fastapi import APIRouter, Body, Form, HTTPException, Request
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


# --- the browser style: the same session, signed into only by the login page's script -------------

LOGIN_TICKET_HEADER = "x-login-ticket"

_BROWSER_SCRIPT = """// The sign-in runs here: a one-time ticket, the credentials as JSON, the CSRF cookie echoed.
function cookie(name) {
  const found = document.cookie.split("; ").find((pair) => pair.startsWith(name + "="));
  return found ? decodeURIComponent(found.slice(name.length + 1)) : "";
}
document.getElementById("login").addEventListener("submit", (event) => event.preventDefault());
document.getElementById("sign-in").addEventListener("click", async () => {
  const form = document.getElementById("login");
  const error = document.getElementById("error");
  error.textContent = "";
  const csrf = cookie("csrftoken");
  const issued = await fetch("/api/auth/login/ticket", {method: "POST", headers: {"X-CSRFToken": csrf}});
  const {ticket} = await issued.json();
  const answer = await fetch("/api/auth/login", {
    method: "POST",
    headers: {"Content-Type": "application/json", "X-CSRFToken": csrf, "X-Login-Ticket": ticket},
    body: JSON.stringify({username: form.username.value, password: form.password.value}),
  });
  if (answer.ok) {
    location.assign((await answer.json()).next);
  } else {
    error.textContent = (await answer.json()).detail || "Sign in failed";
  }
});
"""

_BROWSER_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sign in - golive sandbox</title></head>
<body><main><h1>Sign in</h1>
<form id="login">
<label>Username <input name="username" autocomplete="username" required></label>
<label>Password <input name="password" type="password" autocomplete="current-password" required></label>
<button type="button" id="sign-in">Sign in</button>
<p id="error" role="alert"></p>
</form></main>
<script src="/api/auth/login.js"></script>
</body></html>
"""


def browser_login_router(settings: Settings, password_step: PasswordStep) -> APIRouter:
    """The login page (GET /api/auth/login) and the calls its script makes: a one-time ticket, then
    the JSON sign-in carrying it, answered 200 {"next": "/"} with the session cookie."""
    router = APIRouter(tags=["auth"])
    faults = settings.faults
    tickets: set[str] = set()  # issued and not yet used (one process)

    def csrf_checked(request: Request) -> None:
        if not csrf_matches(request.cookies.get(CSRF_COOKIE), request.headers.get(CSRF_HEADER)):
            raise HTTPException(status_code=403, detail="CSRF Failed: CSRF token missing or incorrect.")

    @router.get("/api/auth/login", response_class=HTMLResponse)
    def login_page(request: Request) -> HTMLResponse:
        page = HTMLResponse(_BROWSER_PAGE)
        _csrf_cookie(page, request.cookies.get(CSRF_COOKIE) or new_csrf_token(), request.url.scheme == "https")
        return page

    @router.get("/api/auth/login.js")
    def login_script() -> Response:
        # a file of its own: the pages' Content-Security-Policy runs no inline script
        return Response(_BROWSER_SCRIPT, media_type="text/javascript; charset=utf-8")

    @router.post("/api/auth/login/ticket")
    def login_ticket(request: Request) -> dict[str, str]:
        csrf_checked(request)
        ticket = new_csrf_token()
        tickets.add(ticket)
        return {"ticket": ticket}

    @router.post("/api/auth/login")
    async def browser_login(request: Request, body: Annotated[dict[str, Any], Body()]) -> Response:
        csrf_checked(request)
        ticket = request.headers.get(LOGIN_TICKET_HEADER, "")
        if ticket not in tickets:
            return JSONResponse({"detail": "Sign in through the login page."}, status_code=400)
        tickets.discard(ticket)
        username, password = body.get("username"), body.get("password")
        if not isinstance(username, str) or not isinstance(password, str):
            return JSONResponse({"detail": "username and password are required"}, status_code=422)
        state = state_of(request)
        try:
            outcome = await run_in_threadpool(password_step, state, username[:128], password[:1024],
                                              enumerable=faults.active("login_user_enumeration"))
        except HTTPException as refused:
            if refused.status_code != 401:
                raise
            return JSONResponse({"detail": "Invalid username or password."}, status_code=401)
        if isinstance(outcome, dict):  # a second factor is due: not a step of this page
            return JSONResponse({"detail": "This account needs a second factor."}, status_code=401)
        answer = JSONResponse({"next": "/"})
        secure = request.url.scheme == "https"
        answer.set_cookie(SESSION_COOKIE, state.sessions.open(Identity(outcome.username, outcome.role)),
                          max_age=state.sessions.ttl_seconds, path="/", httponly=True, samesite="lax", secure=secure)
        _csrf_cookie(answer, new_csrf_token(), secure)  # rotated at login, as Django does
        return answer

    return router
