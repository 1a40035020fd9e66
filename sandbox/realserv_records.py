"""RealServ's records beyond the marketplace journeys: IntegrationService's webhook subscriptions
and the admin endpoints that read back and delete what each service stores (vendor records, users,
pending payment orders, notifications).

Mounted in the realserv flavor right after the marketplace router and before the demo routes of
sandbox/routes/flavor_paths.py, so ``/integration/api/admin/integrations/...`` here wins over the
demo ``GET /integration/api/admin/integrations`` listing.
"""

from __future__ import annotations

import secrets
import time
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request
from pydantic import BaseModel, Field
from sqlalchemy import Integer, String, select
from sqlalchemy.orm import Mapped, mapped_column

from sandbox.db import Base
from sandbox.flavor_auth import Accounts, FlavorTokens
from sandbox.marketplace import MarketNotification, MarketOrder, MarketPayment, MarketVendor
from sandbox.runtime import state_of
from sandbox.settings import Settings

#: the partner events a subscription can listen to
EVENTS = frozenset({"order.created", "order.paid", "order.cancelled", "vendor.approved", "payment.refunded"})


class IntegrationSubscription(Base):
    """A partner system's webhook subscription (an ERP, a logistics partner) kept by IntegrationService."""

    __tablename__ = "integration_subscriptions"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(128))
    event: Mapped[str] = mapped_column(String(32))
    target_url: Mapped[str] = mapped_column(String(512))
    created_at: Mapped[int] = mapped_column(Integer)

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "event": self.event, "target_url": self.target_url,
                "created_at": self.created_at}


class NewSubscription(BaseModel):
    name: str = Field(min_length=1, max_length=128)
    event: str = Field(max_length=32)
    target_url: str = Field(pattern=r"^https://[^\s]{4,500}$")


def build_router(settings: Settings, accounts: Accounts, tokens: FlavorTokens) -> APIRouter:
    faults = settings.faults
    router = APIRouter(tags=["realserv records"])
    admin = [Depends(tokens.guard("admin"))]

    def session_of(request: Request) -> Any:
        return state_of(request).db.session()

    # --- IntegrationService: webhook subscriptions ---------------------------------------------------
    @router.get("/integration/api/admin/integrations", dependencies=admin)
    def integrations(request: Request) -> dict[str, Any]:
        with session_of(request) as session:
            rows = session.scalars(select(IntegrationSubscription).order_by(IntegrationSubscription.created_at))
            return {"items": [row.as_json() for row in rows], "resource": "integration"}

    @router.post("/integration/api/admin/integrations/subscriptions", status_code=201, dependencies=admin)
    def subscribe(body: NewSubscription, request: Request) -> dict[str, Any]:
        if body.event not in EVENTS:
            raise HTTPException(status_code=422, detail=f"unknown event {body.event!r}; one of {sorted(EVENTS)}")
        row = IntegrationSubscription(id=f"sub_{secrets.token_hex(8)}", name=body.name, event=body.event,
                                      target_url=body.target_url, created_at=int(time.time()))
        # the defect: the handler answers with the new subscription but never calls SaveChanges,
        # so nothing is stored and the partner's events are never delivered
        if faults.active("integration_subscription_not_persisted"):
            return row.as_json()
        with session_of(request) as session:
            session.add(row)
            return row.as_json()

    @router.get("/integration/api/admin/integrations/subscriptions", dependencies=admin)
    def subscriptions_named(request: Request, name: str = "") -> dict[str, Any]:
        """The admin's search by name: a client finds the subscription whose answer it never got."""
        with session_of(request) as session:
            rows = session.scalars(select(IntegrationSubscription).where(IntegrationSubscription.name == name)
                                   .order_by(IntegrationSubscription.created_at))
            return {"items": [row.as_json() for row in rows]}

    @router.get("/integration/api/admin/integrations/subscriptions/{subscription_id}", dependencies=admin)
    def subscription(subscription_id: str, request: Request) -> dict[str, Any]:
        with session_of(request) as session:
            row = session.get(IntegrationSubscription, subscription_id)
            if row is None:
                raise HTTPException(status_code=404, detail="no such subscription")
            return row.as_json()

    @router.delete("/integration/api/admin/integrations/subscriptions/{subscription_id}", status_code=204,
                   dependencies=admin)
    def unsubscribe(subscription_id: str, request: Request) -> None:
        with session_of(request) as session:
            row = session.get(IntegrationSubscription, subscription_id)
            if row is None:
                raise HTTPException(status_code=404, detail="no such subscription")
            session.delete(row)

    # --- admin read-backs: IdentityService users, VendorService records ------------------------------
    @router.get("/identity/api/admin/users/{uid}", dependencies=admin)
    def user(uid: str) -> dict[str, Any]:
        account = accounts.get(uid)
        if account is None:
            raise HTTPException(status_code=404, detail="no such user")
        return {"uid": account.email, "email": account.email, "role": account.role}

    @router.get("/vendor/api/admin/vendors/{email}", dependencies=admin)
    def vendor(email: str, request: Request) -> dict[str, Any]:
        with session_of(request) as session:
            record = session.get(MarketVendor, email)
            if record is None:
                raise HTTPException(status_code=404, detail="no such vendor")
            return record.as_json()

    # --- PaymentService: the admin's payment search; a payment order nobody paid can be voided --------
    @router.get("/payment/api/admin/checkout", dependencies=admin)
    def payments_of_order(request: Request, order_id: int | None = None,
                          reference: str | None = None) -> dict[str, Any]:
        """Every payment order of an order, by its id or its reference, newest first (a client finds
        one whose answer it never got)."""
        if (order_id is None) == (not reference):  # an empty reference would name every order without one
            raise HTTPException(status_code=422, detail="give order_id or a reference")
        with session_of(request) as session:
            orders = (select(MarketOrder.id).where(MarketOrder.reference == reference) if reference
                      else select(MarketOrder.id).where(MarketOrder.id == order_id))
            rows = session.scalars(select(MarketPayment).where(MarketPayment.order_id.in_(orders))
                                   .order_by(MarketPayment.id.desc()))
            return {"items": [row.as_json() for row in rows]}

    @router.get("/payment/api/admin/checkout/{payment_id}", dependencies=admin)
    def payment(payment_id: int, request: Request) -> dict[str, Any]:
        with session_of(request) as session:
            row = session.get(MarketPayment, payment_id)
            if row is None:
                raise HTTPException(status_code=404, detail="no such payment")
            return row.as_json()

    # --- PaymentService: a payment order nobody paid can be voided -----------------------------------
    @router.delete("/payment/api/admin/checkout/{payment_id}", status_code=204, dependencies=admin)
    def void_payment_order(payment_id: int, request: Request) -> None:
        with session_of(request) as session:
            payment = session.get(MarketPayment, payment_id)
            if payment is None:
                raise HTTPException(status_code=404, detail="no such payment")
            if payment.status != "created":
                raise HTTPException(status_code=409, detail=f"a {payment.status} payment is kept for reconciliation")
            session.delete(payment)

    # --- NotificationService: an admin deletes a notification record -------------------------------
    @router.delete("/notification/api/admin/notifications/{notification_id}", status_code=204, dependencies=admin)
    def delete_notification(notification_id: int, request: Request) -> None:
        with session_of(request) as session:
            row = session.get(MarketNotification, notification_id)
            if row is None:
                raise HTTPException(status_code=404, detail="no such notification")
            session.delete(row)

    return router
