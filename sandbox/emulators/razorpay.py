"""Razorpay API emulator under ``/_emulators/razorpay/v1``: orders, test-mode payments, payment
links, refunds, and the account's webhooks.

The account is SANDBOX_RAZORPAY_KEY_ID / SANDBOX_RAZORPAY_KEY_SECRET (HTTP Basic, like Razorpay).
Payments can only be simulated with test keys (``rzp_test_``): the S2S ``payments/create/json``
call pays an order at once (auto-capture) and answers the checkout fields, including
``razorpay_signature`` = hex HMAC-SHA256(key_secret, order_id|payment_id). The signature is
computed with ``cryptography``'s HMAC, not the stdlib one golive uses, so one bug cannot make
both sides agree.

Payment links (``/payment_links``) work with live keys too: a person pays them. In the sandbox the
person is a payer that pays each link SANDBOX_RAZORPAY_PAYER_DELAY_S seconds after it was created
(unset or ``off``: nobody pays). The account's webhook (Razorpay's dashboard setting) is
SANDBOX_RAZORPAY_WEBHOOK_PATH on this process, signed with SANDBOX_RAZORPAY_WEBHOOK_SECRET:
``payment.captured`` for a captured link payment and ``refund.processed`` for a refund, each
delivered twice with the same x-razorpay-event-id (delivery is at least once; systems dedupe).
"""

from __future__ import annotations

import html
import json
import threading
import time
from typing import Any

import httpx

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as crypto_hmac
from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse

from sandbox.emulators._accounts import basic_credentials, body_of, random_id, same
from sandbox.runtime import api_base, own_port
from sandbox.settings import Settings

PREFIX = "/_emulators/razorpay/v1"
MIN_AMOUNT_PAISE = 100
WEBHOOK_TIMEOUT_S = 10.0
#: each event is delivered this often (the same event id): a retry after a lost acknowledgement
WEBHOOK_DELIVERIES = 2


def _error(status: int, description: str, field: str | None = None) -> JSONResponse:
    return JSONResponse({"error": {"code": "BAD_REQUEST_ERROR", "description": description, "source": "business",
                                   "step": "payment_initiation", "reason": "input_validation_failed",
                                   "metadata": {}, "field": field}}, status_code=status)


def checkout_signature(key_secret: str, order_id: str, payment_id: str) -> str:
    mac = crypto_hmac.HMAC(key_secret.encode(), hashes.SHA256())
    mac.update(f"{order_id}|{payment_id}".encode())
    return mac.finalize().hex()


def payer_delay_s(text: str | None) -> float | None:
    """SANDBOX_RAZORPAY_PAYER_DELAY_S: seconds until the sandbox's payer pays a link; None: nobody pays."""
    if not text or text.strip().lower() == "off":
        return None
    return max(0.0, float(text))


def event_body(event: str, entities: dict[str, dict[str, Any]]) -> bytes:
    return json.dumps({"entity": "event", "account_id": "acc_Sandbox00000001", "event": event,
                       "contains": list(entities), "created_at": int(time.time()),
                       "payload": {name: {"entity": entity} for name, entity in entities.items()}},
                      separators=(",", ":")).encode()


def build_router(settings: Settings) -> APIRouter:
    env, faults = settings.feature_env, settings.faults
    key_id, key_secret = env.get("SANDBOX_RAZORPAY_KEY_ID"), env.get("SANDBOX_RAZORPAY_KEY_SECRET")
    orders: dict[str, dict[str, Any]] = {}
    payments: dict[str, dict[str, Any]] = {}
    refunds: dict[str, dict[str, Any]] = {}
    links: dict[str, dict[str, Any]] = {}
    lock = threading.Lock()  # the payer's thread and the request handlers share the tables
    delay_s = payer_delay_s(env.get("SANDBOX_RAZORPAY_PAYER_DELAY_S"))
    webhook_path, webhook_secret = env.get("SANDBOX_RAZORPAY_WEBHOOK_PATH"), env.get("SANDBOX_RAZORPAY_WEBHOOK_SECRET")
    router = APIRouter(tags=["emulator: razorpay"])

    def deliver(port: int, event: str, entities: dict[str, dict[str, Any]]) -> None:
        """Send one event to the account's webhook, in the background (the caller may be the system itself)."""
        if not webhook_path or not webhook_secret:
            return
        raw, event_id = event_body(event, entities), random_id("evt_")
        mac = crypto_hmac.HMAC(webhook_secret.encode(), hashes.SHA256())
        mac.update(raw)
        headers = {"content-type": "application/json", "x-razorpay-signature": mac.finalize().hex(),
                   "x-razorpay-event-id": event_id}

        def send() -> None:
            for _ in range(WEBHOOK_DELIVERIES):
                try:
                    httpx.post(f"{api_base(port)}{webhook_path}", content=raw, headers=headers,
                               timeout=WEBHOOK_TIMEOUT_S)
                except httpx.HTTPError:
                    return  # the system is gone (the sandbox stopping): nothing left to tell

        threading.Thread(target=send, name=f"razorpay-webhook-{event}", daemon=True).start()

    def pay_link(link_id: str, port: int) -> None:
        """The person at the link: pays it with UPI (captured at once, unless the account only authorizes)."""
        with lock:
            link = links.get(link_id)
            if link is None or link["status"] != "created":
                return
            captured = not faults.active("razorpay_payment_not_captured")
            order = {"id": random_id("order_"), "entity": "order", "amount": link["amount"],
                     "amount_paid": link["amount"] if captured else 0,
                     "amount_due": 0 if captured else link["amount"], "currency": link["currency"],
                     "receipt": link["reference_id"], "offer_id": None, "status": "paid" if captured else "attempted",
                     "attempts": 1, "notes": link["notes"], "created_at": int(time.time())}
            payment = {"id": random_id("pay_"), "entity": "payment", "amount": link["amount"],
                       "currency": link["currency"], "status": "captured" if captured else "authorized",
                       "order_id": order["id"], "method": "upi", "captured": captured, "amount_refunded": 0,
                       "refund_status": None, "email": (link.get("customer") or {}).get("email"),
                       "contact": (link.get("customer") or {}).get("contact"), "notes": link["notes"],
                       "created_at": int(time.time())}
            orders[order["id"]], payments[payment["id"]] = order, payment
            link.update(status="paid" if captured else "created", order_id=order["id"],
                        amount_paid=link["amount"] if captured else 0,
                        payments=[{"payment_id": payment["id"], "amount": payment["amount"], "method": "upi",
                                   "status": payment["status"], "created_at": payment["created_at"]}])
        if captured:
            deliver(port, "payment.captured", {"payment": dict(payment)})

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

    @router.post(f"{PREFIX}/payment_links")
    async def create_link(request: Request) -> JSONResponse:
        """Payment Links API: a link a person pays in a browser or UPI app (live keys too)."""
        if not authenticated(request):
            return refused()
        body = await body_of(request)
        amount = body.get("amount")
        if not isinstance(amount, int) or isinstance(amount, bool) or amount < MIN_AMOUNT_PAISE:
            return _error(400, "The amount must be atleast INR 1.00", "amount")
        notes = body.get("notes") or {}
        if not isinstance(notes, dict) or len(notes) > 15:
            return _error(400, "Number of notes cannot be more than 15", "notes")
        link_id = random_id("plink_")
        link = {"id": link_id, "entity": "payment_link", "amount": amount, "amount_paid": 0,
                "currency": str(body.get("currency") or "INR"), "accept_partial": False,
                "description": str(body.get("description") or ""), "reference_id": str(body.get("reference_id") or ""),
                "customer": body.get("customer") or {}, "notes": notes, "status": "created", "order_id": "",
                "payments": None, "expire_by": body.get("expire_by") or 0, "cancelled_at": 0,
                "short_url": f"{api_base(own_port(request.scope, settings))}/_emulators/razorpay/l/{link_id}",
                "created_at": int(time.time())}
        with lock:
            links[link_id] = link
        if delay_s is not None:
            timer = threading.Timer(delay_s, pay_link, (link_id, own_port(request.scope, settings)))
            timer.daemon = True
            timer.start()
        return JSONResponse(link)

    @router.get(f"{PREFIX}/payment_links")
    def list_links(request: Request, reference_id: str = "") -> JSONResponse:
        if not authenticated(request):
            return refused()
        with lock:
            found = [dict(link) for link in links.values() if not reference_id or link["reference_id"] == reference_id]
        return JSONResponse({"payment_links": found, "count": len(found)})

    @router.get(f"{PREFIX}/payment_links/{{link_id}}")
    def get_link(link_id: str, request: Request) -> JSONResponse:
        if not authenticated(request):
            return refused()
        with lock:
            link = links.get(link_id)
            return JSONResponse(dict(link)) if link else _error(400, "The id provided does not exist", "id")

    @router.post(f"{PREFIX}/payment_links/{{link_id}}/cancel")
    def cancel_link(link_id: str, request: Request) -> JSONResponse:
        if not authenticated(request):
            return refused()
        with lock:
            link = links.get(link_id)
            if link is None:
                return _error(400, "The id provided does not exist", "id")
            if link["status"] != "created":
                return _error(400, f"Payment link cannot be cancelled as it is already {link['status']}")
            link.update(status="cancelled", cancelled_at=int(time.time()))
            return JSONResponse(dict(link))

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
        if not faults.active("razorpay_webhook_without_refund_events"):
            deliver(own_port(request.scope, settings), "refund.processed", {"refund": dict(entry),
                                                                            "payment": dict(payment)})
        return JSONResponse(entry)

    @router.get(f"{PREFIX}/payments/{{payment_id}}/refunds")
    def refunds_of(payment_id: str, request: Request) -> JSONResponse:
        if not authenticated(request):
            return refused()
        items = [entry for entry in refunds.values() if entry["payment_id"] == payment_id]
        return JSONResponse({"entity": "collection", "count": len(items), "items": items})

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
