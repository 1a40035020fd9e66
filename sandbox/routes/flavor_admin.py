"""Arogya's admin front-end: /login (e-mail and password) and /dashboard, on the admin origin.

Like the commerce admin page it is opened on http://localhost:<port> and calls the API on
http://127.0.0.1:<port>, so the browser really performs CORS; no inline script (the CSP forbids it).
"""

from __future__ import annotations

import html

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from sandbox.runtime import api_base, own_port
from sandbox.settings import Settings

_PAGE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="api-base" content="{api_base}">
  <meta name="release" content="{release}">
  <title>{title} - Arogya Amritam admin</title>
  <script src="/static/arogya-admin.js" defer></script>
</head>
<body data-page="{page}">
{body}
</body>
</html>
"""

_LOGIN = """  <main>
    <h1>Arogya Amritam admin</h1>
    <form id="login-form" method="post">
      <label for="email">Email</label>
      <input id="email" name="email" type="email" autocomplete="username" required>
      <label for="password">Password</label>
      <input id="password" name="password" type="password" autocomplete="current-password" required>
      <button type="submit">Sign in</button>
    </form>
    <p id="error" role="alert" hidden></p>
  </main>"""

# shown by the script only once /api/me accepted the stored token
_DASHBOARD = """  <main data-testid="dashboard" hidden>
    <h1>Dashboard</h1>
    <p id="whoami"></p>
  </main>
  <p id="error" role="alert" hidden></p>"""

_SCRIPT = """"use strict";
(function () {
  const KEY = "arogya.access_token";
  const apiBase = document.querySelector('meta[name="api-base"]').content.replace(/\\/+$/, "");
  const error = (text) => { const e = document.getElementById("error"); e.textContent = text; e.hidden = false; };
  async function signIn(event) {
    event.preventDefault();
    const form = event.currentTarget;
    let response;
    try {
      response = await fetch(apiBase + "/api/auth/login", {
        method: "POST", mode: "cors", headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ email: form.email.value, password: form.password.value }),
      });
    } catch (err) { error("Sign-in failed: the API could not be reached."); return; }
    const body = await response.json().catch(() => ({}));
    if (!response.ok) { error(response.status === 401 ? "Invalid email or password" : "Sign-in failed."); return; }
    sessionStorage.setItem(KEY, body.access_token);
    window.location.assign("/dashboard");
  }
  async function showDashboard() {
    const token = sessionStorage.getItem(KEY);
    if (!token) { window.location.assign("/login"); return; }
    const response = await fetch(apiBase + "/api/me", { mode: "cors", headers: { Authorization: "Bearer " + token } });
    const me = await response.json().catch(() => ({}));
    if (!response.ok) { sessionStorage.removeItem(KEY); window.location.assign("/login"); return; }
    document.getElementById("whoami").textContent = "Signed in as " + me.email + " (" + me.role + ")";
    document.querySelector("[data-testid=dashboard]").hidden = false;
  }
  const page = document.body.dataset.page;
  if (page === "login") document.getElementById("login-form").addEventListener("submit", signIn);
  if (page === "dashboard") showDashboard();
})();
"""


_FAVICON = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><circle cx="8" cy="8" r="7" fill="#2a7"/></svg>'


def build_router(settings: Settings) -> APIRouter:
    router = APIRouter(tags=["arogya-admin"])

    def render(request: Request, page: str, title: str, body: str) -> HTMLResponse:
        base = html.escape(api_base(own_port(request.scope, settings)))
        # the commit this front-end was built from (Vercel: VERCEL_GIT_COMMIT_SHA at build time)
        release = html.escape(settings.release_commit)
        return HTMLResponse(_PAGE.format(api_base=base, release=release, title=title, page=page, body=body))

    @router.get("/login", response_class=HTMLResponse)
    def login_page(request: Request) -> HTMLResponse:
        return render(request, "login", "Sign in", _LOGIN)

    @router.get("/dashboard", response_class=HTMLResponse)
    def dashboard(request: Request) -> HTMLResponse:
        return render(request, "dashboard", "Dashboard", _DASHBOARD)

    @router.get("/favicon.ico", include_in_schema=False)
    def favicon() -> Response:
        # browsers ask for it unprompted; a 404 shows up as a console error on every page
        return Response(_FAVICON, media_type="image/svg+xml")

    @router.get("/static/arogya-admin.js")
    def script() -> Response:
        return Response(_SCRIPT, media_type="text/javascript; charset=utf-8")

    return router
