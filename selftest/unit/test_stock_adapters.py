"""The stock adapters against recorded answers (respx): payload shapes, parsing, exact amounts."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import httpx
import pytest
import respx

from golive.adapters import AdapterError, stock_adapter
from golive.auth import Credential
from golive.http import HttpClient
from golive.profile import Profile

BASE = "https://api.example.test"


def profile_with(adapter: str, **paths: Any) -> Profile:
    return Profile.model_validate({
        "name": "t", "services": [{"name": "api", "base_url": BASE}],
        "auth": {"login": {"service": "api", "path": "/login"},
                 "roles": {"admin": {"username": "a@x", "password": "p"}, "buyer": {"username": "b@x", "password": "p"}}},
        "flows": {"adapter": adapter, "service": "api", "admin_role": "admin", "buyer_role": "buyer",
                  "paths": {"stock": "/stock", **paths}, "sample": {"sku": "S1", "location": "L1"}},
    })


def adapter_for(adapter: str, **paths: Any):  # type: ignore[no-untyped-def]
    profile = profile_with(adapter, **paths)
    assert profile.flows
    return stock_adapter(profile, profile.flows, HttpClient(safety="mutating", retries=0), lambda role: Credential.bearer(role, f"tok-{role}"))


@respx.mock
def test_inventory_stock_and_totals() -> None:
    respx.get(f"{BASE}/stock").respond(json={"items": [{"sku": "S1", "location": "L1", "quantity": 4},
                                                       {"sku": "S1", "location": "L2", "quantity": 3}]})
    respx.get(f"{BASE}/products").respond(json={"items": [{"sku": "S1", "on_hand": 7}]})
    stock = adapter_for("inventory", totals="/products")
    assert stock.stock_of("S1", "L1") == 4
    assert stock.product_totals() == {"S1": 7}
    assert respx.calls.last.request.headers["Authorization"] == "Bearer tok-admin"


@respx.mock
def test_arogya_totals_add_up_entities_and_adjust_names_the_fullest_batch() -> None:
    respx.get(f"{BASE}/stock").respond(json={"items": [
        {"sku": "S1", "entity_code": "L1", "batch_no": "B1", "quantity": 2},
        {"sku": "S1", "entity_code": "L1", "batch_no": "B2", "quantity": 9}]})
    respx.get(f"{BASE}/summary").respond(json={"items": [{"sku": "S1", "entity_code": "L1", "on_hand": 11},
                                                         {"sku": "S1", "entity_code": "L2", "on_hand": 1}]})
    stock = adapter_for("arogya", totals="/summary", adjust="/adjust")
    assert stock.product_totals() == {"S1": 12}
    call = stock.adjust_call("S1", "L1", -1, "damaged", "ref-1")
    assert call.json == {"entity_code": "L1", "sku": "S1", "batch_no": "B2", "quantity": -1, "reason": "damaged",
                         "reference": "ref-1"}
    assert call.role == "admin" and call.url == f"{BASE}/adjust"


def test_order_amounts_are_exact() -> None:
    stock = adapter_for("inventory")
    answer = httpx.Response(201, content=json.dumps({
        "id": 7, "status": "placed", "location": "L1", "total": 0.3,
        "lines": [{"sku": "S1", "quantity": 3, "unit_price": 0.1, "line_total": 0.3}]}).encode())
    order = stock.order_from(answer)
    assert order.total == Decimal("0.3") and order.lines[0].unit_price * 3 == order.lines[0].line_total


@respx.mock
def test_an_unexpected_answer_fails_the_check_with_what_was_found() -> None:
    respx.get(f"{BASE}/stock").respond(json={"data": []})
    with pytest.raises(AdapterError, match="items"):
        adapter_for("inventory").stock()
    respx.get(f"{BASE}/stock").respond(500)
    with pytest.raises(AdapterError, match="HTTP 500"):
        adapter_for("inventory").stock()


def test_the_reversal_is_the_profiles_compensating_request_for_a_reference() -> None:
    call = adapter_for("inventory", reverse="/reversals/{reference}").reversal_call("golive-1 a/b")
    assert call is not None
    assert (call.method, call.url, call.role, call.json) == ("POST", f"{BASE}/reversals/golive-1%20a%2Fb", "admin", None)
    assert adapter_for("arogya").reversal_call("golive-1") is None  # without one, the inverse follows the answer
