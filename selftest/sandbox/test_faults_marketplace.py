"""RealServ's marketplace flows in the sandbox (sign-up, KYC, orders, checkout, refunds,
notifications) and the faults that break them. The checkout signature is computed here with plain
hmac, as Razorpay's checkout would; the sandbox verifies it with the official SDK."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from sandbox.app import create_app
from sandbox.settings import Settings

API_KEY, KEY_ID, KEY_SECRET = "market-firebase-key", "rzp_test_market01", "market-key-secret-0042"
PASSWORDS = {"admin": "market-admin-pw-1", "vendor": "market-vendor-pw-2", "customer": "market-customer-pw-3"}


def email(role: str) -> str:
    return f"{role}@market.test"


@pytest.fixture
def market() -> Iterator[Any]:
    clients: list[TestClient] = []

    def make(*faults: str) -> TestClient:
        env = {"SANDBOX_FLAVOR": "realserv", "SANDBOX_JWT_SECRET": "market-selftest-jwt-secret-0123456789abc",
               "SANDBOX_FIREBASE_PROJECT": "market-selftest", "SANDBOX_FIREBASE_API_KEY": API_KEY,
               "SANDBOX_RAZORPAY_KEY_ID": KEY_ID, "SANDBOX_RAZORPAY_KEY_SECRET": KEY_SECRET,
               "SANDBOX_FAULTS": ",".join(faults),
               "SANDBOX_USERS": ",".join(f"{email(r)}:{r}:PW_{r.upper()}" for r in PASSWORDS),
               **{f"PW_{r.upper()}": pw for r, pw in PASSWORDS.items()}}
        client = TestClient(create_app(Settings.from_env(env)))
        client.__enter__()
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.__exit__(None, None, None)


def sign_in(client: TestClient, address: str, password: str) -> dict[str, str]:
    response = client.post(f"/firebase/v1/accounts:signInWithPassword?key={API_KEY}",
                           json={"email": address, "password": password, "returnSecureToken": True})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['idToken']}"}


def as_role(client: TestClient, role: str) -> dict[str, str]:
    return sign_in(client, email(role), PASSWORDS[role])


def paid_order(client: TestClient, buyer: dict[str, str]) -> tuple[dict[str, Any], dict[str, Any]]:
    product = client.get("/catalog/api/products", headers=buyer).json()["items"][0]
    order = client.post("/order/api/orders", json={"product_id": product["id"], "quantity": 2, "reference": "t"},
                        headers=buyer).json()
    checkout = client.post("/payment/api/checkout/orders", json={"order_id": order["id"]}, headers=buyer).json()
    payment_id = "pay_selftest0001"
    signature = hmac.new(KEY_SECRET.encode(), f"{checkout['razorpay_order_id']}|{payment_id}".encode(),
                         hashlib.sha256).hexdigest()
    verified = client.post("/payment/api/checkout/verify", headers=buyer, json={
        "razorpay_order_id": checkout["razorpay_order_id"], "razorpay_payment_id": payment_id,
        "razorpay_signature": signature})
    assert verified.status_code == 200, verified.text
    return product, client.get(f"/order/api/orders/{order['id']}", headers=buyer).json()


def test_a_buyer_signs_up_orders_pays_and_is_notified(market):
    client = market()
    signed_up = client.post(f"/firebase/v1/accounts:signUp?key={API_KEY}",
                            json={"email": "new.buyer@market.test", "password": "new-buyer-pw-9"})
    assert signed_up.status_code == 200
    buyer = {"Authorization": f"Bearer {signed_up.json()['idToken']}"}
    product, order = paid_order(client, buyer)
    assert order["status"] == "paid" and order["total_paise"] == 2 * product["price_paise"]
    notes = client.get(f"/notification/api/notifications?order_id={order['id']}", headers=buyer).json()["items"]
    assert {n["channel"] for n in notes} == {"email", "whatsapp"}
    assert client.delete("/identity/api/admin/users/new.buyer@market.test", headers=as_role(client, "admin")).status_code == 204


def test_a_forged_checkout_signature_is_refused(market):
    client = market()
    buyer = as_role(client, "customer")
    product = client.get("/catalog/api/products", headers=buyer).json()["items"][0]
    order = client.post("/order/api/orders", json={"product_id": product["id"], "quantity": 1}, headers=buyer).json()
    checkout = client.post("/payment/api/checkout/orders", json={"order_id": order["id"]}, headers=buyer).json()
    forged = client.post("/payment/api/checkout/verify", headers=buyer, json={
        "razorpay_order_id": checkout["razorpay_order_id"], "razorpay_payment_id": "pay_x", "razorpay_signature": "0" * 64})
    assert forged.status_code == 400


def test_cancelling_a_paid_order_refunds_and_notifies(market):
    client = market()
    buyer, admin = as_role(client, "customer"), as_role(client, "admin")
    _, order = paid_order(client, buyer)
    assert client.post(f"/order/api/admin/orders/{order['id']}/cancel", headers=admin).json()["status"] == "refunded"
    payment = client.get(f"/payment/api/checkout/by-order/{order['id']}", headers=buyer).json()
    assert payment["status"] == "refunded" and payment["refund_id"].startswith("rfnd_")
    templates = [n["template"] for n in client.get(f"/notification/api/notifications?order_id={order['id']}",
                                                   headers=buyer).json()["items"]]
    assert templates.count("refund_processed") == 2  # e-mail and WhatsApp


def vendor_through_kyc(client: TestClient, admin: dict[str, str]) -> dict[str, str]:
    assert client.post("/identity/api/admin/users", headers=admin, json={
        "email": "new.vendor@market.test", "password": "new-vendor-pw-7", "role": "vendor"}).status_code == 201
    vendor = sign_in(client, "new.vendor@market.test", "new-vendor-pw-7")
    assert client.post("/vendor/api/vendors/register", headers=vendor,
                       json={"business_name": "Test Traders", "gstin": "29ABCDE1234F1Z5"}).status_code == 201
    assert client.post("/vendor/api/vendors/me/kyc", headers=vendor, json={"document": "kyc/pan.pdf"}).status_code == 200
    assert client.patch("/vendor/api/admin/vendors/new.vendor@market.test/kyc", headers=admin,
                        json={"status": "approved"}).status_code == 200
    return vendor


def test_a_vendor_passes_kyc_and_ships_an_order(market):
    client = market()
    admin, buyer = as_role(client, "admin"), as_role(client, "customer")
    vendor = vendor_through_kyc(client, admin)
    assert client.get("/vendor/api/vendors/me", headers=vendor).json()["kyc_status"] == "approved"
    product = client.post("/catalog/api/vendor/products", headers=vendor,
                          json={"sku": "T-1", "name": "Test brick", "price_paise": 100}).json()
    order = client.post("/order/api/orders", json={"product_id": product["id"], "quantity": 1}, headers=buyer).json()
    assert client.patch(f"/order/api/vendor/orders/{order['id']}", headers=vendor,
                        json={"status": "shipped"}).status_code == 409  # not paid yet


def test_fault_kyc_approval_not_applied(market):
    client = market("kyc_approval_not_applied")
    vendor = vendor_through_kyc(client, as_role(client, "admin"))
    assert client.get("/vendor/api/vendors/me", headers=vendor).json()["kyc_status"] == "submitted"


def test_fault_role_change_not_applied(market):
    for faults, expected in (((), 200), (("role_change_not_applied",), 403)):
        client = market(*faults)
        admin = as_role(client, "admin")
        client.post("/identity/api/admin/users", headers=admin,
                    json={"email": "promoted@market.test", "password": "promoted-pw-1", "role": "customer"})
        assert client.patch("/identity/api/admin/users/promoted@market.test", headers=admin,
                            json={"role": "vendor"}).status_code == 200
        promoted = sign_in(client, "promoted@market.test", "promoted-pw-1")
        assert client.get("/vendor/api/vendors/me", headers=promoted).status_code == expected


def test_fault_order_whatsapp_not_sent(market):
    client = market("order_whatsapp_not_sent")
    buyer = as_role(client, "customer")
    _, order = paid_order(client, buyer)
    notes = client.get(f"/notification/api/notifications?order_id={order['id']}", headers=buyer).json()["items"]
    assert [n["channel"] for n in notes if n["template"] == "order_paid"] == ["email"]


def test_fault_order_total_stale_price(market):
    client = market("order_total_stale_price")
    product, order = paid_order(client, as_role(client, "customer"))
    assert order["total_paise"] == 2 * product["price_paise"] + 100


def test_fault_refund_leaves_order_paid(market):
    client = market("refund_leaves_order_paid")
    buyer = as_role(client, "customer")
    _, order = paid_order(client, buyer)
    assert client.post(f"/order/api/admin/orders/{order['id']}/cancel", headers=as_role(client, "admin")).json()["status"] == "cancelled"
    assert client.get(f"/payment/api/checkout/by-order/{order['id']}", headers=buyer).json()["status"] == "refunded"


def test_the_admin_finds_products_by_sku_and_orders_by_reference(market):
    client = market()
    buyer, admin = as_role(client, "customer"), as_role(client, "admin")
    product = client.get("/catalog/api/products", headers=buyer).json()["items"][0]
    order = client.post("/order/api/orders", json={"product_id": product["id"], "quantity": 1, "reference": "golive-r1"},
                        headers=buyer).json()
    client.post("/order/api/orders", json={"product_id": product["id"], "quantity": 1, "reference": "golive-r2"},
                headers=buyer)
    found = client.get("/order/api/admin/orders", params={"reference": "golive-r1"}, headers=admin).json()["items"]
    assert [item["id"] for item in found] == [order["id"]]
    by_sku = client.get("/catalog/api/admin/products", params={"sku": product["sku"]}, headers=admin).json()["items"]
    assert [item["id"] for item in by_sku] == [product["id"]]
    assert client.get("/catalog/api/admin/products", params={"sku": "NONE"}, headers=admin).json()["items"] == []
    assert client.get("/order/api/admin/orders", params={"reference": "golive-r1"}, headers=buyer).status_code == 403
