"""A shop's own Razorpay checkout (profile ``integrations.checkout``): the server creates the
Razorpay order, books payment and invoice, refunds with a credit note. Each test order goes through
the ledger before it is created (its undo settles it: cancels it unpaid, refunds it paid).

With a live key the payment reaches the shop only by Razorpay's webhook: ``payment_of`` gives what
the shop booked with the webhook events it applied (the ``PaidOrders`` seam of assisted_payment.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

from golive.adapters.marketplace import Compensates, answer
from golive.http import HttpClient
from golive.outcomes import required
from golive.profile import Service
from golive.profile_integrations import Checkout


@dataclass
class ShopCheckout:
    http: HttpClient
    service: Service
    flow: Checkout
    headers: Callable[[], dict[str, str]]  # the checkout role's (the buyer's) request headers
    compensate: Compensates

    def url(self, template: str, order_id: str = "") -> str:
        return self.service.url(template.replace("{order_id}", order_id))

    def create_order(self, amount: int) -> httpx.Response:
        """POST the checkout's create, its undo in the ledger first; the answer as it is."""
        url = self.url(self.flow.create_path)
        intent = self.compensate.intent(f"settle the shop's test checkout order ({self.compensate.tag})", url)
        response = self.http.post(url, headers=self.headers(), json={"amount": amount,
                                                                      "receipt": self.compensate.tag[:40]})
        self.compensate.refused(intent, response.status_code)
        if response.is_success and self.flow.cancel_path:
            order_id = str(response.json().get("id", ""))
            self.compensate.undo(f"settle test checkout order {order_id}", "POST",
                                 self.url(self.flow.cancel_path, order_id), role=self.flow.role, intent=intent)
        return response

    def order(self, who: Any, order_id: Any) -> dict[str, Any]:
        return dict(answer(self.http.get(self.url(self.flow.status_path, str(order_id)), headers=self.headers()), 200,
                           "reading the checkout order back", "the shop must return the buyer's order"))

    def payment_of(self, who: Any, order_id: Any) -> dict[str, Any]:
        """The payment the shop booked for the order, with the Razorpay webhook events it applied."""
        order = self.order(who, order_id)
        booked = (order.get("payments") or [{}])[0]
        return {"razorpay_payment_id": booked.get("id"), "amount": booked.get("amount"),
                "refund_id": booked.get("refund_id"), "status": ("refunded" if booked.get("amount_refunded") else "captured") if booked else "created",
                "webhook_events": order.get("webhook_events") or []}

    def cancel_response(self, order: dict[str, Any]) -> httpx.Response:
        """The shop's refund of the paid order, answered as it is."""
        return self.http.post(self.url(self.flow.refund_path, str(order["id"])), headers=self.headers())

    def cancel(self, order: dict[str, Any]) -> dict[str, Any]:
        path = required(self.flow.cancel_path, "integrations.checkout.cancel_path (cancelling an unpaid order)")
        return dict(answer(self.http.post(self.url(path, str(order["id"])), headers=self.headers()), 200,
                           "cancelling the unpaid checkout order", "the shop must cancel an unpaid order"))

    def notifications(self, who: Any, order_id: Any) -> list[dict[str, Any]]:
        return []  # the shop's checkout tells the buyer nothing golive can read
