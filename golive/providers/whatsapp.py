"""The WhatsApp Cloud API (Meta Graph) as golive talks to it: Bearer system-user token."""

from __future__ import annotations

import httpx

from golive.http import HttpClient
from golive.profile_integrations import WhatsApp


class WhatsAppClient:
    def __init__(self, http: HttpClient, config: WhatsApp) -> None:
        self.http, self.config = http, config
        self.headers = {"Authorization": f"Bearer {config.access_token}"}
        self.number = config.url(f"{config.api_version}/{config.phone_number_id}")

    def phone_number(self) -> httpx.Response:
        return self.http.get(self.number, headers=self.headers,
                             params={"fields": "display_phone_number,verified_name,quality_rating"})

    def send_text(self, text: str) -> httpx.Response:
        body = {"messaging_product": "whatsapp", "recipient_type": "individual", "to": self.config.test_recipient,
                "type": "text", "text": {"preview_url": False, "body": text}}
        return self.http.post(f"{self.number}/messages", json=body, headers=self.headers)
