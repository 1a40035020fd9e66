"""The shop's own checkout adapter: its test order goes through the ledger before the create, with an
undo cleanup can replay as the buyer (the shop's cancel settles it); what the shop booked is read as
the payment the live chain follows (respx stands in for the shop)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import respx

from fixtures.ledger import Compensator
from golive.adapters.shop_checkout import ShopCheckout
from golive.cleanup import Target
from golive.http import HttpClient
from golive.ledger import Ledger
from golive.profile_integrations import Checkout

SHOP = "https://shop.example.test"
FLOW = Checkout(service="app", role="customer", create_path="/api/checkout/orders",
                status_path="/api/checkout/orders/{order_id}", verify_path="/api/checkout/orders/{order_id}/verify",
                refund_path="/api/checkout/orders/{order_id}/refund",
                cancel_path="/api/checkout/orders/{order_id}/cancel")


class _Service:
    def url(self, path: str) -> str:
        return SHOP + path


def shop_with(ledger: Ledger, flow: Checkout = FLOW) -> ShopCheckout:
    compensate = Compensator(ledger, "INT-CHECKOUT-001", Target("staging", {"app": SHOP}))
    return ShopCheckout(HttpClient(safety="mutating", retries=0), _Service(), flow,  # type: ignore[arg-type]
                        lambda: {"Authorization": "Bearer buyer"}, compensate)


def events(ledger: Ledger) -> list[dict[str, Any]]:
    return [entry for entry in ledger.entries() if entry["event"] in ("intent", "created", "not_created")]


@respx.mock
def test_the_test_order_is_announced_before_its_create_then_undone_by_the_shops_cancel(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "ledger.jsonl")
    shop = shop_with(ledger)

    def create(request: httpx.Request) -> httpx.Response:
        assert [entry["event"] for entry in events(ledger)] == ["intent"], "the intent is written before the create"
        return httpx.Response(201, json={"id": "co_1", "razorpay_order_id": "order_1", "amount": 100})

    respx.post(f"{SHOP}/api/checkout/orders").mock(side_effect=create)
    assert shop.create_order(100).status_code == 201
    intent, created = events(ledger)
    assert intent["service"] == "app" and intent["tag"] == shop.compensate.tag
    assert (created["id"], created["method"], created["url"], created["role"]) == (
        intent["id"], "POST", f"{SHOP}/api/checkout/orders/co_1/cancel", "customer")


@respx.mock
def test_a_refused_create_leaves_nothing_to_undo(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "ledger.jsonl")
    respx.post(f"{SHOP}/api/checkout/orders").respond(400, json={"detail": "amount"})
    assert shop_with(ledger).create_order(100).status_code == 400
    (intent,) = events(ledger)
    (settled,) = [entry for entry in ledger.entries() if entry["event"] != "intent"]
    assert settled["id"] == intent["id"] and settled["outcome"] == "not created: HTTP 400"


@respx.mock
def test_the_payment_the_shop_booked_is_read_with_the_webhook_events_it_applied(tmp_path: Path) -> None:
    shop = shop_with(Ledger(tmp_path / "ledger.jsonl"))
    events_applied = [{"id": "evt_1", "event": "payment.captured", "received_at": 1}]
    route = respx.get(f"{SHOP}/api/checkout/orders/co_1")
    route.respond(json={"id": "co_1", "status": "created", "payments": [], "webhook_events": []})
    assert shop.payment_of(None, "co_1") == {"razorpay_payment_id": None, "amount": None, "refund_id": None,
                                             "status": "created", "webhook_events": []}
    route.respond(json={"id": "co_1", "status": "paid", "webhook_events": events_applied,
                        "payments": [{"id": "pay_1", "amount": 100, "amount_refunded": 0, "refund_id": None}]})
    assert shop.payment_of(None, "co_1") == {"razorpay_payment_id": "pay_1", "amount": 100, "refund_id": None,
                                             "status": "captured", "webhook_events": events_applied}
