"""Security headers on every response, request ids, no stack disclosure."""

from __future__ import annotations

import uuid

import pytest

EXPECTED = {
    "strict-transport-security": "max-age=31536000; includeSubDomains",
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "permissions-policy": "camera=(), microphone=(), geolocation=()",
    "cross-origin-opener-policy": "same-origin",
}
CSP_BASE = "default-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'self'"


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/health/live"),
        ("GET", "/health/ready"),
        ("GET", "/api/me"),  # 401
        ("GET", "/no/such/page"),  # 404
        ("POST", "/health/live"),  # 405
        ("POST", "/api/auth/login"),  # 422
        ("GET", "/admin/login"),
        ("GET", "/admin/static/admin.js"),
    ],
)
def test_security_headers_on_every_response(client, method, path):
    response = client.request(method, path)
    for name, value in EXPECTED.items():
        assert response.headers.get(name) == value, (name, path)
    assert response.headers["content-security-policy"].startswith(CSP_BASE)
    assert "server" not in response.headers
    assert "x-powered-by" not in response.headers


def test_cache_control_no_store_on_api(client, kit):
    assert client.get("/api/me").headers["cache-control"] == "no-store"
    token = kit.login(client, "admin")["access_token"]
    assert client.get("/api/me", headers=kit.bearer(token)).headers["cache-control"] == "no-store"
    assert "cache-control" not in client.get("/health/live").headers


def test_csp_of_json_is_the_base_policy(client):
    assert client.get("/health/live").headers["content-security-policy"] == CSP_BASE


def test_csp_of_admin_pages_allows_the_api_origin_and_no_inline_script(client, kit):
    for path in ("/admin/login", "/admin/"):
        response = client.get(path)
        assert response.status_code == 200
        csp = response.headers["content-security-policy"]
        assert csp == f"{CSP_BASE}; connect-src 'self' {kit.api_base}"
        assert "unsafe-inline" not in csp
        assert "<script>" not in response.text and "style=" not in response.text


def test_request_id_is_echoed_when_sane(client):
    response = client.get("/health/live", headers={"X-Request-ID": "golive-run.42_abc"})
    assert response.headers["x-request-id"] == "golive-run.42_abc"


@pytest.mark.parametrize("incoming", ["bad id with spaces", "x" * 129, "<script>", ""])
def test_insane_request_ids_are_replaced(client, incoming):
    response = client.get("/health/live", headers={"X-Request-ID": incoming})
    assert response.headers["x-request-id"] != incoming
    uuid.UUID(response.headers["x-request-id"])


def test_request_id_is_generated(client):
    first = client.get("/health/live").headers["x-request-id"]
    second = client.get("/health/live").headers["x-request-id"]
    assert uuid.UUID(first).version == 4 and first != second
