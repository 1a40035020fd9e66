"""Razorpay as golive talks to it: HTTP Basic ``key_id:key_secret`` against ``/v1``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from urllib.parse import urlencode

import httpx

from golive.http import HttpClient
from golive.providers.credentials import basic_auth
from golive.profile_integrations import Razorpay


def settler(http: HttpClient, config: Razorpay, receipt: str) -> Callable[[str], int]:
    """``settle(url)`` for the ledger: the payment link at ``url`` (…/payment_links/<id>) refunded if
    paid, else cancelled."""
    client = RazorpayClient(http, config)
    return lambda url: client.settle_payment_link(url.rstrip("/").rsplit("/", 1)[-1], receipt)


def link_lister(http: HttpClient, config: Razorpay) -> Callable[[str], list[Any]]:
    """``links(url)`` for the ledger's sweeps: the payment links a listing URL (…?reference_id=) answers."""
    client = RazorpayClient(http, config)

    def links(url: str) -> list[Any]:
        response = client.http.get(url, headers=client.auth)
        if response.status_code != 200:
            raise RuntimeError(f"GET {url} answered HTTP {response.status_code}, expected 200")
        return list(response.json().get("payment_links") or [])

    return links


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

    # --- Payment Links: what a person pays with a UPI app or card (live keys: no code can pay) ----------
    def create_payment_link(self, amount: int, description: str, reference_id: str,
                            notes: dict[str, str]) -> httpx.Response:
        body = {"amount": amount, "currency": self.config.currency, "accept_partial": False,
                "description": description[:2048], "reference_id": reference_id[:40], "notes": notes,
                "notify": {"sms": False, "email": False}, "reminder_enable": False}
        return self.http.post(self.config.url("payment_links"), json=body, headers=self.auth)

    def payment_links_url(self, reference_id: str) -> str:
        """Where the links made for one reference are listed (a create whose answer was lost)."""
        return self.config.url(f"payment_links?{urlencode({'reference_id': reference_id[:40]})}")

    def payment_link(self, link_id: str) -> httpx.Response:
        return self.http.get(self.config.url(f"payment_links/{link_id}"), headers=self.auth)

    def cancel_payment_link(self, link_id: str) -> httpx.Response:
        return self.http.post(self.config.url(f"payment_links/{link_id}/cancel"), headers=self.auth)

    def settle_payment_link(self, link_id: str, receipt: str) -> int:
        """The undo of a payment link: refund what was paid through it, else cancel it. 200 when
        settled, 404 when Razorpay does not know it, the failing call's status otherwise."""
        fetched = self.payment_link(link_id)
        if fetched.status_code in (400, 404):
            return 404
        if fetched.status_code != 200:
            return fetched.status_code
        link = fetched.json()
        if link.get("status") == "created":
            cancelled = self.cancel_payment_link(link_id)
            if cancelled.status_code == 200:
                return 200
            fetched = self.payment_link(link_id)  # paid meanwhile: refund below
            link = fetched.json() if fetched.status_code == 200 else link
        for paid in link.get("payments") or []:
            payment = self.payment(str(paid.get("payment_id")))
            if payment.status_code != 200:
                return payment.status_code
            body = payment.json()
            left = int(body.get("amount", 0)) - int(body.get("amount_refunded", 0))
            if body.get("status") == "captured" and left > 0:
                refunded = self.refund(str(body["id"]), left, receipt)
                if refunded.status_code != 200:
                    return refunded.status_code
        return 200
