"""Twilio Verify as golive talks to it: form-encoded, HTTP Basic ``AccountSid:AuthToken``."""

from __future__ import annotations

import httpx

from golive.http import HttpClient
from golive.providers.credentials import basic_auth
from golive.profile_integrations import TwilioVerify


class TwilioVerifyClient:
    def __init__(self, http: HttpClient, config: TwilioVerify) -> None:
        self.http, self.config = http, config
        self.auth = {"Authorization": basic_auth(config.account_sid, config.auth_token)}
        self.service = config.url(f"Services/{config.service_sid}")

    def service_info(self) -> httpx.Response:
        return self.http.get(self.service, headers=self.auth)

    def send(self) -> httpx.Response:
        return self.http.post(f"{self.service}/Verifications", headers=self.auth,
                              data={"To": self.config.test_number, "Channel": self.config.channel})

    def check(self, code: str) -> httpx.Response:
        return self.http.post(f"{self.service}/VerificationCheck", headers=self.auth,
                              data={"To": self.config.test_number, "Code": code})
