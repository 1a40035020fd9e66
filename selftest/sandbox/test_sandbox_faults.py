"""One test per fault, proving the behaviour change; plus the catalog's own invariants.

Every fault in the catalog must have a ``test_fault_<name>`` here or in a sibling
``test_faults_<area>.py`` module (enforced below).
"""

from __future__ import annotations


import base64
import hashlib
import hmac
import json
import re
import ssl
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import fastapi
import pytest
import uvicorn
from joserfc.jwk import RSAKey

from sandbox.faults import CATALOG, ActiveFaults, UnknownFaultError

CHECK_ID = re.compile(r"^[A-Z]{2,4}-[A-Z0-9]+-\d{3}$")
FRAGILE = ("content-security-policy", "x-content-type-options", "x-frame-options", "strict-transport-security")


# --- the catalog ---------------------------------------------------------------------------

def test_every_fault_has_a_test_here():
    here = Path(__file__).parent
    sources = [here / "test_sandbox_faults.py", *sorted(here.glob("test_faults_*.py"))]
    tested = {name for source in sources for name in re.findall(r"^def test_fault_(\w+)\(", source.read_text(), re.M)}
    missing = [name for name in CATALOG if name not in tested]
    assert not missing, f"faults without a behaviour test: {missing}"


def test_catalog_entries_are_well_formed():
    required = {
        "liveness_down", "database_unreachable", "readiness_skips_db", "slow_health",
        "security_headers_missing", "server_version_disclosed", "cors_reflects_any_origin",
        "cors_allows_null", "cors_suffix_match", "cors_vary_missing", "login_broken_for_role",
        "protected_endpoint_open", "admin_page_script_error", "admin_origin_not_allowed",
    }
    assert required <= set(CATALOG)
    for fault in CATALOG.values():
        assert re.fullmatch(r"[a-z][a-z0-9_]*", fault.name)
        assert fault.description and fault.checks
        assert all(CHECK_ID.match(check) for check in fault.checks), fault


def test_unknown_fault_names_are_refused():
    with pytest.raises(UnknownFaultError, match="Known faults: .*liveness_down"):
        ActiveFaults.parse("liveness_down,no_such_fault")


def test_asking_for_an_unregistered_fault_is_a_bug():
    with pytest.raises(KeyError):
        ActiveFaults().active("typo_in_fault_name")


def test_faults_combine(make_client):
    client = make_client("liveness_down", "server_version_disclosed")
    response = client.get("/health/live")
    assert response.status_code == 503
    assert response.headers["server"].startswith("uvicorn/")


# --- infrastructure / health -----------------------------------------------------------------

def test_fault_liveness_down(make_client):
    client = make_client("liveness_down")
    for path in ("/health/live", "/api/health"):
        response = client.get(path)
        assert response.status_code == 503
        assert response.json() == {"status": "down"}


def test_fault_liveness_flaps(make_client):
    from sandbox.routes.health import FLAP_DOWN_S, FLAP_PERIOD_S, flapped_down

    # down for the last FLAP_DOWN_S of every period, up for the rest, period after period
    grid = [step / 10 for step in range(int(FLAP_PERIOD_S * 10) * 3)]
    down = [at for at in grid if flapped_down(at)]
    assert len(down) == pytest.approx(len(grid) * FLAP_DOWN_S / FLAP_PERIOD_S, abs=3)
    assert not flapped_down(0.0) and flapped_down(FLAP_PERIOD_S - 0.1) and not flapped_down(FLAP_PERIOD_S + 0.1)
    client = make_client("liveness_flaps")
    answers = {(r.status_code, r.json()["status"]) for r in (client.get(p) for p in ("/health/live", "/api/health"))}
    assert answers <= {(200, "ok"), (503, "down")}  # which of the two depends on the moment: a window decides


def test_fault_database_unreachable(make_client, kit):
    client = make_client("database_unreachable")
    assert client.get("/health/live").status_code == 200  # the process itself is alive
    ready = client.get("/health/ready")
    assert ready.status_code == 503
    body = ready.json()
    body["checks"].pop("env_groups")  # which variable groups are set: not what this fault changes
    assert body == {"ready": False, "checks": {"db": False, "env": True}}
    for path in ("/health/db", "/api/health/db"):
        db = client.get(path)
        assert db.status_code == 503
        assert db.json() == {"status": "error", "error": "OperationalError"}
    login = client.post("/api/auth/login", json={"username": "admin", "password": kit.passwords["admin"]})
    assert login.status_code == 500
    assert login.json() == {"detail": "Internal Server Error"}


def test_fault_readiness_skips_db(make_client):
    client = make_client("readiness_skips_db")
    response = client.get("/health/ready")
    assert response.status_code == 200
    body = response.json()
    body["checks"].pop("env_groups")  # which variable groups are set: not what this fault changes
    assert body == {"ready": True, "checks": {"env": True}}
    # it says ready even when the database is gone: that is the defect
    broken = make_client("readiness_skips_db", "database_unreachable")
    assert broken.get("/health/ready").status_code == 200
    assert broken.get("/health/db").status_code == 503


def test_fault_slow_health(make_client):
    client = make_client("slow_health")

    def timed(path: str) -> tuple[int, float]:
        started = time.perf_counter()
        status = client.get(path).status_code
        return status, time.perf_counter() - started

    # concurrently, so the test costs ~1.2 s rather than 3.6 s
    with ThreadPoolExecutor(max_workers=3) as pool:
        results = list(pool.map(timed, ["/health/live", "/health/ready", "/health/db"]))
    for status, seconds in results:
        assert status == 200
        assert 1.1 <= seconds < 5, results


def test_healthy_health_is_fast(client):
    started = time.perf_counter()
    for path in ("/health/live", "/health/ready", "/health/db"):
        client.get(path)
    assert time.perf_counter() - started < 1.0


# --- security headers ------------------------------------------------------------------------

def test_fault_security_headers_missing(make_client):
    client = make_client("security_headers_missing")
    for path in ("/health/live", "/admin/login", "/api/me"):
        headers = client.get(path).headers
        for name in FRAGILE:
            assert name not in headers, (path, name)
        assert headers["referrer-policy"] == "no-referrer"  # only the four go missing


def test_fault_server_version_disclosed(make_client):
    client = make_client("server_version_disclosed")
    for path in ("/health/live", "/nope", "/api/me"):
        headers = client.get(path).headers
        assert headers["server"] == f"uvicorn/{uvicorn.__version__}"
        assert headers["x-powered-by"] == f"FastAPI/{fastapi.__version__}"
    assert uvicorn.__version__ == "0.54.0" and fastapi.__version__ == "0.163.2"


def test_fault_server_product_named(make_client):
    assert "server" not in make_client().get("/health/live").headers
    assert make_client("server_product_named").get("/health/live").headers["server"] == "uvicorn"


# --- CORS ------------------------------------------------------------------------------------

def _acao(client, origin: str) -> tuple[str | None, str | None]:
    headers = client.get("/health/live", headers={"Origin": origin}).headers
    return headers.get("access-control-allow-origin"), headers.get("access-control-allow-credentials")


def test_fault_cors_reflects_any_origin(make_client):
    client = make_client("cors_reflects_any_origin")
    for origin in ("https://evil.example", "null", "https://admin.sandbox.test.evil.example",
                   "https://evil-admin.sandbox.test"):
        assert _acao(client, origin) == (origin, "true")
    preflight = client.options("/api/me", headers={"Origin": "https://evil.example",
                                                   "Access-Control-Request-Method": "GET"})
    assert preflight.headers["access-control-allow-origin"] == "https://evil.example"


def test_fault_cors_allows_null(make_client):
    client = make_client("cors_allows_null")
    assert _acao(client, "null") == ("null", "true")
    assert _acao(client, "https://evil.example") == (None, None)


def test_fault_cors_suffix_match(make_client):
    client = make_client("cors_suffix_match")
    suffix_trick = "https://admin.sandbox.test.evil.example"
    assert _acao(client, suffix_trick) == (suffix_trick, "true")
    assert _acao(client, "https://evil-admin.sandbox.test") == ("https://evil-admin.sandbox.test", "true")
    assert _acao(client, "https://evil.example") == (None, None)
    assert _acao(client, "null") == (None, None)


def test_fault_cors_vary_missing(make_client):
    client = make_client("cors_vary_missing")
    response = client.get("/health/live", headers={"Origin": "https://admin.sandbox.test"})
    assert response.headers["access-control-allow-origin"] == "https://admin.sandbox.test"
    assert "origin" not in response.headers.get("vary", "").lower()
    preflight = client.options("/api/me", headers={"Origin": "https://admin.sandbox.test",
                                                   "Access-Control-Request-Method": "GET"})
    assert "origin" not in preflight.headers.get("vary", "").lower()


# --- authentication / authorisation -------------------------------------------------------

def test_fault_login_broken_for_role(make_client, kit):
    client = make_client("login_broken_for_role")
    manager = client.post("/api/auth/login", json={"username": "manager", "password": kit.passwords["manager"]})
    assert manager.status_code == 500
    assert manager.json() == {"detail": "Internal Server Error"}
    wrong = client.post("/api/auth/login", json={"username": "manager", "password": "wrong"})
    assert wrong.status_code == 401
    for role in ("admin", "cashier"):
        kit.login(client, role)


def test_fault_protected_endpoint_open(make_client):
    client = make_client("protected_endpoint_open")
    response = client.get("/api/admin/users")
    assert response.status_code == 200
    assert {u["username"] for u in response.json()} == {"admin", "manager", "cashier"}
    assert client.get("/api/me").status_code == 401  # only that route lost its guard


# --- browser (the real console error is proven in test_sandbox_browser.py) -----------------

def test_fault_admin_page_script_error(make_client, client):
    broken = make_client("admin_page_script_error")
    assert 'id="session-expiry"' in client.get("/admin/").text
    page = broken.get("/admin/")
    assert page.status_code == 200
    assert 'id="whoami"' in page.text
    assert 'id="session-expiry"' not in page.text  # the script writes into it unguarded


def test_fault_admin_origin_not_allowed(make_client, kit):
    client = make_client("admin_origin_not_allowed")
    preflight = client.options("/api/auth/login", headers={"Origin": kit.admin_origin,
                                                           "Access-Control-Request-Method": "POST"})
    assert "access-control-allow-origin" not in preflight.headers
    assert _acao(client, kit.admin_origin) == (None, None)
    assert _acao(client, "https://admin.sandbox.test") == ("https://admin.sandbox.test", "true")


# --- authentication, tokens and authorization (issue 4) ------------------------------------

TOTP_SEED = "M4WW3KDI3JXDVQZEPLTKZ4HAV4UIEIQ7"
AUTH_ENV = {
    "SANDBOX_SUPERADMIN_PASSWORD": "superadmin-selftest-pw",
    "SANDBOX_SUPERADMIN_TOTP_SECRET": TOTP_SEED,
    "SANDBOX_CASHIER2_PASSWORD": "cashier2-selftest-pw",
    "SANDBOX_SERVICE_TOKEN": "selftest-service-token",
}


def _b64url(data: bytes) -> str:
    import base64

    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _resigned(token: str, secret: str, **changes: object) -> str:
    """The token with changed claims, validly HS256-signed with ``secret`` (plain hmac, no JWT library)."""
    import base64
    import hashlib
    import hmac
    import json

    header, payload, _ = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims.update(changes)
    signing_input = f"{header}.{_b64url(json.dumps(claims).encode())}"
    signature = hmac.new(secret.encode(), signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{_b64url(signature)}"


def _claims(token: str) -> dict:
    import base64
    import json

    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def test_fault_jwt_alg_none_accepted(make_client, kit):
    import json

    token = kit.login(make_client(), "cashier")["access_token"]
    header, payload, _ = token.split(".")
    unsigned = f"{_b64url(json.dumps({'alg': 'none', 'typ': 'JWT', 'kid': 'sandbox-hs256-1'}).encode())}.{payload}."
    healthy, faulty = make_client(), make_client("jwt_alg_none_accepted")
    assert healthy.get("/api/me", headers=kit.bearer(unsigned)).status_code == 401
    assert faulty.get("/api/me", headers=kit.bearer(unsigned)).status_code == 200
    assert faulty.get("/api/me", headers=kit.bearer(token[:-4] + "AAAA")).status_code == 401  # signatures still checked


def test_fault_jwt_signature_not_verified(make_client, kit):
    token = kit.login(make_client(), "cashier")["access_token"]
    tampered = _resigned(token, "not-the-key", role="admin")
    assert make_client().get("/api/admin/users", headers=kit.bearer(tampered)).status_code == 401
    assert make_client("jwt_signature_not_verified").get("/api/admin/users", headers=kit.bearer(tampered)).status_code == 200


def test_fault_jwt_expiry_not_checked(make_client, kit):
    client = make_client("jwt_expiry_not_checked")
    token = kit.login(client, "cashier")["access_token"]
    expired = _resigned(token, kit.jwt_secret, exp=_claims(token)["iat"] - 3600)
    assert client.get("/api/me", headers=kit.bearer(expired)).status_code == 200
    healthy = make_client()
    expired = _resigned(kit.login(healthy, "cashier")["access_token"], kit.jwt_secret, exp=1)
    assert healthy.get("/api/me", headers=kit.bearer(expired)).status_code == 401


def test_fault_jwt_issuer_not_checked(make_client, kit):
    client = make_client("jwt_issuer_not_checked")
    foreign = _resigned(kit.login(client, "cashier")["access_token"], kit.jwt_secret, iss="another-project")
    assert client.get("/api/me", headers=kit.bearer(foreign)).status_code == 200
    healthy = make_client()
    foreign = _resigned(kit.login(healthy, "cashier")["access_token"], kit.jwt_secret, iss="another-project")
    assert healthy.get("/api/me", headers=kit.bearer(foreign)).status_code == 401


def test_fault_token_lifetime_8_days(make_client, kit):
    claims = _claims(kit.login(make_client("token_lifetime_8_days"), "cashier")["access_token"])
    assert claims["exp"] - claims["iat"] == 8 * 24 * 3600
    healthy = _claims(kit.login(make_client(), "cashier")["access_token"])
    assert healthy["exp"] - healthy["iat"] == 3600


def test_fault_weak_hs256_secret(make_client, kit):
    import hashlib
    import hmac

    def signed_with(token: str, secret: str) -> bool:
        header, payload, signature = token.split(".")
        return _b64url(hmac.new(secret.encode(), f"{header}.{payload}".encode(), hashlib.sha256).digest()) == signature

    assert signed_with(kit.login(make_client("weak_hs256_secret"), "cashier")["access_token"], "secret")
    healthy = kit.login(make_client(), "cashier")["access_token"]
    assert signed_with(healthy, kit.jwt_secret) and not signed_with(healthy, "secret")


def test_fault_refresh_token_not_rotated(make_client, kit):
    client = make_client("refresh_token_not_rotated")
    refresh = kit.login(client, "cashier")["refresh_token"]
    for _ in range(2):  # the same token, again and again
        response = client.post("/api/auth/refresh", json={"refresh_token": refresh})
        assert response.status_code == 200
        assert response.json()["refresh_token"] == refresh
    healthy = make_client()
    refresh = kit.login(healthy, "cashier")["refresh_token"]
    rotated = healthy.post("/api/auth/refresh", json={"refresh_token": refresh}).json()["refresh_token"]
    assert rotated != refresh
    assert healthy.post("/api/auth/refresh", json={"refresh_token": refresh}).status_code == 401
    assert healthy.post("/api/auth/refresh", json={"refresh_token": rotated}).status_code == 401  # family revoked


def test_fault_admin_mfa_skipped(make_client):
    import pyotp

    credentials = {"username": "superadmin", "password": AUTH_ENV["SANDBOX_SUPERADMIN_PASSWORD"]}
    skipped = make_client("admin_mfa_skipped", env=AUTH_ENV).post("/api/auth/login", json=credentials).json()
    assert "access_token" in skipped and "challenge" not in skipped
    healthy = make_client(env=AUTH_ENV)
    first = healthy.post("/api/auth/login", json=credentials).json()
    assert first["mfa_required"] is True and "access_token" not in first
    wrong = healthy.post("/api/auth/otp", json={"challenge": first["challenge"], "code": "12345x"})
    assert wrong.status_code == 401
    done = healthy.post("/api/auth/otp", json={"challenge": first["challenge"], "code": pyotp.TOTP(TOTP_SEED).now()})
    assert done.status_code == 200 and done.json()["access_token"]
    again = healthy.post("/api/auth/otp", json={"challenge": first["challenge"], "code": pyotp.TOTP(TOTP_SEED).now()})
    assert again.status_code == 401  # a challenge is used once


def test_fault_login_user_enumeration(make_client):
    faulty = make_client("login_user_enumeration")
    unknown = faulty.post("/api/auth/login", json={"username": "nobody", "password": "x"})
    wrong = faulty.post("/api/auth/login", json={"username": "cashier", "password": "x"})
    assert (unknown.status_code, wrong.status_code) == (404, 401)
    healthy = make_client()
    unknown = healthy.post("/api/auth/login", json={"username": "nobody", "password": "x"})
    wrong = healthy.post("/api/auth/login", json={"username": "cashier", "password": "x"})
    assert (unknown.status_code, unknown.json()) == (wrong.status_code, wrong.json()) == (401, wrong.json())


def test_fault_login_rate_limit_missing(make_client):
    limits = {"SANDBOX_LOGIN_RATE_LIMIT": "3/minute"}
    faulty = make_client("login_rate_limit_missing", env=limits)
    statuses = [faulty.post("/api/auth/login", json={"username": "probe", "password": "x"}).status_code for _ in range(5)]
    assert statuses == [401] * 5
    healthy = make_client(env=limits)
    statuses = [healthy.post("/api/auth/login", json={"username": "probe", "password": "x"}).status_code for _ in range(4)]
    assert statuses == [401, 401, 401, 429]
    # keyed by client and username: another account is not locked out by the probe's attempts
    assert healthy.post("/api/auth/login", json={"username": "cashier", "password": "x"}).status_code == 401


def test_fault_otp_attempts_unlimited(make_client):
    credentials = {"username": "superadmin", "password": AUTH_ENV["SANDBOX_SUPERADMIN_PASSWORD"]}

    def statuses(client) -> list[int]:
        challenge = client.post("/api/auth/login", json=credentials).json()["challenge"]
        return [client.post("/api/auth/otp", json={"challenge": challenge, "code": "abcdef"}).status_code
                for _ in range(7)]

    assert statuses(make_client("otp_attempts_unlimited", env=AUTH_ENV)) == [401] * 7
    assert statuses(make_client(env=AUTH_ENV)) == [401] * 5 + [429] * 2


def test_fault_rbac_manager_reaches_admin(make_client, kit):
    faulty = make_client("rbac_manager_reaches_admin")
    assert faulty.get("/api/admin/users", headers=kit.bearer(kit.login(faulty, "manager")["access_token"])).status_code == 200
    assert faulty.get("/api/admin/users", headers=kit.bearer(kit.login(faulty, "cashier")["access_token"])).status_code == 403
    healthy = make_client()
    assert healthy.get("/api/admin/users", headers=kit.bearer(kit.login(healthy, "manager")["access_token"])).status_code == 403


def _cashier_pair(client):
    def token(username: str, password: str) -> dict[str, str]:
        body = client.post("/api/auth/login", json={"username": username, "password": password}).json()
        return {"Authorization": f"Bearer {body['access_token']}"}

    return token("cashier", "cashier-selftest-pw"), token("cashier2", AUTH_ENV["SANDBOX_CASHIER2_PASSWORD"])


def test_fault_bola_orders(make_client):
    healthy = make_client(env=AUTH_ENV)
    owner, other = _cashier_pair(healthy)
    order = healthy.get("/api/orders", headers=owner).json()[0]
    assert [o["id"] for o in healthy.get("/api/orders", headers=other).json()] != [order["id"]]
    assert healthy.get(f"/api/orders/{order['id']}", headers=other).status_code == 404
    assert healthy.patch(f"/api/orders/{order['id']}", headers=other, json={"note": "x"}).status_code == 404
    assert healthy.delete(f"/api/orders/{order['id']}", headers=other).status_code == 404
    assert healthy.get(f"/api/orders/{order['id']}", headers=owner).json() == order
    faulty = make_client("bola_orders", env=AUTH_ENV)
    owner, other = _cashier_pair(faulty)
    order = faulty.get("/api/orders", headers=owner).json()[0]
    assert faulty.get(f"/api/orders/{order['id']}", headers=other).status_code == 200
    assert faulty.patch(f"/api/orders/{order['id']}", headers=other, json={"note": "x"}).json()["note"] == "x"
    assert faulty.delete(f"/api/orders/{order['id']}", headers=other).status_code == 204
    assert faulty.get(f"/api/orders/{order['id']}", headers=owner).status_code == 404


def test_fault_mass_assignable_role(make_client, kit):
    faulty = make_client("mass_assignable_role")
    headers = kit.bearer(kit.login(faulty, "cashier")["access_token"])
    assert faulty.patch("/api/me", headers=headers, json={"role": "admin"}).json()["role"] == "admin"
    relogged = kit.bearer(kit.login(faulty, "cashier")["access_token"])
    assert faulty.get("/api/admin/users", headers=relogged).status_code == 200  # now an admin
    healthy = make_client()
    headers = kit.bearer(kit.login(healthy, "cashier")["access_token"])
    assert healthy.patch("/api/me", headers=headers, json={"role": "admin"}).status_code == 422
    assert healthy.patch("/api/me", headers=headers, json={"display_name": "Till 1"}).json()["role"] == "cashier"


def test_fault_signup_mass_assignable_fields(make_client, kit):
    chosen = {"username": "visitor-1", "email": "visitor-1@example.com"}
    faulty = make_client("signup_mass_assignable_fields")
    account = faulty.post("/api/accounts", json={**chosen, "role": "admin", "verified": True}).json()
    assert (account["role"], account["verified"]) == ("admin", True)
    healthy = make_client()
    account = healthy.post("/api/accounts", json={**chosen, "role": "admin", "verified": True}).json()
    assert (account["role"], account["verified"]) == ("customer", False)  # chosen by the shop, not the body
    admin = kit.bearer(kit.login(healthy, "admin")["access_token"])
    assert healthy.get(f"/api/accounts/{account['id']}", headers=admin).json()["role"] == "customer"
    assert healthy.get(f"/api/accounts/{account['id']}").status_code == 401
    assert healthy.delete(f"/api/accounts/{account['id']}", headers=admin).status_code == 204
    assert healthy.get(f"/api/accounts/{account['id']}", headers=admin).status_code == 404


def test_fault_password_hash_exposed(make_client, kit):
    faulty = make_client("password_hash_exposed")
    users = faulty.get("/api/admin/users", headers=kit.bearer(kit.login(faulty, "admin")["access_token"])).json()
    assert all(user["password_hash"].startswith("scrypt$") for user in users)


def test_fault_service_endpoint_open(make_client):
    assert make_client("service_endpoint_open", env=AUTH_ENV).get("/internal/stock-sync").status_code == 200
    healthy = make_client(env=AUTH_ENV)
    assert healthy.get("/internal/stock-sync").status_code == 401
    assert healthy.get("/internal/stock-sync", headers={"X-Service-Token": "wrong"}).status_code == 401
    ok = healthy.get("/internal/stock-sync", headers={"X-Service-Token": AUTH_ENV["SANDBOX_SERVICE_TOKEN"]})
    assert ok.status_code == 200 and ok.json()["items"]


# --- input handling and webhooks (issue 4 items 3 and 4) ---------------------------------------
# Signatures are built here with plain hmac / cryptography, independently of golive's probes.

import base64 as _base64  # noqa: E402
import hashlib as _hashlib  # noqa: E402
import hmac as _hmac  # noqa: E402
import json as _json  # noqa: E402

from cryptography.hazmat.primitives import hashes as _hashes  # noqa: E402
from cryptography.hazmat.primitives import serialization as _serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import ec as _ec  # noqa: E402

_SENDGRID_KEY = _ec.generate_private_key(_ec.SECP256R1())
HOOK_ENV = {
    "SANDBOX_RAZORPAY_WEBHOOK_SECRET": "rzp-whsec-selftest",
    "SANDBOX_WHATSAPP_APP_SECRET": "meta-app-secret-selftest",
    "SANDBOX_WHATSAPP_VERIFY_TOKEN": "verify-token-selftest",
    "SANDBOX_TWILIO_AUTH_TOKEN": "twilio-token-selftest",
    "SANDBOX_SENDGRID_PUBLIC_KEY": _base64.b64encode(_SENDGRID_KEY.public_key().public_bytes(
        _serialization.Encoding.DER, _serialization.PublicFormat.SubjectPublicKeyInfo)).decode(),
    "SANDBOX_TRACKER_SHARE_SECRET": "tracker-secret-selftest",
}


def _hook_client(make_client, kit, *faults):
    client = make_client(*faults, env=HOOK_ENV)
    token = kit.login(client, "cashier")["access_token"]
    client.headers["Authorization"] = f"Bearer {token}"
    return client


def _razorpay(client, order_id, amount, *, event_id="evt_selftest1", signature=None):
    body = _json.dumps({"entity": "event", "event": "payment.captured", "payload": {"payment": {"entity": {
        "id": "pay_selftest", "order_id": order_id, "amount": amount, "status": "captured"}}}})
    secret = HOOK_ENV["SANDBOX_RAZORPAY_WEBHOOK_SECRET"].encode()
    signature = signature if signature is not None else _hmac.new(secret, body.encode(), _hashlib.sha256).hexdigest()
    return client.post("/webhooks/razorpay", content=body,
                       headers={"X-Razorpay-Signature": signature, "x-razorpay-event-id": event_id})


def _new_order(client, amount=100):
    response = client.post("/api/payments/orders", json={"amount": amount})
    assert response.status_code == 201, response.text
    return response.json()


def _validate(client, **fields):
    return client.post("/api/customers/validate", json={"name": "Asha", **fields}).status_code


def test_fault_phone_validation_missing(make_client, kit):
    healthy, broken = _hook_client(make_client, kit), _hook_client(make_client, kit, "phone_validation_missing")
    for bad in ("12345", "+91 98765 43210", "0091-9876543210"):
        assert _validate(healthy, phone=bad) == 422 and _validate(broken, phone=bad) == 200
    assert _validate(broken, email="a@") == 422  # only phones lost their check


def test_fault_email_validation_missing(make_client, kit):
    healthy, broken = _hook_client(make_client, kit), _hook_client(make_client, kit, "email_validation_missing")
    for bad in ("a@", "@b.example", "a b@c.example", "a@b@c.example"):
        assert _validate(healthy, email=bad) == 422 and _validate(broken, email=bad) == 200
    assert _validate(healthy, email="asha.rao@example.com", phone="+919876543210") == 200


def _oversize_upload(client):
    headers = {"Content-Length": str(101 * 1024 * 1024 + 10), "Content-Type": "application/octet-stream"}
    return client.post("/api/uploads", content=b"x" * 1024, headers=headers)


def test_fault_upload_limit_not_enforced(make_client, kit):
    # the in-process client sends only 1 KB of the declared size: a server that reads on just gets less
    small = {"SANDBOX_UPLOAD_LIMIT_MB": "1", **HOOK_ENV}
    healthy = make_client(env=small)
    broken = make_client("upload_limit_not_enforced", env=small)
    for client in (healthy, broken):
        client.headers["Authorization"] = "Bearer " + kit.login(client, "cashier")["access_token"]
    assert _oversize_upload(healthy).status_code == 413
    two_mb = broken.post("/api/uploads", content=b"x" * (2 * 1024 * 1024))
    assert two_mb.status_code == 200 and two_mb.json()["received_bytes"] == 2 * 1024 * 1024
    assert healthy.post("/api/uploads", content=b"x" * (2 * 1024 * 1024)).status_code == 413


def test_fault_upload_limit_checked_after_read(make_client, kit):
    small = {"SANDBOX_UPLOAD_LIMIT_MB": "1", **HOOK_ENV}
    broken = make_client("upload_limit_checked_after_read", env=small)
    broken.headers["Authorization"] = "Bearer " + kit.login(broken, "cashier")["access_token"]
    # refused, but only after every byte was read: a declared size alone is not refused
    assert broken.post("/api/uploads", content=b"x" * (2 * 1024 * 1024)).status_code == 413
    assert _oversize_upload(broken).status_code == 200


def test_fault_json_body_limit_missing(make_client, kit):
    healthy, broken = _hook_client(make_client, kit), _hook_client(make_client, kit, "json_body_limit_missing")
    big = {"name": "x" * (300 * 1024)}
    assert healthy.post("/api/customers/validate", json=big).status_code == 413
    assert broken.post("/api/customers/validate", json=big).status_code == 200


def test_fault_sql_injection_in_search(make_client, kit):
    healthy, broken = _hook_client(make_client, kit), _hook_client(make_client, kit, "sql_injection_in_search")
    quote = broken.get("/api/products/search", params={"q": "'"})
    assert quote.status_code == 500 and "OperationalError" in quote.text
    assert len(broken.get("/api/products/search", params={"q": "zz' OR 1=1 --"}).json()) == 4
    assert healthy.get("/api/products/search", params={"q": "'"}).json() == []
    assert healthy.get("/api/products/search", params={"q": "zz' OR 1=1 --"}).json() == []
    assert [p["sku"] for p in healthy.get("/api/products/search", params={"q": "Tulsi"}).json()] == ["TUL-100"]


def test_fault_xss_reflected(make_client, client):
    broken = make_client("xss_reflected")
    payload = "<script>alert(1)</script>"
    assert payload in broken.get("/search", params={"q": payload}).text
    page = client.get("/search", params={"q": payload}).text
    assert payload not in page and "&lt;script&gt;" in page


def test_fault_redos_sku_validation(make_client, kit):
    healthy, broken = _hook_client(make_client, kit), _hook_client(make_client, kit, "redos_sku_validation")
    near_miss = "/api/products/sku/" + "A" * 22 + "!"

    def timed(client):
        started = time.perf_counter()
        status = client.get(near_miss).status_code
        return status, time.perf_counter() - started

    # the fastest of a few healthy answers: one of them may wait for the CPU on a loaded machine
    fast = min((timed(healthy) for _ in range(5)), key=lambda answer: answer[1])
    slow = timed(broken)
    assert fast[0] == slow[0] == 422
    # relative, not absolute: a loaded machine slows both answers alike, backtracking only the broken one
    assert slow[1] > 10 * fast[1], (fast, slow)
    assert broken.get("/api/products/sku/ASH-250").status_code == 200


def test_fault_open_redirect(make_client, client):
    broken = make_client("open_redirect")
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        assert client.get("/auth/redirect", params={"next": target}, follow_redirects=False).status_code == 400
        assert broken.get("/auth/redirect", params={"next": target}, follow_redirects=False).status_code == 302
    local = client.get("/auth/redirect", params={"next": "/admin/"}, follow_redirects=False)
    assert local.status_code == 302 and local.headers["location"] == "/admin/"


def test_fault_debug_error_pages(make_client, kit):
    healthy, broken = _hook_client(make_client, kit), _hook_client(make_client, kit, "debug_error_pages")
    array = broken.post("/api/customers/validate", json=[1, 2])
    assert array.status_code == 500 and "Traceback (most recent call last)" in array.text
    assert "/sandbox/routes/inputs.py" in array.text
    assert "Traceback" in broken.get("/api/products/search", params={"limit": "abc"}).text
    assert healthy.post("/api/customers/validate", json=[1, 2]).status_code == 422
    assert healthy.get("/api/products/search", params={"limit": "abc"}).status_code == 422


def test_fault_razorpay_webhook_signature_skipped(make_client, kit):
    healthy = _hook_client(make_client, kit)
    broken = _hook_client(make_client, kit, "razorpay_webhook_signature_skipped")
    for client in (healthy, broken):
        order = _new_order(client)
        forged = _razorpay(client, order["id"], 100, signature="0" * 64)
        state = client.get(f"/api/payments/orders/{order['id']}").json()["status"]
        if client is healthy:
            assert forged.status_code == 400 and state == "created"
        else:
            assert forged.status_code == 200 and state == "paid"
    probe = broken.get("/api/payments/orders/order_GoliveProbe0001").json()
    assert probe["status"] == "created" and probe["amount"] == 50000  # the seeded pending order


def test_fault_razorpay_webhook_signs_reparsed_json(make_client, kit):
    healthy = _hook_client(make_client, kit)
    broken = _hook_client(make_client, kit, "razorpay_webhook_signs_reparsed_json")
    assert _razorpay(healthy, _new_order(healthy)["id"], 100).status_code == 200
    # json.dumps' default separators (", ", ": ") are not what the broken receiver re-serializes
    assert _razorpay(broken, _new_order(broken)["id"], 100).status_code == 400


def test_fault_razorpay_webhook_not_idempotent(make_client, kit):
    healthy = _hook_client(make_client, kit)
    broken = _hook_client(make_client, kit, "razorpay_webhook_not_idempotent")
    for client, paid in ((healthy, 100), (broken, 200)):
        order = _new_order(client)
        statuses = [_razorpay(client, order["id"], 100, event_id="evt_same").json()["status"] for _ in range(2)]
        assert client.get(f"/api/payments/orders/{order['id']}").json()["amount_paid"] == paid
        assert statuses == (["processed", "duplicate_event"] if client is healthy else ["processed", "processed"])


def _meta(client, body=b'{"object":"whatsapp_business_account"}', signature=None):
    secret = HOOK_ENV["SANDBOX_WHATSAPP_APP_SECRET"].encode()
    signature = signature or "sha256=" + _hmac.new(secret, body, _hashlib.sha256).hexdigest()
    return client.post("/webhooks/whatsapp", content=body, headers={"X-Hub-Signature-256": signature})


def test_fault_meta_signature_not_checked(make_client):
    healthy = make_client(env=HOOK_ENV)
    broken = make_client("meta_signature_not_checked", env=HOOK_ENV)
    assert _meta(healthy).status_code == 200
    assert _meta(healthy, signature="sha256=" + "0" * 64).status_code == 401
    assert _meta(broken, signature="sha256=" + "0" * 64).status_code == 200


def _twilio_signature(url, params):
    data = url + "".join(f"{key}{params[key]}" for key in sorted(params))
    digest = _hmac.new(HOOK_ENV["SANDBOX_TWILIO_AUTH_TOKEN"].encode(), data.encode(), _hashlib.sha1).digest()
    return _base64.b64encode(digest).decode()


def test_fault_twilio_signature_not_checked(make_client, kit):
    healthy = make_client(env=HOOK_ENV)
    broken = make_client("twilio_signature_not_checked", env=HOOK_ENV)
    params = {"MessageSid": "SM1", "MessageStatus": "delivered"}
    url = f"{kit.api_base}/webhooks/twilio/status"
    good = {"X-Twilio-Signature": _twilio_signature(url, params)}
    assert healthy.post("/webhooks/twilio/status", data=params, headers=good).status_code == 200
    assert healthy.post("/webhooks/twilio/status", data=params, headers={"X-Twilio-Signature": "AAAA"}).status_code == 403
    assert broken.post("/webhooks/twilio/status", data=params, headers={"X-Twilio-Signature": "AAAA"}).status_code == 200


def _sendgrid(client, timestamp, body=b'[{"event":"delivered"}]'):
    signature = _SENDGRID_KEY.sign(str(timestamp).encode() + body, _ec.ECDSA(_hashes.SHA256()))
    return client.post("/webhooks/sendgrid/events", content=body, headers={
        "X-Twilio-Email-Event-Webhook-Signature": _base64.b64encode(signature).decode(),
        "X-Twilio-Email-Event-Webhook-Timestamp": str(timestamp)})


def test_fault_webhook_accepts_stale_signature(make_client):
    healthy = make_client(env=HOOK_ENV)
    broken = make_client("webhook_accepts_stale_signature", env=HOOK_ENV)
    now, hour_ago = int(time.time()), int(time.time()) - 3600
    assert _sendgrid(healthy, now).status_code == 200
    assert _sendgrid(healthy, hour_ago).status_code == 403
    assert _sendgrid(broken, hour_ago).status_code == 200


def test_fault_whatsapp_verify_token_ignored(make_client):
    healthy = make_client(env=HOOK_ENV)
    broken = make_client("whatsapp_verify_token_ignored", env=HOOK_ENV)
    query = {"hub.mode": "subscribe", "hub.challenge": "4242"}
    right = {**query, "hub.verify_token": HOOK_ENV["SANDBOX_WHATSAPP_VERIFY_TOKEN"]}
    assert healthy.get("/webhooks/whatsapp", params=right).text == "4242"
    assert healthy.get("/webhooks/whatsapp", params={**query, "hub.verify_token": "nope"}).status_code == 403
    assert broken.get("/webhooks/whatsapp", params={**query, "hub.verify_token": "nope"}).text == "4242"


def _link(secret, claims):
    def b64(data):
        return _base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    payload = b64(_json.dumps(claims).encode())
    return payload + "." + b64(_hmac.new(secret.encode(), payload.encode(), _hashlib.sha256).digest())


def test_fault_tracker_link_signature_not_checked(make_client, kit):
    healthy = _hook_client(make_client, kit)
    broken = _hook_client(make_client, kit, "tracker_link_signature_not_checked")
    admin = "Bearer " + kit.login(healthy, "admin")["access_token"]
    issued = healthy.get("/internal/tracker-link", params={"subject": "p1"}, headers={"Authorization": admin}).json()
    assert healthy.get(issued["url"]).status_code == 200
    forged = _link("not-the-secret", {"sub": "p2", "exp": int(time.time()) + 60})
    unsigned = forged.split(".")[0]
    for token in (forged, unsigned):
        assert healthy.get(f"/t/{token}").status_code == 403
        assert broken.get(f"/t/{token}").status_code == 200


def test_fault_tracker_link_never_expires(make_client):
    healthy = make_client(env=HOOK_ENV)
    broken = make_client("tracker_link_never_expires", env=HOOK_ENV)
    secret = HOOK_ENV["SANDBOX_TRACKER_SHARE_SECRET"]
    expired = _link(secret, {"sub": "p1", "exp": int(time.time()) - 60})
    assert healthy.get(f"/t/{_link(secret, {'sub': 'p1', 'exp': int(time.time()) + 60})}").status_code == 200
    assert healthy.get(f"/t/{expired}").status_code == 403
    assert broken.get(f"/t/{expired}").status_code == 200
    assert broken.get(f"/t/{_link('wrong', {'sub': 'p1', 'exp': int(time.time()) + 60})}").status_code == 403


# --- transport, exposure and secrets (issue 4 items 5 and 6) -------------------------------

def _tls_files(tmp_path, *faults):
    from sandbox.tls import make_certificates

    return make_certificates(tmp_path / "tls", ActiveFaults(faults))


def _verify_error(files, host="localhost"):
    """Why a client trusting only the sandbox CA refuses the server certificate (None: it accepts)."""
    import socket
    import ssl
    import threading

    from sandbox.tls import server_context

    server = server_context(files, ActiveFaults())
    client = ssl.create_default_context(cafile=str(files.ca_file))
    with socket.create_server(("127.0.0.1", 0)) as listener:
        def accept_one():
            conn, _ = listener.accept()
            try:
                with server.wrap_socket(conn, server_side=True):
                    pass
            except (ssl.SSLError, OSError):
                pass  # the client gave up: that is the outcome under test

        worker = threading.Thread(target=accept_one, daemon=True)
        worker.start()
        try:
            with socket.create_connection(listener.getsockname(), timeout=5) as raw:
                with client.wrap_socket(raw, server_hostname=host):
                    return None
        except ssl.SSLCertVerificationError as error:
            return error.verify_message
        finally:
            worker.join(5)


def _tls10_handshake(context):
    """Whether a TLS 1.0-only client completes a handshake with a server using ``context``."""
    import socket
    import ssl
    import threading

    client = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    client.check_hostname, client.verify_mode = False, ssl.CERT_NONE
    client.minimum_version = client.maximum_version = ssl.TLSVersion.TLSv1
    client.set_ciphers("ALL:@SECLEVEL=0")
    with socket.create_server(("127.0.0.1", 0)) as listener:
        def accept_one():
            conn, _ = listener.accept()
            try:
                with context.wrap_socket(conn, server_side=True):
                    pass
            except (ssl.SSLError, OSError):
                pass

        worker = threading.Thread(target=accept_one, daemon=True)
        worker.start()
        try:
            with socket.create_connection(listener.getsockname(), timeout=5) as raw:
                with client.wrap_socket(raw) as tls:
                    return tls.version() == "TLSv1"
        except ssl.SSLError:
            return False
        finally:
            worker.join(5)


def test_fault_https_redirect_missing(kit):
    from fastapi.testclient import TestClient

    from sandbox.app import create_app
    from sandbox.transport import HttpsRedirectApp

    for faults, expected in (((), 308), (("https_redirect_missing",), 200)):
        app = create_app(kit.make_settings(*faults))
        with TestClient(app):  # runs the lifespan (database) for the wrapped app
            redirect = TestClient(HttpsRedirectApp(app, 8443, ActiveFaults(faults)), base_url="http://localhost:8080")
            response = redirect.get("/health/live?x=1", follow_redirects=False)
            assert response.status_code == expected
            if expected == 308:
                assert response.headers["location"] == "https://localhost:8443/health/live?x=1"


def test_fault_https_redirect_temporary(kit):
    from fastapi.testclient import TestClient

    from sandbox.app import create_app
    from sandbox.transport import HttpsRedirectApp

    app = create_app(kit.make_settings())
    redirect = TestClient(HttpsRedirectApp(app, 8443, ActiveFaults(["https_redirect_temporary"])),
                          base_url="http://localhost:8080")
    response = redirect.get("/admin/login", follow_redirects=False)
    assert response.status_code == 302
    assert response.headers["location"] == "https://localhost:8443/admin/login"


def test_fault_hsts_max_age_short(kit):
    from fastapi.testclient import TestClient

    from sandbox.app import create_app
    from sandbox.transport import HttpsListenerApp

    for faults, expected in (((), "max-age=31536000; includeSubDomains"), (("hsts_max_age_short",), "max-age=86400")):
        app = create_app(kit.make_settings(*faults))
        with TestClient(app):
            https = TestClient(HttpsListenerApp(app, ActiveFaults(faults)), base_url="https://localhost:8443")
            assert https.get("/health/live").headers["strict-transport-security"] == expected


def test_fault_tls_legacy_protocols(tmp_path):
    from sandbox.tls import server_context

    files = _tls_files(tmp_path)
    assert _tls10_handshake(server_context(files, ActiveFaults(["tls_legacy_protocols"])))
    assert not _tls10_handshake(server_context(files, ActiveFaults()))


def test_fault_tls_modern_protocols_disabled(tmp_path):
    from sandbox.tls import server_context

    files = _tls_files(tmp_path)
    legacy_only = server_context(files, ActiveFaults(["tls_modern_protocols_disabled"]))
    assert _tls10_handshake(legacy_only)
    assert legacy_only.maximum_version == ssl.TLSVersion.TLSv1_1


def test_fault_tls_hostname_mismatch(tmp_path):
    assert _verify_error(_tls_files(tmp_path)) is None  # healthy: trusted for localhost
    assert "mismatch" in _verify_error(_tls_files(tmp_path, "tls_hostname_mismatch")).lower()


def test_fault_tls_self_signed_untrusted(tmp_path):
    assert "self-signed" in _verify_error(_tls_files(tmp_path, "tls_self_signed_untrusted")).lower()


def test_fault_tls_certificate_expiring(tmp_path):
    import datetime as dt

    from cryptography import x509

    def days_left(files):
        cert = x509.load_pem_x509_certificate(files.cert_file.read_bytes())
        return (cert.not_valid_after_utc - dt.datetime.now(dt.timezone.utc)).days

    assert days_left(_tls_files(tmp_path / "healthy")) >= 89
    assert days_left(_tls_files(tmp_path / "faulty", "tls_certificate_expiring")) < 11


def test_fault_cookie_flags_missing(make_client):
    healthy = make_client().get("/admin/login").headers["set-cookie"]
    assert "Secure" in healthy and "HttpOnly" in healthy and "SameSite=strict" in healthy
    faulty = make_client("cookie_flags_missing").get("/admin/login").headers["set-cookie"]
    assert faulty.startswith("admin_session=")
    assert "Secure" not in faulty and "HttpOnly" not in faulty and "SameSite" not in faulty


def _burst(client, count=6):
    return [client.get("/api/rate-probe") for _ in range(count)]


def test_fault_rate_limit_missing(make_client):
    healthy = _burst(make_client(env={"SANDBOX_RATE_PROBE_LIMIT": "5/minute"}))
    assert [r.status_code for r in healthy] == [200] * 5 + [429]
    assert healthy[-1].headers["retry-after"].isdigit() and healthy[-1].headers["ratelimit-limit"] == "5"
    faulty = _burst(make_client("rate_limit_missing", env={"SANDBOX_RATE_PROBE_LIMIT": "5/minute"}))
    assert [r.status_code for r in faulty] == [200] * 6


def test_fault_rate_limit_no_retry_after(make_client):
    faulty = _burst(make_client("rate_limit_no_retry_after", env={"SANDBOX_RATE_PROBE_LIMIT": "5/minute"}))
    assert faulty[-1].status_code == 429 and "retry-after" not in faulty[-1].headers


def test_fault_rate_limit_never_recovers(make_client):
    def recovers(client):
        refused = _burst(client)[-1]
        assert refused.status_code == 429
        deadline = time.monotonic() + int(refused.headers["retry-after"]) + 2
        while time.monotonic() < deadline:
            if client.get("/api/rate-probe").status_code == 200:
                return True
            time.sleep(0.1)  # poll interval, bounded by the deadline
        return False

    assert recovers(make_client(env={"SANDBOX_RATE_PROBE_LIMIT": "5/second"}))
    assert not recovers(make_client("rate_limit_never_recovers", env={"SANDBOX_RATE_PROBE_LIMIT": "5/second"}))


def test_fault_dotenv_served(make_client):
    assert make_client().get("/.env").status_code == 404
    served = make_client("dotenv_served").get("/.env")
    assert served.status_code == 200 and "RAZORPAY_KEY_SECRET=" in served.text


def test_fault_git_directory_served(make_client):
    assert make_client().get("/.git/config").status_code == 404
    faulty = make_client("git_directory_served")
    assert "[core]" in faulty.get("/.git/config").text
    assert faulty.get("/.git/HEAD").text.startswith("ref: refs/heads/")


def test_fault_source_maps_served(make_client):
    healthy = make_client()
    assert healthy.get("/admin/static/admin.js.map").status_code == 404
    assert "sourcemap" not in healthy.get("/admin/static/admin.js").headers
    faulty = make_client("source_maps_served")
    script = faulty.get("/admin/static/admin.js")
    assert script.headers["sourcemap"] == "/admin/static/admin.js.map"
    assert script.text.rstrip().endswith("//# sourceMappingURL=admin.js.map")
    assert faulty.get("/admin/static/admin.js.map").json()["sources"]


def test_fault_secret_in_js_bundle(make_client):
    healthy = make_client().get("/admin/static/admin.js").text
    assert "AKIA" not in healthy and "razorpayKeySecret" not in healthy
    faulty = make_client("secret_in_js_bundle").get("/admin/static/admin.js").text
    assert re.search(r"AKIA[0-9A-Z]{16}", faulty) and "razorpayKeySecret" in faulty
    assert faulty.endswith(healthy)  # the page still works: the rest of the bundle is unchanged


def test_fault_debug_console_exposed(make_client):
    assert make_client().get("/console").status_code == 404
    faulty = make_client("debug_console_exposed")
    for path in ("/console", "/debug"):
        assert "Interactive Console" in faulty.get(path).text


def test_fault_api_docs_public(make_client):
    healthy = make_client()
    assert healthy.get("/docs").status_code == 404 and healthy.get("/openapi.json").status_code == 404
    faulty = make_client("api_docs_public")
    assert "swagger-ui" in faulty.get("/docs").text
    assert "/api/auth/login" in faulty.get("/openapi.json").json()["paths"]


def test_fault_directory_listing(make_client):
    assert make_client().get("/admin/static/").status_code == 404
    listing = make_client("directory_listing").get("/admin/static/")
    assert "Index of /admin/static/" in listing.text and "admin.js" in listing.text


def test_fault_secret_committed_to_repo(tmp_path):
    import subprocess

    from sandbox.repo import make_repository

    def history(repo):
        return subprocess.run(["git", "-C", str(repo), "log", "--all", "-p"], capture_output=True, text=True,
                              check=True).stdout

    clean = make_repository(tmp_path / "clean", ActiveFaults())
    assert "AKIA" not in history(clean)
    leaked = make_repository(tmp_path / "leaked", ActiveFaults(["secret_committed_to_repo"]))
    assert not (leaked / ".env").exists()  # gone from the working tree ...
    assert re.search(r"\+AWS_ACCESS_KEY_ID=AKIA[0-9A-Z]{16}", history(leaked))  # ... but not from history


def test_fault_razorpay_test_key_in_production(make_client):
    assert make_client().get("/health/config").json()["providers"]["razorpay"]["mode"] == "live"
    razorpay = make_client("razorpay_test_key_in_production").get("/health/config").json()["providers"]["razorpay"]
    assert razorpay == {"mode": "test", "key_id_prefix": "rzp_test_"}


def test_fault_mock_payment_provider(make_client):
    assert make_client().get("/health/config").json()["providers"]["payments"] == "real"
    assert make_client("mock_payment_provider").get("/health/config").json()["providers"]["payments"] == "mock"


def test_fault_insecure_tracker_allowed(make_client):
    assert make_client().get("/health/config").json()["flags"]["ALLOW_INSECURE_TRACKER"] is False
    assert make_client("insecure_tracker_allowed").get("/health/config").json()["flags"]["ALLOW_INSECURE_TRACKER"] is True


def test_fault_webhook_signature_skip_flag(make_client):
    assert make_client().get("/health/config").json()["flags"]["SKIP_WEBHOOK_SIGNATURE"] is None
    assert make_client("webhook_signature_skip_flag").get("/health/config").json()["flags"]["SKIP_WEBHOOK_SIGNATURE"] is True


def _preflight(client, origin, method, headers):
    return client.options("/api/products", headers={
        "Origin": origin, "Access-Control-Request-Method": method, "Access-Control-Request-Headers": headers})


def test_fault_cors_preflight_grants_anything(make_client):
    healthy = _preflight(make_client(), "https://admin.sandbox.test", "PROPFIND", "X-Debug-Impersonate")
    assert "PROPFIND" not in healthy.headers["access-control-allow-methods"]
    assert "X-Debug-Impersonate" not in healthy.headers["access-control-allow-headers"]
    faulty = _preflight(make_client("cors_preflight_grants_anything"), "https://admin.sandbox.test", "PROPFIND",
                        "X-Debug-Impersonate")
    assert faulty.headers["access-control-allow-methods"] == "PROPFIND"
    assert faulty.headers["access-control-allow-headers"] == "X-Debug-Impersonate"


def test_fault_cors_wildcard_with_credentials(make_client):
    assert "access-control-allow-origin" not in _preflight(make_client(), "https://evil.example", "GET", "").headers
    faulty = _preflight(make_client("cors_wildcard_with_credentials"), "https://evil.example", "GET", "").headers
    assert faulty["access-control-allow-origin"] == "*" and faulty["access-control-allow-credentials"] == "true"


def test_fault_default_admin_password(make_client):
    attempt = {"username": "administrator", "password": "admin"}
    assert make_client().post("/api/auth/login", json=attempt).status_code == 401
    faulty = make_client("default_admin_password").post("/api/auth/login", json=attempt)
    assert faulty.status_code == 200 and faulty.json()["access_token"]


def test_fault_weak_account_password(make_client):
    attempt = {"username": "cashier", "password": "changethis"}
    assert make_client().post("/api/auth/login", json=attempt).status_code == 401
    faulty = make_client("weak_account_password").post("/api/auth/login", json=attempt)
    assert faulty.status_code == 200 and faulty.json()["access_token"]


# --- API description (OpenAPI) sweeps ---------------------------------------------------------


def test_fault_product_lookup_unauthenticated(make_client):
    faulty = make_client("product_lookup_unauthenticated")
    assert faulty.get("/api/products/sku/SKU-001").status_code in (200, 404)
    assert make_client().get("/api/products/sku/SKU-001").status_code == 401


def test_api_description_documents_the_security_of_guarded_operations(client, kit):
    token = kit.login(client, "admin")["access_token"]
    document = client.get("/api/admin/openapi.json", headers=kit.bearer(token)).json()
    assert set(document["components"]["securitySchemes"]) == {"bearerAuth", "serviceToken"}
    paths = document["paths"]
    assert paths["/api/products/sku/{sku}"]["get"]["security"] == [{"bearerAuth": []}]
    assert paths["/internal/stock-sync"]["get"]["security"] == [{"serviceToken": []}]
    assert "security" not in paths["/health/live"]["get"]


def test_fault_product_supplier_key_exposed(make_client, kit):
    faulty = make_client("product_supplier_key_exposed")
    token = kit.login(faulty, "cashier")["access_token"]
    assert all(item["supplier"]["api_key"].startswith("sk_live_") for item in faulty.get("/api/products", headers=kit.bearer(token)).json())
    healthy = make_client()
    token = kit.login(healthy, "cashier")["access_token"]
    assert all("supplier" not in item for item in healthy.get("/api/products", headers=kit.bearer(token)).json())


# --- published keys (realserv flavor) ------------------------------------------------------------

REALSERV_ENV = {"SANDBOX_FLAVOR": "realserv", "SANDBOX_FIREBASE_PROJECT": "realserv-faults",
                "SANDBOX_FIREBASE_API_KEY": "faults-firebase-key", "SANDBOX_USERS": "admin@faults.test:admin:PW_ADMIN",
                "PW_ADMIN": "faults-admin-pw-1"}


def _key_confusion_token(client) -> str:  # type: ignore[no-untyped-def]
    """A genuine admin idToken re-signed as HS256 with the flavor's published public key (SPKI PEM)."""
    signed_in = client.post("/firebase/v1/accounts:signInWithPassword?key=faults-firebase-key",
                            json={"email": "admin@faults.test", "password": "faults-admin-pw-1"})
    genuine = signed_in.json()["idToken"]
    published = client.get("/service_accounts/v1/jwk/securetoken@system.gserviceaccount.com").json()["keys"][0]
    pem = RSAKey.import_key(published).as_pem(private=False)

    def encode(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    header = {"alg": "HS256", "typ": "JWT", "kid": published["kid"]}
    signing_input = f"{encode(json.dumps(header).encode())}.{genuine.split('.')[1]}"
    return f"{signing_input}.{encode(hmac.new(pem, signing_input.encode(), hashlib.sha256).digest())}"


def test_fault_jwt_key_confusion_accepted(make_client):
    assert CATALOG["jwt_key_confusion_accepted"].as_json()["env"] == "realserv-local"
    faulty = make_client("jwt_key_confusion_accepted", env=REALSERV_ENV)
    forged = _key_confusion_token(faulty)
    assert faulty.get("/identity/api/users/me", headers={"Authorization": f"Bearer {forged}"}).status_code == 200
    healthy = make_client(env=REALSERV_ENV)
    forged = _key_confusion_token(healthy)
    assert healthy.get("/identity/api/users/me", headers={"Authorization": f"Bearer {forged}"}).status_code == 401


def test_local_faults_keep_the_three_key_catalog_entry():
    # consumers of `python -m sandbox faults --json` read {name, description, checks}; env is optional
    assert CATALOG["liveness_down"].as_json() == {"name": "liveness_down", "description": CATALOG["liveness_down"].description,
                                                   "checks": ["INF-HEALTH-001"]}


# --- inventory initialization (arogya flavor) -------------------------------------------------

AROGYA_ENV = {"SANDBOX_FLAVOR": "arogya", "SANDBOX_USERS": "ops@faults.test:super_admin:AROGYA_PW",
              "AROGYA_PW": "faults-arogya-pw-1"}


def _arogya_lists(client) -> dict[str, list[dict]]:  # type: ignore[no-untyped-def]
    login = client.post("/api/auth/login", json={"email": "ops@faults.test", "password": "faults-arogya-pw-1"})
    headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
    lists = {}
    for name in ("entities", "products", "batches"):
        response = client.get(f"/api/{name}", headers=headers)
        assert response.status_code == 200, response.text
        lists[name] = response.json()["items"]
    return lists


def _today() -> str:
    from datetime import UTC, datetime

    return datetime.now(UTC).date().isoformat()


def test_arogya_inventory_is_healthy_and_guarded(make_client):
    client = make_client(env=AROGYA_ENV)
    assert client.get("/api/batches").status_code == 401
    lists = _arogya_lists(client)
    assert {e["type"] for e in lists["entities"]} >= {"warehouse", "franchise_store", "dealer", "vendor", "manufacturer"}
    skus = [p["sku"] for p in lists["products"]]
    assert len(skus) == len(set(skus)) >= 3
    assert all(b["expiry_date"] > _today() and b["qc_status"] == "approved" and b["coa_file"] for b in lists["batches"])
    assert {b["sku"] for b in lists["batches"]} == set(skus)


def test_fault_batch_missing_expiry(make_client):
    assert CATALOG["batch_missing_expiry"].env == "arogya-local"
    batches = _arogya_lists(make_client("batch_missing_expiry", env=AROGYA_ENV))["batches"]
    assert [b["batch_no"] for b in batches if b["expiry_date"] is None] == [batches[0]["batch_no"]]


def test_fault_batch_qc_pending_on_sale(make_client):
    assert CATALOG["batch_qc_pending_on_sale"].env == "arogya-local"
    batches = _arogya_lists(make_client("batch_qc_pending_on_sale", env=AROGYA_ENV))["batches"]
    tulsi = [b for b in batches if b["sku"] == "AA-TUL-100"]
    assert tulsi and {b["qc_status"] for b in tulsi} == {"pending"}


def test_fault_stock_all_expired(make_client):
    assert CATALOG["stock_all_expired"].env == "arogya-local"
    batches = _arogya_lists(make_client("stock_all_expired", env=AROGYA_ENV))["batches"]
    chyawanprash = [b for b in batches if b["sku"] == "AA-CHY-500"]
    assert chyawanprash and all(b["expiry_date"] < _today() for b in chyawanprash)


def test_fault_duplicate_sku(make_client):
    assert CATALOG["duplicate_sku"].env == "arogya-local"
    products = _arogya_lists(make_client("duplicate_sku", env=AROGYA_ENV))["products"]
    assert [p["sku"] for p in products].count("AA-TUL-100") == 2


def test_fault_anonymous_order_create(make_client):
    assert make_client().post("/api/orders", json={"sku": "SKU-1", "quantity": 1}).status_code in (401, 405)
    open_shop = make_client("anonymous_order_create")
    assert open_shop.post("/api/orders", json={"sku": "SKU-1", "quantity": 1}).status_code == 201
    assert open_shop.post("/api/orders", content=b"{").status_code == 422


def test_fault_debug_mode_404_page(make_client):
    assert "DEBUG = True" not in make_client().get("/no-such-page").text
    answer = make_client("debug_mode_404_page").get("/no-such-page")
    assert answer.status_code == 404 and "DEBUG = True" in answer.text


def test_fault_rate_limits_lowered(make_client):
    def limits(client):
        probe = [client.get("/api/rate-probe").status_code for _ in range(3)]
        login = [client.post("/api/auth/login", json={"username": "probe", "password": "x"}).status_code
                 for _ in range(6)]
        api = [client.get("/api/health") for _ in range(60)]
        return probe, login, api

    probe, login, api = limits(make_client("rate_limits_lowered"))
    assert probe == [200, 200, 429]
    assert login == [401] * 5 + [429]
    # 3 + 6 requests above count against the API window too: the 52nd /api/health is the 61st request
    assert [r.status_code for r in api] == [200] * 51 + [429] * 9
    assert 1 <= int(api[-1].headers["retry-after"]) <= 10
    probe, login, api = limits(make_client())  # the selftest's generous API and login limits
    assert probe == [200, 200, 200] and login == [401] * 6 and {r.status_code for r in api} == {200}


def test_fault_search_limit_unbounded(make_client, kit):
    beyond_64_bits = {"limit": str(2**63)}
    for client, expected in ((make_client(), 200), (make_client("search_limit_unbounded"), 500)):
        headers = kit.bearer(kit.login(client, "cashier")["access_token"])
        assert client.get("/api/products/search", params=beyond_64_bits, headers=headers).status_code == expected


def test_fault_role_refusal_unauthorized(make_client, kit):
    """Still a refusal (SEC-AUTHZ-001 passes), with 401 where the sandbox's policy names 403."""
    faulty = make_client("role_refusal_unauthorized")
    manager = kit.bearer(kit.login(faulty, "manager")["access_token"])
    assert faulty.get("/api/admin/users", headers=manager).status_code == 401
    assert faulty.get("/api/reports/sales", headers=manager).status_code == 200
    healthy = make_client()
    assert healthy.get("/api/admin/users", headers=kit.bearer(kit.login(healthy, "manager")["access_token"])).status_code == 403
