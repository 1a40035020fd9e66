"""Razorpay-style payment orders and the signed provider webhooks of the non-commerce flavors.

Arogya and the consolidated Node shop take Razorpay payments on their one API; RealServ's
PaymentService takes them and its NotificationService receives WhatsApp Cloud API events. Each
system verifies its webhooks itself, so this module does too, with its own code: the official
``razorpay`` SDK for X-Razorpay-Signature and ``hmac`` for Meta's X-Hub-Signature-256 (golive's
probes compute signatures independently). Orders are guarded by the flavor's own tokens.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Callable
from typing import Any

import razorpay
from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from pydantic import BaseModel, Field
from razorpay.errors import SignatureVerificationError
from sqlalchemy.exc import IntegrityError

from sandbox.flavor_auth import Account, Accounts, FlavorTokens
from sandbox.payments import PaymentOrder, WebhookEvent, new_order_id
from sandbox.runtime import state_of
from sandbox.settings import Settings

#: flavors whose API takes Razorpay payments itself (RealServ's PaymentService mounts it under /payment)
NODE_PAYMENT_FLAVORS = frozenset({"arogya", "consolidated"})


class OrderIn(BaseModel):
    amount: int = Field(gt=0, le=10_000_000)
    currency: str = Field(default="INR", pattern=r"^[A-Z]{3}$")
    receipt: str = Field(default="", max_length=64)


def _refuse(status: int, detail: str) -> JSONResponse:
    return JSONResponse({"detail": detail}, status_code=status)


def payments_router(settings: Settings, guard: Callable[[Request], Account], *, prefix: str = "") -> APIRouter:
    """Orders under ``{prefix}/api/payments/orders`` and ``POST {prefix}/api/webhooks/razorpay``."""
    faults, env = settings.faults, settings.feature_env
    router = APIRouter(prefix=prefix, tags=[f"{settings.flavor}: payments"])
    signed_in = [Depends(guard)]
    verifier = razorpay.Client(auth=("", "")).utility

    @router.post("/api/payments/orders", status_code=201, dependencies=signed_in)
    def create_order(order: OrderIn, request: Request) -> dict[str, object]:
        with state_of(request).db.session() as session:
            row = PaymentOrder(id=new_order_id(), amount=order.amount, currency=order.currency,
                               receipt=order.receipt, amount_paid=0, status="created", attempts=0,
                               created_at=int(time.time()))
            session.add(row)
            return row.as_razorpay()

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
            session.delete(row)
        return Response(status_code=204)

    def signature_ok(raw: bytes, signature: str | None) -> bool:
        secret = env.get("SANDBOX_RAZORPAY_WEBHOOK_SECRET")
        if faults.active("flavor_razorpay_signature_skipped"):
            # the defect: a "temporary" bypass left in the handler, any signature (or none) passes
            return True
        if not secret or not signature:
            return False
        try:
            return bool(verifier.verify_webhook_signature(raw.decode("utf-8", "replace"), signature, secret))
        except SignatureVerificationError:
            return False

    def apply(request: Request, event: dict[str, Any], event_id: str | None) -> str:
        if event.get("event") not in ("payment.captured", "order.paid"):
            return "ignored"
        payment = (((event.get("payload") or {}).get("payment") or {}).get("entity") or {})
        order_id, amount = payment.get("order_id"), payment.get("amount")
        if not isinstance(order_id, str) or not isinstance(amount, int) or amount <= 0:
            return "ignored"
        with state_of(request).db.session() as session:
            if event_id:
                if session.get(WebhookEvent, event_id) is not None:
                    return "duplicate_event"
                session.add(WebhookEvent(event_id=event_id, received_at=int(time.time())))
            order = session.get(PaymentOrder, order_id)
            if order is None:
                return "unknown_order"
            order.amount_paid += amount
            order.attempts += 1
            order.status = "paid" if order.amount_paid >= order.amount else "attempted"
        return "processed"

    @router.post("/api/webhooks/razorpay")
    async def razorpay_webhook(request: Request) -> JSONResponse:
        raw = await request.body()
        if not signature_ok(raw, request.headers.get("x-razorpay-signature")):
            return _refuse(400, "invalid signature")
        try:
            event = json.loads(raw)
        except ValueError:
            return _refuse(400, "malformed event")
        if not isinstance(event, dict):
            return _refuse(400, "malformed event")
        try:
            outcome = apply(request, event, request.headers.get("x-razorpay-event-id"))
        except IntegrityError:  # a concurrent retry of the same event id won the race
            outcome = "duplicate_event"
        return JSONResponse({"status": outcome})

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
        expected = env.get("SANDBOX_WHATSAPP_VERIFY_TOKEN") or ""
        given = query.get("hub.verify_token") or ""
        token_ok = bool(expected) and hmac.compare_digest(given.encode(), expected.encode())
        if query.get("hub.mode") == "subscribe" and token_ok and query.get("hub.challenge"):
            return PlainTextResponse(query["hub.challenge"])
        return _refuse(403, "verification failed")

    @router.post("/api/webhooks/whatsapp")
    async def event(request: Request) -> JSONResponse:
        raw = await request.body()
        secret = env.get("SANDBOX_WHATSAPP_APP_SECRET")
        header = request.headers.get("x-hub-signature-256", "")
        if not header and faults.active("flavor_whatsapp_unsigned_events_accepted"):
            # the defect: "verify if signed", so an event without the header is trusted
            return JSONResponse({"status": "received"})
        if not secret or not header.startswith("sha256="):
            return _refuse(401, "invalid signature")
        computed = hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(computed, header.removeprefix("sha256=")):
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
