"""Protected API endpoints and role checks."""

from __future__ import annotations

import pytest


def _gtin_valid(gtin: str) -> bool:
    digits = [int(d) for d in gtin]
    body, check = digits[:-1], digits[-1]
    total = sum(d * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return (10 - total % 10) % 10 == check


@pytest.mark.parametrize("role", ["admin", "manager", "cashier"])
def test_me_for_every_role(client, kit, role):
    token = kit.login(client, role)["access_token"]
    response = client.get("/api/me", headers=kit.bearer(token))
    assert response.status_code == 200
    assert response.json() == {"username": role, "role": role}


def test_admin_lists_users_without_hashes(client, kit):
    token = kit.login(client, "admin")["access_token"]
    response = client.get("/api/admin/users", headers=kit.bearer(token))
    assert response.status_code == 200
    users = response.json()
    assert {u["username"]: u["role"] for u in users} == {"admin": "admin", "manager": "manager", "cashier": "cashier"}
    assert all(set(u) == {"username", "role"} for u in users)
    assert "scrypt" not in response.text


@pytest.mark.parametrize(
    ("path", "role", "status"),
    [
        ("/api/admin/users", "manager", 403),
        ("/api/admin/users", "cashier", 403),
        ("/api/reports/sales", "admin", 200),
        ("/api/reports/sales", "manager", 200),
        ("/api/reports/sales", "cashier", 403),
        ("/api/products", "cashier", 200),
    ],
)
def test_role_matrix(client, kit, path, role, status):
    token = kit.login(client, role)["access_token"]
    response = client.get(path, headers=kit.bearer(token))
    assert response.status_code == status
    if status == 403:
        assert "www-authenticate" not in response.headers


def test_sales_report_shape(client, kit):
    token = kit.login(client, "manager")["access_token"]
    report = client.get("/api/reports/sales", headers=kit.bearer(token)).json()
    assert report["currency"] == "INR"
    assert report["gross_paise"] == sum(line["gross_paise"] for line in report["lines"])


def test_products_are_seeded_with_valid_gtins(client, kit):
    token = kit.login(client, "cashier")["access_token"]
    products = client.get("/api/products", headers=kit.bearer(token)).json()
    assert len(products) >= 3
    for product in products:
        assert set(product) == {"sku", "name", "price_paise", "hsn", "gtin"}
        assert isinstance(product["price_paise"], int)
        assert _gtin_valid(product["gtin"]), product


@pytest.mark.parametrize("path", ["/api/me", "/api/admin/users", "/api/reports/sales", "/api/products"])
def test_protected_endpoints_need_a_token(client, path):
    response = client.get(path)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
