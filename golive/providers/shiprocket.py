"""Shiprocket as golive talks to it: ``auth/login`` for a Bearer token, then the external API."""

from __future__ import annotations

import time

import httpx

from golive.http import HttpClient
from golive.profile_integrations import Shiprocket


class ShiprocketClient:
    def __init__(self, http: HttpClient, config: Shiprocket) -> None:
        self.http, self.config = http, config
        self.headers: dict[str, str] = {}

    def login(self) -> httpx.Response:
        response = self.http.post(self.config.url("auth/login"), intent="login",
                                  json={"email": self.config.email, "password": self.config.password})
        if response.status_code == 200 and isinstance(token := response.json().get("token"), str):
            self.headers = {"Authorization": f"Bearer {token}"}
        return response

    def create_order(self, reference: str) -> httpx.Response:
        """A one-item prepaid test order, cancelled by the caller afterwards."""
        body = {"order_id": reference, "order_date": time.strftime("%Y-%m-%d %H:%M"),
                "pickup_location": self.config.pickup_location, "billing_customer_name": "golive",
                "billing_last_name": "go-live check", "billing_address": "go-live check, do not ship",
                "billing_city": "Bengaluru", "billing_pincode": self.config.pincode, "billing_state": "Karnataka",
                "billing_country": "India", "billing_email": "golive@example.com", "billing_phone": "9999999999",
                "shipping_is_billing": True, "payment_method": "Prepaid", "sub_total": 1,
                "order_items": [{"name": "go-live check", "sku": "GOLIVE-CHECK", "units": 1, "selling_price": 1,
                                 "discount": 0, "tax": 0, "hsn": ""}],
                "length": 10, "breadth": 10, "height": 10, "weight": 0.5}
        return self.http.post(self.config.url("orders/create/adhoc"), json=body, headers=self.headers)

    def assign_awb(self, shipment_id: int) -> httpx.Response:
        return self.http.post(self.config.url("courier/assign/awb"), json={"shipment_id": shipment_id},
                              headers=self.headers)

    def track(self, awb: str) -> httpx.Response:
        return self.http.get(self.config.url(f"courier/track/awb/{awb}"), headers=self.headers)

    def show(self, order_id: int) -> httpx.Response:
        return self.http.get(self.config.url(f"orders/show/{order_id}"), headers=self.headers)

    def cancel(self, order_id: int) -> httpx.Response:
        return self.http.post(self.config.url("orders/cancel"), json={"ids": [order_id]}, headers=self.headers)
