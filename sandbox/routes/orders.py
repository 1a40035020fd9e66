"""Orders of the signed-in user: list, read, change the note, delete. Owners only."""

from __future__ import annotations

import time
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from sandbox.auth import Principal, require_roles
from sandbox.orders import Order
from sandbox.runtime import state_of
from sandbox.settings import Settings

any_role = require_roles()
AnyRole = Annotated[Principal, Depends(any_role)]
NOT_FOUND = "Order not found"


class GuestOrder(BaseModel):
    model_config = ConfigDict(extra="forbid")
    sku: str = Field(max_length=32)
    quantity: int = Field(ge=1, le=10)


class OrderUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    note: str = Field(max_length=200)


def build_router(settings: Settings) -> APIRouter:
    faults = settings.faults
    router = APIRouter(prefix="/api/orders", tags=["orders"])

    def load(session: Any, order_id: int, principal: Principal) -> Order:
        order = session.get(Order, order_id)
        # bola_orders: the object is looked up by id alone, the owner is never compared
        if order is None or (order.owner != principal.username and not faults.active("bola_orders")):
            # 404, not 403: another user's order ids are not confirmed to exist
            raise HTTPException(status_code=404, detail=NOT_FOUND)
        return order

    if faults.active("anonymous_order_create"):
        # a "guest checkout" shipped without its guard: anyone creates orders in the shop's name
        @router.post("", status_code=201)
        def create_guest_order(body: GuestOrder, request: Request) -> dict[str, object]:
            with state_of(request).db.session() as session:
                order = Order(owner="guest", sku=body.sku, quantity=body.quantity, total_paise=0,
                              created_at=int(time.time()))
                session.add(order)
                session.flush()
                return order.as_json()

    @router.get("")
    def list_orders(principal: AnyRole, request: Request) -> list[dict[str, object]]:
        with state_of(request).db.session() as session:
            rows = session.scalars(select(Order).where(Order.owner == principal.username).order_by(Order.id))
            return [order.as_json() for order in rows]

    @router.get("/{order_id}")
    def get_order(order_id: int, principal: AnyRole, request: Request) -> dict[str, object]:
        with state_of(request).db.session() as session:
            return load(session, order_id, principal).as_json()

    @router.patch("/{order_id}")
    def update_order(order_id: int, body: OrderUpdate, principal: AnyRole, request: Request) -> dict[str, object]:
        with state_of(request).db.session() as session:
            order = load(session, order_id, principal)
            order.note = body.note
            return order.as_json()

    @router.delete("/{order_id}", status_code=204)
    def delete_order(order_id: int, principal: AnyRole, request: Request) -> None:
        with state_of(request).db.session() as session:
            session.delete(load(session, order_id, principal))

    return router
