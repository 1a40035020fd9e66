"""Shiprocket API emulator under ``/_emulators/shiprocket/v1/external``.

The seller account is SANDBOX_SHIPROCKET_EMAIL / SANDBOX_SHIPROCKET_PASSWORD; ``auth/login`` hands
out a Bearer token. An ad-hoc order needs the account's pickup location
(SANDBOX_SHIPROCKET_PICKUP_LOCATION); then ``courier/assign/awb`` gives the shipment an AWB,
``courier/track/awb/{awb}`` tracks it and ``orders/cancel`` cancels the order.
"""

from __future__ import annotations

import secrets
import time
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from sandbox.emulators._accounts import bearer_token, body_of, same
from sandbox.settings import Settings

PREFIX = "/_emulators/shiprocket/v1/external"
ORDER_FIELDS = ("order_id", "order_date", "pickup_location", "billing_customer_name", "billing_address",
                "billing_city", "billing_pincode", "billing_state", "billing_country", "billing_phone",
                "order_items", "payment_method", "sub_total", "length", "breadth", "height", "weight")


def _message(status: int, message: str, **extra: Any) -> JSONResponse:
    return JSONResponse({"message": message, "status_code": status, **extra}, status_code=status)


def build_router(settings: Settings) -> APIRouter:
    env, faults = settings.feature_env, settings.faults
    email, password = env.get("SANDBOX_SHIPROCKET_EMAIL"), env.get("SANDBOX_SHIPROCKET_PASSWORD")
    pickup = env.get("SANDBOX_SHIPROCKET_PICKUP_LOCATION", "")
    tokens: set[str] = set()
    orders: dict[int, dict[str, Any]] = {}
    router = APIRouter(tags=["emulator: shiprocket"])

    def signed_in(request: Request) -> bool:
        return (bearer_token(request) or "") in tokens

    @router.post(f"{PREFIX}/auth/login")
    async def login(request: Request) -> JSONResponse:
        body = await body_of(request)
        if not same(str(body.get("email") or "").lower(), (email or "").lower()) or \
                not same(str(body.get("password") or ""), password):
            return _message(400, "Invalid email and password combination")
        token = secrets.token_urlsafe(32)
        tokens.add(token)
        return JSONResponse({"id": 1, "email": email, "company_id": 1, "token": token})

    @router.post(f"{PREFIX}/orders/create/adhoc")
    async def create(request: Request) -> JSONResponse:
        if not signed_in(request):
            return _message(401, "Unauthenticated.")
        body = await body_of(request)
        missing = [name for name in ORDER_FIELDS if body.get(name) in (None, "", [])]
        if missing:
            return _message(422, "Oops! Invalid Data.", errors={name: [f"The {name} field is required."]
                                                               for name in missing})
        # the pickup address was deleted (or never verified) in the panel: orders cannot be placed
        known = {pickup} if pickup and not faults.active("shiprocket_pickup_location_missing") else set()
        if body["pickup_location"] not in known:
            return _message(422, "Wrong Pickup location entered. Please choose one location from data given",
                            data={"data": [{"pickup_location": name} for name in sorted(known)]})
        order_id = 100_000 + len(orders) + secrets.randbelow(1000) * 1000
        shipment_id = order_id + 7
        orders[order_id] = {"order_id": order_id, "channel_order_id": str(body["order_id"]),
                            "shipment_id": shipment_id, "status": "NEW", "status_code": 1, "awb_code": ""}
        return JSONResponse({key: orders[order_id][key] for key in
                             ("order_id", "channel_order_id", "shipment_id", "status", "status_code", "awb_code")}
                            | {"onboarding_completed_now": 0, "courier_company_id": "", "courier_name": ""})

    def order_of_shipment(shipment_id: object) -> dict[str, Any] | None:
        return next((o for o in orders.values() if o["shipment_id"] == shipment_id), None)

    @router.post(f"{PREFIX}/courier/assign/awb")
    async def assign_awb(request: Request) -> JSONResponse:
        if not signed_in(request):
            return _message(401, "Unauthenticated.")
        order = order_of_shipment((await body_of(request)).get("shipment_id"))
        if order is None or order["status"] == "CANCELED":
            return _message(400, "Shipment id does not exist or is cancelled")
        order.update(awb_code=order["awb_code"] or f"1411{secrets.randbelow(10**10):010d}",
                     status="AWB ASSIGNED", status_code=3)
        return JSONResponse({"awb_assign_status": 1, "response": {"data": {
            "awb_code": order["awb_code"], "shipment_id": order["shipment_id"], "order_id": order["order_id"],
            "courier_company_id": 10, "courier_name": "Delhivery Surface", "assigned_date_time": {
                "date": time.strftime("%Y-%m-%d %H:%M:%S")}}}})

    @router.get(f"{PREFIX}/courier/track/awb/{{awb}}")
    def track(awb: str, request: Request) -> JSONResponse:
        if not signed_in(request):
            return _message(401, "Unauthenticated.")
        order = next((o for o in orders.values() if o["awb_code"] and o["awb_code"] == awb), None)
        if order is None:
            return JSONResponse({"tracking_data": {"track_status": 0, "shipment_status": 0, "shipment_track": [],
                                                   "shipment_track_activities": None,
                                                   "error": f"Aahh! There is no activities found in our DB for "
                                                            f"awb {awb}"}})
        return JSONResponse({"tracking_data": {
            "track_status": 1, "shipment_status": order["status_code"],
            "shipment_track": [{"awb_code": awb, "shipment_id": order["shipment_id"], "current_status":
                                order["status"], "origin": pickup, "courier_company_id": 10}],
            "shipment_track_activities": [{"date": time.strftime("%Y-%m-%d %H:%M:%S"), "status": "X-UCI",
                                           "activity": "Manifested - Pickup scheduled", "location": pickup}],
            "track_url": f"https://shiprocket.co/tracking/{awb}"}})

    @router.get(f"{PREFIX}/orders/show/{{order_id}}")
    def show(order_id: int, request: Request) -> JSONResponse:
        if not signed_in(request):
            return _message(401, "Unauthenticated.")
        order = orders.get(order_id)
        return JSONResponse({"data": {"id": order_id, "status": order["status"], "awb_code": order["awb_code"],
                                      "shipment_id": order["shipment_id"]}}) if order else \
            _message(404, "Order not found.")

    @router.post(f"{PREFIX}/orders/cancel")
    async def cancel(request: Request) -> JSONResponse:
        if not signed_in(request):
            return _message(401, "Unauthenticated.")
        ids = (await body_of(request)).get("ids")
        if not isinstance(ids, list) or not ids or any(order_id not in orders for order_id in ids):
            return _message(422, "Oops! Invalid Data.", errors={"ids": ["The selected ids is invalid."]})
        for order_id in ids:
            orders[order_id].update(status="CANCELED", status_code=5)
        return JSONResponse({"status": 200, "message": "Order cancelled successfully."})

    return router
