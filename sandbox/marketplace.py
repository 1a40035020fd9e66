"""RealServ's marketplace flows across its services: sign-up, vendor KYC, catalog, orders,
Razorpay checkout, refunds and notifications (the flows of the launch checklist's E2E and
post-deployment sections).

Mounted inside the realserv flavor's router (``sandbox.routes.flavor_paths.realserv``), sharing its
Firebase-like accounts and ID tokens. The payment service verifies Razorpay checkout signatures
with the official SDK (golive uses plain hmac); notifications record the provider message id
each provider would return.
"""

from __future__ import annotations

import secrets
import time
from typing import Annotated, Any

import httpx
import razorpay
from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy import Integer, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column
from starlette.concurrency import run_in_threadpool

from sandbox.db import Base
from sandbox.flavor_auth import ACCESS_TTL_SECONDS, Account, Accounts, FlavorTokens
from sandbox.provider_webhooks import event_object, razorpay_signature_ok, refuse
from sandbox.runtime import api_base, own_port, state_of
from sandbox.settings import Settings

PROVIDER_TIMEOUT_S = 10.0
SEED_VENDOR_PRODUCTS = (
    ("RS-CEM-50", "Cement 50 kg bag", 38500),
    ("RS-TMT-12", "TMT bar 12 mm (per rod)", 61000),
    ("RS-TIL-60", "Vitrified tile 60x60 (box)", 129900),
)


class MarketProduct(Base):
    __tablename__ = "market_products"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    sku: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(128))
    price_paise: Mapped[int] = mapped_column(Integer)
    vendor_email: Mapped[str] = mapped_column(String(254))

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "sku": self.sku, "name": self.name, "price": self.price_paise / 100,
                "price_paise": self.price_paise, "vendor": self.vendor_email}


class MarketVendor(Base):
    __tablename__ = "market_vendors"

    email: Mapped[str] = mapped_column(String(254), primary_key=True)
    business_name: Mapped[str] = mapped_column(String(128))
    gstin: Mapped[str] = mapped_column(String(15))
    kyc_status: Mapped[str] = mapped_column(String(16))  # pending, submitted, approved, rejected
    kyc_document: Mapped[str] = mapped_column(String(128), default="")

    def as_json(self) -> dict[str, Any]:
        return {"email": self.email, "business_name": self.business_name, "gstin": self.gstin,
                "kyc_status": self.kyc_status}


class MarketOrder(Base):
    __tablename__ = "market_orders"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    buyer_email: Mapped[str] = mapped_column(String(254))
    product_id: Mapped[int] = mapped_column(Integer)
    quantity: Mapped[int] = mapped_column(Integer)
    unit_price_paise: Mapped[int] = mapped_column(Integer)
    total_paise: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))  # created, paid, shipped, cancelled, refunded
    reference: Mapped[str] = mapped_column(String(64), default="")

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "buyer": self.buyer_email, "status": self.status, "reference": self.reference,
                "items": [{"product_id": self.product_id, "quantity": self.quantity,
                           "unit_price_paise": self.unit_price_paise}],
                "total_paise": self.total_paise, "currency": "INR"}


class MarketPayment(Base):
    __tablename__ = "market_payments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    order_id: Mapped[int] = mapped_column(Integer)
    razorpay_order_id: Mapped[str] = mapped_column(String(32))
    razorpay_payment_id: Mapped[str] = mapped_column(String(32), default="")
    amount_paise: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))  # created, captured, refunded
    refund_id: Mapped[str] = mapped_column(String(32), default="")

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "order_id": self.order_id, "razorpay_order_id": self.razorpay_order_id,
                "razorpay_payment_id": self.razorpay_payment_id or None, "amount": self.amount_paise,
                "currency": "INR", "status": self.status, "refund_id": self.refund_id or None}


class MarketWebhookEvent(Base):
    """A Razorpay event PaymentService applied to one of its payments (dedupe on the event id)."""

    __tablename__ = "market_webhook_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(String(64), index=True)
    event: Mapped[str] = mapped_column(String(32))
    payment_row: Mapped[int] = mapped_column(Integer, index=True)
    received_at: Mapped[int] = mapped_column(Integer)

    def as_json(self) -> dict[str, Any]:
        return {"id": self.event_id, "event": self.event, "received_at": self.received_at}


class MarketNotification(Base):
    __tablename__ = "market_notifications"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    order_id: Mapped[int] = mapped_column(Integer)
    recipient: Mapped[str] = mapped_column(String(254))
    channel: Mapped[str] = mapped_column(String(16))  # email, whatsapp
    template: Mapped[str] = mapped_column(String(32))
    provider_message_id: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "order_id": self.order_id, "recipient": self.recipient, "channel": self.channel,
                "template": self.template, "provider_message_id": self.provider_message_id, "status": self.status}


class SignUp(BaseModel):
    email: str = Field(max_length=254)
    password: str = Field(min_length=6, max_length=1024)
    returnSecureToken: bool = True  # noqa: N815 (the Firebase REST field name)


class NewUser(BaseModel):
    email: str = Field(max_length=254)
    password: str = Field(min_length=6, max_length=1024)
    role: str = Field(max_length=32)


class RoleChange(BaseModel):
    role: str = Field(max_length=32)


class VendorRegistration(BaseModel):
    business_name: str = Field(min_length=1, max_length=128)
    gstin: str = Field(pattern=r"^\d{2}[A-Z]{5}\d{4}[A-Z][1-9A-Z]Z[0-9A-Z]$")


class KycSubmission(BaseModel):
    document: str = Field(min_length=1, max_length=128)


class KycDecision(BaseModel):
    status: str = Field(pattern="^(approved|rejected)$")


class NewProduct(BaseModel):
    sku: str = Field(min_length=1, max_length=32)
    name: str = Field(min_length=1, max_length=128)
    price_paise: int = Field(gt=0, le=10_000_000)


class NewOrder(BaseModel):
    product_id: int
    quantity: int = Field(gt=0, le=100)
    reference: str = Field(default="", max_length=64)


class Fulfilment(BaseModel):
    status: str = Field(pattern="^shipped$")


class PaymentOrder(BaseModel):
    order_id: int


class CheckoutResult(BaseModel):
    razorpay_order_id: str = Field(max_length=64)
    razorpay_payment_id: str = Field(max_length=64)
    razorpay_signature: str = Field(max_length=128)


def seed_marketplace(session: Session, vendor_email: str | None) -> None:
    """The launch catalog of the seeded vendor (an approved seller), once per database."""
    if vendor_email is None or session.get(MarketVendor, vendor_email) is not None:
        return
    session.add(MarketVendor(email=vendor_email, business_name="Sandbox Building Supplies", gstin="29ABCDE1234F1Z5",
                             kyc_status="approved", kyc_document="kyc/seed.pdf"))
    session.add_all(MarketProduct(sku=s, name=n, price_paise=p, vendor_email=vendor_email)
                    for s, n, p in SEED_VENDOR_PRODUCTS)


def build_router(settings: Settings, accounts: Accounts, tokens: FlavorTokens) -> APIRouter:
    faults = settings.faults
    router = APIRouter(tags=["realserv marketplace"])
    anyone, admin = Depends(tokens.guard()), Depends(tokens.guard("admin"))
    customer, vendor = Depends(tokens.guard("customer")), Depends(tokens.guard("vendor"))

    def session_of(request: Request) -> Any:
        return state_of(request).db.session()

    def razorpay_client() -> razorpay.Client:
        key_id = settings.feature_env.get("SANDBOX_RAZORPAY_KEY_ID")
        key_secret = settings.feature_env.get("SANDBOX_RAZORPAY_KEY_SECRET")
        if not key_id or not key_secret:
            raise HTTPException(status_code=503, detail="payments are not configured (Razorpay keys missing)")
        return razorpay.Client(auth=(key_id, key_secret))

    def notify(session: Session, order: MarketOrder, template: str) -> None:
        channels = ("email",) if faults.active("order_whatsapp_not_sent") and template == "order_paid" \
            else ("email", "whatsapp")
        for channel in channels:
            message_id = secrets.token_hex(11) if channel == "email" else f"wamid.HBgM{secrets.token_hex(16).upper()}"
            session.add(MarketNotification(order_id=order.id, recipient=order.buyer_email, channel=channel,
                                           template=template, provider_message_id=message_id, status="accepted"))

    def events_of(session: Session, payment: MarketPayment) -> list[MarketWebhookEvent]:
        return list(session.scalars(select(MarketWebhookEvent).where(MarketWebhookEvent.payment_row == payment.id)
                                    .order_by(MarketWebhookEvent.id)))

    def payment_json(session: Session, payment: MarketPayment) -> dict[str, Any]:
        return {**payment.as_json(), "webhook_events": [e.as_json() for e in events_of(session, payment)]}

    def refund_at_razorpay(request: Request, payment: MarketPayment) -> str:
        """A payment Razorpay told us about (its webhook) is refunded there; the refund id it answers."""
        key_id = settings.feature_env.get("SANDBOX_RAZORPAY_KEY_ID") or ""
        key_secret = settings.feature_env.get("SANDBOX_RAZORPAY_KEY_SECRET") or ""
        if faults.active("market_refund_fails"):
            # the refund call was built with the amount in rupees, which Razorpay refuses
            raise HTTPException(status_code=502, detail="Razorpay refused the refund (HTTP 400)")
        url = (f"{api_base(own_port(request.scope, settings))}/_emulators/razorpay/v1/payments/"
               f"{payment.razorpay_payment_id}/refund")
        try:
            response = httpx.post(url, json={"amount": payment.amount_paise, "speed": "normal"},
                                  auth=(key_id, key_secret), timeout=PROVIDER_TIMEOUT_S)
        except httpx.HTTPError:
            raise HTTPException(status_code=502, detail="Razorpay did not answer") from None
        if response.status_code == 200:
            return str(response.json()["id"])
        # refunded already (from the dashboard, or by a reconciliation job): book what Razorpay holds
        held = httpx.get(f"{url}s", auth=(key_id, key_secret), timeout=PROVIDER_TIMEOUT_S)
        made = held.json().get("items") if held.status_code == 200 else None
        if made and sum(int(r.get("amount", 0)) for r in made) >= payment.amount_paise:
            return str(made[-1]["id"])
        raise HTTPException(status_code=502, detail=f"Razorpay refused the refund (HTTP {response.status_code})")

    def refund(session: Session, order: MarketOrder, request: Request) -> None:
        payment = session.scalar(select(MarketPayment).where(MarketPayment.order_id == order.id,
                                                              MarketPayment.status == "captured"))
        if payment is None:
            return
        at_razorpay = any(e.event == "payment.captured" for e in events_of(session, payment))
        refund_id = refund_at_razorpay(request, payment) if at_razorpay else f"rfnd_{secrets.token_hex(7)}"
        payment.status, payment.refund_id = "refunded", refund_id
        if not faults.active("refund_leaves_order_paid"):
            order.status = "refunded"
        notify(session, order, "refund_processed")

    # --- identity: Firebase sign-up, profiles, the admin's user management -----------------------
    @router.post("/firebase/v1/accounts:signUp")
    async def sign_up(body: SignUp, key: Annotated[str, Query(max_length=256)] = "") -> JSONResponse:
        if settings.firebase_api_key is None or key != settings.firebase_api_key:
            raise HTTPException(status_code=400, detail="API key not valid. Please pass a valid API key.")
        account = await run_in_threadpool(accounts.add, body.email, body.password, "customer")
        if account is None:
            return JSONResponse({"error": {"code": 400, "message": "EMAIL_EXISTS"}}, status_code=400)
        return JSONResponse({"kind": "identitytoolkit#SignupNewUserResponse", "localId": account.email,
                             "email": account.email, "idToken": tokens.issue(account, "access"),
                             "refreshToken": "AMf-" + secrets.token_urlsafe(96), "expiresIn": str(ACCESS_TTL_SECONDS)})

    @router.post("/identity/api/admin/users", status_code=201, dependencies=[admin])
    async def create_user(body: NewUser) -> dict[str, Any]:
        if body.role not in tokens.roles:
            raise HTTPException(status_code=422, detail=f"unknown role {body.role!r}")
        account = await run_in_threadpool(accounts.add, body.email, body.password, body.role)
        if account is None:
            raise HTTPException(status_code=409, detail="a user with this e-mail exists")
        return {"uid": account.email, "email": account.email, "role": account.role}

    @router.patch("/identity/api/admin/users/{uid}", dependencies=[admin])
    def change_role(uid: str, body: RoleChange) -> dict[str, Any]:
        if body.role not in tokens.roles:
            raise HTTPException(status_code=422, detail=f"unknown role {body.role!r}")
        # fault: the custom claim is written to the profile only, never to the auth account
        account = accounts.get(uid) if faults.active("role_change_not_applied") else accounts.set_role(uid, body.role)
        if account is None:
            raise HTTPException(status_code=404, detail="no such user")
        return {"uid": uid, "role": body.role}

    @router.delete("/identity/api/admin/users/{uid}", status_code=204, dependencies=[admin])
    def delete_user(uid: str, request: Request) -> None:
        if uid in {u.email for u in settings.users}:
            raise HTTPException(status_code=409, detail="seeded accounts cannot be deleted")
        if not accounts.remove(uid):
            raise HTTPException(status_code=404, detail="no such user")
        with session_of(request) as session:
            vendor_record = session.get(MarketVendor, uid)
            if vendor_record is not None:
                session.delete(vendor_record)

    # --- vendor: registration and KYC -----------------------------------------------------------
    @router.post("/vendor/api/vendors/register", status_code=201)
    def register_vendor(body: VendorRegistration, request: Request, account: Account = vendor) -> dict[str, Any]:
        with session_of(request) as session:
            if session.get(MarketVendor, account.email) is not None:
                raise HTTPException(status_code=409, detail="already registered")
            record = MarketVendor(email=account.email, business_name=body.business_name, gstin=body.gstin,
                                  kyc_status="pending")
            session.add(record)
            return record.as_json()

    @router.post("/vendor/api/vendors/me/kyc")
    def submit_kyc(body: KycSubmission, request: Request, account: Account = vendor) -> dict[str, Any]:
        with session_of(request) as session:
            record = session.get(MarketVendor, account.email)
            if record is None:
                raise HTTPException(status_code=404, detail="register first")
            record.kyc_document, record.kyc_status = body.document, "submitted"
            return record.as_json()

    @router.get("/vendor/api/vendors/me")
    def my_vendor_record(request: Request, account: Account = vendor) -> dict[str, Any]:
        with session_of(request) as session:
            record = session.get(MarketVendor, account.email)
            if record is None:
                return {"email": account.email, "role": account.role, "kyc_status": "unregistered"}
            return {**record.as_json(), "role": account.role}

    @router.patch("/vendor/api/admin/vendors/{email}/kyc", dependencies=[admin])
    def decide_kyc(email: str, body: KycDecision, request: Request) -> dict[str, Any]:
        with session_of(request) as session:
            record = session.get(MarketVendor, email)
            if record is None or record.kyc_status != "submitted":
                raise HTTPException(status_code=409, detail="no KYC submission to decide")
            if not faults.active("kyc_approval_not_applied"):
                record.kyc_status = body.status
            return record.as_json()

    # --- catalog ------------------------------------------------------------------------------------
    @router.get("/catalog/api/products", dependencies=[anyone])
    def products(request: Request) -> dict[str, Any]:
        with session_of(request) as session:
            return {"items": [p.as_json() for p in session.scalars(select(MarketProduct).order_by(MarketProduct.id))]}

    @router.get("/catalog/api/admin/products", dependencies=[admin])
    def products_by_sku(request: Request, sku: str = "") -> dict[str, Any]:
        """The admin's product search by SKU: a product whose listing answer was lost is found by it."""
        with session_of(request) as session:
            found = session.scalars(select(MarketProduct).where(MarketProduct.sku == sku).order_by(MarketProduct.id))
            return {"items": [p.as_json() for p in found]}

    @router.post("/catalog/api/vendor/products", status_code=201)
    def add_product(body: NewProduct, request: Request, account: Account = vendor) -> dict[str, Any]:
        with session_of(request) as session:
            record = session.get(MarketVendor, account.email)
            if record is None or record.kyc_status != "approved":
                raise HTTPException(status_code=403, detail="KYC not approved: the vendor cannot list products")
            product = MarketProduct(sku=body.sku, name=body.name, price_paise=body.price_paise,
                                    vendor_email=account.email)
            session.add(product)
            session.flush()
            return product.as_json()

    @router.delete("/catalog/api/admin/products/{product_id}", status_code=204, dependencies=[admin])
    def delete_product(product_id: int, request: Request) -> None:
        with session_of(request) as session:
            product = session.get(MarketProduct, product_id)
            if product is None:
                raise HTTPException(status_code=404, detail="no such product")
            session.delete(product)

    # --- orders ---------------------------------------------------------------------------------------
    @router.post("/order/api/orders", status_code=201)
    def place_order(body: NewOrder, request: Request, account: Account = customer) -> dict[str, Any]:
        with session_of(request) as session:
            product = session.get(MarketProduct, body.product_id)
            if product is None:
                raise HTTPException(status_code=404, detail="no such product")
            unit = product.price_paise
            # fault: the line total is computed from a cached, stale price list
            total = unit * body.quantity + (100 if faults.active("order_total_stale_price") else 0)
            order = MarketOrder(buyer_email=account.email, product_id=product.id, quantity=body.quantity,
                                unit_price_paise=unit, total_paise=total, status="created", reference=body.reference)
            session.add(order)
            session.flush()
            # the order confirmation: the buyer learns the order id they can track (sandbox/realserv_bot.py)
            notify(session, order, "order_placed")
            return order.as_json()

    def visible_order(session: Session, order_id: int, account: Account) -> MarketOrder:
        order = session.get(MarketOrder, order_id)
        if order is None:
            raise HTTPException(status_code=404, detail="no such order")
        product = session.get(MarketProduct, order.product_id)
        if account.role != "admin" and account.email not in {order.buyer_email, product.vendor_email if product else ""}:
            raise HTTPException(status_code=404, detail="no such order")
        return order

    @router.get("/order/api/admin/orders", dependencies=[admin])
    def orders_by_reference(request: Request, reference: str = "") -> dict[str, Any]:
        """The admin's order search by the reference the buyer's client sent."""
        with session_of(request) as session:
            found = session.scalars(select(MarketOrder).where(MarketOrder.reference == reference)
                                    .order_by(MarketOrder.id))
            return {"items": [order.as_json() for order in found]}

    @router.get("/order/api/orders/{order_id}")
    def get_order(order_id: int, request: Request, account: Account = anyone) -> dict[str, Any]:
        with session_of(request) as session:
            return visible_order(session, order_id, account).as_json()

    @router.patch("/order/api/vendor/orders/{order_id}")
    def fulfil(order_id: int, body: Fulfilment, request: Request, account: Account = vendor) -> dict[str, Any]:
        with session_of(request) as session:
            order = visible_order(session, order_id, account)
            if order.status != "paid":
                raise HTTPException(status_code=409, detail=f"an order {order.status} cannot ship")
            order.status = body.status
            return order.as_json()

    @router.post("/order/api/admin/orders/{order_id}/cancel", dependencies=[admin])
    def cancel(order_id: int, request: Request) -> dict[str, Any]:
        with session_of(request) as session:
            order = session.get(MarketOrder, order_id)
            if order is None:
                raise HTTPException(status_code=404, detail="no such order")
            if order.status in {"paid", "shipped"}:
                refund(session, order, request)
            if order.status not in {"refunded"}:
                order.status = "cancelled"
            return order.as_json()

    # --- payments: Razorpay order, checkout verification, refund ------------------------------------
    @router.post("/payment/api/checkout/orders", status_code=201)
    def payment_order(body: PaymentOrder, request: Request, account: Account = customer) -> dict[str, Any]:
        client = razorpay_client()
        with session_of(request) as session:
            order = visible_order(session, body.order_id, account)
            if order.status != "created":
                raise HTTPException(status_code=409, detail=f"order is {order.status}")
            payment = MarketPayment(order_id=order.id, razorpay_order_id=f"order_{secrets.token_hex(7)}",
                                    amount_paise=order.total_paise, status="created")
            session.add(payment)
            session.flush()
            key_id = client.auth[0]
            return {"razorpay_order_id": payment.razorpay_order_id, "amount": payment.amount_paise,
                    "currency": "INR", "key_id": key_id}

    @router.post("/payment/api/checkout/verify")
    def verify(body: CheckoutResult, request: Request, account: Account = customer) -> dict[str, Any]:
        client = razorpay_client()
        try:
            client.utility.verify_payment_signature(body.model_dump())
        except razorpay.errors.SignatureVerificationError:
            raise HTTPException(status_code=400, detail="payment signature mismatch") from None
        with session_of(request) as session:
            payment = session.scalar(select(MarketPayment).where(
                MarketPayment.razorpay_order_id == body.razorpay_order_id))
            if payment is None:
                raise HTTPException(status_code=404, detail="no such payment order")
            order = visible_order(session, payment.order_id, account)
            if payment.status == "created":
                payment.status, payment.razorpay_payment_id = "captured", body.razorpay_payment_id
                order.status = "paid"
                notify(session, order, "order_paid")
            return payment.as_json()

    @router.get("/payment/api/checkout/by-order/{order_id}")
    def payment_of(order_id: int, request: Request, account: Account = anyone) -> dict[str, Any]:
        with session_of(request) as session:
            visible_order(session, order_id, account)
            payment = session.scalar(select(MarketPayment).where(MarketPayment.order_id == order_id)
                                     .order_by(MarketPayment.id.desc()))
            if payment is None:
                raise HTTPException(status_code=404, detail="no payment for this order")
            return payment_json(session, payment)

    @router.post("/payment/api/checkout/webhooks/razorpay")
    async def checkout_webhook(request: Request) -> JSONResponse:
        """Razorpay's payment.captured and refund.processed for the checkout's payments (a payment link
        names the checkout's Razorpay order in its notes), applied once per event id."""
        raw = await request.body()
        if not razorpay_signature_ok(raw, request.headers.get("x-razorpay-signature"),
                                     settings.feature_env.get("SANDBOX_RAZORPAY_WEBHOOK_SECRET")):
            return refuse(400, "invalid signature")
        event = event_object(raw)
        if event is None:
            return refuse(400, "malformed event")
        if faults.active("market_webhook_ignored"):
            # the handler was subscribed to order.paid only: payment.captured is acknowledged and dropped
            return JSONResponse({"status": "ignored"})
        outcome = await run_in_threadpool(apply_checkout_event, request, event,
                                          request.headers.get("x-razorpay-event-id") or "")
        return JSONResponse({"status": outcome})

    def apply_checkout_event(request: Request, event: dict[str, Any], event_id: str) -> str:
        name, payload = str(event.get("event")), event.get("payload") or {}
        entity = ((payload.get("payment") or {}).get("entity") or {})
        with session_of(request) as session:
            if name == "payment.captured":
                notes = entity.get("notes") or {}
                order_ids = {entity.get("order_id"), notes.get("razorpay_order_id") if isinstance(notes, dict) else None}
                payment = session.scalar(select(MarketPayment).where(
                    MarketPayment.razorpay_order_id.in_([o for o in order_ids if isinstance(o, str)])))
            elif name == "refund.processed":
                payment = session.scalar(select(MarketPayment).where(
                    MarketPayment.razorpay_payment_id == str(entity.get("id") or "-")))
            else:
                return "ignored"
            if payment is None:
                return "unknown_payment"
            seen = session.scalar(select(MarketWebhookEvent).where(MarketWebhookEvent.event_id == event_id))
            if seen is not None and not faults.active("market_webhook_not_idempotent"):
                return "duplicate_event"
            session.add(MarketWebhookEvent(event_id=event_id, event=name, payment_row=payment.id,
                                           received_at=int(time.time())))
            order = session.get(MarketOrder, payment.order_id)
            if name == "payment.captured" and order is not None and (
                    payment.status == "created" or faults.active("market_webhook_not_idempotent")):
                payment.status, payment.razorpay_payment_id = "captured", str(entity.get("id"))
                if not faults.active("market_webhook_leaves_order_unpaid"):
                    order.status = "paid"
                if not faults.active("market_webhook_notifies_nobody"):
                    notify(session, order, "order_paid")
            if name == "refund.processed" and payment.status == "captured" and order is not None:
                # a refund made elsewhere (the dashboard) is booked from its webhook
                refund_entity = (payload.get("refund") or {}).get("entity") or {}
                payment.status, payment.refund_id = "refunded", str(refund_entity.get("id") or "")
                order.status = "refunded"
        return "processed"

    @router.post("/payment/api/admin/checkout/{payment_id}/refund", dependencies=[admin])
    def refund_payment(payment_id: int, request: Request) -> dict[str, Any]:
        """Settle a payment for good: a captured one is refunded, one nobody paid is voided (nothing
        was taken, so nothing is kept), a refunded one stays as it is: sending it again changes nothing."""
        with session_of(request) as session:
            payment = session.get(MarketPayment, payment_id)
            if payment is None:
                raise HTTPException(status_code=404, detail="no such payment")
            order = session.get(MarketOrder, payment.order_id)
            if payment.status == "captured" and order is not None:
                refund(session, order, request)
            if payment.status == "created":
                session.delete(payment)
                return {**payment.as_json(), "status": "voided"}
            return payment.as_json()

    # --- notifications ------------------------------------------------------------------------------
    @router.get("/notification/api/notifications")
    def notifications(request: Request, account: Account = anyone,
                      order_id: Annotated[int | None, Query()] = None) -> dict[str, Any]:
        with session_of(request) as session:
            query = select(MarketNotification).order_by(MarketNotification.id)
            if order_id is not None:
                query = query.where(MarketNotification.order_id == order_id)
            if account.role != "admin":
                query = query.where(MarketNotification.recipient == account.email)
            return {"items": [n.as_json() for n in session.scalars(query)]}

    return router
