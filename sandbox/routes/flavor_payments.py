"""Razorpay-style payment orders and the signed provider webhooks of the non-commerce flavors.

Arogya and the consolidated Node shop take Razorpay payments on their one API; RealServ's
PaymentService takes them and its NotificationService receives WhatsApp Cloud API events. Each
system verifies its webhooks itself, so the sandbox does too, with its own code shared in
sandbox/provider_webhooks.py: the official ``razorpay`` SDK for X-Razorpay-Signature and ``hmac``
for Meta's X-Hub-Signature-256 (golive's probes compute signatures independently). Orders are
guarded by the flavor's own tokens.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from sandbox.flavor_auth import Account, Accounts, FlavorTokens
from sandbox.payments import PaymentOrder, forget_order, new_order_id, orders_with_receipt
from sandbox.provider_webhooks import (
    handshake_response,
    meta_signature_ok,
    razorpay_order_webhook,
    refuse as _refuse,
    verify_token_matches,
)
from sandbox.runtime import state_of
from sandbox.settings import Settings

#: flavors whose API takes Razorpay payments itself (RealServ's PaymentService mounts it under /payment)
NODE_PAYMENT_FLAVORS = frozenset({"arogya", "consolidated"})


class OrderIn(BaseModel):
    amount: int = Field(gt=0, le=10_000_000)
    currency: str = Field(default="INR", pattern=r"^[A-Z]{3}$")
    receipt: str = Field(default="", max_length=64)


def payments_router(settings: Settings, guard: Callable[[Request], Account], *, prefix: str = "") -> APIRouter:
    """Orders under ``{prefix}/api/payments/orders`` and ``POST {prefix}/api/webhooks/razorpay``."""
    faults, env = settings.faults, settings.feature_env
    router = APIRouter(prefix=prefix, tags=[f"{settings.flavor}: payments"])
    signed_in = [Depends(guard)]

    @router.post("/api/payments/orders", status_code=201, dependencies=signed_in)
    def create_order(order: OrderIn, request: Request) -> dict[str, object]:
        with state_of(request).db.session() as session:
            row = PaymentOrder(id=new_order_id(), amount=order.amount, currency=order.currency,
                               receipt=order.receipt, amount_paid=0, status="created", attempts=0,
                               created_at=int(time.time()))
            session.add(row)
            return row.as_razorpay()

    @router.get("/api/payments/orders", dependencies=signed_in)
    def list_orders(receipt: str, request: Request) -> dict[str, object]:
        with state_of(request).db.session() as session:
            return orders_with_receipt(session, receipt)

    @router.get("/api/payments/orders/{order_id}", dependencies=signed_in)
    def get_order(order_id: str, request: Request) -> dict[str, object]:
        with state_of(request).db.session() as session:
            row = session.get(PaymentOrder, order_id)
            if row is None:
                raise HTTPException(404, "no such order")
            return row.as_razorpay()

    @router.delete("/api/payments/orders/{order_id}", status_code=204, dependencies=signed_in)
    def cancel_order(order_id: str, request: Request) -> Response:
        # undoing a test order (the real systems cancel it; the sandbox forgets it)
        with state_of(request).db.session() as session:
            row = session.get(PaymentOrder, order_id)
            if row is None:
                raise HTTPException(404, "no such order")
            forget_order(session, row)
        return Response(status_code=204)

    router.post("/api/webhooks/razorpay")(razorpay_order_webhook(
        faults, env, signature_skipped="flavor_razorpay_signature_skipped"))

    return router


def whatsapp_router(settings: Settings, *, prefix: str = "",
                    on_delivery: Callable[[Request, bytes, Any], None] | None = None) -> APIRouter:
    """WhatsApp Cloud API webhook: the GET verify-token handshake and X-Hub-Signature-256 events.

    ``on_delivery(request, raw_body, faults)`` handles a delivery once its signature is verified
    (RealServ's bot answers the messages in it).
    """
    faults, env = settings.faults, settings.feature_env
    router = APIRouter(prefix=prefix, tags=[f"{settings.flavor}: whatsapp"])

    @router.get("/api/webhooks/whatsapp")
    def handshake(request: Request) -> Response:
        query = request.query_params
        token_ok = verify_token_matches(query.get("hub.verify_token"), env.get("SANDBOX_WHATSAPP_VERIFY_TOKEN"))
        return handshake_response(query, token_ok)

    @router.post("/api/webhooks/whatsapp")
    async def event(request: Request) -> JSONResponse:
        raw = await request.body()
        secret = env.get("SANDBOX_WHATSAPP_APP_SECRET")
        header = request.headers.get("x-hub-signature-256", "")
        if not header and faults.active("flavor_whatsapp_unsigned_events_accepted"):
            # the defect: "verify if signed", so an event without the header is trusted
            return JSONResponse({"status": "received"})
        if not meta_signature_ok(raw, header, secret):
            return _refuse(401, "invalid signature")
        if on_delivery is not None:
            on_delivery(request, raw, faults)
        return JSONResponse({"status": "received"})

    return router


def node_payment_routers(settings: Settings) -> list[APIRouter]:
    """The Node-style flavors that take Razorpay payments: orders behind the flavor's own HS256 tokens."""
    if settings.flavor not in NODE_PAYMENT_FLAVORS:
        return []
    # the same issuer, audience, key id and secret as flavor_paths.node_api: its tokens pass here
    tokens = FlavorTokens.hs256(settings.jwt_secret, flavor=settings.flavor, roles=Accounts(settings.users).roles)
    return [payments_router(settings, tokens.guard())]
