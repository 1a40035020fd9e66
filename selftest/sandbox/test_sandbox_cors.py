"""CORS: exact-match allow-list plus the admin page's own origin."""

from __future__ import annotations

import pytest

ALLOWED = ["https://admin.sandbox.test", "https://pos.sandbox.test"]
REFUSED = [
    "null",
    "https://evil.example",
    "https://admin.sandbox.test.evil.example",  # suffix trick
    "https://evil-admin.sandbox.test",  # prefix trick
    "https://xadmin.sandbox.test",
    "http://admin.sandbox.test",  # other scheme
    "https://admin.sandbox.test:8443",  # other port
    "https://ADMIN.sandbox.test",  # exact string match only
    "http://localhost:1234",  # the admin origin on another port
]


def _vary(response) -> list[str]:
    return [v.strip().lower() for v in response.headers.get("vary", "").split(",") if v.strip()]


@pytest.mark.parametrize("origin", ALLOWED)
def test_allowed_origin_is_echoed_with_credentials(client, origin):
    response = client.get("/health/live", headers={"Origin": origin})
    assert response.headers["access-control-allow-origin"] == origin
    assert response.headers["access-control-allow-credentials"] == "true"
    assert "origin" in _vary(response)


def test_admin_page_origin_is_always_allowed(client, kit):
    response = client.get("/health/live", headers={"Origin": kit.admin_origin})
    assert response.headers["access-control-allow-origin"] == kit.admin_origin


@pytest.mark.parametrize("origin", REFUSED)
def test_refused_origin_gets_no_cors_headers_but_vary(client, origin):
    response = client.get("/health/live", headers={"Origin": origin})
    assert "access-control-allow-origin" not in response.headers
    assert "access-control-allow-credentials" not in response.headers
    assert "origin" in _vary(response)


def test_vary_origin_without_origin_header(client):
    assert "origin" in _vary(client.get("/health/live"))


def _preflight(client, origin: str, path: str = "/api/auth/login"):
    return client.options(
        path,
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type,authorization",
        },
    )


def test_preflight_allowed(client, kit):
    response = _preflight(client, kit.admin_origin)
    assert response.status_code == 204
    assert response.headers["access-control-allow-origin"] == kit.admin_origin
    assert response.headers["access-control-allow-credentials"] == "true"
    assert response.headers["access-control-allow-methods"] == "GET, POST, PUT, PATCH, DELETE, OPTIONS"
    assert response.headers["access-control-allow-headers"] == "Authorization, Content-Type, X-Request-ID"
    assert response.headers["access-control-max-age"] == "600"
    assert "origin" in _vary(response)
    assert response.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize("origin", REFUSED)
def test_preflight_refused(client, origin):
    response = _preflight(client, origin)
    assert not [h for h in response.headers if h.startswith("access-control-")]
    assert "origin" in _vary(response)


def test_configured_allow_list_replaces_the_default(make_client, kit):
    client = make_client(env={"SANDBOX_ALLOWED_ORIGINS": "https://shop.example.in"})
    assert client.get("/health/live", headers={"Origin": "https://shop.example.in"}).headers[
        "access-control-allow-origin"] == "https://shop.example.in"
    assert "access-control-allow-origin" not in client.get(
        "/health/live", headers={"Origin": "https://admin.sandbox.test"}).headers
    # the admin page's origin stays allowed
    assert client.get("/health/live", headers={"Origin": kit.admin_origin}).headers[
        "access-control-allow-origin"] == kit.admin_origin
