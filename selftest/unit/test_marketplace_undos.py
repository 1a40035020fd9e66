"""The marketplace adapter's creates go through the ledger before their request, with an undo
cleanup can replay: a payment order is settled (refunded or voided) and found by its order's id, a
partner subscription is deleted and found by its name (respx stands in for the services)."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
import respx

from fixtures.ledger import Compensator
from golive.adapters.marketplace import Account, MarketplaceFlows
from golive.cleanup import Target
from golive.http import HttpClient
from golive.ledger import Ledger
from golive.outcomes import CheckFailed
from golive.profile import Profile

SERVICES = ("identity", "vendor", "catalog", "order", "payment", "notification", "integration")
BASE = "https://{}.example.test"


def flows_with(ledger: Ledger) -> MarketplaceFlows:
    profile = Profile.model_validate({
        "name": "market", "services": [{"name": name, "base_url": BASE.format(name)} for name in SERVICES],
        "auth": {"login": {"service": "identity", "path": "/login"},
                 "roles": {"admin": {"username": "a@x.test", "password": "p"},
                           "customer": {"username": "c@x.test", "password": "p"}}},
        "marketplace": {"services": {name: name for name in SERVICES}, "signup_path": "/signup",
                        "admin_role": "admin", "customer_role": "customer", "vendor_role": "admin",
                        "test_email_domain": "example.test",
                        "checkout": {"key_id": "rzp_test_1", "key_secret": "secret-1"}},
    })
    assert profile.marketplace is not None
    target = Target("staging", {service.name: str(service.base_url) for service in profile.services})
    compensate = Compensator(ledger, "MKT-DATA-001", target)
    return MarketplaceFlows(HttpClient(safety="mutating", retries=0), profile, profile.auth, profile.marketplace,
                            compensate, lambda role: {"Authorization": f"Bearer {role}"})


def events(ledger: Ledger) -> list[dict[str, Any]]:
    return [entry for entry in ledger.entries() if entry["event"] in ("intent", "created")]


@respx.mock
def test_a_payment_order_is_announced_with_its_sweep_then_settled_by_its_id(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "ledger.jsonl")
    flows = flows_with(ledger)

    def create(request: httpx.Request) -> httpx.Response:
        assert [entry["event"] for entry in events(ledger)] == ["intent"], "the intent is written before the create"
        return httpx.Response(201, json={"razorpay_order_id": "order_1", "amount": 100})

    respx.post(f"{BASE.format('payment')}/api/checkout/orders").mock(side_effect=create)
    respx.get(f"{BASE.format('payment')}/api/checkout/by-order/7").respond(json={"id": 42, "status": "created"})
    checkout, stored = flows.payment_order(Account("c@x.test", {}), {"id": 7})
    assert checkout["razorpay_order_id"] == "order_1" and stored == {"id": 42, "status": "created"}
    intent, created = events(ledger)
    assert intent["sweep"]["list_url"] == f"{BASE.format('payment')}/api/admin/checkout?order_id=7"
    assert (intent["sweep"]["undo_method"], intent["sweep"]["undo_url"]) == (
        "POST", f"{BASE.format('payment')}/api/admin/checkout/{{id}}/refund")
    assert intent["env"] == "staging" and intent["service"] == "payment" and intent["tag"] == flows.compensate.tag
    assert (created["id"], created["method"], created["url"], created["role"]) == (
        intent["id"], "POST", f"{BASE.format('payment')}/api/admin/checkout/42/refund", "admin")


@respx.mock
def test_a_refused_payment_order_leaves_nothing_pending(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "ledger.jsonl")
    respx.post(f"{BASE.format('payment')}/api/checkout/orders").respond(409, json={"detail": "order is paid"})
    flows = flows_with(ledger)
    with pytest.raises(CheckFailed, match="Razorpay order creation failed"):
        flows.payment_order(Account("c@x.test", {}), {"id": 7})
    assert ledger.pending() == []


@respx.mock
def test_a_subscription_is_announced_with_a_search_by_its_name(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "ledger.jsonl")
    flows = flows_with(ledger)
    listing = f"{BASE.format('integration')}/api/admin/integrations/subscriptions"
    respx.post(listing).respond(201, json={"id": "sub_1", "name": "x"})
    flows.stored_subscription()
    intent, created = events(ledger)
    assert intent["sweep"]["list_url"] == f"{listing}?{urlencode({'name': f'golive {flows.compensate.tag}'})}"
    assert (intent["sweep"]["undo_method"], intent["sweep"]["undo_url"]) == ("DELETE", listing + "/{id}")
    assert (created["method"], created["url"]) == ("DELETE", listing + "/sub_1")
    assert created["id"] == intent["id"] and created["role"] == "admin"
