"""The commerce sandbox's login styles (SANDBOX_LOGIN), list envelope and body-first validation, and
the faults of each (sandbox/login_styles.py, sandbox/routes/session_login.py)."""

from __future__ import annotations

import base64
import re

import pytest

from sandbox.settings import ConfigError, Settings

UNPARSEABLE = b'{"note": '
JSON = {"Content-Type": "application/json"}


def basic(username: str, password: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()}


def session_login(client, username: str, password: str, *, csrf: bool = True):  # type: ignore[no-untyped-def]
    page = client.get("/api/auth/login")
    assert page.status_code == 200
    hidden = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert hidden and hidden.group(1) == page.cookies["csrftoken"]
    fields = {"username": username, "password": password, **({"csrfmiddlewaretoken": hidden.group(1)} if csrf else {})}
    return client.post("/api/auth/login", data=fields, follow_redirects=False)


def test_unknown_login_style_is_a_configuration_error(kit):
    with pytest.raises(ConfigError, match="SANDBOX_LOGIN"):
        Settings.from_env({**kit.env, "SANDBOX_LOGIN": "saml"})


# --- form: the OAuth2 password grant ----------------------------------------------------------

def test_form_login_issues_tokens_for_urlencoded_fields(make_client, kit):
    client = make_client(env={"SANDBOX_LOGIN": "form"})
    answer = client.post("/api/auth/login", data={"grant_type": "password", "username": "cashier",
                                                  "password": kit.passwords["cashier"]})
    assert answer.status_code == 200, answer.text
    me = client.get("/api/me", headers=kit.bearer(answer.json()["access_token"]))
    assert me.json() == {"username": "cashier", "role": "cashier"}


def test_form_login_answers_json_with_422_naming_the_form_fields(make_client, kit):
    client = make_client(env={"SANDBOX_LOGIN": "form"})
    answer = client.post("/api/auth/login", json={"username": "cashier", "password": kit.passwords["cashier"]})
    assert answer.status_code == 422
    assert {tuple(error["loc"]) for error in answer.json()["detail"]} == {("body", "username"), ("body", "password")}


def test_fault_form_login_user_enumeration(make_client):
    healthy = make_client(env={"SANDBOX_LOGIN": "form"})
    faulty = make_client("form_login_user_enumeration", env={"SANDBOX_LOGIN": "form"})
    for client, unknown_status in ((healthy, 401), (faulty, 404)):
        assert client.post("/api/auth/login", data={"username": "cashier", "password": "wrong"}).status_code == 401
        assert client.post("/api/auth/login", data={"username": "nobody", "password": "wrong"}).status_code == \
            unknown_status


# --- browser: the session API behind a scripted login page ---------------------------------------

def test_browser_login_signs_in_only_with_the_ticket_its_page_script_fetches(make_client, kit):
    client = make_client(env={"SANDBOX_LOGIN": "browser"})
    page = client.get("/api/auth/login")
    assert '<button type="button" id="sign-in">' in page.text and 'src="/api/auth/login.js"' in page.text
    assert "X-Login-Ticket" in client.get("/api/auth/login.js").text
    csrf = {"X-CSRFToken": page.cookies["csrftoken"]}
    fields = {"username": "cashier", "password": kit.passwords["cashier"]}
    # what golive's session and JSON strategies would send: refused, however right the password
    form = {**fields, "csrfmiddlewaretoken": page.cookies["csrftoken"]}
    assert client.post("/api/auth/login", data=form, follow_redirects=False).status_code in (400, 422)
    assert client.post("/api/auth/login", json=fields, headers=csrf).status_code == 400
    ticket = client.post("/api/auth/login/ticket", headers=csrf).json()["ticket"]
    wrong = client.post("/api/auth/login", json={**fields, "password": "wrong"},
                        headers={**csrf, "X-Login-Ticket": ticket})
    assert wrong.status_code == 401 and "sessionid" not in client.cookies
    ticket = client.post("/api/auth/login/ticket", headers=csrf).json()["ticket"]
    signed_in = client.post("/api/auth/login", json=fields, headers={**csrf, "X-Login-Ticket": ticket})
    assert signed_in.json() == {"next": "/"} and "sessionid" in client.cookies
    rotated = {"X-CSRFToken": client.cookies["csrftoken"]}  # a used ticket does not sign in again
    assert client.post("/api/auth/login", json=fields, headers={**rotated, "X-Login-Ticket": ticket}).status_code == 400
    assert client.get("/api/me").json() == {"username": "cashier", "role": "cashier"}


# --- session: a login form, a session cookie, CSRF ---------------------------------------------

def test_session_login_answers_302_with_an_httponly_session_cookie_and_a_rotated_csrf_token(make_client, kit):
    client = make_client(env={"SANDBOX_LOGIN": "session"})
    before = client.get("/api/auth/login").cookies["csrftoken"]
    answer = session_login(client, "cashier", kit.passwords["cashier"])
    assert answer.status_code == 302 and answer.headers["location"] == "/"
    set_cookies = answer.headers.get_list("set-cookie")
    assert any(c.startswith("sessionid=") and "HttpOnly" in c and "SameSite=lax" in c for c in set_cookies)
    assert client.cookies["csrftoken"] != before
    assert client.get("/api/me").json() == {"username": "cashier", "role": "cashier"}


def test_session_login_needs_the_csrf_token_and_the_right_password(make_client, kit):
    client = make_client(env={"SANDBOX_LOGIN": "session"})
    assert session_login(client, "cashier", kit.passwords["cashier"], csrf=False).status_code == 403
    wrong, unknown = session_login(client, "cashier", "wrong"), session_login(client, "nobody", "wrong")
    assert wrong.status_code == unknown.status_code == 401 and wrong.text == unknown.text
    assert "sessionid" not in client.cookies


def test_session_api_reads_only_the_cookie_and_refuses_anonymous_with_403(make_client, kit):
    client = make_client(env={"SANDBOX_LOGIN": "session"})
    token = client.app.state.sandbox.tokens.issue("admin", "admin", "access").token
    assert client.get("/api/me").status_code == 403
    assert client.get("/api/admin/users", headers=kit.bearer(token)).status_code == 403


def test_session_unsafe_requests_need_the_csrf_header(make_client, kit):
    client = make_client(env={"SANDBOX_LOGIN": "session"})
    session_login(client, "cashier", kit.passwords["cashier"])
    change = {"display_name": "Asha"}
    assert client.patch("/api/me", json=change).status_code == 403
    assert client.patch("/api/me", json=change, headers={"X-CSRFToken": "forged"}).status_code == 403
    assert client.patch("/api/me", json=change, headers={"X-CSRFToken": client.cookies["csrftoken"]}).status_code == 200


def test_fault_session_admin_route_open(make_client):
    assert make_client(env={"SANDBOX_LOGIN": "session"}).get("/api/admin/users").status_code == 403
    assert make_client("session_admin_route_open", env={"SANDBOX_LOGIN": "session"}).get(
        "/api/admin/users").status_code == 200


def test_fault_session_login_rate_limit_missing(make_client):
    limited = {"SANDBOX_LOGIN": "session", "SANDBOX_LOGIN_RATE_LIMIT": "3/minute"}
    for client, last in ((make_client(env=limited), 429),
                         (make_client("session_login_rate_limit_missing", env=limited), 401)):
        statuses = [session_login(client, "golive-probe", "wrong").status_code for _ in range(4)]
        assert statuses[:3] == [401] * 3 and statuses[3] == last


# --- basic: HTTP Basic on every request ----------------------------------------------------------

def test_basic_authenticates_every_request(make_client, kit):
    client = make_client(env={"SANDBOX_LOGIN": "basic"})
    anonymous = client.get("/api/me")
    assert anonymous.status_code == 401 and anonymous.headers["www-authenticate"].startswith("Basic")
    assert client.get("/api/me", headers=basic("cashier", kit.passwords["cashier"])).json()["role"] == "cashier"
    assert client.get("/api/me", headers=basic("cashier", "wrong")).status_code == 401
    assert client.get("/api/admin/users", headers=basic("cashier", kit.passwords["cashier"])).status_code == 403
    assert client.post("/api/auth/login", json={"username": "cashier", "password": "x"}).status_code in (404, 405)


def test_fault_basic_failed_attempts_unlimited(make_client, kit):
    """Healthy: failed attempts are limited, then even the right password is refused for a while."""
    limited = {"SANDBOX_LOGIN": "basic", "SANDBOX_LOGIN_RATE_LIMIT": "3/minute"}
    client = make_client(env=limited)
    statuses = [client.get("/api/me", headers=basic("cashier", "wrong")).status_code for _ in range(4)]
    assert statuses == [401, 401, 401, 429]
    locked = client.get("/api/me", headers=basic("cashier", kit.passwords["cashier"]))
    assert locked.status_code == 429 and locked.headers["retry-after"].isdigit()
    unlimited = make_client("basic_failed_attempts_unlimited", env=limited)
    assert {unlimited.get("/api/me", headers=basic("cashier", "wrong")).status_code for _ in range(5)} == {401}


def test_fault_basic_default_admin_password(make_client):
    assert make_client(env={"SANDBOX_LOGIN": "basic"}).get(
        "/api/me", headers=basic("administrator", "admin")).status_code == 401
    faulty = make_client("basic_default_admin_password", env={"SANDBOX_LOGIN": "basic"})
    assert faulty.get("/api/me", headers=basic("administrator", "admin")).json()["role"] == "admin"


# --- token: pre-issued API keys ------------------------------------------------------------------

KEYS = {"SANDBOX_ADMIN_API_KEY": "sbx-admin-key-0123456789", "SANDBOX_CASHIER_API_KEY": "sbx-cashier-key-0123456789"}


def test_api_keys_identify_their_user_and_role(make_client):
    client = make_client(env={"SANDBOX_LOGIN": "token", **KEYS})
    admin, cashier = ({"X-API-Key": KEYS[name]} for name in ("SANDBOX_ADMIN_API_KEY", "SANDBOX_CASHIER_API_KEY"))
    assert client.get("/api/admin/users", headers=admin).status_code == 200
    assert client.get("/api/admin/users", headers=cashier).status_code == 403
    assert client.get("/api/me", headers={"X-API-Key": "sbx-guessed"}).status_code == 401
    assert client.get("/api/me").status_code == 401
    assert client.get("/health/ready").json()["checks"]["env"] is True


def test_fault_api_key_role_ignored(make_client):
    client = make_client("api_key_role_ignored", env={"SANDBOX_LOGIN": "token", **KEYS})
    assert client.get("/api/admin/users", headers={"X-API-Key": KEYS["SANDBOX_CASHIER_API_KEY"]}).status_code == 200
    assert client.get("/api/admin/users").status_code == 401


# --- API shapes: list envelope, body-first validation, 404 for other users' objects --------------

def test_list_envelope_wraps_the_orders_list(make_client, kit):
    client = make_client(env={"SANDBOX_LIST_ENVELOPE": "data"})
    token = kit.login(client, "cashier")["access_token"]
    listing = client.get("/api/orders", headers=kit.bearer(token)).json()
    assert set(listing) == {"data", "count"} and listing["count"] == len(listing["data"]) == 1
    assert listing["data"][0]["owner"] == "cashier"


@pytest.mark.parametrize(("body_first", "anonymous_status"), [("true", 400), ("false", 401)])
def test_body_first_judges_an_unparseable_body_before_the_credential(make_client, kit, body_first, anonymous_status):
    client = make_client(env={"SANDBOX_BODY_FIRST": body_first})
    # DELETE takes no body: only the body-first API reads (and refuses) it before the credential
    assert client.request("DELETE", "/api/orders/1", content=UNPARSEABLE, headers=JSON).status_code == \
        anonymous_status
    # a route with a JSON body parameter: FastAPI itself decodes the body before any dependency runs
    assert client.patch("/api/me", content=UNPARSEABLE, headers=JSON).status_code == 422
    # a valid body still needs the credential
    assert client.patch("/api/me", json={"display_name": "Asha"}).status_code == 401


def test_fault_envelope_orders_not_scoped(make_client, kit):
    env = {"SANDBOX_LIST_ENVELOPE": "data", "SANDBOX_CASHIER2_PASSWORD": "cashier2-selftest-pw"}
    for faults, status in (((), 404), (("envelope_orders_not_scoped",), 200)):
        client = make_client(*faults, env=env)
        owner = kit.login(client, "cashier")["access_token"]
        order_id = client.get("/api/orders", headers=kit.bearer(owner)).json()["data"][0]["id"]
        other = client.post("/api/auth/login", json={"username": "cashier2", "password": "cashier2-selftest-pw"})
        assert client.get(f"/api/orders/{order_id}", headers=kit.bearer(other.json()["access_token"])).status_code \
            == status


def test_fault_bodyfirst_admin_route_open(make_client):
    assert make_client(env={"SANDBOX_BODY_FIRST": "true"}).get("/api/admin/users").status_code == 401
    assert make_client("bodyfirst_admin_route_open", env={"SANDBOX_BODY_FIRST": "true"}).get(
        "/api/admin/users").status_code == 200
