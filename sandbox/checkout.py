"""The consolidated shop's Razorpay checkout as a Node backend does it: the server creates the
Razorpay order, verifies the checkout signature (official SDK), records the payment and issues an
invoice, and refunds through Razorpay with a credit note. A payment made through a payment link
(a person paying, live keys) reaches the shop only by Razorpay's webhook: payment.captured books it
(the link's notes name the checkout's Razorpay order), each event applied once per event id.

Provider calls go over HTTP to the Razorpay API the deployment is configured with: this
process's own Razorpay emulator (``/_emulators/razorpay/v1``) with the account keys
SANDBOX_RAZORPAY_KEY_ID / SANDBOX_RAZORPAY_KEY_SECRET. Handlers are sync (thread pool), so the
process can answer its own provider calls meanwhile.
"""

from __future__ import annotations

import secrets
import time
from typing import Any

import httpx
import razorpay
from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool
from pydantic import BaseModel, Field
from razorpay.errors import SignatureVerificationError
from sqlalchemy import Integer, String, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from sandbox.db import Base
from sandbox.flavor_auth import Account, Accounts, FlavorTokens
from sandbox.provider_webhooks import event_object, razorpay_signature_ok, refuse
from sandbox.runtime import api_base, own_port, state_of
from sandbox.settings import Settings

CHECKOUT_FLAVORS = ("consolidated",)
PROVIDER_TIMEOUT_S = 10.0


class CheckoutOrder(Base):
    __tablename__ = "checkout_orders"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    owner: Mapped[str] = mapped_column(String(200))
    razorpay_order_id: Mapped[str] = mapped_column(String(40), unique=True)
    amount: Mapped[int] = mapped_column(Integer)
    receipt: Mapped[str] = mapped_column(String(64))
    # created -> paid -> refunded
    status: Mapped[str] = mapped_column(String(16), default="created")
    created_at: Mapped[int] = mapped_column(Integer)


class CheckoutPayment(Base):
    __tablename__ = "checkout_payments"

    row_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    payment_id: Mapped[str] = mapped_column(String(40))
    order_id: Mapped[str] = mapped_column(String(40))
    amount: Mapped[int] = mapped_column(Integer)
    amount_refunded: Mapped[int] = mapped_column(Integer, default=0)
    refund_id: Mapped[str] = mapped_column(String(40), default="")


class CheckoutInvoice(Base):
    __tablename__ = "checkout_invoices"

    number: Mapped[str] = mapped_column(String(40), primary_key=True)
    order_id: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(16))  # invoice, credit_note
    amount: Mapped[int] = mapped_column(Integer)


class CheckoutWebhookEvent(Base):
    __tablename__ = "checkout_webhook_events"

    row_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(String(40))
    order_id: Mapped[str] = mapped_column(String(40))
    event: Mapped[str] = mapped_column(String(40))
    received_at: Mapped[int] = mapped_column(Integer)


class OrderIn(BaseModel):
    amount: int = Field(ge=100, le=10_000_000)
    receipt: str = Field(default="", max_length=40)


class VerifyIn(BaseModel):
    razorpay_order_id: str = Field(max_length=40)
    razorpay_payment_id: str = Field(max_length=40)
    razorpay_signature: str = Field(max_length=128)


def _summary(session: Session, order: CheckoutOrder) -> dict[str, Any]:
    payments = session.scalars(select(CheckoutPayment).where(CheckoutPayment.order_id == order.id)).all()
    invoices = session.scalars(select(CheckoutInvoice).where(CheckoutInvoice.order_id == order.id)).all()
    events = session.scalars(select(CheckoutWebhookEvent).where(CheckoutWebhookEvent.order_id == order.id)
                             .order_by(CheckoutWebhookEvent.row_id)).all()
    return {"id": order.id, "razorpay_order_id": order.razorpay_order_id, "amount": order.amount,
            "status": order.status, "receipt": order.receipt,
            "payments": [{"id": p.payment_id, "amount": p.amount, "amount_refunded": p.amount_refunded,
                          "refund_id": p.refund_id or None} for p in payments],
            "invoices": [{"number": i.number, "kind": i.kind, "amount": i.amount} for i in invoices],
            "webhook_events": [{"id": e.event_id, "event": e.event, "received_at": e.received_at} for e in events]}


def build_router(settings: Settings) -> APIRouter:
    faults, env = settings.faults, settings.feature_env
    key_id, key_secret = env.get("SANDBOX_RAZORPAY_KEY_ID"), env.get("SANDBOX_RAZORPAY_KEY_SECRET")
    tokens = FlavorTokens.hs256(settings.jwt_secret, flavor=settings.flavor, roles=Accounts(settings.users).roles)
    router = APIRouter(tags=["checkout"])
    customer = Depends(tokens.guard())

    def provider(request: Request, method: str, path: str, body: dict[str, Any]) -> dict[str, Any]:
        if not key_id or not key_secret:
            raise HTTPException(503, "payments are not configured (Razorpay keys missing)")
        url = f"{api_base(own_port(request.scope, settings))}/_emulators/razorpay/v1/{path}"
        try:
            response = httpx.request(method, url, json=body, auth=(key_id, key_secret), timeout=PROVIDER_TIMEOUT_S)
        except httpx.HTTPError:
            raise HTTPException(502, "Razorpay did not answer") from None
        if response.status_code != 200:
            raise HTTPException(502, f"Razorpay refused the call (HTTP {response.status_code})")
        answer: dict[str, Any] = response.json()
        return answer

    def own_order(session: Session, order_id: str, account: Account) -> CheckoutOrder:
        order = session.get(CheckoutOrder, order_id)
        if order is None or order.owner != account.email:
            raise HTTPException(404, "no such order")
        return order

    @router.post("/api/checkout/orders", status_code=201)
    def create(body: OrderIn, request: Request, account: Account = customer) -> dict[str, Any]:
        remote = provider(request, "POST", "orders", {"amount": body.amount, "currency": "INR",
                                                      "receipt": body.receipt, "notes": {"customer": account.email}})
        with state_of(request).db.session() as session:
            order = CheckoutOrder(id="co_" + secrets.token_hex(8), owner=account.email, razorpay_order_id=remote["id"],
                                  amount=body.amount, receipt=body.receipt, status="created",
                                  created_at=int(time.time()))
            session.add(order)
            session.flush()
            return _summary(session, order)

    @router.get("/api/checkout/orders/{order_id}")
    def read(order_id: str, request: Request, account: Account = customer) -> dict[str, Any]:
        with state_of(request).db.session() as session:
            return _summary(session, own_order(session, order_id, account))

    @router.post("/api/checkout/orders/{order_id}/verify")
    def verify(order_id: str, body: VerifyIn, request: Request, account: Account = customer) -> dict[str, Any]:
        """The checkout callback: verify the signature over OUR order id, record payment and invoice once."""
        with state_of(request).db.session() as session:
            order = own_order(session, order_id, account)
            try:
                razorpay.Client(auth=(key_id or "", key_secret or "")).utility.verify_payment_signature({
                    "razorpay_order_id": order.razorpay_order_id, "razorpay_payment_id": body.razorpay_payment_id,
                    "razorpay_signature": body.razorpay_signature})
            except SignatureVerificationError:
                raise HTTPException(400, "payment signature mismatch") from None
            known = session.scalar(select(func.count()).select_from(CheckoutPayment)
                                   .where(CheckoutPayment.payment_id == body.razorpay_payment_id))
            # a retried callback (double click, client retry) must not book the payment again
            if not known or faults.active("checkout_verify_books_twice"):
                session.add(CheckoutPayment(payment_id=body.razorpay_payment_id, order_id=order.id,
                                            amount=order.amount, amount_refunded=0, refund_id=""))
                session.add(CheckoutInvoice(number="INV-" + secrets.token_hex(5).upper(), order_id=order.id,
                                            kind="invoice", amount=order.amount))
                order.status = "paid"
            session.flush()
            return _summary(session, order)

    def refund_paid(request: Request, session: Session, order: CheckoutOrder) -> None:
        payment = session.scalars(select(CheckoutPayment).where(CheckoutPayment.order_id == order.id)).first()
        if payment is None or order.status != "paid":
            raise HTTPException(409, "only a paid order can be refunded")
        if faults.active("checkout_refund_not_sent"):
            # the refund is booked locally and the Razorpay call was left out (a stubbed client)
            refund_id = "rfnd_local" + secrets.token_hex(4)
        else:
            refund_id = provider(request, "POST", f"payments/{payment.payment_id}/refund",
                                 {"amount": payment.amount, "speed": "normal"})["id"]
        payment.amount_refunded, payment.refund_id, order.status = payment.amount, refund_id, "refunded"
        session.add(CheckoutInvoice(number="CN-" + secrets.token_hex(5).upper(), order_id=order.id,
                                    kind="credit_note", amount=payment.amount))

    @router.post("/api/checkout/orders/{order_id}/refund")
    def refund(order_id: str, request: Request, account: Account = customer) -> dict[str, Any]:
        with state_of(request).db.session() as session:
            order = own_order(session, order_id, account)
            refund_paid(request, session, order)
            session.flush()
            return _summary(session, order)

    @router.post("/api/checkout/orders/{order_id}/cancel")
    def cancel(order_id: str, request: Request, account: Account = customer) -> dict[str, Any]:
        """Settle the order: an unpaid one is cancelled, a paid one refunded, a settled one left as it is."""
        with state_of(request).db.session() as session:
            order = own_order(session, order_id, account)
            if order.status == "created":
                order.status = "cancelled"
            elif order.status == "paid":
                refund_paid(request, session, order)
            session.flush()
            return _summary(session, order)

    @router.post("/api/checkout/webhooks/razorpay")
    async def webhook(request: Request) -> JSONResponse:
        """Razorpay's payment.captured and refund.processed, signed with the account's webhook secret."""
        raw = await request.body()
        if not razorpay_signature_ok(raw, request.headers.get("x-razorpay-signature"),
                                     env.get("SANDBOX_RAZORPAY_WEBHOOK_SECRET")):
            return refuse(400, "invalid signature")
        event = event_object(raw)
        if event is None:
            return refuse(400, "malformed event")
        if faults.active("checkout_webhook_ignored"):
            # subscribed in code to order.paid only: payment.captured is acknowledged and dropped
            return JSONResponse({"status": "ignored"})
        outcome = await run_in_threadpool(apply_event, request, event, request.headers.get("x-razorpay-event-id") or "")
        return JSONResponse({"status": outcome})

    def apply_event(request: Request, event: dict[str, Any], event_id: str) -> str:
        name, payload = str(event.get("event")), event.get("payload") or {}
        entity = (payload.get("payment") or {}).get("entity") or {}
        notes = entity.get("notes") if isinstance(entity.get("notes"), dict) else {}
        with state_of(request).db.session() as session:
            if name == "payment.captured":  # a link's payment has its own Razorpay order: the notes name ours
                ids = [i for i in (entity.get("order_id"), notes.get("razorpay_order_id")) if isinstance(i, str)]
                order = session.scalar(select(CheckoutOrder).where(CheckoutOrder.razorpay_order_id.in_(ids)))
            elif name == "refund.processed":
                paid = session.scalar(select(CheckoutPayment).where(CheckoutPayment.payment_id == str(entity.get("id"))))
                order = session.get(CheckoutOrder, paid.order_id) if paid else None
            else:
                return "ignored"
            if order is None:
                return "unknown_order"
            seen = session.scalar(select(func.count()).select_from(CheckoutWebhookEvent)
                                  .where(CheckoutWebhookEvent.event_id == event_id))
            if seen and not faults.active("checkout_webhook_not_idempotent"):
                return "duplicate_event"  # Razorpay redelivers with the same x-razorpay-event-id
            session.add(CheckoutWebhookEvent(event_id=event_id[:40], order_id=order.id, event=name,
                                             received_at=int(time.time())))
            if name == "payment.captured" and (order.status == "created"
                                               or faults.active("checkout_webhook_not_idempotent")):
                session.add(CheckoutPayment(payment_id=str(entity.get("id"))[:40], order_id=order.id,
                                            amount=int(entity.get("amount") or 0), amount_refunded=0, refund_id=""))
                session.add(CheckoutInvoice(number="INV-" + secrets.token_hex(5).upper(), order_id=order.id,
                                            kind="invoice", amount=order.amount))
                order.status = "paid"
        return "processed"

    return router


def checkout_routers(settings: Settings) -> list[APIRouter]:
    return [build_router(settings)] if settings.flavor in CHECKOUT_FLAVORS else []
