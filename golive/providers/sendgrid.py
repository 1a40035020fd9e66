"""SendGrid v3 as golive talks to it: Bearer API key."""

from __future__ import annotations

import httpx

from golive.http import HttpClient
from golive.profile_integrations import SendGrid


class SendGridClient:
    def __init__(self, http: HttpClient, config: SendGrid) -> None:
        self.http, self.config = http, config
        self.headers = {"Authorization": f"Bearer {config.api_key}"}

    def scopes(self) -> httpx.Response:
        return self.http.get(self.config.url("scopes"), headers=self.headers)

    def send(self, subject: str, text: str) -> httpx.Response:
        """One transactional mail, never in sandbox mode: 202 means queued for delivery."""
        body = {"personalizations": [{"to": [{"email": self.config.to_email}]}],
                "from": {"email": self.config.from_email}, "subject": subject,
                "content": [{"type": "text/plain", "value": text}],
                "mail_settings": {"sandbox_mode": {"enable": False}}}
        return self.http.post(self.config.url("mail/send"), json=body, headers=self.headers)
