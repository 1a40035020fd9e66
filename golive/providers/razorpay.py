"""Razorpay as golive talks to it: HTTP Basic ``key_id:key_secret`` against ``/v1``."""

from __future__ import annotations

import httpx

from golive.http import HttpClient
from golive.providers.credentials import basic_auth
from golive.profile_integrations import Razorpay


class RazorpayClient:
    def __init__(self, http: HttpClient, config: Razorpay) -> None:
        self.http, self.config = http, config
        self.auth = {"Authorization": basic_auth(config.key_id, config.key_secret)}

    def list_orders(self) -> httpx.Response:
        """The cheapest authenticated read: proves the key pair without creating anything."""
        return self.http.get(self.config.url("orders"), params={"count": 1}, headers=self.auth)

    def create_order(self, receipt: str, notes: dict[str, str]) -> httpx.Response:
        body = {"amount": self.config.amount, "currency": self.config.currency, "receipt": receipt[:40],
                "notes": notes}
        return self.http.post(self.config.url("orders"), json=body, headers=self.auth)

    def pay_test_order(self, order_id: str, email: str, contact: str) -> httpx.Response:
        """Test mode only: the S2S JSON payment, answering razorpay_payment_id/_order_id/_signature."""
        body = {"order_id": order_id, "amount": self.config.amount, "currency": self.config.currency,
                "method": "upi", "email": email, "contact": contact}
        return self.http.post(self.config.url("payments/create/json"), json=body, headers=self.auth)

    def payment(self, payment_id: str) -> httpx.Response:
        return self.http.get(self.config.url(f"payments/{payment_id}"), headers=self.auth)

    def order(self, order_id: str) -> httpx.Response:
        return self.http.get(self.config.url(f"orders/{order_id}"), headers=self.auth)

    def refund(self, payment_id: str, amount: int, receipt: str) -> httpx.Response:
        return self.http.post(self.config.url(f"payments/{payment_id}/refund"), headers=self.auth,
                              json={"amount": amount, "speed": "normal", "receipt": receipt[:40]})
