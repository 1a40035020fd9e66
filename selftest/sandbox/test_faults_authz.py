"""Object-level authorization of the inventory and arogya flavors' orders, healthy and under the
faults that break it (SEC-AUTHZ-002/003): every customer / store user owns one seeded order."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

INVENTORY_ENV = {
    "SANDBOX_FLAVOR": "inventory",
    "ADMIN_PW": "inventory-admin-selftest-pw",
    "CUSTOMER_PW": "inventory-customer-selftest-pw",
    "CUSTOMER2_PW": "inventory-customer2-selftest-pw",
    "SANDBOX_USERS": "admin@inv.test:admin:ADMIN_PW,customer@inv.test:customer:CUSTOMER_PW,"
                     "customer2@inv.test:customer:CUSTOMER2_PW",
}
AROGYA_ENV = {
    "SANDBOX_FLAVOR": "arogya",
    "SUPER_PW": "arogya-super-selftest-pw",
    "STORE_PW": "arogya-store-selftest-pw",
    "STORE2_PW": "arogya-store2-selftest-pw",
    "SANDBOX_USERS": "super@arogya.test:super_admin:SUPER_PW,store@arogya.test:store_user:STORE_PW,"
                     "store2@arogya.test:store_user:STORE2_PW",
}

Auth = dict[str, str]
Users = tuple[TestClient, Auth, Auth, Auth]  # client, admin, owner, other


def sign_in(client: TestClient, email: str, password: str) -> Auth:
    response = client.post("/api/auth/login", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


@pytest.fixture
def inventory(make_client: Callable[..., TestClient]) -> Callable[..., Users]:
    def start(*faults: str) -> Users:
        client = make_client(*faults, env=INVENTORY_ENV)
        return (client, sign_in(client, "admin@inv.test", INVENTORY_ENV["ADMIN_PW"]),
                sign_in(client, "customer@inv.test", INVENTORY_ENV["CUSTOMER_PW"]),
                sign_in(client, "customer2@inv.test", INVENTORY_ENV["CUSTOMER2_PW"]))

    return start


@pytest.fixture
def arogya(make_client: Callable[..., TestClient]) -> Callable[..., Users]:
    def start(*faults: str) -> Users:
        client = make_client(*faults, env=AROGYA_ENV)
        return (client, sign_in(client, "super@arogya.test", AROGYA_ENV["SUPER_PW"]),
                sign_in(client, "store@arogya.test", AROGYA_ENV["STORE_PW"]),
                sign_in(client, "store2@arogya.test", AROGYA_ENV["STORE2_PW"]))

    return start


def listed(client: TestClient, path: str, auth: Auth) -> list[dict[str, Any]]:
    response = client.get(path, headers=auth)
    assert response.status_code == 200, response.text
    return response.json()["items"]  # type: ignore[no-any-return]


# --- inventory: customers' online-store orders ---------------------------------------------------


def test_inventory_seeds_one_order_per_customer_with_its_stock_booked(inventory: Any) -> None:
    client, admin, customer, customer2 = inventory()
    mine, theirs = listed(client, "/api/shop/orders", customer), listed(client, "/api/shop/orders", customer2)
    assert [o["customer"] for o in mine] == ["customer@inv.test"]
    assert [o["customer"] for o in theirs] == ["customer2@inv.test"]
    assert mine[0]["status"] == "placed" and mine[0]["total"] == 18999.0
    # both sales came out of the main warehouse's desks (25 there at the start), audited
    stock = listed(client, "/api/inventory/stock", admin)
    assert sum(r["quantity"] for r in stock if (r["sku"], r["location"]) == ("INV-DESK-02", "WH-MAIN")) == 23
    totals = {p["sku"]: p["on_hand"] for p in listed(client, "/api/inventory/products", admin)}
    for sku, on_hand in totals.items():
        assert on_hand == sum(r["quantity"] for r in stock if r["sku"] == sku)
    sales = listed(client, "/api/inventory/audit?reference=sandbox-seed", admin)
    assert sorted((r["actor"], r["delta"]) for r in sales) == [("customer2@inv.test", -1), ("customer@inv.test", -1)]


def test_inventory_customer_cannot_read_or_cancel_another_customers_order(inventory: Any) -> None:
    client, _, customer, customer2 = inventory()
    [order] = listed(client, "/api/shop/orders", customer)
    assert client.get(f"/api/shop/orders/{order['id']}", headers=customer2).status_code == 404
    assert client.post(f"/api/shop/orders/{order['id']}/cancel", headers=customer2).status_code == 404
    assert client.get(f"/api/shop/orders/{order['id']}", headers=customer).json() == order  # untouched


def test_fault_shop_order_loaded_by_id_only(inventory: Any) -> None:
    client, _, customer, customer2 = inventory("shop_order_loaded_by_id_only")
    [order] = listed(client, "/api/shop/orders", customer)
    assert client.get(f"/api/shop/orders/{order['id']}", headers=customer2).status_code == 200
    cancelled = client.post(f"/api/shop/orders/{order['id']}/cancel", headers=customer2)
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert client.get(f"/api/shop/orders/{order['id']}", headers=customer).json()["status"] == "cancelled"


# --- arogya: store users and their store's orders ------------------------------------------------


def test_arogya_store_users_work_at_different_stores_each_with_an_order(arogya: Any) -> None:
    client, admin, store, store2 = arogya()
    mine, theirs = listed(client, "/api/orders", store), listed(client, "/api/orders", store2)
    assert [(o["location"], o["customer"]) for o in mine] == [("FR-KOR", "store@arogya.test")]
    assert [(o["location"], o["customer"]) for o in theirs] == [("FR-IND", "store2@arogya.test")]
    assert sorted(o["id"] for o in listed(client, "/api/orders", admin)) == sorted(o["id"] for o in mine + theirs)
    # each seeded sale took 2 Triphala from its store's batches (24 received at FR-IND), audited and booked
    summary = {(r["sku"], r["entity_code"]): r["on_hand"] for r in listed(client, "/api/inventory/summary", admin)}
    assert summary[("AA-TRI-060", "FR-IND")] == 22
    assert summary[("AA-ASH-250", "FR-IND")] == 6  # the race batch is left alone
    sales = listed(client, "/api/inventory/movements?reference=sandbox-seed", admin)
    assert sorted((r["location"], r["delta"]) for r in sales) == [("FR-IND", -2), ("FR-KOR", -2)]
    ledger = listed(client, f"/api/ledger?order_id={mine[0]['id']}", admin)
    assert sum(e["debit"] for e in ledger) == sum(e["credit"] for e in ledger) == mine[0]["total"] == 280.0
    pos = client.post("/api/pos/login", json={"email": "store2@arogya.test", "password": AROGYA_ENV["STORE2_PW"]})
    assert pos.status_code == 200 and pos.json()["store"] == {"entity_code": "FR-IND"}


def test_arogya_store_user_cannot_reach_another_stores_order(arogya: Any) -> None:
    client, _, store, store2 = arogya()
    [order] = listed(client, "/api/orders", store)
    assert client.get(f"/api/orders/{order['id']}", headers=store2).status_code == 404
    assert client.post(f"/api/orders/{order['id']}/cancel", headers=store2).status_code == 404
    assert order["id"] not in {o["id"] for o in listed(client, "/api/orders", store2)}
    assert client.get(f"/api/orders/{order['id']}", headers=store).json() == order  # untouched
    assert client.get("/api/orders").status_code == 401


def test_fault_store_orders_not_scoped(arogya: Any) -> None:
    client, _, store, store2 = arogya("store_orders_not_scoped")
    [order, *_] = listed(client, "/api/orders", store)
    assert order["location"] == "FR-KOR"
    assert order["id"] in {o["id"] for o in listed(client, "/api/orders", store2)}
    assert client.get(f"/api/orders/{order['id']}", headers=store2).status_code == 200
    cancelled = client.post(f"/api/orders/{order['id']}/cancel", headers=store2)
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
