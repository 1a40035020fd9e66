"""Login, token claims, strict validation, refresh rotation.

Tokens are inspected and forged with PyJWT / plain hmac: the sandbox itself uses joserfc.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time

import jwt as pyjwt
import pytest

ISS, AUD = "golive-sandbox", "golive-sandbox-api"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _hs256(header: dict, claims: dict, key: bytes) -> str:
    signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(claims).encode())}"
    signature = hmac.new(key, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{_b64(signature)}"


def _claims(**overrides) -> dict:
    now = int(time.time())
    claims = {"sub": "admin", "role": "admin", "iat": now, "exp": now + 600, "iss": ISS, "aud": AUD,
              "jti": "forged-jti", "typ": "access"}
    claims.update(overrides)
    return {k: v for k, v in claims.items() if v is not None}


def test_login_returns_token_pair(client, kit):
    body = kit.login(client, "admin")
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 3600
    assert body["refresh_expires_in"] == 2592000
    access = pyjwt.decode(body["access_token"], kit.jwt_secret, algorithms=["HS256"], audience=AUD, issuer=ISS)
    assert access["sub"] == "admin" and access["role"] == "admin" and access["typ"] == "access"
    assert access["exp"] - access["iat"] == 3600
    assert access["jti"]
    assert pyjwt.get_unverified_header(body["access_token"])["alg"] == "HS256"
    refresh = pyjwt.decode(body["refresh_token"], kit.jwt_secret, algorithms=["HS256"], audience=AUD, issuer=ISS)
    assert refresh["typ"] == "refresh"
    assert refresh["exp"] - refresh["iat"] == 30 * 24 * 3600


@pytest.mark.parametrize(("username", "password"), [("admin", "wrong"), ("nobody", "whatever"), ("", "")])
def test_bad_credentials_get_one_message(client, username, password):
    response = client.post("/api/auth/login", json={"username": username, "password": password})
    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid username or password"}


def test_validation_errors_do_not_echo_the_password(client):
    secret = "x" * 2000 + "TOPSECRET"
    response = client.post("/api/auth/login", json={"username": "admin", "password": secret})
    assert response.status_code == 422
    assert "TOPSECRET" not in response.text


def test_refresh_rotates_and_refuses_reuse(client, kit):
    first = kit.login(client, "manager")
    rotated = client.post("/api/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert rotated.status_code == 200
    pair = rotated.json()
    assert pair["refresh_token"] != first["refresh_token"]
    assert client.get("/api/me", headers=kit.bearer(pair["access_token"])).json()["username"] == "manager"
    reuse = client.post("/api/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert reuse.status_code == 401
    # reuse means the token leaked: the whole family is revoked, the newer one included
    assert client.post("/api/auth/refresh", json={"refresh_token": pair["refresh_token"]}).status_code == 401


def test_refresh_refuses_an_access_token(client, kit):
    access = kit.login(client, "admin")["access_token"]
    assert client.post("/api/auth/refresh", json={"refresh_token": access}).status_code == 401


def test_refresh_token_is_not_an_access_token(client, kit):
    refresh = kit.login(client, "admin")["refresh_token"]
    assert client.get("/api/me", headers=kit.bearer(refresh)).status_code == 401


def _forgeries(secret: bytes) -> dict[str, str]:
    header = {"alg": "HS256", "typ": "JWT", "kid": "sandbox-hs256-1"}  # the sandbox's key id: only the defect differs
    good = _hs256(header, _claims(), secret)
    head, payload, sig = good.split(".")
    tampered_payload = _b64(json.dumps(_claims(role="admin", sub="mallory")).encode())
    return {
        "alg_none": f"{_b64(json.dumps({'alg': 'none', 'typ': 'JWT'}).encode())}.{payload}.",
        "signature_stripped": f"{head}.{payload}.",
        "tampered_claim": f"{head}.{tampered_payload}.{sig}",
        "wrong_key": _hs256(header, _claims(), b"another-secret-entirely-0123456789"),
        "expired": _hs256(header, _claims(iat=int(time.time()) - 7200, exp=int(time.time()) - 3600), secret),
        "issued_in_future": _hs256(header, _claims(iat=int(time.time()) + 3600), secret),
        "wrong_issuer": _hs256(header, _claims(iss="another-project"), secret),
        "wrong_audience": _hs256(header, _claims(aud="another-api"), secret),
        "no_exp": _hs256(header, _claims(exp=None), secret),
        "refresh_typ": _hs256(header, _claims(typ="refresh"), secret),
        "unknown_role": _hs256(header, _claims(role="root"), secret),
        "hs512": _b64(json.dumps({"alg": "HS512", "typ": "JWT"}).encode()) + "." + payload + "."
        + _b64(hmac.new(secret, f"{_b64(json.dumps({'alg': 'HS512', 'typ': 'JWT'}).encode())}.{payload}".encode(),
                        hashlib.sha512).digest()),
        "garbage": "not-a-jwt",
    }


@pytest.mark.parametrize("case", list(_forgeries(b"x")))
def test_forged_tokens_are_rejected(client, kit, case):
    token = _forgeries(kit.jwt_secret.encode())[case]
    response = client.get("/api/me", headers=kit.bearer(token))
    assert response.status_code == 401, case
    assert response.headers["www-authenticate"] == "Bearer"


def test_correctly_signed_token_is_accepted(client, kit):
    """The control for the forgeries above: the same construction with the right inputs works."""
    token = _hs256({"alg": "HS256", "typ": "JWT", "kid": "sandbox-hs256-1"}, _claims(), kit.jwt_secret.encode())
    assert client.get("/api/me", headers=kit.bearer(token)).status_code == 200
    other_kid = _hs256({"alg": "HS256", "typ": "JWT", "kid": "another-key"}, _claims(), kit.jwt_secret.encode())
    assert client.get("/api/me", headers=kit.bearer(other_kid)).status_code == 401  # a kid we never issued


@pytest.mark.parametrize("header", ["Basic YWRtaW46eA==", "Bearer", "Bearer ", "token"])
def test_malformed_authorization_headers(client, header):
    response = client.get("/api/me", headers={"Authorization": header})
    assert response.status_code == 401
