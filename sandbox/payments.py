"""Razorpay-style payment orders and the webhook events already processed (dedupe on event id).

Tables join the shared metadata (``Base``); one pending order is seeded when the table is created,
so forged-webhook probes have a real unpaid order to aim at without creating anything.
"""

from __future__ import annotations

import secrets
import time

from sqlalchemy import Integer, String, event, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Mapped, Session, mapped_column
from sqlalchemy.schema import Table

from sandbox.db import Base

#: the seeded pending order (profiles/sandbox.yaml names it as the probe target)
PROBE_ORDER_ID = "order_GoliveProbe0001"
PROBE_ORDER_AMOUNT = 50_000


class PaymentOrder(Base):
    __tablename__ = "payment_orders"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    amount: Mapped[int] = mapped_column(Integer)
    amount_paid: Mapped[int] = mapped_column(Integer, default=0)
    currency: Mapped[str] = mapped_column(String(3), default="INR")
    receipt: Mapped[str] = mapped_column(String(64), default="")
    # created -> attempted -> paid, as Razorpay reports it
    status: Mapped[str] = mapped_column(String(16), default="created")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[int] = mapped_column(Integer)

    def as_razorpay(self) -> dict[str, object]:
        return {
            "id": self.id,
            "entity": "order",
            "amount": self.amount,
            "amount_paid": self.amount_paid,
            "amount_due": max(0, self.amount - self.amount_paid),
            "currency": self.currency,
            "receipt": self.receipt,
            "status": self.status,
            "attempts": self.attempts,
            "notes": {},
            "created_at": self.created_at,
        }


class WebhookEvent(Base):
    """Razorpay event ids already applied: a retry with the same x-razorpay-event-id is a no-op."""

    __tablename__ = "webhook_events"

    event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    received_at: Mapped[int] = mapped_column(Integer)
    # the order the event paid: cancelling the order forgets its events with it
    order_id: Mapped[str] = mapped_column(String(40), default="", index=True)


def orders_with_receipt(session: Session, receipt: str) -> dict[str, object]:
    """Razorpay's order listing filtered by receipt (``GET /v1/orders?receipt=``)."""
    rows = session.scalars(select(PaymentOrder).where(PaymentOrder.receipt == receipt).order_by(PaymentOrder.id))
    items = [row.as_razorpay() for row in rows]
    return {"entity": "collection", "count": len(items), "items": items}


def forget_order(session: Session, order: PaymentOrder) -> None:
    """Cancel (the sandbox: delete) an order and the webhook events that paid it."""
    for paid_by in session.scalars(select(WebhookEvent).where(WebhookEvent.order_id == order.id)):
        session.delete(paid_by)
    session.delete(order)


def new_order_id() -> str:
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    return "order_" + "".join(secrets.choice(alphabet) for _ in range(14))


@event.listens_for(PaymentOrder.__table__, "after_create")
def _seed_probe_order(table: Table, connection: Connection, **_: object) -> None:
    connection.execute(table.insert().values(
        id=PROBE_ORDER_ID, amount=PROBE_ORDER_AMOUNT, amount_paid=0, currency="INR",
        receipt="golive-probe-target", status="created", attempts=0, created_at=int(time.time()),
    ))
