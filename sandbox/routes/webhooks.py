"""Payment orders, provider webhooks and signed tracker links.

Verification here deliberately uses other code than golive's probes: the official ``razorpay``
SDK for Razorpay, ``twilio``'s RequestValidator for Twilio, and hand-written code for Meta
(hmac), SendGrid (ECDSA with a freshness window) and tracker links (HMAC-SHA256 tokens).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import time
from typing import Annotated, Any
from urllib.parse import parse_qsl

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field
from twilio.request_validator import RequestValidator

from sandbox.auth import Principal, require_roles
from sandbox.payments import PaymentOrder, forget_order, new_order_id, orders_with_receipt
from sandbox.provider_webhooks import (
    b64url as _b64url,
    handshake_response,
    meta_signature_ok,
    razorpay_order_webhook,
    refuse as _refuse,
    unb64url as _unb64url,
    verify_token_matches,
)
from sandbox.runtime import state_of
from sandbox.settings import Settings

AnyRole = Annotated[Principal, Depends(require_roles())]
AdminRole = Annotated[Principal, Depends(require_roles("admin"))]

SENDGRID_MAX_AGE_S = 300
TRACKER_LINK_TTL_S = 7 * 24 * 3600


class OrderIn(BaseModel):
    amount: int = Field(gt=0, le=10_000_000)
    currency: str = Field(default="INR", pattern=r"^[A-Z]{3}$")
    receipt: str = Field(default="", max_length=64)


def build_router(settings: Settings) -> APIRouter:
    faults = settings.faults
    env = settings.feature_env
    router = APIRouter(tags=["payments", "webhooks"])

    # --- payment orders ---------------------------------------------------------------------

    @router.post("/api/payments/orders", status_code=201)
    def create_order(order: OrderIn, request: Request, principal: AnyRole) -> dict[str, object]:
        with state_of(request).db.session() as session:
            row = PaymentOrder(id=new_order_id(), amount=order.amount, currency=order.currency,
                               receipt=order.receipt, amount_paid=0, status="created", attempts=0,
                               created_at=int(time.time()))
            session.add(row)
            return row.as_razorpay()

    @router.get("/api/payments/orders")
    def list_orders(receipt: str, request: Request, principal: AnyRole) -> dict[str, object]:
        with state_of(request).db.session() as session:
            return orders_with_receipt(session, receipt)

    @router.get("/api/payments/orders/{order_id}")
    def get_order(order_id: str, request: Request, principal: AnyRole) -> dict[str, object]:
        with state_of(request).db.session() as session:
            row = session.get(PaymentOrder, order_id)
            if row is None:
                raise HTTPException(404, "no such order")
            return row.as_razorpay()

    @router.delete("/api/payments/orders/{order_id}", status_code=204)
    def delete_order(order_id: str, request: Request, principal: AnyRole) -> Response:
        # undoing a test order (a real system would cancel or refund it)
        with state_of(request).db.session() as session:
            row = session.get(PaymentOrder, order_id)
            if row is None:
                raise HTTPException(404, "no such order")
            forget_order(session, row)
        return Response(status_code=204)

    # --- Razorpay --------------------------------------------------------------------------

    router.post("/webhooks/razorpay")(razorpay_order_webhook(
        faults, env, signature_skipped="razorpay_webhook_signature_skipped",
        signs_reparsed_json="razorpay_webhook_signs_reparsed_json",
        not_idempotent="razorpay_webhook_not_idempotent"))

    # --- WhatsApp Cloud API (Meta) -------------------------------------------------------------

    @router.get("/webhooks/whatsapp")
    def whatsapp_handshake(request: Request) -> Response:
        query = request.query_params
        token_ok = verify_token_matches(query.get("hub.verify_token"), env.get("SANDBOX_WHATSAPP_VERIFY_TOKEN"))
        if faults.active("whatsapp_verify_token_ignored"):
            token_ok = True
        return handshake_response(query, token_ok)

    @router.post("/webhooks/whatsapp")
    async def whatsapp_event(request: Request) -> JSONResponse:
        raw = await request.body()
        secret = env.get("SANDBOX_WHATSAPP_APP_SECRET")
        header = request.headers.get("x-hub-signature-256", "")
        if not faults.active("meta_signature_not_checked"):
            if not meta_signature_ok(raw, header, secret):
                return _refuse(401, "invalid signature")
        return JSONResponse({"status": "received"})

    # --- Twilio ------------------------------------------------------------------------------

    @router.post("/webhooks/twilio/status")
    async def twilio_status(request: Request) -> JSONResponse:
        raw = await request.body()
        params = dict(parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True))
        token = env.get("SANDBOX_TWILIO_AUTH_TOKEN")
        if not faults.active("twilio_signature_not_checked"):
            signature = request.headers.get("x-twilio-signature", "")
            if not token or not RequestValidator(token).validate(str(request.url), params, signature):
                return _refuse(403, "invalid signature")
        return JSONResponse({"status": "received"})

    # --- SendGrid signed event webhook ----------------------------------------------------------

    def sendgrid_ok(raw: bytes, signature: str, timestamp: str) -> bool:
        public_b64 = env.get("SANDBOX_SENDGRID_PUBLIC_KEY")
        if not public_b64 or not signature or not timestamp.isdigit():
            return False
        if not faults.active("webhook_accepts_stale_signature"):
            if abs(time.time() - int(timestamp)) > SENDGRID_MAX_AGE_S:
                return False
        try:
            key = serialization.load_der_public_key(base64.b64decode(public_b64))
            assert isinstance(key, ec.EllipticCurvePublicKey)
            key.verify(base64.b64decode(signature, validate=True), timestamp.encode() + raw,
                       ec.ECDSA(hashes.SHA256()))
        except (InvalidSignature, ValueError, binascii.Error):
            return False
        return True

    @router.post("/webhooks/sendgrid/events")
    async def sendgrid_events(request: Request) -> JSONResponse:
        raw = await request.body()
        signature = request.headers.get("x-twilio-email-event-webhook-signature", "")
        timestamp = request.headers.get("x-twilio-email-event-webhook-timestamp", "")
        if not sendgrid_ok(raw, signature, timestamp):
            return _refuse(403, "invalid signature")
        return JSONResponse({"status": "received"})

    # --- signed tracker links ---------------------------------------------------------------------

    def sign_link(payload: bytes, secret: str) -> str:
        body = _b64url(payload)
        return body + "." + _b64url(hmac.new(secret.encode(), body.encode("ascii"), hashlib.sha256).digest())

    def open_link(token: str) -> dict[str, Any] | None:
        secret = env.get("SANDBOX_TRACKER_SHARE_SECRET")
        body, _, signature = token.partition(".")
        if not faults.active("tracker_link_signature_not_checked"):
            if not secret or not signature:
                return None
            expected = sign_link(_unb64url(body), secret).partition(".")[2] if body else ""
            if not hmac.compare_digest(expected.encode(), signature.encode()):
                return None
        try:
            claims = json.loads(_unb64url(body))
        except (ValueError, binascii.Error):
            return None
        if not isinstance(claims, dict) or not isinstance(claims.get("exp"), int):
            return None
        if claims["exp"] < time.time() and not faults.active("tracker_link_never_expires"):
            return None
        return claims

    @router.get("/internal/tracker-link")
    def tracker_link(subject: str, principal: AdminRole) -> dict[str, object]:
        secret = env.get("SANDBOX_TRACKER_SHARE_SECRET")
        if not secret:
            raise HTTPException(503, "tracker links are not configured")
        expires = int(time.time()) + TRACKER_LINK_TTL_S
        token = sign_link(json.dumps({"sub": subject[:64], "exp": expires}, separators=(",", ":")).encode(), secret)
        return {"url": f"/t/{token}", "token": token, "expires_at": expires}

    @router.get("/t/{token}")
    def tracker(token: str) -> JSONResponse:
        claims = open_link(token)
        if claims is None:
            return _refuse(403, "invalid or expired link")
        return JSONResponse({"tracker": str(claims.get("sub", "")), "expires_at": claims["exp"]})

    return router
