"""golive.auth: each login strategy against the answer shapes real systems give (FastAPI's OAuth2
form, Django's session with CSRF, HTTP Basic, pre-issued tokens), the credential put where the
system reads it, and a failed login diagnosed once. HTTP is an httpx.MockTransport."""

from __future__ import annotations

import base64
import json
from urllib.parse import parse_qs

import httpx
import pytest

from fixtures.auth import RoleTokens
from golive.auth import Credential, LoginFailed, attempt_login, login, login_succeeded
from golive.http import HttpClient
from golive.outcomes import Blocked
from golive.profile import Auth
from golive.redaction import Redactor

API = "http://app.test"
JWT = ("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJhZG1pbiIsImV4cCI6MTcwMDAwMDAwMCwiaWF0IjoxNjk5OTk2NDAwfQ"
       ".c2lnbmF0dXJl")


class Server:
    """A scripted target: ``routes`` maps (method, path) to a handler; every request is kept."""

    def __init__(self, routes) -> None:  # type: ignore[no-untyped-def]
        self.routes, self.requests = routes, []

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.routes[(request.method, request.url.path)](request)

    def client(self) -> HttpClient:
        return HttpClient(transport=httpx.MockTransport(self.handle), redactor=Redactor(), retries=0, safety="probe")


def auth(**login) -> Auth:  # type: ignore[no-untyped-def]
    credential = login.pop("credential", None)
    roles = login.pop("roles", {"admin": {"username": "admin", "password": "pw-admin-1"}})
    data = {"login": {"service": "api", **login}, "roles": roles}
    if credential:
        data["credential"] = credential
    return Auth.model_validate(data)


def fastapi_form_login(request: httpx.Request) -> httpx.Response:
    """FastAPI's OAuth2PasswordRequestForm: urlencoded fields, 422 naming them for anything else."""
    fields = parse_qs(request.content.decode()) if "urlencoded" in request.headers.get("content-type", "") else {}
    if "username" not in fields or "password" not in fields:
        detail = [{"type": "missing", "loc": ["body", name], "msg": "Field required"} for name in ("username", "password")]
        return httpx.Response(422, json={"detail": detail})
    return httpx.Response(200, json={"access_token": JWT, "token_type": "bearer"})


def test_form_strategy_posts_the_oauth2_password_grant_and_sends_a_bearer_token():
    server = Server({("POST", "/api/v1/login/access-token"): fastapi_form_login,
                     ("GET", "/api/v1/users/me"): lambda r: httpx.Response(200, json={"ok": True})})
    with server.client() as http:
        credential = login(http, auth(strategy="form", path="/api/v1/login/access-token",
                                      extra_fields={"client_id": "golive", "scope": "*"}), API, "admin")
        http.get(API + "/api/v1/users/me", auth=credential)
    sent = parse_qs(server.requests[0].content.decode())
    assert sent == {"username": ["admin"], "password": ["pw-admin-1"], "grant_type": ["password"],
                    "client_id": ["golive"], "scope": ["*"]}
    assert credential.is_jwt and credential.where == "the Authorization header (Bearer)"
    assert server.requests[1].headers["authorization"] == f"Bearer {JWT}"


def test_json_posted_to_a_form_login_is_diagnosed_as_wanting_a_form():
    server = Server({("POST", "/login"): fastapi_form_login})
    with server.client() as http, pytest.raises(LoginFailed) as failure:
        login(http, auth(path="/login"), API, "admin")
    prerequisite = failure.value.prerequisite
    assert prerequisite.name == "login as admin"
    assert prerequisite.found == "HTTP 422: body fields missing (username, password) — does the endpoint want a form?"
    assert "strategy: form" in prerequisite.fix
    assert prerequisite.where.startswith("POST http://app.test/login")


def test_a_token_at_a_dotted_path_is_found():
    server = Server({("POST", "/auth/login"): lambda r: httpx.Response(
        200, json={"data": {"access_token": "opaque-123456", "refresh_token": "r-654321", "expires": 900000}})})
    with server.client() as http:
        credential = login(http, auth(path="/auth/login", access_token_field="data.access_token",
                                      refresh_token_field="data.refresh_token"), API, "admin")
    assert (credential.value, credential.refresh, credential.is_jwt) == ("opaque-123456", "r-654321", False)
    assert credential.kind == "an opaque token"


class DjangoLike:
    """Django's login view: GET sets csrftoken; POST needs it in the form and cookie, answers 302 with sessionid;
    the API reads only the session cookie and wants X-CSRFToken on unsafe methods."""

    CSRF, SESSION = "csrf-token-abcdef", "session-id-0123456789"

    def page(self, request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, html="<form><input type='hidden' name='csrfmiddlewaretoken' value='x'></form>",
                              headers={"set-cookie": f"csrftoken={self.CSRF}; Path=/; SameSite=Lax"})

    def post(self, request: httpx.Request) -> httpx.Response:
        fields = parse_qs(request.content.decode())
        if f"csrftoken={self.CSRF}" not in request.headers.get("cookie", "") or \
                fields.get("csrfmiddlewaretoken") != [self.CSRF]:
            return httpx.Response(403, html="<h1>Forbidden (403)</h1><p>CSRF verification failed.</p>")
        if fields.get("password") != ["pw-admin-1"]:
            return httpx.Response(200, html="<p>Please enter a correct username and password.</p>")
        return httpx.Response(302, headers=[("location", "/accounts/profile/"),
                                            ("set-cookie", f"sessionid={self.SESSION}; HttpOnly; Path=/"),
                                            ("set-cookie", f"csrftoken={self.CSRF}; Path=/")])

    def api(self, request: httpx.Request) -> httpx.Response:
        if f"sessionid={self.SESSION}" not in request.headers.get("cookie", ""):
            return httpx.Response(403, json={"detail": "Authentication credentials were not provided."})
        if request.method == "POST" and request.headers.get("x-csrftoken") != self.CSRF:
            return httpx.Response(403, json={"detail": "CSRF Failed"})
        return httpx.Response(200, json={"results": []})

    def server(self) -> Server:
        return Server({("GET", "/accounts/login/"): self.page, ("POST", "/accounts/login/"): self.post,
                       ("GET", "/api/items/"): self.api, ("POST", "/api/items/"): self.api})


SESSION_AUTH = dict(strategy="session", path="/accounts/login/", session_cookie="sessionid",
                    csrf={"cookie": "csrftoken", "field": "csrfmiddlewaretoken", "header": "X-CSRFToken"})


def test_session_strategy_reads_the_cookie_of_a_302_and_echoes_csrf_on_unsafe_requests():
    django = DjangoLike()
    server = django.server()
    with server.client() as http:
        credential = login(http, auth(**SESSION_AUTH), API, "admin")
        read = http.get(API + "/api/items/", auth=credential)
        write = http.post(API + "/api/items/", auth=credential, intent="probe")
        anonymous = http.get(API + "/api/items/")
    assert credential.placement.location == "cookie" and credential.value == django.SESSION
    assert not credential.is_jwt and credential.kind == "an opaque session cookie"
    assert (read.status_code, write.status_code) == (200, 200)
    assert "x-csrftoken" not in server.requests[2].headers  # a safe method carries no CSRF header
    # nothing rides along implicitly: the cookie the login set does not make a later request authenticated
    assert anonymous.status_code == 403 and "cookie" not in server.requests[4].headers


def test_a_forged_session_keeps_its_place_and_only_the_session_value_changes():
    django = DjangoLike()
    server = django.server()
    with server.client() as http:
        credential = login(http, auth(**SESSION_AUTH), API, "admin")
        answer = http.get(API + "/api/items/", auth=credential.forged("forged-session"))
    assert answer.status_code == 403
    assert server.requests[-1].headers["cookie"] == f"csrftoken={django.CSRF}; sessionid=forged-session"


def test_a_session_login_that_stays_on_the_form_is_a_failed_login_not_a_session():
    server = DjangoLike().server()
    wrong = auth(**SESSION_AUTH, roles={"admin": {"username": "admin", "password": "wrong"}})
    with server.client() as http, pytest.raises(LoginFailed) as failure:
        login(http, wrong, API, "admin")
    assert failure.value.prerequisite.found.startswith("HTTP 200")
    with server.client() as http:
        attempt = attempt_login(http, wrong, API, "admin")
        assert not login_succeeded(wrong, attempt)
        assert login_succeeded(wrong, attempt_login(http, wrong, API, "admin", password="pw-admin-1"))


def test_a_json_login_to_a_session_form_suggests_the_session_strategy():
    django = DjangoLike()
    server = Server({("POST", "/accounts/login/"): lambda r: httpx.Response(
        302, headers=[("location", "/"), ("set-cookie", "sessionid=abc123456789; HttpOnly")])})
    with server.client() as http, pytest.raises(LoginFailed) as failure:
        login(http, auth(path="/accounts/login/"), API, "admin")
    assert failure.value.prerequisite.found == "HTTP 302 to / with a session cookie (sessionid)"
    assert "strategy: session" in failure.value.prerequisite.fix
    del django


def test_basic_strategy_sends_the_pair_on_every_request_and_is_no_jwt():
    server = Server({("GET", "/v1/"): lambda r: httpx.Response(200, json={"ok": True})})
    with server.client() as http:
        credential = login(http, auth(strategy="basic", path="/v1/"), API, "admin")
        http.get(API + "/v1/", auth=credential)
    assert server.requests[0].headers["authorization"] == "Basic " + base64.b64encode(b"admin:pw-admin-1").decode()
    assert not credential.is_jwt and credential.kind == "HTTP Basic credentials"


def test_token_strategy_puts_the_key_in_the_named_query_parameter_and_masks_it():
    server = Server({("GET", "/api/status"): lambda r: httpx.Response(200, json={"ok": True})})
    exchanges: list[str] = []
    http = HttpClient(transport=httpx.MockTransport(server.handle), redactor=Redactor(), retries=0,
                      on_exchange=lambda title, text: exchanges.append(text))
    token_auth = auth(strategy="token", roles={"admin": {"token": "jupyter-token-0f9e8d7c6b5a"}},
                      credential={"location": "query", "name": "token"})
    with http:
        credential = login(http, token_auth, API, "admin")
        http.get(API + "/api/status", auth=credential)
    assert server.requests[0].url.params["token"] == "jupyter-token-0f9e8d7c6b5a"
    assert "jupyter-token-0f9e8d7c6b5a" not in "".join(exchanges)


def test_a_200_without_a_token_is_no_successful_login():
    answer = httpx.Response(200, json={"message": "welcome"}, request=httpx.Request("POST", API + "/login"))
    assert not login_succeeded(auth(path="/login"), answer)


def test_a_failed_login_is_tried_once_then_every_check_that_needs_the_role_is_blocked():
    server = Server({("POST", "/login"): fastapi_form_login})
    cache: dict = {}
    with server.client() as http:
        tokens = RoleTokens(http, auth(path="/login"), API, cache)
        for _ in range(3):
            with pytest.raises(Blocked) as blocked:
                tokens("admin")
    assert len(server.requests) == 1
    assert blocked.value.prerequisite.name == "login as admin"
    assert str(blocked.value.msg).startswith("unverified: blocked by login as admin failed (HTTP 422")


def test_credential_headers_are_only_what_the_credential_adds():
    credential = Credential.bearer("admin", "tok-123456")
    assert credential.headers() == {"Authorization": "Bearer tok-123456"}
    assert json.dumps(credential.headers())  # plain strings, usable in any header dict
