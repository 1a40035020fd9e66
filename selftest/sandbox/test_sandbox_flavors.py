"""The seed-system flavors: each one's health paths, e-mail login, roles, and RealServ's RS256 tokens."""

from __future__ import annotations

from collections.abc import Iterator

import jwt
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from fastapi.testclient import TestClient

from sandbox.app import create_app
from sandbox.flavors import FLAVORS
from sandbox.routes.flavor_paths import FIREBASE_JWKS_PATH, FIREBASE_X509_PATH, NODE_PROTECTED, REALSERV_SERVICES
from sandbox.settings import ConfigError, Settings, parse_users

PASSWORDS = {"admin": "flavor-admin-pw-1", "customer": "flavor-customer-pw-2", "vendor": "flavor-vendor-pw-3",
             "super_admin": "flavor-super-admin-pw-4", "store_user": "flavor-store-user-pw-5"}
ROLES = {"consolidated": ("admin", "customer"), "inventory": ("admin", "customer"),
         "arogya": ("super_admin", "store_user"), "realserv": ("admin", "vendor", "customer")}
API_KEY = "flavor-firebase-key"
PROJECT = "realserv-selftest"


def email(role: str) -> str:
    return f"{role.replace('_', '.')}@flavor.test"


def flavor_env(flavor: str) -> dict[str, str]:
    env = {"SANDBOX_FLAVOR": flavor, "SANDBOX_JWT_SECRET": "flavor-selftest-jwt-secret-0123456789abcdef",
           "SANDBOX_WHATSAPP_APP_SECRET": "s1", "SANDBOX_WHATSAPP_VERIFY_TOKEN": "t1",
           "SANDBOX_FIREBASE_PROJECT": PROJECT, "SANDBOX_FIREBASE_API_KEY": API_KEY}
    roles = ROLES.get(flavor, ())
    env["SANDBOX_USERS"] = ",".join(f"{email(r)}:{r}:PW_{r.upper()}" for r in roles)
    env.update({f"PW_{r.upper()}": PASSWORDS[r] for r in roles})
    return env


@pytest.fixture
def flavor_client() -> Iterator[object]:
    clients: list[TestClient] = []

    def make(flavor: str) -> TestClient:
        client = TestClient(create_app(Settings.from_env(flavor_env(flavor))))
        client.__enter__()
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.__exit__(None, None, None)


def node_login(client: TestClient, role: str, password: str | None = None) -> object:
    return client.post("/api/auth/login", json={"email": email(role), "password": password or PASSWORDS[role]})


def firebase_login(client: TestClient, role: str, key: str = API_KEY, password: str | None = None) -> object:
    return client.post(f"/firebase/v1/accounts:signInWithPassword?key={key}",
                       json={"email": email(role), "password": password or PASSWORDS[role], "returnSecureToken": True})


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_every_seed_system_has_a_flavor() -> None:
    assert {"commerce", "whatsapp_tracker", "consolidated", "arogya", "inventory", "realserv"} <= set(FLAVORS)


def test_users_spec_reads_passwords_from_the_named_variables() -> None:
    users = parse_users("A@x.test:admin:PW_A, b@x.test:customer:PW_B", {"PW_A": "one"})
    assert [(u.email, u.role, u.password) for u in users] == [("a@x.test", "admin", "one"),
                                                              ("b@x.test", "customer", None)]
    assert "one" not in repr(users)
    with pytest.raises(ConfigError):
        parse_users("admin:PW_A", {})


def test_tracker_serves_its_readiness_contract(flavor_client) -> None:
    client = flavor_client("whatsapp_tracker")
    assert client.get("/health/live").status_code == 200
    assert client.get("/health/db").status_code == 200
    ready = client.get("/health/ready")
    assert ready.status_code == 200 and ready.json() == {"ready": True, "checks": {"db": True, "env": True}}
    assert client.post("/api/auth/login", json={"email": "a@b.test", "password": "x"}).status_code in (404, 405)


def test_tracker_is_not_ready_without_its_whatsapp_credentials() -> None:
    env = {k: v for k, v in flavor_env("whatsapp_tracker").items() if k != "SANDBOX_WHATSAPP_APP_SECRET"}
    with TestClient(create_app(Settings.from_env(env))) as client:
        ready = client.get("/health/ready")
    assert ready.status_code == 503 and ready.json()["checks"]["env"] is False


@pytest.mark.parametrize("flavor", ["consolidated", "arogya", "inventory"])
def test_node_flavors_health_login_and_roles(flavor_client, flavor: str) -> None:
    client = flavor_client(flavor)
    assert client.get("/api/health").status_code == 200 and client.get("/api/health/db").status_code == 200
    assert node_login(client, ROLES[flavor][0], password="wrong").status_code == 401
    unknown = client.post("/api/auth/login", json={"email": "nobody@flavor.test", "password": "wrong"})
    assert unknown.status_code == 401 and unknown.json() == node_login(client, ROLES[flavor][0], "x").json()
    tokens = {}
    for role in ROLES[flavor]:
        response = node_login(client, role)
        assert response.status_code == 200, response.text
        tokens[role] = response.json()["access_token"]
        assert jwt.get_unverified_header(tokens[role])["alg"] == "HS256"
    for spec in NODE_PROTECTED[flavor]:
        assert client.request(spec.method, spec.path).status_code == 401
        for role, token in tokens.items():
            status = client.request(spec.method, spec.path, headers=bearer(token)).status_code
            # an allowed write without a body reaches validation (400/422): authorized, nothing written
            allowed = (200 <= status < 300) or (spec.method != "GET" and status in (400, 422))
            assert allowed if role in spec.roles else status == 403, (spec, role, status)
    me = client.get("/api/me", headers=bearer(tokens[ROLES[flavor][0]])).json()
    assert me == {"email": email(ROLES[flavor][0]), "role": ROLES[flavor][0]}


def test_node_flavor_refuses_a_token_signed_with_another_key(flavor_client) -> None:
    client = flavor_client("consolidated")
    claims = jwt.decode(node_login(client, "admin").json()["access_token"], options={"verify_signature": False})
    forged = jwt.encode(claims, "another-secret-of-sufficient-length-0123456789", algorithm="HS256",
                        headers={"kid": "consolidated-hs256-1"})
    assert client.get("/api/me", headers=bearer(forged)).status_code == 401


def test_arogya_admin_page_has_an_email_field_and_a_dashboard(flavor_client) -> None:
    client = flavor_client("arogya")
    login = client.get("/login")
    assert login.status_code == 200 and 'type="email"' in login.text and 'name="password"' in login.text
    assert 'data-testid="dashboard"' in client.get("/dashboard").text
    assert client.get("/static/arogya-admin.js").status_code == 200
    assert client.get("/favicon.ico").status_code == 200


def test_realserv_services_answer_health_under_their_prefixes(flavor_client) -> None:
    client = flavor_client("realserv")
    for name in REALSERV_SERVICES:
        response = client.get(f"/{name}/health")
        assert response.status_code == 200 and response.json()["service"] == name


def test_realserv_sign_in_returns_a_firebase_style_rs256_id_token(flavor_client) -> None:
    client = flavor_client("realserv")
    response = firebase_login(client, "vendor")
    assert response.status_code == 200, response.text
    body = response.json()
    assert {"idToken", "refreshToken", "expiresIn"} <= set(body) and body["expiresIn"] == "3600"
    jwks = client.get(FIREBASE_JWKS_PATH).json()
    assert all("d" not in key for key in jwks["keys"]), "the JWKS publishes public keys only"
    header = jwt.get_unverified_header(body["idToken"])
    key = jwt.PyJWKSet.from_dict(jwks)[header["kid"]]
    claims = jwt.decode(body["idToken"], key.key, algorithms=["RS256"], audience=PROJECT,
                        issuer=f"https://securetoken.google.com/{PROJECT}")
    assert header["alg"] == "RS256" and claims["exp"] - claims["iat"] == 3600
    assert claims["email"] == email("vendor") and claims["role"] == "vendor"
    # Firebase's refresh tokens are opaque, not JWTs
    assert body["refreshToken"].count(".") != 2


def test_realserv_sign_in_refuses_a_wrong_key_and_wrong_credentials_alike(flavor_client) -> None:
    client = flavor_client("realserv")
    assert firebase_login(client, "admin", key="not-the-key").status_code == 400
    wrong = firebase_login(client, "admin", password="wrong")
    unknown = client.post(f"/firebase/v1/accounts:signInWithPassword?key={API_KEY}",
                          json={"email": "nobody@flavor.test", "password": "wrong"})
    assert wrong.status_code == unknown.status_code == 400 and wrong.json() == unknown.json()


def test_realserv_role_matrix(flavor_client) -> None:
    client = flavor_client("realserv")
    tokens = {role: firebase_login(client, role).json()["idToken"] for role in ROLES["realserv"]}
    for name, spec in REALSERV_SERVICES.items():
        path = f"/{name}{spec.path}"
        assert client.get(path).status_code == 401
        assert client.get(path, headers=bearer(tokens["admin"] + "x")).status_code == 401
        for role, token in tokens.items():
            status = client.get(path, headers=bearer(token)).status_code
            assert status == (200 if role in spec.roles else 403), (path, role, status)


def test_commerce_stays_the_default_flavor() -> None:
    assert Settings.from_env({}).flavor == "commerce"


def test_realserv_publishes_its_key_as_jwks_and_as_an_x509_certificate_map(flavor_client) -> None:
    client = flavor_client("realserv")
    (jwk,) = client.get(FIREBASE_JWKS_PATH).json()["keys"]
    certificates = client.get(FIREBASE_X509_PATH).json()
    assert list(certificates) == [jwk["kid"]]
    public = x509.load_pem_x509_certificate(certificates[jwk["kid"]].encode()).public_key()
    spki = serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    assert public.public_bytes(*spki) == jwt.PyJWK(jwk).key.public_bytes(*spki)
    assert client.get(FIREBASE_X509_PATH).json() == certificates  # stable between fetches
