"""Razorpay API emulator under ``/_emulators/razorpay/v1``: orders, test-mode payments, refunds.

The account is SANDBOX_RAZORPAY_KEY_ID / SANDBOX_RAZORPAY_KEY_SECRET (HTTP Basic, like Razorpay).
Payments can only be simulated with test keys (``rzp_test_``): the S2S ``payments/create/json``
call pays an order at once (auto-capture) and answers the checkout fields, including
``razorpay_signature`` = hex HMAC-SHA256(key_secret, order_id|payment_id). The signature is
computed with ``cryptography``'s HMAC, not the stdlib one golive uses, so one bug cannot make
both sides agree.
"""

from __future__ import annotations

import html
import time
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as crypto_hmac
from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse

from sandbox.emulators._accounts import basic_credentials, body_of, random_id, same
from sandbox.settings import Settings

PREFIX = "/_emulators/razorpay/v1"
MIN_AMOUNT_PAISE = 100


def _error(status: int, description: str, field: str | None = None) -> JSONResponse:
    return JSONResponse({"error": {"code": "BAD_REQUEST_ERROR", "description": description, "source": "business",
                                   "step": "payment_initiation", "reason": "input_validation_failed",
                                   "metadata": {}, "field": field}}, status_code=status)


def checkout_signature(key_secret: str, order_id: str, payment_id: str) -> str:
    mac = crypto_hmac.HMAC(key_secret.encode(), hashes.SHA256())
    mac.update(f"{order_id}|{payment_id}".encode())
    return mac.finalize().hex()


def build_router(settings: Settings) -> APIRouter:
    env, faults = settings.feature_env, settings.faults
    key_id, key_secret = env.get("SANDBOX_RAZORPAY_KEY_ID"), env.get("SANDBOX_RAZORPAY_KEY_SECRET")
    orders: dict[str, dict[str, Any]] = {}
    payments: dict[str, dict[str, Any]] = {}
    refunds: dict[str, dict[str, Any]] = {}
    router = APIRouter(tags=["emulator: razorpay"])

    def authenticated(request: Request) -> bool:
        if faults.active("razorpay_key_revoked"):
            # the key pair was regenerated in the dashboard; the deployment still holds the old one
            return False
        given = basic_credentials(request)
        return given is not None and same(given[0], key_id) and same(given[1], key_secret)

    def refused() -> JSONResponse:
        return _error(401, "Authentication failed")

    @router.post(f"{PREFIX}/orders")
    async def create_order(request: Request) -> JSONResponse:
        if not authenticated(request):
            return refused()
        body = await body_of(request)
        amount, receipt = body.get("amount"), str(body.get("receipt") or "")
        if not isinstance(amount, int) or isinstance(amount, bool):
            return _error(400, "The amount field is required.", "amount")
        if amount < MIN_AMOUNT_PAISE:
            return _error(400, "The amount must be at least INR 1.00", "amount")
        if len(receipt) > 40:
            return _error(400, "The receipt may not be greater than 40 characters.", "receipt")
        notes = body.get("notes") or {}
        if not isinstance(notes, dict) or len(notes) > 15:
            return _error(400, "Number of notes cannot be more than 15", "notes")
        order = {"id": random_id("order_"), "entity": "order", "amount": amount, "amount_paid": 0,
                 "amount_due": amount, "currency": str(body.get("currency") or "INR"), "receipt": receipt,
                 "offer_id": None, "status": "created", "attempts": 0, "notes": notes,
                 "created_at": int(time.time())}
        orders[order["id"]] = order
        return JSONResponse(order)

    @router.get(f"{PREFIX}/orders")
    def list_orders(request: Request, count: int = 10) -> JSONResponse:
        if not authenticated(request):
            return refused()
        items = list(orders.values())[-max(1, min(count, 100)):]
        return JSONResponse({"entity": "collection", "count": len(items), "items": items})

    @router.get(f"{PREFIX}/orders/{{order_id}}")
    def get_order(order_id: str, request: Request) -> JSONResponse:
        if not authenticated(request):
            return refused()
        order = orders.get(order_id)
        return JSONResponse(order) if order else _error(400, "The id provided does not exist", "id")

    @router.post(f"{PREFIX}/payments/create/json")
    async def pay_order(request: Request) -> JSONResponse:
        """A test-mode payment of an order (auto-captured), answering the checkout fields."""
        if not authenticated(request):
            return refused()
        if not (key_id or "").startswith("rzp_test_"):
            return _error(400, "Payments can be simulated in test mode only")
        body = await body_of(request)
        order = orders.get(str(body.get("order_id")))
        if order is None:
            return _error(400, "The id provided does not exist", "order_id")
        if body.get("amount") != order["amount_due"] or order["status"] == "paid":
            return _error(400, "Order amount due does not match the payment amount", "amount")
        payment = {"id": random_id("pay_"), "entity": "payment", "amount": order["amount"],
                   "currency": order["currency"], "status": "captured", "order_id": order["id"],
                   "method": str(body.get("method") or "upi"), "captured": True, "amount_refunded": 0,
                   "refund_status": None, "email": body.get("email"), "contact": body.get("contact"),
                   "created_at": int(time.time())}
        payments[payment["id"]] = payment
        order.update(status="paid", attempts=order["attempts"] + 1, amount_paid=order["amount"], amount_due=0)
        signature = checkout_signature(key_secret or "", order["id"], payment["id"])
        return JSONResponse({"razorpay_payment_id": payment["id"], "razorpay_order_id": order["id"],
                             "razorpay_signature": signature})

    @router.get(f"{PREFIX}/payments/{{payment_id}}")
    def get_payment(payment_id: str, request: Request) -> JSONResponse:
        if not authenticated(request):
            return refused()
        payment = payments.get(payment_id)
        return JSONResponse(payment) if payment else _error(400, "The id provided does not exist", "id")

    @router.post(f"{PREFIX}/payments/{{payment_id}}/refund")
    async def refund(payment_id: str, request: Request) -> JSONResponse:
        if not authenticated(request):
            return refused()
        payment = payments.get(payment_id)
        if payment is None:
            return _error(400, "The id provided does not exist", "id")
        body = await body_of(request)
        left = payment["amount"] - payment["amount_refunded"]
        amount = body.get("amount", left)
        if payment["status"] not in ("captured", "refunded") or left <= 0:
            return _error(400, "The payment has been fully refunded already")
        if not isinstance(amount, int) or amount <= 0 or amount > left:
            return _error(400, "The refund amount provided is greater than amount captured", "amount")
        entry = {"id": random_id("rfnd_"), "entity": "refund", "amount": amount, "currency": payment["currency"],
                 "payment_id": payment_id, "notes": body.get("notes") or {}, "receipt": body.get("receipt"),
                 "status": "processed", "speed_requested": str(body.get("speed") or "normal"),
                 "speed_processed": "normal", "created_at": int(time.time())}
        refunds[entry["id"]] = entry
        payment["amount_refunded"] += amount
        if payment["amount_refunded"] == payment["amount"]:
            payment.update(status="refunded", refund_status="full")
        else:
            payment["refund_status"] = "partial"
        return JSONResponse(entry)

    @router.get(f"{PREFIX}/refunds/{{refund_id}}")
    def get_refund(refund_id: str, request: Request) -> JSONResponse:
        if not authenticated(request):
            return refused()
        entry = refunds.get(refund_id)
        return JSONResponse(entry) if entry else _error(400, "The id provided does not exist", "id")

    @router.get(f"{PREFIX}/checkout/embedded", response_class=HTMLResponse)
    def hosted_checkout(key_id_given: str = Query("", alias="key_id"), order_id: str = "", amount: int = 0,
                        currency: str = "INR") -> HTMLResponse:
        """Razorpay's hosted checkout page, where a shop sends the buyer to pay an order (no payment
        is taken here: a buyer would pick a method and pay)."""
        if not key_id or not same(key_id_given, key_id) or not order_id.startswith("order_"):
            return HTMLResponse(_CHECKOUT_PAGE.format(body='<p id="error">Invalid key or order</p>'), status_code=400)
        body = (f'<section data-testid="razorpay-checkout"><p id="order-id">{html.escape(order_id)}</p>'
                f'<p id="amount">{html.escape(currency)} {amount / 100:.2f}</p></section>')
        return HTMLResponse(_CHECKOUT_PAGE.format(body=body))

    return router


_CHECKOUT_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Razorpay Checkout</title></head>
<body><main><h1>Razorpay Checkout</h1>
{body}
</main></body></html>
"""
