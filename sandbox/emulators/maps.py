"""Google Maps Geocoding API emulator under ``/_emulators/maps/maps/api/geocode/json``.

The project's key is SANDBOX_MAPS_API_KEY (``key`` query parameter). Like Google, every answer is
HTTP 200 with a ``status``: OK, ZERO_RESULTS, REQUEST_DENIED (bad or restricted key),
INVALID_REQUEST (no address). A small gazetteer of Indian addresses stands in for the world.
"""

from __future__ import annotations

import re

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from sandbox.emulators._accounts import same
from sandbox.settings import Settings

PREFIX = "/_emulators/maps"
#: normalised address -> (formatted address, latitude, longitude, place id)
GAZETTEER: dict[str, tuple[str, float, float, str]] = {
    "mg road bengaluru": ("MG Road, Bengaluru, Karnataka 560001, India", 12.9756, 77.6050,
                          "ChIJbU60yXAWrjsR4E9-UejD3_g"),
    "connaught place new delhi": ("Connaught Place, New Delhi, Delhi 110001, India", 28.6315, 77.2167,
                                  "ChIJLbZ-NFv9DDkRQJY4FbcFcgM"),
    "bandra kurla complex mumbai": ("Bandra Kurla Complex, Bandra East, Mumbai, Maharashtra 400051, India",
                                    19.0674, 72.8654, "ChIJ3-1XPo7I5zsRYbSd9jKa9tw"),
}


def normalise(address: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9 ]", " ", address.lower()).split())


def build_router(settings: Settings) -> APIRouter:
    api_key, faults = settings.feature_env.get("SANDBOX_MAPS_API_KEY"), settings.faults
    router = APIRouter(tags=["emulator: maps"])

    @router.get(f"{PREFIX}/maps/api/geocode/json")
    def geocode(address: str = "", key: str = "") -> JSONResponse:
        if not same(key, api_key):
            return JSONResponse({"results": [], "status": "REQUEST_DENIED",
                                 "error_message": "The provided API key is invalid."})
        if faults.active("maps_key_restricted"):
            # the key is restricted to the Maps JavaScript API; server-side geocoding was never enabled
            return JSONResponse({"results": [], "status": "REQUEST_DENIED",
                                 "error_message": "This API project is not authorized to use this API."})
        if not address.strip():
            return JSONResponse({"results": [], "status": "INVALID_REQUEST"})
        hit = GAZETTEER.get(normalise(address))
        if hit is None:
            return JSONResponse({"results": [], "status": "ZERO_RESULTS"})
        formatted, lat, lng, place_id = hit
        return JSONResponse({"status": "OK", "results": [{
            "formatted_address": formatted, "place_id": place_id, "types": ["route"],
            "geometry": {"location": {"lat": lat, "lng": lng}, "location_type": "GEOMETRIC_CENTER"}}]})

    return router
