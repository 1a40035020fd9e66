"""The live Rs 1 payment in RealServ's sandbox: Razorpay payment links a person pays (the emulator's
payer), the account's signed webhooks, PaymentService applying them once, and the faults that break
each link. Webhooks are signed here with plain hmac; the sandbox verifies them with the official SDK.

System-side faults are shown in-process by posting the signed events Razorpay would send; the
emulator's own faults (capture, the webhook's subscription) need a real process, since the
emulator pays and calls back over HTTP.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from sandbox.app import create_app
from sandbox.settings import Settings

API_KEY, KEY_ID, KEY_SECRET = "live-firebase-key", "rzp_live_selftest01", "live-key-secret-0042"
WEBHOOK_SECRET, WEBHOOK_PATH = "live-webhook-secret-77", "/payment/api/checkout/webhooks/razorpay"
PASSWORDS = {"admin": "live-admin-pw-1", "vendor": "live-vendor-pw-2", "customer": "live-customer-pw-3"}
POLL_S, DEADLINE_S = 0.05, 20.0


def email(role: str) -> str:
    return f"{role}@live.test"


def realserv_env(*faults: str, payer_delay: str = "0") -> dict[str, str]:
    return {"SANDBOX_FLAVOR": "realserv", "SANDBOX_JWT_SECRET": "live-selftest-jwt-secret-0123456789abcdef",
            "SANDBOX_FIREBASE_PROJECT": "live-selftest", "SANDBOX_FIREBASE_API_KEY": API_KEY,
            "SANDBOX_RAZORPAY_KEY_ID": KEY_ID, "SANDBOX_RAZORPAY_KEY_SECRET": KEY_SECRET,
            "SANDBOX_RAZORPAY_WEBHOOK_SECRET": WEBHOOK_SECRET, "SANDBOX_RAZORPAY_WEBHOOK_PATH": WEBHOOK_PATH,
            "SANDBOX_RAZORPAY_PAYER_DELAY_S": payer_delay, "SANDBOX_FAULTS": ",".join(faults),
            "SANDBOX_USERS": ",".join(f"{email(r)}:{r}:PW_{r.upper()}" for r in PASSWORDS),
            **{f"PW_{r.upper()}": pw for r, pw in PASSWORDS.items()}}


def until(read: Callable[[], Any], done: Callable[[Any], bool]) -> Any:
    """Poll ``read`` until ``done`` (bounded): the emulator pays and calls back on its own threads."""
    deadline = time.monotonic() + DEADLINE_S
    while True:
        value = read()
        if done(value):
            return value
        assert time.monotonic() < deadline, f"never reached: {value!r}"
        time.sleep(POLL_S)  # poll interval, bounded by the deadline


# --- in-process: the system's webhook handler ---------------------------------------------------

@pytest.fixture
def market() -> Iterator[Callable[..., TestClient]]:
    clients: list[TestClient] = []

    def make(*faults: str) -> TestClient:
        client = TestClient(create_app(Settings.from_env(realserv_env(*faults, payer_delay="off"))))
        client.__enter__()
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.__exit__(None, None, None)


def as_role(client: Any, role: str) -> dict[str, str]:
    response = client.post(f"/firebase/v1/accounts:signInWithPassword?key={API_KEY}",
                           json={"email": email(role), "password": PASSWORDS[role], "returnSecureToken": True})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['idToken']}"}


def checkout_order(client: Any, buyer: dict[str, str]) -> tuple[dict[str, Any], dict[str, Any]]:
    product = client.get("/catalog/api/products", headers=buyer).json()["items"][0]
    order = client.post("/order/api/orders", json={"product_id": product["id"], "quantity": 1}, headers=buyer).json()
    checkout = client.post("/payment/api/checkout/orders", json={"order_id": order["id"]}, headers=buyer).json()
    return order, checkout


def deliver(client: TestClient, event: str, entities: dict[str, dict[str, Any]], event_id: str) -> dict[str, Any]:
    raw = json.dumps({"entity": "event", "event": event, "contains": list(entities),
                      "payload": {name: {"entity": entity} for name, entity in entities.items()}}).encode()
    signature = hmac.new(WEBHOOK_SECRET.encode(), raw, hashlib.sha256).hexdigest()
    response = client.post(WEBHOOK_PATH, content=raw, headers={"content-type": "application/json",
                                                               "x-razorpay-signature": signature,
                                                               "x-razorpay-event-id": event_id})
    assert response.status_code == 200, response.text
    return dict(response.json())


def captured(checkout: dict[str, Any]) -> dict[str, Any]:
    """A payment made through a payment link whose notes name the checkout's Razorpay order."""
    return {"id": "pay_LinkSelftest01", "entity": "payment", "amount": checkout["amount"], "currency": "INR",
            "status": "captured", "order_id": "order_OfTheLink0001", "captured": True, "amount_refunded": 0,
            "notes": {"razorpay_order_id": checkout["razorpay_order_id"]}}


def paid_through_webhook(client: TestClient, *, times: int = 1) -> tuple[dict[str, Any], dict[str, str]]:
    buyer = as_role(client, "customer")
    order, checkout = checkout_order(client, buyer)
    for _ in range(times):  # a redelivery carries the same event id
        deliver(client, "payment.captured", {"payment": captured(checkout)}, "evt_Captured000001")
    return order, buyer


def state(client: Any, order: dict[str, Any], buyer: dict[str, str]) -> tuple[dict[str, Any], dict[str, Any], list]:
    return (client.get(f"/order/api/orders/{order['id']}", headers=buyer).json(),
            client.get(f"/payment/api/checkout/by-order/{order['id']}", headers=buyer).json(),
            client.get(f"/notification/api/notifications?order_id={order['id']}", headers=buyer).json()["items"])


def test_a_link_payment_is_applied_to_its_checkout_order_once(market):
    client = market()
    order, buyer = paid_through_webhook(client, times=2)
    after, payment, notes = state(client, order, buyer)
    assert after["status"] == "paid" and payment["status"] == "captured"
    assert [e["event"] for e in payment["webhook_events"]] == ["payment.captured"]
    assert sorted(n["channel"] for n in notes if n["template"] == "order_paid") == ["email", "whatsapp"]


def test_a_webhook_with_a_wrong_signature_is_refused(market):
    client = market()
    response = client.post(WEBHOOK_PATH, content=b'{"event":"payment.captured"}',
                           headers={"x-razorpay-signature": "0" * 64, "x-razorpay-event-id": "evt_x"})
    assert response.status_code == 400


def test_fault_market_webhook_ignored(market):
    client = market("market_webhook_ignored")
    order, buyer = paid_through_webhook(client)
    after, payment, _ = state(client, order, buyer)
    assert after["status"] == "created" and payment["status"] == "created" and payment["webhook_events"] == []


def test_fault_market_webhook_not_idempotent(market):
    client = market("market_webhook_not_idempotent")
    order, buyer = paid_through_webhook(client, times=2)
    _, payment, notes = state(client, order, buyer)
    assert [e["id"] for e in payment["webhook_events"]] == ["evt_Captured000001"] * 2
    assert len([n for n in notes if n["template"] == "order_paid"]) == 4


def test_fault_market_webhook_leaves_order_unpaid(market):
    client = market("market_webhook_leaves_order_unpaid")
    order, buyer = paid_through_webhook(client)
    after, payment, _ = state(client, order, buyer)
    assert payment["status"] == "captured" and after["status"] == "created"


def test_fault_market_webhook_notifies_nobody(market):
    client = market("market_webhook_notifies_nobody")
    order, buyer = paid_through_webhook(client)
    after, _, notes = state(client, order, buyer)
    assert after["status"] == "paid" and [n for n in notes if n["template"] == "order_paid"] == []


def test_fault_market_refund_fails(market):
    client = market("market_refund_fails")
    order, buyer = paid_through_webhook(client)
    cancelled = client.post(f"/order/api/admin/orders/{order['id']}/cancel", headers=as_role(client, "admin"))
    assert cancelled.status_code == 502
    after, payment, _ = state(client, order, buyer)
    assert after["status"] == "paid" and payment["status"] == "captured"


def test_a_refund_made_at_razorpay_is_booked_from_its_webhook(market):
    client = market()
    order, buyer = paid_through_webhook(client)
    refund = {"id": "rfnd_Dashboard00001", "entity": "refund", "amount": 100, "payment_id": "pay_LinkSelftest01",
              "status": "processed"}
    deliver(client, "refund.processed", {"refund": refund, "payment": {"id": "pay_LinkSelftest01"}}, "evt_Refund01")
    after, payment, _ = state(client, order, buyer)
    assert after["status"] == "refunded" and payment["refund_id"] == "rfnd_Dashboard00001"
    assert [e["event"] for e in payment["webhook_events"]] == ["payment.captured", "refund.processed"]


# --- a real process: the emulator pays the link and calls the system back ---------------------------

class Razorpay:
    def __init__(self, http: httpx.Client, base: str) -> None:
        self.http, self.api = http, f"{base}/_emulators/razorpay/v1"

    def link(self, checkout: dict[str, Any]) -> dict[str, Any]:
        response = self.http.post(f"{self.api}/payment_links", auth=(KEY_ID, KEY_SECRET), json={
            "amount": checkout["amount"], "currency": "INR", "reference_id": "selftest",
            "notes": {"razorpay_order_id": checkout["razorpay_order_id"]}})
        assert response.status_code == 200, response.text
        return dict(response.json())

    def get(self, path: str) -> dict[str, Any]:
        return dict(self.http.get(f"{self.api}/{path}", auth=(KEY_ID, KEY_SECRET)).json())


@pytest.fixture
def live(spawn_sandbox: Any) -> Callable[..., tuple[httpx.Client, Razorpay]]:
    clients: list[httpx.Client] = []

    def start(*faults: str, payer_delay: str = "0") -> tuple[httpx.Client, Razorpay]:
        child = spawn_sandbox(*faults, env=realserv_env(*faults, payer_delay=payer_delay))
        child.wait_live()
        http = httpx.Client(base_url=child.base, trust_env=False, timeout=10.0)
        clients.append(http)
        return http, Razorpay(http, child.base)

    yield start
    for http in clients:
        http.close()


def test_the_payer_pays_a_link_and_the_chain_reaches_the_refund(live):
    http, razorpay = live()
    buyer = as_role(http, "customer")
    order, checkout = checkout_order(http, buyer)
    link = razorpay.link(checkout)
    paid = until(lambda: razorpay.get(f"payment_links/{link['id']}"), lambda read: read["status"] == "paid")
    payment_id = paid["payments"][0]["payment_id"]
    assert razorpay.get(f"payments/{payment_id}")["status"] == "captured"
    until(lambda: state(http, order, buyer)[0], lambda read: read["status"] == "paid")
    assert http.post(f"/order/api/admin/orders/{order['id']}/cancel", headers=as_role(http, "admin")).status_code == 200
    events = until(lambda: state(http, order, buyer)[1]["webhook_events"], lambda read: len(read) >= 2)
    assert razorpay.get(f"payments/{payment_id}")["status"] == "refunded"
    assert [e["event"] for e in events] == ["payment.captured", "refund.processed"]


def test_nobody_pays_a_link_and_it_can_be_cancelled(live):
    http, razorpay = live(payer_delay="off")
    buyer = as_role(http, "customer")
    _, checkout = checkout_order(http, buyer)
    link = razorpay.link(checkout)
    cancelled = http.post(f"/_emulators/razorpay/v1/payment_links/{link['id']}/cancel", auth=(KEY_ID, KEY_SECRET))
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert razorpay.get(f"payment_links/{link['id']}")["payments"] is None


def test_fault_razorpay_payment_not_captured(live):
    http, razorpay = live("razorpay_payment_not_captured")
    buyer = as_role(http, "customer")
    _, checkout = checkout_order(http, buyer)
    link = razorpay.link(checkout)
    paid = until(lambda: razorpay.get(f"payment_links/{link['id']}"), lambda read: bool(read["payments"]))
    payment = razorpay.get(f"payments/{paid['payments'][0]['payment_id']}")
    assert payment["status"] == "authorized" and payment["captured"] is False and paid["status"] == "created"


def test_fault_razorpay_webhook_without_refund_events(live):
    http, razorpay = live("razorpay_webhook_without_refund_events")
    buyer = as_role(http, "customer")
    order, checkout = checkout_order(http, buyer)
    link = razorpay.link(checkout)
    until(lambda: state(http, order, buyer)[0], lambda read: read["status"] == "paid")
    assert http.post(f"/order/api/admin/orders/{order['id']}/cancel", headers=as_role(http, "admin")).status_code == 200
    # the refund went through at Razorpay; a control event proves the webhook still delivers others
    paid = razorpay.get(f"payment_links/{link['id']}")
    assert razorpay.get(f"payments/{paid['payments'][0]['payment_id']}")["status"] == "refunded"
    second = checkout_order(http, buyer)
    razorpay.link(second[1])
    until(lambda: state(http, second[0], buyer)[0], lambda read: read["status"] == "paid")
    assert [e["event"] for e in state(http, order, buyer)[1]["webhook_events"]] == ["payment.captured"]


def test_a_refund_asked_of_the_system_after_one_at_razorpay_books_razorpays(live):
    http, razorpay = live()
    buyer = as_role(http, "customer")
    order, checkout = checkout_order(http, buyer)
    link = razorpay.link(checkout)
    until(lambda: state(http, order, buyer)[0], lambda read: read["status"] == "paid")
    payment_id = razorpay.get(f"payment_links/{link['id']}")["payments"][0]["payment_id"]
    direct = http.post(f"/_emulators/razorpay/v1/payments/{payment_id}/refund", auth=(KEY_ID, KEY_SECRET), json={})
    assert direct.status_code == 200
    assert http.post(f"/order/api/admin/orders/{order['id']}/cancel", headers=as_role(http, "admin")).status_code == 200
    payment = until(lambda: state(http, order, buyer)[1], lambda read: read["status"] == "refunded")
    assert payment["refund_id"] == direct.json()["id"]
    listed = razorpay.get(f"payments/{payment_id}/refunds")
    assert [r["id"] for r in listed["items"]] == [direct.json()["id"]]
