"""Stock and order flows of the inventory and arogya flavors, healthy and under each fault."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from fastapi.testclient import TestClient

INVENTORY_ENV = {
    "SANDBOX_FLAVOR": "inventory",
    "ADMIN_PW": "inventory-admin-selftest-pw",
    "CUSTOMER_PW": "inventory-customer-selftest-pw",
    "SANDBOX_USERS": "admin@inv.test:admin:ADMIN_PW,customer@inv.test:customer:CUSTOMER_PW",
}
AROGYA_ENV = {
    "SANDBOX_FLAVOR": "arogya",
    "SUPER_PW": "arogya-super-selftest-pw",
    "STORE_PW": "arogya-store-selftest-pw",
    "SANDBOX_USERS": "super@arogya.test:super_admin:SUPER_PW,store@arogya.test:store_user:STORE_PW",
}

Auth = dict[str, str]


def sign_in(client: TestClient, email: str, password: str) -> Auth:
    response = client.post("/api/auth/login", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


@pytest.fixture
def inventory(make_client: Callable[..., TestClient]) -> Callable[..., tuple[TestClient, Auth, Auth]]:
    def start(*faults: str) -> tuple[TestClient, Auth, Auth]:
        client = make_client(*faults, env=INVENTORY_ENV)
        return (client, sign_in(client, "admin@inv.test", INVENTORY_ENV["ADMIN_PW"]),
                sign_in(client, "customer@inv.test", INVENTORY_ENV["CUSTOMER_PW"]))

    return start


@pytest.fixture
def arogya(make_client: Callable[..., TestClient]) -> Callable[..., tuple[TestClient, Auth, Auth]]:
    def start(*faults: str) -> tuple[TestClient, Auth, Auth]:
        client = make_client(*faults, env=AROGYA_ENV)
        return (client, sign_in(client, "super@arogya.test", AROGYA_ENV["SUPER_PW"]),
                sign_in(client, "store@arogya.test", AROGYA_ENV["STORE_PW"]))

    return start


def level(client: TestClient, admin: Auth, sku: str, location: str) -> int:
    rows = client.get("/api/inventory/stock", headers=admin).json()["items"]
    return sum(row["quantity"] for row in rows if row["sku"] == sku and row["location"] == location)


def batch_stock(client: TestClient, admin: Auth, sku: str, entity: str) -> int:
    rows = client.get("/api/batches", headers=admin).json()["items"]
    return sum(row["quantity"] for row in rows if row["sku"] == sku and row["entity_code"] == entity)


def adjust(client: TestClient, admin: Auth, quantity: int, **extra: Any) -> Any:
    return client.post("/api/inventory/adjust", headers=admin, json={
        "sku": "INV-CHAIR-01", "location": "WH-MAIN", "quantity": quantity, "reason": "cycle count", **extra})


def test_inventory_adjust_changes_stock_and_audits(inventory: Any) -> None:
    client, admin, customer = inventory()
    before = level(client, admin, "INV-CHAIR-01", "WH-MAIN")
    response = adjust(client, admin, -2, reference="golive-t1")
    assert response.status_code == 200 and response.json()["quantity"] == before - 2
    rows = client.get("/api/inventory/audit", params={"reference": "golive-t1"}, headers=admin).json()["items"]
    assert [(r["delta"], r["actor"], r["reason"]) for r in rows] == [(-2, "admin@inv.test", "cycle count")]
    assert client.get("/api/inventory/audit", headers=customer).status_code == 403
    assert client.get("/api/inventory/audit").status_code == 401
    assert adjust(client, customer, 1).status_code == 403


def test_inventory_adjust_refuses_invalid_and_negative(inventory: Any) -> None:
    client, admin, _ = inventory()
    assert adjust(client, admin, -10_000).status_code == 400
    assert adjust(client, admin, 0).status_code == 400
    assert adjust(client, admin, 1, reason="").status_code == 400
    assert adjust(client, admin, "3").status_code == 400


def test_fault_negative_stock_allowed(inventory: Any) -> None:
    client, admin, _ = inventory("negative_stock_allowed")
    response = adjust(client, admin, -10_000)
    assert response.status_code == 200 and response.json()["quantity"] < 0


def test_fault_audit_row_not_written(inventory: Any) -> None:
    client, admin, _ = inventory("audit_row_not_written")
    assert adjust(client, admin, 1, reference="golive-t2").status_code == 200
    assert client.get("/api/inventory/audit", params={"reference": "golive-t2"}, headers=admin).json()["items"] == []


def transfer(client: TestClient, admin: Auth, quantity: int) -> Any:
    return client.post("/api/inventory/transfers", headers=admin, json={
        "sku": "INV-LAMP-03", "from": "WH-MAIN", "to": "STORE-CITY", "quantity": quantity, "reference": "t"})


@pytest.mark.parametrize(("fault", "received"), [((), 4), (("transfer_loses_quantity",), 3)])
def test_fault_transfer_loses_quantity(inventory: Any, fault: tuple[str, ...], received: int) -> None:
    client, admin, _ = inventory(*fault)
    source, target = (level(client, admin, "INV-LAMP-03", code) for code in ("WH-MAIN", "STORE-CITY"))
    assert transfer(client, admin, 4).status_code == 201
    assert level(client, admin, "INV-LAMP-03", "WH-MAIN") == source - 4
    assert level(client, admin, "INV-LAMP-03", "STORE-CITY") == target + received


def checkout(client: TestClient, auth: Auth, quantity: int, sku: str = "INV-DESK-02") -> Any:
    return client.post("/api/shop/checkout", headers=auth, json={"items": [{"sku": sku, "quantity": quantity}],
                                                                  "reference": "golive-shop"})


@pytest.mark.parametrize(("fault", "deducted"), [((), 2), (("checkout_deducts_twice",), 4)])
def test_fault_checkout_deducts_twice(inventory: Any, fault: tuple[str, ...], deducted: int) -> None:
    client, admin, customer = inventory(*fault)
    before = level(client, admin, "INV-DESK-02", "WH-MAIN")
    order = checkout(client, customer, 2)
    assert order.status_code == 201 and order.json()["total"] == 2 * 18999.0
    assert level(client, admin, "INV-DESK-02", "WH-MAIN") == before - deducted
    assert client.post(f"/api/shop/orders/{order.json()['id']}/cancel", headers=customer).status_code == 200
    assert client.post(f"/api/shop/orders/{order.json()['id']}/cancel", headers=customer).status_code == 409
    assert level(client, admin, "INV-DESK-02", "WH-MAIN") == before - deducted + 2


def test_checkout_refuses_above_stock(inventory: Any) -> None:
    client, _, customer = inventory()
    assert checkout(client, customer, 10_000).status_code == 409
    assert client.get("/client-portal/shop/checkout").status_code == 200


def test_fault_checkout_allows_backorder(inventory: Any) -> None:
    client, _, customer = inventory("checkout_allows_backorder")
    assert checkout(client, customer, 10_000).status_code == 201


@pytest.mark.parametrize(("fault", "oversold"), [((), False), (("stock_race_oversell",), True)])
def test_fault_stock_race_oversell(inventory: Any, fault: tuple[str, ...], oversold: bool) -> None:
    client, admin, customer = inventory(*fault)
    on_hand = level(client, admin, "INV-DESK-02", "STORE-MALL")
    with ThreadPoolExecutor(max_workers=6) as pool:
        statuses = list(pool.map(lambda _: client.post("/api/shop/checkout", headers=customer, json={
            "location": "STORE-MALL", "items": [{"sku": "INV-DESK-02", "quantity": on_hand}]}).status_code, range(6)))
    assert (statuses.count(201) > 1) is oversold
    assert (level(client, admin, "INV-DESK-02", "STORE-MALL") < 0) is oversold


def test_fault_negative_stock_on_hand(inventory: Any) -> None:
    client, admin, _ = inventory("negative_stock_on_hand")
    assert level(client, admin, "INV-MAT-04", "STORE-MALL") == -3


def test_fault_product_total_drifts(inventory: Any) -> None:
    for faults, drift in (((), 0), (("product_total_drifts",), 5)):
        client, admin, _ = inventory(*faults)
        total = next(p["on_hand"] for p in client.get("/api/inventory/products", headers=admin).json()["items"]
                     if p["sku"] == "INV-LAMP-03")
        assert total == 180 + drift


def test_fault_orphan_stock_rows(inventory: Any) -> None:
    client, admin, _ = inventory("orphan_stock_rows")
    skus = {p["sku"] for p in client.get("/api/inventory/products", headers=admin).json()["items"]}
    assert any(row["sku"] not in skus for row in client.get("/api/inventory/stock", headers=admin).json()["items"])


def test_fault_inventory_products_500(inventory: Any) -> None:
    client, admin, _ = inventory("inventory_products_500")
    assert client.get("/api/inventory/products", headers=admin).status_code == 500


def test_fault_audit_open_to_customer(inventory: Any) -> None:
    client, _, customer = inventory("audit_open_to_customer")
    assert client.get("/api/inventory/audit", headers=customer).status_code == 200


def arogya_order(client: TestClient, auth: Auth, quantity: int = 3) -> Any:
    return client.post("/api/orders", headers=auth, json={
        "entity_code": "FR-KOR", "reference": "golive-arogya",
        "items": [{"code": "8907654321012", "quantity": quantity}, {"code": "AA-TUL-100", "quantity": 1}]})


def test_arogya_order_fefo_status_and_ledger(arogya: Any) -> None:
    client, admin, store = arogya()
    assert client.get("/api/products/scan", params={"code": "8907654321012"}, headers=store).json()["sku"] == "AA-ASH-250"
    before = batch_stock(client, admin, "AA-ASH-250", "FR-KOR")
    order = arogya_order(client, store).json()
    assert order["total"] == sum(line["line_total"] for line in order["lines"]) == 3 * 249 + 185
    assert batch_stock(client, admin, "AA-ASH-250", "FR-KOR") == before - 3
    for status in ("confirmed", "packed"):
        assert client.post(f"/api/orders/{order['id']}/status", headers=store, json={"status": status}).status_code == 200
    ledger = client.get("/api/ledger", params={"order_id": order["id"]}, headers=admin).json()["items"]
    assert sum(e["debit"] for e in ledger) == sum(e["credit"] for e in ledger) == order["total"]


@pytest.mark.parametrize(("fault", "restocked"), [((), 2), (("return_restocks_twice",), 4)])
def test_fault_return_restocks_twice(arogya: Any, fault: tuple[str, ...], restocked: int) -> None:
    client, admin, store = arogya(*fault)
    before = batch_stock(client, admin, "AA-ASH-250", "FR-KOR")
    order = arogya_order(client, store).json()
    response = client.post(f"/api/orders/{order['id']}/returns", headers=store,
                           json={"items": [{"code": "AA-ASH-250", "quantity": 2}]})
    assert response.status_code == 200
    assert batch_stock(client, admin, "AA-ASH-250", "FR-KOR") == before - 3 + restocked


def test_fault_order_total_ignores_quantity(arogya: Any) -> None:
    client, _, store = arogya("order_total_ignores_quantity")
    order = arogya_order(client, store).json()
    assert order["total"] != sum(line["line_total"] for line in order["lines"])


@pytest.mark.parametrize(("fault", "status"), [((), 200), (("pos_store_user_unmapped",), 403)])
def test_fault_pos_store_user_unmapped(arogya: Any, fault: tuple[str, ...], status: int) -> None:
    client, _, _ = arogya(*fault)
    login = client.post("/api/pos/login", json={"email": "store@arogya.test", "password": AROGYA_ENV["STORE_PW"]})
    assert login.status_code == status
    if status == 200:
        bill = client.post("/api/pos/bills", headers={"Authorization": f"Bearer {login.json()['access_token']}"},
                           json={"items": [{"code": "AA-TRI-060", "quantity": 2}], "reference": "pos"})
        assert bill.status_code == 201 and bill.json()["location"] == "FR-KOR"


def test_arogya_inward_and_adjust(arogya: Any) -> None:
    client, admin, store = arogya()
    before = batch_stock(client, admin, "AA-CHY-500", "FR-IND")
    inward = client.post("/api/inventory/inward", headers=admin, json={
        "entity_code": "FR-IND", "sku": "AA-CHY-500", "batch_no": "GL-1", "quantity": 10,
        "mfg_date": "2026-01-01", "expiry_date": "2028-01-01", "reference": "golive-in"})
    assert inward.status_code == 201
    adjusted = client.post("/api/inventory/adjust", headers=admin, json={
        "entity_code": "FR-IND", "sku": "AA-CHY-500", "batch_no": "GL-1", "quantity": -4, "reason": "damaged"})
    assert adjusted.status_code == 200
    assert batch_stock(client, admin, "AA-CHY-500", "FR-IND") == before + 6
    assert client.get("/api/inventory/movements", headers=store).status_code == 403


def test_fault_stock_levels_public(inventory: Any) -> None:
    healthy, _, _ = inventory()
    assert healthy.get("/api/inventory/stock").status_code == 401
    client, _, _ = inventory("stock_levels_public")
    assert client.get("/api/inventory/stock").json()["items"]


def test_customers_reach_only_their_own_orders(inventory: Any) -> None:
    client, admin, customer = inventory()
    order = checkout(client, admin, 1).json()
    assert client.get(f"/api/shop/orders/{order['id']}", headers=customer).status_code == 404
    assert client.post(f"/api/shop/orders/{order['id']}/cancel", headers=customer).status_code == 404
    # the customer's list holds only their own (seeded) order, never the admin's
    own = client.get("/api/shop/orders", headers=customer).json()["items"]
    assert own and {o["customer"] for o in own} == {"customer@inv.test"} and order["id"] not in {o["id"] for o in own}
    assert [o["id"] for o in client.get("/api/shop/orders", headers=admin).json()["items"]] == [order["id"]]


def test_store_users_reach_only_their_stores_orders(arogya: Any) -> None:
    client, admin, store = arogya()
    elsewhere = client.post("/api/orders", headers=admin, json={
        "entity_code": "WH-BLR", "items": [{"code": "AA-TRI-060", "quantity": 1}]}).json()
    assert client.get(f"/api/orders/{elsewhere['id']}", headers=store).status_code == 404
    assert client.post(f"/api/orders/{elsewhere['id']}/cancel", headers=store).status_code == 404
    own_store = arogya_order(client, admin).json()  # placed by the admin at the store user's store
    assert client.get(f"/api/orders/{own_store['id']}", headers=store).status_code == 200


def test_orders_are_found_by_their_reference(inventory: Any, arogya: Any) -> None:
    client, _, customer = inventory()
    placed = checkout(client, customer, 1).json()
    found = client.get("/api/shop/orders", headers=customer, params={"reference": "golive-shop"}).json()["items"]
    assert [order["id"] for order in found] == [placed["id"]]  # not the customer's seeded order
    assert client.get("/api/shop/orders", headers=customer, params={"reference": "other"}).json()["items"] == []
    client, admin, store = arogya()
    ordered = arogya_order(client, store, 1).json()
    bill = client.post("/api/pos/bills", headers=store, json={
        "items": [{"code": "AA-TUL-100", "quantity": 1}], "reference": "golive-arogya"}).json()
    for who in (admin, store):  # API orders and POS bills alike, as the admin and as the store user
        found = client.get("/api/orders", headers=who, params={"reference": "golive-arogya"}).json()["items"]
        assert [order["id"] for order in found] == [ordered["id"], bill["id"]]
    assert client.get("/api/orders", headers=admin, params={"reference": "sandbox-"}).json()["items"] == []


def reversal(client: TestClient, admin: Auth, reference: str) -> list[dict[str, Any]]:
    response = client.post(f"/api/inventory/reversals/{reference}", headers=admin)
    assert response.status_code == 200, response.text
    return response.json()["reversed"]  # type: ignore[no-any-return]


def test_inventory_reversal_compensates_adjustments_and_transfers_exactly_once(inventory: Any) -> None:
    client, admin, customer = inventory()
    main, city = level(client, admin, "INV-CHAIR-01", "WH-MAIN"), level(client, admin, "INV-CHAIR-01", "STORE-CITY")
    assert adjust(client, admin, 3, reference="golive-rev").status_code == 200
    moved = client.post("/api/inventory/transfers", headers=admin, json={
        "sku": "INV-CHAIR-01", "from": "WH-MAIN", "to": "STORE-CITY", "quantity": 2, "reference": "golive-rev"})
    assert moved.status_code == 201
    # a sale under the same reference is undone by cancelling its order, never by a reversal
    sold = client.post("/api/shop/checkout", headers=customer, json={
        "items": [{"sku": "INV-CHAIR-01", "quantity": 1}], "reference": "golive-rev"})
    assert sold.status_code == 201
    reversed_rows = reversal(client, admin, "golive-rev")
    assert sorted(row["delta"] for row in reversed_rows) == [-3, -2, 2]
    assert {row["kind"] for row in reversed_rows} == {"reversal"} and all(row["reverses"] for row in reversed_rows)
    assert level(client, admin, "INV-CHAIR-01", "WH-MAIN") == main - 1  # only the sale's unit is gone
    assert level(client, admin, "INV-CHAIR-01", "STORE-CITY") == city
    # replayed (a crash between the undo and its record): nothing is reversed twice
    assert reversal(client, admin, "golive-rev") == []
    assert level(client, admin, "INV-CHAIR-01", "WH-MAIN") == main - 1
    assert reversal(client, admin, "golive-never-used") == []
    assert client.post("/api/inventory/reversals/golive-rev", headers=customer).status_code == 403


def test_inventory_reversal_refuses_to_take_stock_below_zero(inventory: Any) -> None:
    client, admin, _ = inventory()
    on_hand = level(client, admin, "INV-DESK-02", "STORE-MALL")
    added = client.post("/api/inventory/adjust", headers=admin, json={
        "sku": "INV-DESK-02", "location": "STORE-MALL", "quantity": 2, "reason": "found", "reference": "golive-neg"})
    assert added.status_code == 200
    assert client.post("/api/inventory/adjust", headers=admin, json={
        "sku": "INV-DESK-02", "location": "STORE-MALL", "quantity": -(on_hand + 2), "reason": "sold elsewhere"},
    ).status_code == 200
    refused = client.post("/api/inventory/reversals/golive-neg", headers=admin)
    assert refused.status_code == 409
    assert level(client, admin, "INV-DESK-02", "STORE-MALL") == 0  # refused whole: nothing changed


def test_arogya_reversal_empties_the_received_batch_once(arogya: Any) -> None:
    client, admin, store = arogya()
    before = batch_stock(client, admin, "AA-CHY-500", "FR-IND")
    assert client.post("/api/inventory/inward", headers=admin, json={
        "entity_code": "FR-IND", "sku": "AA-CHY-500", "batch_no": "GL-REV", "quantity": 5,
        "mfg_date": "2026-01-01", "expiry_date": "2028-01-01", "reference": "golive-arev"}).status_code == 201
    assert client.post("/api/inventory/adjust", headers=admin, json={
        "entity_code": "FR-IND", "sku": "AA-CHY-500", "batch_no": "GL-REV", "quantity": 3, "reason": "recount",
        "reference": "golive-arev"}).status_code == 200
    assert sorted(row["delta"] for row in reversal(client, admin, "golive-arev")) == [-5, -3]
    assert batch_stock(client, admin, "AA-CHY-500", "FR-IND") == before
    assert reversal(client, admin, "golive-arev") == []
    assert batch_stock(client, admin, "AA-CHY-500", "FR-IND") == before
    assert client.post("/api/inventory/reversals/golive-arev", headers=store).status_code == 403
