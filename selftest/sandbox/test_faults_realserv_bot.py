"""RealServ's WhatsApp bot (signed Cloud API deliveries in, replies in the outbox) and the records
every service stores and deletes (IntegrationService's subscriptions, voided payment orders,
deleted notifications), with the faults that break them."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

from fastapi.testclient import TestClient

import pytest

from selftest.sandbox.test_faults_marketplace import API_KEY, KEY_ID, KEY_SECRET, PASSWORDS, as_role, email, paid_order

APP_SECRET, OUTBOX_TOKEN = "bot-selftest-app-secret-77", "bot-selftest-outbox-token-31"
PHONE = "+919990001234"


@pytest.fixture
def bot_market(make_client: Any) -> Any:
    """``bot_market("fault")``: a realserv sandbox with the marketplace's accounts and the bot's secrets."""
    env = {"SANDBOX_FLAVOR": "realserv", "SANDBOX_FIREBASE_PROJECT": "bot-selftest", "SANDBOX_FIREBASE_API_KEY": API_KEY,
           "SANDBOX_RAZORPAY_KEY_ID": KEY_ID, "SANDBOX_RAZORPAY_KEY_SECRET": KEY_SECRET,
           "SANDBOX_WHATSAPP_APP_SECRET": APP_SECRET, "SANDBOX_REALSERV_INTERNAL_TOKEN": OUTBOX_TOKEN,
           "SANDBOX_USERS": ",".join(f"{email(role)}:{role}:PW_{role.upper()}" for role in PASSWORDS),
           **{f"PW_{role.upper()}": password for role, password in PASSWORDS.items()}}
    return lambda *faults: make_client(*faults, env=env)


def deliver(client: TestClient, text: str, phone: str = PHONE) -> int:
    body = json.dumps({"object": "whatsapp_business_account", "entry": [{"id": "0", "changes": [{
        "field": "messages", "value": {"messaging_product": "whatsapp", "contacts": [{"wa_id": phone[1:]}],
                                       "messages": [{"from": phone[1:], "id": "wamid.t", "timestamp": "1",
                                                     "type": "text", "text": {"body": text}}]}}]}]}).encode()
    signature = "sha256=" + hmac.new(APP_SECRET.encode(), body, hashlib.sha256).hexdigest()
    return client.post("/notification/api/webhooks/whatsapp", content=body,
                       headers={"X-Hub-Signature-256": signature, "Content-Type": "application/json"}).status_code


def replies(client: TestClient, phone: str = PHONE) -> list[str]:
    response = client.get("/notification/api/internal/whatsapp/outbox", params={"to": phone},
                          headers={"X-Internal-Token": OUTBOX_TOKEN})
    assert response.status_code == 200, response.text
    return [message["text"]["body"] for message in response.json()["data"]]


def place_order(client: TestClient) -> dict[str, Any]:
    buyer = as_role(client, "customer")
    product = client.get("/catalog/api/products", headers=buyer).json()["items"][0]
    order = client.post("/order/api/orders", json={"product_id": product["id"], "quantity": 1, "reference": "t"},
                        headers=buyer)
    assert order.status_code == 201, order.text
    return order.json()


def test_the_bot_answers_menu_track_and_help(bot_market):
    client = bot_market()
    order = place_order(client)
    for text in ("hi", f"track {order['id']}", "what can you do"):
        assert deliver(client, text) == 200
    menu, status, help_text = replies(client)
    assert "track <order id>" in menu
    assert status == f"Order #{order['id']} status: created"
    assert "help" in help_text.lower()


def test_the_outbox_needs_the_internal_token(bot_market):
    client = bot_market()
    assert client.get("/notification/api/internal/whatsapp/outbox", params={"to": PHONE}).status_code == 401


def test_an_unsigned_delivery_drives_no_conversation(bot_market):
    client = bot_market()
    response = client.post("/notification/api/webhooks/whatsapp", json={"entry": []})
    assert response.status_code == 401 and replies(client) == []


def test_fault_whatsapp_bot_menu_unanswered(bot_market):
    client = bot_market("whatsapp_bot_menu_unanswered")
    assert deliver(client, "hi") == 200
    assert replies(client) == []
    assert deliver(client, "help") == 200 and len(replies(client)) == 1  # the rest of the bot still answers


def subscription(client: TestClient, admin: dict[str, str]) -> dict[str, Any]:
    created = client.post("/integration/api/admin/integrations/subscriptions", headers=admin, json={
        "name": "golive-t", "event": "order.created", "target_url": "https://erp.example.test/hooks/golive-t"})
    assert created.status_code == 201, created.text
    return created.json()


def test_a_subscription_is_stored_returned_and_deleted(bot_market):
    client = bot_market()
    admin = as_role(client, "admin")
    created = subscription(client, admin)
    path = f"/integration/api/admin/integrations/subscriptions/{created['id']}"
    assert client.get(path, headers=admin).json()["name"] == "golive-t"
    assert created["id"] in {row["id"] for row in client.get("/integration/api/admin/integrations",
                                                               headers=admin).json()["items"]}
    assert client.delete(path, headers=admin).status_code == 204
    assert client.get(path, headers=admin).status_code == 404
    assert client.get(path, headers=as_role(client, "customer")).status_code == 403


def test_fault_integration_subscription_not_persisted(bot_market):
    client = bot_market("integration_subscription_not_persisted")
    admin = as_role(client, "admin")
    created = subscription(client, admin)
    assert client.get(f"/integration/api/admin/integrations/subscriptions/{created['id']}",
                      headers=admin).status_code == 404


def test_an_order_confirmation_and_its_pending_payment_order_can_be_deleted(bot_market):
    client = bot_market()
    admin, buyer = as_role(client, "admin"), as_role(client, "customer")
    order = place_order(client)
    notes = client.get(f"/notification/api/notifications?order_id={order['id']}", headers=buyer).json()["items"]
    assert sorted(n["channel"] for n in notes if n["template"] == "order_placed") == ["email", "whatsapp"]
    for note in notes:
        assert client.delete(f"/notification/api/admin/notifications/{note['id']}", headers=admin).status_code == 204
    assert client.get(f"/notification/api/notifications?order_id={order['id']}", headers=buyer).json()["items"] == []
    assert client.post("/payment/api/checkout/orders", json={"order_id": order["id"]}, headers=buyer).status_code == 201
    payment = client.get(f"/payment/api/checkout/by-order/{order['id']}", headers=buyer).json()
    assert client.delete(f"/payment/api/admin/checkout/{payment['id']}", headers=admin).status_code == 204
    assert client.get(f"/payment/api/checkout/by-order/{order['id']}", headers=buyer).status_code == 404


def test_messages_other_than_text_get_no_reply(bot_market):
    client = bot_market()
    body = json.dumps({"entry": [{"changes": [{"value": {"messages": [
        {"from": PHONE[1:], "type": "audio", "audio": {"id": "media-1", "voice": True}}]}}]}]}).encode()
    signature = "sha256=" + hmac.new(APP_SECRET.encode(), body, hashlib.sha256).hexdigest()
    assert client.post("/notification/api/webhooks/whatsapp", content=body,
                       headers={"X-Hub-Signature-256": signature}).status_code == 200
    assert replies(client) == []


def test_the_admin_finds_subscriptions_by_name(bot_market):
    client = bot_market()
    admin = as_role(client, "admin")
    created = subscription(client, admin)
    listing = "/integration/api/admin/integrations/subscriptions"
    assert [row["id"] for row in client.get(listing, params={"name": "golive-t"}, headers=admin).json()["items"]] == [
        created["id"]]
    assert client.get(listing, params={"name": "someone else"}, headers=admin).json()["items"] == []
    assert client.get(listing, params={"name": "golive-t"}, headers=as_role(client, "customer")).status_code == 403


def test_settling_a_payment_order_voids_it_unpaid_and_refunds_it_paid_once(bot_market):
    client = bot_market()
    admin, buyer = as_role(client, "admin"), as_role(client, "customer")
    order = place_order(client)
    assert client.post("/payment/api/checkout/orders", json={"order_id": order["id"]}, headers=buyer).status_code == 201
    found = client.get("/payment/api/admin/checkout", params={"order_id": order["id"]}, headers=admin).json()["items"]
    assert [row["status"] for row in found] == ["created"]
    assert client.get("/payment/api/admin/checkout", params={"order_id": order["id"]}, headers=buyer).status_code == 403
    settle = f"/payment/api/admin/checkout/{found[0]['id']}/refund"
    assert client.post(settle, headers=admin).json()["status"] == "voided"  # nothing was paid: nothing is kept
    assert client.get(f"/payment/api/admin/checkout/{found[0]['id']}", headers=admin).status_code == 404
    assert client.post(settle, headers=admin).status_code == 404  # replayed: nothing left to settle


def test_the_admin_finds_the_payment_orders_of_an_order_by_its_reference(bot_market):
    # a page that placed the order and its payment order gave golive neither id, only the reference
    client = bot_market()
    admin, buyer = as_role(client, "admin"), as_role(client, "customer")
    order = place_order(client)  # reference "t"
    assert client.post("/payment/api/checkout/orders", json={"order_id": order["id"]}, headers=buyer).status_code == 201
    listing = "/payment/api/admin/checkout"
    found = client.get(listing, params={"reference": "t"}, headers=admin).json()["items"]
    assert [row["order_id"] for row in found] == [order["id"]]
    assert client.get(listing, params={"reference": "someone else"}, headers=admin).json()["items"] == []
    assert client.get(listing, params={"reference": ""}, headers=admin).status_code == 422  # not "every order"
    assert client.get(listing, params={"reference": "t"}, headers=buyer).status_code == 403


def test_settling_a_captured_payment_refunds_it_once(bot_market):
    client = bot_market()
    admin = as_role(client, "admin")
    _, order = paid_order(client, as_role(client, "customer"))
    payment = client.get("/payment/api/admin/checkout", params={"order_id": order["id"]}, headers=admin).json()["items"][0]
    assert payment["status"] == "captured"
    settle = f"/payment/api/admin/checkout/{payment['id']}/refund"
    first = client.post(settle, headers=admin).json()
    assert first["status"] == "refunded" and first["refund_id"].startswith("rfnd_")
    again = client.post(settle, headers=admin).json()  # replayed: the same refund, not a second one
    assert (again["status"], again["refund_id"]) == ("refunded", first["refund_id"])
    assert client.get(f"/payment/api/admin/checkout/{payment['id']}", headers=admin).json() == again
