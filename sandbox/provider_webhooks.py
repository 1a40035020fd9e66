"""Provider webhook verification shared by the sandbox's routers (sandbox-only code).

The commerce API (sandbox/routes/webhooks.py), the other flavors (sandbox/routes/flavor_payments.py)
and the WhatsApp tracker (sandbox/tracker/routes.py) verify the same provider signatures: the
official ``razorpay`` SDK for X-Razorpay-Signature, ``hmac`` for Meta's X-Hub-Signature-256 and
the verify-token handshake. Faults stay with the callers, which name the ones that apply to them.
golive's probes compute signatures independently; nothing here is imported by golive.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import json
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import razorpay
from fastapi import Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from razorpay.errors import SignatureVerificationError
from sqlalchemy.exc import IntegrityError

from sandbox.faults import ActiveFaults
from sandbox.payments import PaymentOrder, WebhookEvent
from sandbox.runtime import state_of


def refuse(status: int, detail: str) -> JSONResponse:
    return JSONResponse({"detail": detail}, status_code=status)


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


# --- Razorpay --------------------------------------------------------------------------------------

@functools.cache
def _razorpay_utility() -> Any:
    return razorpay.Client(auth=("", "")).utility


def razorpay_signature_ok(raw: bytes, signature: str | None, secret: str | None, *,
                          reparsed_json: bool = False) -> bool:
    """X-Razorpay-Signature over the raw body (over re-serialized JSON when ``reparsed_json``)."""
    if not secret or not signature:
        return False
    signed = raw.decode("utf-8", "replace")
    if reparsed_json:
        # the classic: verify over the framework's parsed-and-reserialized body
        try:
            signed = json.dumps(json.loads(raw), separators=(",", ":"))
        except ValueError:
            return False
    try:
        return bool(_razorpay_utility().verify_webhook_signature(signed, signature, secret))
    except SignatureVerificationError:
        return False


def event_object(raw: bytes) -> dict[str, Any] | None:
    """The webhook body as a JSON object, None when it is not one."""
    try:
        event = json.loads(raw)
    except ValueError:
        return None
    return event if isinstance(event, dict) else None


def apply_payment_event(request: Request, event: dict[str, Any], event_id: str | None, *,
                        idempotent: bool = True) -> str:
    """Books a payment.captured / order.paid event against its PaymentOrder."""
    if event.get("event") not in ("payment.captured", "order.paid"):
        return "ignored"
    payment = (((event.get("payload") or {}).get("payment") or {}).get("entity") or {})
    order_id, amount = payment.get("order_id"), payment.get("amount")
    if not isinstance(order_id, str) or not isinstance(amount, int) or amount <= 0:
        return "ignored"
    with state_of(request).db.session() as session:
        if event_id and idempotent:
            if session.get(WebhookEvent, event_id) is not None:
                return "duplicate_event"
            session.add(WebhookEvent(event_id=event_id, received_at=int(time.time()), order_id=order_id[:40]))
        order = session.get(PaymentOrder, order_id)
        if order is None:
            return "unknown_order"
        order.amount_paid += amount
        order.attempts += 1
        order.status = "paid" if order.amount_paid >= order.amount else "attempted"
    return "processed"


def razorpay_order_webhook(faults: ActiveFaults, env: Mapping[str, str], *, signature_skipped: str,
                           signs_reparsed_json: str | None = None,
                           not_idempotent: str | None = None) -> Callable[[Request], Awaitable[JSONResponse]]:
    """The POST handler for Razorpay order events; the arguments name the faults that apply."""

    async def razorpay_webhook(request: Request) -> JSONResponse:
        raw = await request.body()
        if not faults.active(signature_skipped):
            reparsed = signs_reparsed_json is not None and faults.active(signs_reparsed_json)
            if not razorpay_signature_ok(raw, request.headers.get("x-razorpay-signature"),
                                         env.get("SANDBOX_RAZORPAY_WEBHOOK_SECRET"), reparsed_json=reparsed):
                return refuse(400, "invalid signature")
        event = event_object(raw)
        if event is None:
            return refuse(400, "malformed event")
        idempotent = not_idempotent is None or not faults.active(not_idempotent)
        try:
            outcome = apply_payment_event(request, event, request.headers.get("x-razorpay-event-id"),
                                          idempotent=idempotent)
        except IntegrityError:  # a concurrent retry of the same event id won the race
            outcome = "duplicate_event"
        return JSONResponse({"status": outcome})

    return razorpay_webhook


# --- WhatsApp Cloud API (Meta) ----------------------------------------------------------------------

def verify_token_matches(presented: str | None, expected: str | None) -> bool:
    """The handshake's hub.verify_token equals the configured one (constant-time)."""
    return bool(expected) and hmac.compare_digest((presented or "").encode(), (expected or "").encode())


def handshake_response(query: Mapping[str, str], token_ok: bool) -> Response:
    """Meta's GET handshake: echo hub.challenge to a subscribe with the right verify token."""
    if query.get("hub.mode") == "subscribe" and token_ok and query.get("hub.challenge"):
        return PlainTextResponse(query["hub.challenge"])
    return refuse(403, "verification failed")


def meta_signature_ok(raw: bytes, header: str, secret: str | None) -> bool:
    """X-Hub-Signature-256: ``sha256=`` + hex HMAC-SHA256 of the raw body under the app secret."""
    if not secret or not header.startswith("sha256="):
        return False
    computed = hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()
    return hmac.compare_digest(computed, header.removeprefix("sha256="))
