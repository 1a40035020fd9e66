"""Stock and order routes of the inventory and arogya flavors (rules in sandbox/stock_flows.py).

Inventory (Next.js app routes): POST /api/inventory/adjust, transfers, stock levels, products with
their stored totals, the InventoryAudit trail (admin only), the online store's checkout and its
order cancellation, and the checkout page.
Arogya: product scan, orders with FEFO batch deduction and status updates, the orders a caller
reaches (a store user: their own and their store's), cancellation, returns,
inward and adjustment of batches, the stock ledger and the books, POS login of mapped store users
and POS billing.

Every stock change runs under one lock per app: check-then-deduct is atomic, so concurrent orders
for the last units cannot both succeed (the fault ``stock_race_oversell`` checks outside the lock).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from sandbox.arogya_models import InventoryBatch
from sandbox.flavor_auth import Account, Accounts, FlavorTokens
from sandbox.runtime import state_of
from sandbox.settings import Settings
from sandbox.stock_flows import (
    BatchStore,
    FlowOrder,
    InventoryAudit,
    LedgerEntry,
    LevelStore,
    Line,
    Refused,
    StockLevel,
    StockLocation,
    StockProduct,
    StockStore,
    StockTransfer,
    StoreUser,
    audit,
    advance,
    batch_totals,
    cancel,
    check_availability,
    order_json,
    parse_lines,
    place_order,
    positive_quantity,
    return_lines,
    reverse,
)

T = TypeVar("T")

CHECKOUT_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Checkout</title></head>
<body><main data-testid="checkout"><h1>Checkout</h1>
<form id="checkout-form" method="post" action="/api/shop/checkout">
<label>Quantity <input name="quantity" type="number" min="1" required></label>
<button type="submit">Place order</button></form></main></body></html>"""


class Flow:
    """What every route of one flavor shares: the database, the lock, the stock store, the faults."""

    def __init__(self, settings: Settings, store: StockStore) -> None:
        self.settings, self.store, self.faults = settings, store, settings.faults
        self.lock = threading.Lock()
        roles = frozenset(user.role for user in settings.users)
        # the same signing key and checks as the flavor's login (flavor_paths.node_api)
        self.tokens = FlavorTokens.hs256(settings.jwt_secret, flavor=settings.flavor, roles=roles)

    def guard(self, *roles: str) -> Any:
        return Depends(self.tokens.guard(*roles))

    async def run(self, request: Request, work: Callable[[Session], T], *, write: bool = True) -> T:
        """``work`` in one transaction in a worker thread; writes hold the flavor's stock lock."""

        def in_transaction() -> T:
            with state_of(request).db.session() as session:
                return work(session)

        def locked() -> T:
            with self.lock:
                return in_transaction()

        try:
            return await run_in_threadpool(locked if write else in_transaction)
        except Refused as refused:
            raise HTTPException(status_code=refused.status, detail=refused.message) from None

    def check_then_place(self, request: Request, place: Callable[[Session], T],
                         check: Callable[[Session], Any]) -> Callable[[], Any]:
        """The healthy order path checks availability inside the locked transaction that deducts."""

        async def go() -> T:
            if self.faults.active("stock_race_oversell"):
                # the check runs in its own read, then the deduction later without re-checking:
                # two buyers of the last unit both pass the check
                await self.run(request, check, write=False)
                await run_in_threadpool(time.sleep, 0.15)
                return await self.run(request, place)

            def both(session: Session) -> T:
                check(session)
                return place(session)

            return await self.run(request, both)

        return go


async def body_of(request: Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except ValueError:
        raise HTTPException(status_code=400, detail="the body must be JSON") from None
    if not isinstance(body, dict):
        raise HTTPException(status_code=400, detail="the body must be a JSON object")
    return body


def text_field(body: dict[str, Any], name: str, *, required: bool = True, limit: int = 120) -> str:
    value = body.get(name, "")
    if not isinstance(value, str) or len(value) > limit or (required and not value.strip()):
        raise HTTPException(status_code=400, detail=f"{name} is required (text, at most {limit} characters)")
    return value.strip()


def whole_number(body: dict[str, Any], name: str) -> int:
    value = body.get(name)
    if isinstance(value, bool) or not isinstance(value, int) or value == 0:
        raise HTTPException(status_code=400, detail=f"{name} must be a non-zero whole number")
    return value


def rows_of(session: Session, model: Any, *conditions: Any) -> list[dict[str, Any]]:
    return [row.as_json() for row in session.scalars(select(model).where(*conditions).order_by(model.id))]


def load_order(session: Session, order_id: int) -> FlowOrder:
    order = session.get(FlowOrder, order_id)
    if order is None:
        raise Refused(404, "no such order")
    return order


def product_or_refuse(session: Session, store: StockStore, code: str) -> Any:
    product = store.product(session, code)
    if product is None:
        raise Refused(400, f"unknown product {code}")
    return product


def audit_filters(request: Request) -> list[Any]:
    conditions = []
    if reference := request.query_params.get("reference"):
        conditions.append(InventoryAudit.reference == reference)
    if sku := request.query_params.get("sku"):
        conditions.append(InventoryAudit.sku == sku)
    return conditions


def reversal_route(router: APIRouter, flow: Flow, guard: Any, changes: Any) -> None:
    """``POST /api/inventory/reversals/{reference}``: the compensating request of every stock change
    booked under a reference, each reversed once (sandbox/stock_flows.reverse)."""

    @router.post("/api/inventory/reversals/{reference}", dependencies=[guard])
    async def reversal(reference: str, request: Request) -> dict[str, Any]:
        actor: Account = request.state.account

        def work(session: Session) -> dict[str, Any]:
            return {"reference": reference, "reversed": [row.as_json() for row in reverse(session, changes, reference,
                                                                                           actor.email)]}

        return await flow.run(request, work)


def reference_filter(request: Request) -> list[Any]:
    """``?reference=``: the orders placed with that reference (a client finds an order whose
    answer it never got by the reference it sent)."""
    reference = request.query_params.get("reference")
    return [FlowOrder.reference == reference] if reference is not None else []


def inventory_router(settings: Settings) -> APIRouter:
    """The inventory system's stock API and online store (mounted before the flavor's demo routes)."""
    flow = Flow(settings, LevelStore())
    store: LevelStore = flow.store  # type: ignore[assignment]
    router = APIRouter(tags=["inventory-stock"])
    admin = flow.guard("admin")
    buyer = flow.guard("admin", "customer")
    # fault audit_open_to_customer: the audit route was copied from a customer route, guard and all
    auditor = buyer if flow.faults.active("audit_open_to_customer") else admin
    # fault inventory_adjust_guard_names_unknown_role: a role rename left the guard asking for a role no one has
    adjusters = flow.guard("inventory_manager") if flow.faults.active("inventory_adjust_guard_names_unknown_role") \
        else admin

    @router.post("/api/inventory/adjust", dependencies=[adjusters])
    async def adjust(request: Request) -> dict[str, Any]:
        body = await body_of(request)
        sku, location = text_field(body, "sku"), text_field(body, "location")
        delta, reason = whole_number(body, "quantity"), text_field(body, "reason", limit=200)
        reference = text_field(body, "reference", required=False)
        actor: Account = request.state.account

        def work(session: Session) -> dict[str, Any]:
            if store.product(session, sku) is None or not store.has_location(session, location):
                raise Refused(400, "unknown product or location")
            current = store.available(session, sku, location)
            if current + delta < 0 and not flow.faults.active("negative_stock_allowed"):
                # ALLOW_NEGATIVE_STOCK=false
                raise Refused(400, f"adjustment would make stock negative ({current} on hand)")
            quantity = store.change(session, sku, location, delta)
            row = None
            if not flow.faults.active("audit_row_not_written"):
                row = audit(session, sku=sku, location=location, delta=delta, reason=reason, actor=actor.email,
                            reference=reference)
            return {"sku": sku, "location": location, "quantity": quantity, "audit_id": row.id if row else None}

        return await flow.run(request, work)

    reversal_route(router, flow, adjusters, store)

    @router.post("/api/inventory/transfers", dependencies=[admin], status_code=201)
    async def transfer(request: Request) -> dict[str, Any]:
        body = await body_of(request)
        sku, source, target = text_field(body, "sku"), text_field(body, "from"), text_field(body, "to")
        reference = text_field(body, "reference", required=False)
        actor: Account = request.state.account
        try:
            quantity = positive_quantity(body.get("quantity"), "quantity")
        except Refused as refused:
            raise HTTPException(status_code=400, detail=refused.message) from None

        def work(session: Session) -> dict[str, Any]:
            if source == target or store.product(session, sku) is None or not all(
                    store.has_location(session, code) for code in (source, target)):
                raise Refused(400, "a transfer needs a known product and two different known locations")
            if store.available(session, sku, source) < quantity:
                raise Refused(409, f"insufficient stock for {sku} at {source}")
            # fault transfer_loses_quantity: the receiving side books one unit short
            received = quantity - 1 if flow.faults.active("transfer_loses_quantity") else quantity
            store.change(session, sku, source, -quantity)
            store.change(session, sku, target, received)
            row = StockTransfer(sku=sku, from_location=source, to_location=target, quantity=quantity,
                                reference=reference, actor=actor.email)
            session.add(row)
            session.flush()
            for location, delta in ((source, -quantity), (target, received)):
                audit(session, sku=sku, location=location, delta=delta, reason=f"transfer {row.id}",
                      actor=actor.email, reference=reference, kind="transfer")
            return row.as_json()

        return await flow.run(request, work)

    @router.get("/api/inventory/transfers", dependencies=[admin])
    async def transfers(request: Request) -> dict[str, Any]:
        return {"items": await flow.run(request, lambda s: rows_of(s, StockTransfer), write=False)}

    # fault stock_levels_public: the route is missing from the auth middleware's matcher
    stock_guard = [] if flow.faults.active("stock_levels_public") else [admin]

    @router.get("/api/inventory/stock", dependencies=stock_guard)
    async def stock(request: Request) -> dict[str, Any]:
        return {"items": await flow.run(request, lambda s: rows_of(s, StockLevel), write=False)}

    @router.get("/api/inventory/products", dependencies=[buyer])
    async def products(request: Request) -> dict[str, Any]:
        if flow.faults.active("inventory_products_500"):
            # the Prisma client selects a column the production schema lacks
            return JSONResponse({"error": "Internal Server Error"}, status_code=500)  # type: ignore[return-value]
        return {"items": await flow.run(request, lambda s: rows_of(s, StockProduct), write=False)}

    @router.get("/api/inventory/locations", dependencies=[buyer])
    async def locations(request: Request) -> dict[str, Any]:
        return {"items": await flow.run(request, lambda s: rows_of(s, StockLocation), write=False)}

    @router.get("/api/inventory/audit", dependencies=[auditor])
    async def audit_trail(request: Request) -> dict[str, Any]:
        conditions = audit_filters(request)
        return {"items": await flow.run(request, lambda s: rows_of(s, InventoryAudit, *conditions), write=False)}

    @router.post("/api/shop/checkout", dependencies=[buyer], status_code=201)
    async def checkout(request: Request) -> dict[str, Any]:
        body = await body_of(request)
        location = text_field(body, "location", required=False) or "WH-MAIN"  # the online store ships from here
        reference = text_field(body, "reference", required=False)
        actor: Account = request.state.account
        try:
            lines = parse_lines(body.get("items"), "sku")
        except Refused as refused:
            raise HTTPException(status_code=refused.status, detail=refused.message) from None
        checked: dict[str, Any] = {}

        def check(session: Session) -> None:
            if flow.faults.active("checkout_allows_backorder"):
                # the quantity check was dropped with the old cart page: only the products are looked up
                checked["products"] = [product_or_refuse(session, store, line.code) for line in lines]
                return
            checked["products"] = check_availability(session, store, location, lines)

        def place(session: Session) -> dict[str, Any]:
            order = place_order(session, store, flow.faults, channel="checkout", location=location, lines=lines,
                                products=checked["products"], customer=actor.email, reference=reference)
            return order_json(session, order)

        return await flow.check_then_place(request, place, check)()  # type: ignore[no-any-return]

    def own_order(session: Session, order_id: int, actor: Account) -> FlowOrder:
        """Customers reach only their own orders (another customer's answers 404, like none)."""
        order = load_order(session, order_id)
        if flow.faults.active("shop_order_loaded_by_id_only"):
            # findUnique({where: {id}}) without the customer: any signed-in customer reaches any order
            return order
        if actor.role != "admin" and order.customer != actor.email:
            raise Refused(404, "no such order")
        return order

    @router.get("/api/shop/orders", dependencies=[buyer])
    async def shop_orders(request: Request) -> dict[str, Any]:
        """The caller's online-store orders, oldest first; ``?reference=`` those carrying it."""
        actor: Account = request.state.account
        conditions = reference_filter(request)

        def work(session: Session) -> list[dict[str, Any]]:
            orders = session.scalars(select(FlowOrder).where(FlowOrder.channel == "checkout",
                                                             FlowOrder.customer == actor.email, *conditions)
                                     .order_by(FlowOrder.id))
            return [order_json(session, order) for order in orders]

        return {"items": await flow.run(request, work, write=False)}

    @router.get("/api/shop/orders/{order_id}", dependencies=[buyer])
    async def shop_order(order_id: int, request: Request) -> dict[str, Any]:
        actor: Account = request.state.account
        return await flow.run(request, lambda s: order_json(s, own_order(s, order_id, actor)), write=False)

    @router.post("/api/shop/orders/{order_id}/cancel", dependencies=[buyer])
    async def shop_cancel(order_id: int, request: Request) -> dict[str, Any]:
        actor: Account = request.state.account

        def work(session: Session) -> dict[str, Any]:
            order = own_order(session, order_id, actor)
            cancel(session, store, flow.faults, order, actor.email)
            return order_json(session, order)

        return await flow.run(request, work)

    @router.get("/client-portal/shop/checkout", response_class=HTMLResponse)
    def checkout_page() -> HTMLResponse:
        return HTMLResponse(CHECKOUT_PAGE)

    return router


def arogya_router(settings: Settings) -> APIRouter:
    """Arogya's operational flows (runbook S4) over the batches of sandbox/arogya_models.py."""
    flow = Flow(settings, BatchStore())
    store: BatchStore = flow.store  # type: ignore[assignment]
    accounts = Accounts(settings.users)
    router = APIRouter(tags=["arogya-flows"])
    admin = flow.guard("super_admin")
    staff = flow.guard("super_admin", "store_user")

    @router.get("/api/products/scan", dependencies=[staff])
    async def scan(request: Request) -> dict[str, Any]:
        code = request.query_params.get("code", "")

        def work(session: Session) -> dict[str, Any]:
            product = store.product(session, code)
            if product is None:
                raise Refused(404, "no product with this GTIN or SKU")
            return {"sku": product.sku, "price": product.price_paise / 100, "code": code}

        return await flow.run(request, work, write=False)

    def ordering(request: Request, *, channel: str, location: str, lines: list[Line], reference: str,
                 actor: str) -> Callable[[], Any]:
        checked: dict[str, Any] = {}

        def check(session: Session) -> None:
            checked["products"] = check_availability(session, store, location, lines)

        def place(session: Session) -> dict[str, Any]:
            order = place_order(session, store, flow.faults, channel=channel, location=location, lines=lines,
                                products=checked["products"], customer=actor, reference=reference)
            return order_json(session, order)

        return flow.check_then_place(request, place, check)

    @router.post("/api/orders", dependencies=[staff], status_code=201)
    async def create_order(request: Request) -> dict[str, Any]:
        body = await body_of(request)
        actor: Account = request.state.account
        try:
            lines = parse_lines(body.get("items"), "code")
        except Refused as refused:
            raise HTTPException(status_code=refused.status, detail=refused.message) from None
        place = ordering(request, channel="order", location=text_field(body, "entity_code"), lines=lines,
                         reference=text_field(body, "reference", required=False), actor=actor.email)
        return await place()  # type: ignore[no-any-return]

    def unscoped(actor: Account) -> bool:
        # fault store_orders_not_scoped: the store filter was dropped with the store-switcher refactor
        return actor.role == "super_admin" or flow.faults.active("store_orders_not_scoped")

    def reachable_order(session: Session, order_id: int, actor: Account) -> FlowOrder:
        """Super admins reach every order; a store user those they placed or of their own store."""
        order = load_order(session, order_id)
        if unscoped(actor) or order.customer == actor.email:
            return order
        mapping = session.get(StoreUser, actor.email)
        if mapping is None or mapping.entity_code != order.location:
            raise Refused(404, "no such order")
        return order

    @router.get("/api/orders", dependencies=[staff])
    async def list_orders(request: Request) -> dict[str, Any]:
        """The orders the caller reaches (the same rule as reachable_order), oldest first;
        ``?reference=`` those carrying it (API orders and POS bills alike)."""
        actor: Account = request.state.account
        conditions = reference_filter(request)

        def work(session: Session) -> list[dict[str, Any]]:
            query = select(FlowOrder).where(*conditions).order_by(FlowOrder.id)
            if not unscoped(actor):
                mapping = session.get(StoreUser, actor.email)
                own = FlowOrder.customer == actor.email
                query = query.where(own | (FlowOrder.location == mapping.entity_code) if mapping else own)
            return [order_json(session, order) for order in session.scalars(query)]

        return {"items": await flow.run(request, work, write=False)}

    @router.get("/api/orders/{order_id}", dependencies=[staff])
    async def get_order(order_id: int, request: Request) -> dict[str, Any]:
        actor: Account = request.state.account
        return await flow.run(request, lambda s: order_json(s, reachable_order(s, order_id, actor)), write=False)

    @router.post("/api/orders/{order_id}/status", dependencies=[staff])
    async def update_status(order_id: int, request: Request) -> dict[str, Any]:
        status = text_field(await body_of(request), "status", limit=16)
        actor: Account = request.state.account

        def work(session: Session) -> dict[str, Any]:
            order = reachable_order(session, order_id, actor)
            advance(order, status)
            return order_json(session, order)

        return await flow.run(request, work)

    @router.post("/api/orders/{order_id}/cancel", dependencies=[staff])
    async def cancel_order(order_id: int, request: Request) -> dict[str, Any]:
        actor: Account = request.state.account

        def work(session: Session) -> dict[str, Any]:
            order = reachable_order(session, order_id, actor)
            cancel(session, store, flow.faults, order, actor.email)
            return order_json(session, order)

        return await flow.run(request, work)

    @router.post("/api/orders/{order_id}/returns", dependencies=[staff])
    async def return_order(order_id: int, request: Request) -> dict[str, Any]:
        body = await body_of(request)
        actor: Account = request.state.account
        try:
            lines = parse_lines(body.get("items"), "code")
        except Refused as refused:
            raise HTTPException(status_code=refused.status, detail=refused.message) from None

        def work(session: Session) -> dict[str, Any]:
            order = reachable_order(session, order_id, actor)
            return_lines(session, store, flow.faults, order, lines, actor.email)
            return order_json(session, order)

        return await flow.run(request, work)

    reversal_route(router, flow, admin, store)

    @router.post("/api/inventory/inward", dependencies=[admin], status_code=201)
    async def inward(request: Request) -> dict[str, Any]:
        body = await body_of(request)
        entity, sku, batch_no = text_field(body, "entity_code"), text_field(body, "sku"), text_field(body, "batch_no")
        mfg, expiry = text_field(body, "mfg_date", limit=10), text_field(body, "expiry_date", limit=10)
        reference = text_field(body, "reference", required=False)
        actor: Account = request.state.account
        try:
            quantity = positive_quantity(body.get("quantity"), "quantity")
        except Refused as refused:
            raise HTTPException(status_code=400, detail=refused.message) from None

        def work(session: Session) -> dict[str, Any]:
            if store.product(session, sku) is None or not store.has_location(session, entity):
                raise Refused(400, "unknown product or entity")
            batch = session.scalar(select(InventoryBatch).where(
                InventoryBatch.sku == sku, InventoryBatch.entity_code == entity, InventoryBatch.batch_no == batch_no))
            if batch is None:
                # without a cost on the receipt, the product's latest purchase cost applies
                latest = session.scalar(select(InventoryBatch.cost_price_paise).where(InventoryBatch.sku == sku)
                                        .order_by(InventoryBatch.id.desc()))
                batch = InventoryBatch(entity_code=entity, sku=sku, batch_no=batch_no, mfg_date=mfg,
                                       expiry_date=expiry, quantity=0, cost_price_paise=latest or 0,
                                       qc_status="approved",
                                       coa_file=f"coa-{sku.lower()}-{batch_no.lower()}.pdf")
                session.add(batch)
            batch.quantity += quantity
            session.flush()
            audit(session, sku=sku, location=entity, batch_no=batch_no, delta=quantity, reason="inward",
                  actor=actor.email, reference=reference, kind="inward")
            return batch.as_json()

        return await flow.run(request, work)

    @router.post("/api/inventory/adjust", dependencies=[admin])
    async def adjust(request: Request) -> dict[str, Any]:
        body = await body_of(request)
        entity, sku, batch_no = text_field(body, "entity_code"), text_field(body, "sku"), text_field(body, "batch_no")
        delta, reason = whole_number(body, "quantity"), text_field(body, "reason", limit=200)
        reference = text_field(body, "reference", required=False)
        actor: Account = request.state.account

        def work(session: Session) -> dict[str, Any]:
            batch = store.batch(session, sku, entity, batch_no)
            if batch.quantity + delta < 0:
                raise Refused(400, f"adjustment would make batch stock negative ({batch.quantity} on hand)")
            batch.quantity += delta
            row = audit(session, sku=sku, location=entity, batch_no=batch_no, delta=delta, reason=reason,
                        actor=actor.email, reference=reference)
            return {**batch.as_json(), "audit_id": row.id}

        return await flow.run(request, work)

    @router.get("/api/inventory/summary", dependencies=[staff])
    async def summary(request: Request) -> dict[str, Any]:
        return {"items": await flow.run(request, batch_totals, write=False)}

    @router.get("/api/inventory/movements", dependencies=[admin])
    async def movements(request: Request) -> dict[str, Any]:
        conditions = audit_filters(request)
        return {"items": await flow.run(request, lambda s: rows_of(s, InventoryAudit, *conditions), write=False)}

    @router.get("/api/ledger", dependencies=[admin])
    async def ledger(request: Request) -> dict[str, Any]:
        try:
            order_id = int(request.query_params.get("order_id", ""))
        except ValueError:
            raise HTTPException(status_code=400, detail="order_id is required") from None
        return {"items": await flow.run(request, lambda s: rows_of(s, LedgerEntry, LedgerEntry.order_id == order_id),
                                        write=False)}

    @router.post("/api/pos/login")
    async def pos_login(request: Request) -> JSONResponse:
        body = await body_of(request)
        email, password = text_field(body, "email", limit=254), text_field(body, "password", limit=1024)
        account = await run_in_threadpool(accounts.authenticate, email, password)
        if account is None:
            raise HTTPException(status_code=401, detail="Invalid email or password")
        mapping = await flow.run(request, lambda s: s.get(StoreUser, account.email), write=False)
        if account.role != "store_user" or mapping is None:
            raise HTTPException(status_code=403, detail="this user is not mapped to a store")
        return JSONResponse({"access_token": flow.tokens.issue(account, "access"), "token_type": "Bearer",
                             "store": {"entity_code": mapping.entity_code}})

    @router.post("/api/pos/bills", dependencies=[flow.guard("store_user")], status_code=201)
    async def bill(request: Request) -> dict[str, Any]:
        body = await body_of(request)
        actor: Account = request.state.account
        try:
            lines = parse_lines(body.get("items"), "code")
        except Refused as refused:
            raise HTTPException(status_code=refused.status, detail=refused.message) from None
        mapping = await flow.run(request, lambda s: s.get(StoreUser, actor.email), write=False)
        if mapping is None:
            raise HTTPException(status_code=403, detail="this user is not mapped to a store")
        place = ordering(request, channel="pos", location=mapping.entity_code, lines=lines,
                         reference=text_field(body, "reference", required=False), actor=actor.email)
        return await place()  # type: ignore[no-any-return]

    return router
