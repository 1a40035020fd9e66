"""Customer orders owned by users: the objects of the object-level authorization checks (BOLA)."""

from __future__ import annotations

import time

from sqlalchemy import Integer, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from sandbox.db import Base, Product, User


class Order(Base):
    __tablename__ = "orders"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    owner: Mapped[str] = mapped_column(String(64), index=True)
    sku: Mapped[str] = mapped_column(String(32))
    quantity: Mapped[int] = mapped_column(Integer)
    total_paise: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    note: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[int] = mapped_column(Integer)

    def as_json(self) -> dict[str, object]:
        return {
            "id": self.id, "owner": self.owner, "sku": self.sku, "quantity": self.quantity,
            "total_paise": self.total_paise, "status": self.status, "note": self.note,
        }


def seed_orders(session: Session) -> None:
    """One pending order for every cashier account that has none yet."""
    product = session.scalar(select(Product).order_by(Product.sku))
    if product is None:
        return
    for username in session.scalars(select(User.username).where(User.role == "cashier")):
        if session.scalar(select(Order.id).where(Order.owner == username)) is None:
            session.add(Order(owner=username, sku=product.sku, quantity=1, total_paise=product.price_paise,
                              status="pending", note="", created_at=int(time.time())))
