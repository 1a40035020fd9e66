"""The Google Maps Geocoding API as golive talks to it: the key is a query parameter."""

from __future__ import annotations

import httpx

from golive.http import HttpClient
from golive.profile_integrations import Maps


class MapsClient:
    def __init__(self, http: HttpClient, config: Maps) -> None:
        self.http, self.config = http, config

    def geocode(self, address: str | None = None) -> httpx.Response:
        return self.http.get(self.config.url("maps/api/geocode/json"),
                             params={"address": address or self.config.address, "key": self.config.api_key})
