"""Stock and order flows of the inventory and arogya flavors: the tables and the business rules.

The inventory flavor (the Next.js + Prisma system of the inventory checklist) keeps one stock level
per product and location, an ``InventoryAudit`` row per stock change, transfers between locations
and online-store orders. The arogya flavor keeps its stock in the batches of sandbox/arogya_models.py
and sells with FEFO allocation (earliest expiry first), through the API or the POS; every order
books a balanced pair of ledger entries.

Routes live in sandbox/routes/stock_flows.py. Faults change the rules here like real defects would.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import Integer, String, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from sandbox.arogya_models import InventoryBatch, InventoryProduct
from sandbox.db import Base
from sandbox.faults import ActiveFaults
from sandbox.settings import Settings


class Refused(Exception):
    """A business rule refused the request: the route answers ``status`` with ``message``."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


# --- tables ---------------------------------------------------------------------------------


class StockProduct(Base):
    """The inventory flavor's products; ``on_hand`` is the stored total over all locations."""

    __tablename__ = "inventory_products"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    sku: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(128))
    price_paise: Mapped[int] = mapped_column(Integer)
    on_hand: Mapped[int] = mapped_column(Integer)

    def as_json(self) -> dict[str, Any]:
        return {"sku": self.sku, "name": self.name, "price": self.price_paise / 100, "on_hand": self.on_hand}


class StockLocation(Base):
    __tablename__ = "inventory_locations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(128))

    def as_json(self) -> dict[str, Any]:
        return {"code": self.code, "name": self.name}


class StockLevel(Base):
    __tablename__ = "inventory_stock"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    sku: Mapped[str] = mapped_column(String(32), index=True)
    location: Mapped[str] = mapped_column(String(16))
    quantity: Mapped[int] = mapped_column(Integer)

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "sku": self.sku, "location": self.location, "quantity": self.quantity}


class InventoryAudit(Base):
    """One row per stock change (the checklist's ``InventoryAudit`` Prisma model). ``kind`` says
    what booked it; a reversal names the row it compensates in ``reverses`` (at most one each)."""

    __tablename__ = "InventoryAudit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    sku: Mapped[str] = mapped_column(String(32), index=True)
    location: Mapped[str] = mapped_column(String(16))
    batch_no: Mapped[str | None] = mapped_column(String(32), nullable=True)
    delta: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(200))
    actor: Mapped[str] = mapped_column(String(254))
    reference: Mapped[str] = mapped_column(String(120), default="", index=True)
    created_at: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(16), default="adjustment")
    reverses: Mapped[int | None] = mapped_column(Integer, nullable=True, unique=True)

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "sku": self.sku, "location": self.location, "batch_no": self.batch_no,
                "delta": self.delta, "reason": self.reason, "actor": self.actor, "reference": self.reference,
                "created_at": self.created_at, "kind": self.kind, "reverses": self.reverses}


class StockTransfer(Base):
    __tablename__ = "inventory_transfers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    sku: Mapped[str] = mapped_column(String(32))
    from_location: Mapped[str] = mapped_column(String(16))
    to_location: Mapped[str] = mapped_column(String(16))
    quantity: Mapped[int] = mapped_column(Integer)
    reference: Mapped[str] = mapped_column(String(120), default="")
    actor: Mapped[str] = mapped_column(String(254))

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "sku": self.sku, "from": self.from_location, "to": self.to_location,
                "quantity": self.quantity, "reference": self.reference, "actor": self.actor}


class FlowOrder(Base):
    """An order of either flavor: online-store checkout, API order or POS bill."""

    __tablename__ = "flow_orders"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    channel: Mapped[str] = mapped_column(String(16))  # checkout, order, pos
    location: Mapped[str] = mapped_column(String(16))
    customer: Mapped[str] = mapped_column(String(254))
    status: Mapped[str] = mapped_column(String(16))
    total_paise: Mapped[int] = mapped_column(Integer)
    reference: Mapped[str] = mapped_column(String(120), default="")


class FlowOrderLine(Base):
    __tablename__ = "flow_order_lines"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    order_id: Mapped[int] = mapped_column(Integer, index=True)
    sku: Mapped[str] = mapped_column(String(32))
    quantity: Mapped[int] = mapped_column(Integer)
    returned: Mapped[int] = mapped_column(Integer, default=0)
    unit_price_paise: Mapped[int] = mapped_column(Integer)
    line_total_paise: Mapped[int] = mapped_column(Integer)
    allocations: Mapped[str] = mapped_column(String(2000))  # JSON [{"batch_no", "quantity"}]


class LedgerEntry(Base):
    __tablename__ = "flow_ledger"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    order_id: Mapped[int] = mapped_column(Integer, index=True)
    account: Mapped[str] = mapped_column(String(32))
    debit_paise: Mapped[int] = mapped_column(Integer, default=0)
    credit_paise: Mapped[int] = mapped_column(Integer, default=0)
    memo: Mapped[str] = mapped_column(String(120))

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "order_id": self.order_id, "account": self.account,
                "debit": self.debit_paise / 100, "credit": self.credit_paise / 100, "memo": self.memo}


class StoreUser(Base):
    """Which store a POS user bills for (arogya: store users are mapped to one entity)."""

    __tablename__ = "arogya_store_users"

    email: Mapped[str] = mapped_column(String(254), primary_key=True)
    entity_code: Mapped[str] = mapped_column(String(16))


def order_json(session: Session, order: FlowOrder) -> dict[str, Any]:
    lines = session.scalars(select(FlowOrderLine).where(FlowOrderLine.order_id == order.id)
                            .order_by(FlowOrderLine.id)).all()
    return {
        "id": order.id, "channel": order.channel, "location": order.location, "customer": order.customer,
        "status": order.status, "total": order.total_paise / 100, "reference": order.reference,
        "lines": [{"sku": line.sku, "quantity": line.quantity, "returned": line.returned,
                   "unit_price": line.unit_price_paise / 100, "line_total": line.line_total_paise / 100,
                   "allocations": json.loads(line.allocations)} for line in lines],
    }


# --- seed -----------------------------------------------------------------------------------

INVENTORY_LOCATIONS = (("WH-MAIN", "Main warehouse"), ("STORE-CITY", "City store"), ("STORE-MALL", "Mall store"))
# sku, name, price paise, quantity at each location (WH-MAIN, STORE-CITY, STORE-MALL)
INVENTORY_PRODUCTS = (
    ("INV-CHAIR-01", "Office chair", 649900, (40, 12, 8)),
    ("INV-DESK-02", "Standing desk", 1899900, (25, 6, 4)),
    ("INV-LAMP-03", "Desk lamp", 149900, (120, 30, 30)),
    ("INV-MAT-04", "Anti-fatigue mat", 249900, (60, 10, 10)),
)


#: the franchise stores arogya's store users bill for, taken in turn in SANDBOX_USERS order: a second
#: store user works at another store, so object-level checks have two store users apart
STORE_ROTATION = ("FR-KOR", "FR-IND")
#: the earlier sales seeded per customer (inventory) and per store user (arogya): products neither
#: the flow checks' samples nor their race use, sold from stock that was there before the sale
#: (product, quantity)
INVENTORY_SEEDED_SALE = ("INV-DESK-02", 1)
AROGYA_SEEDED_SALE = ("AA-TRI-060", 2)
SEEDED_SALE_REFERENCE = "sandbox-seed"


def store_of(store_users: list[str], email: str) -> str:
    """The store a store user bills for: the franchise stores in turn, in SANDBOX_USERS order."""
    return STORE_ROTATION[store_users.index(email) % len(STORE_ROTATION)]


def seed_stock_flows(session: Session, settings: Settings) -> None:
    """The inventory flavor's products, locations and stock; arogya's store-user mapping; one earlier
    sale per customer (inventory) or per store user (arogya), placed by the healthy rules so the
    stock, audit trail and ledger already account for it."""
    faults = settings.faults
    if settings.flavor == "arogya":
        store_users = [user.email for user in settings.users if user.role == "store_user"]
        if session.scalar(select(StoreUser.email).limit(1)) is None and not faults.active("pos_store_user_unmapped"):
            session.add_all(StoreUser(email=email, entity_code=store_of(store_users, email)) for email in store_users)
        if session.scalar(select(InventoryBatch.id).where(InventoryBatch.entity_code == "FR-IND")) is None:
            # the last few units of a product at a store: what concurrent orders race for
            today = datetime.now(UTC).date()
            session.add(InventoryBatch(entity_code="FR-IND", sku="AA-ASH-250", batch_no="B01R", quantity=6,
                                       mfg_date=(today - timedelta(days=60)).isoformat(),
                                       expiry_date=(today + timedelta(days=600)).isoformat(), cost_price_paise=9000,
                                       qc_status="approved", coa_file="coa-aa-ash-250-r.pdf"))
            # the Indiranagar store's shelf stock of what its seeded sale sold
            session.add(InventoryBatch(entity_code="FR-IND", sku="AA-TRI-060", batch_no="B04R", quantity=24,
                                       mfg_date=(today - timedelta(days=45)).isoformat(),
                                       expiry_date=(today + timedelta(days=500)).isoformat(), cost_price_paise=12000,
                                       qc_status="approved", coa_file="coa-aa-tri-060-r.pdf"))
        _seed_sales(session, BatchStore(), "order", AROGYA_SEEDED_SALE,
                    [(email, store_of(store_users, email)) for email in store_users])
        return
    if settings.flavor != "inventory" or session.scalar(select(StockProduct.id).limit(1)) is not None:
        return
    session.add_all(StockLocation(code=code, name=name) for code, name in INVENTORY_LOCATIONS)
    for sku, name, price, quantities in INVENTORY_PRODUCTS:
        on_hand = sum(quantities)
        if faults.active("product_total_drifts") and sku == "INV-LAMP-03":
            on_hand += 5  # the stored total missed a write-off that did reach the locations
        session.add(StockProduct(sku=sku, name=name, price_paise=price, on_hand=on_hand))
        session.add_all(StockLevel(sku=sku, location=code, quantity=quantity)
                        for (code, _), quantity in zip(INVENTORY_LOCATIONS, quantities, strict=True))
    if faults.active("orphan_stock_rows"):
        # a product deleted without its stock and audit rows (no foreign key to stop it)
        session.add(StockLevel(sku="INV-SHELF-99", location="WH-MAIN", quantity=7))
        session.add(InventoryAudit(sku="INV-SHELF-99", location="WH-GONE", batch_no=None, delta=7,
                                   reason="opening stock", actor="import", reference="", created_at=_now()))
    if faults.active("negative_stock_on_hand"):
        # an earlier oversell left the mall store below zero
        level = next(level for level in session.new if isinstance(level, StockLevel)
                     and level.sku == "INV-MAT-04" and level.location == "STORE-MALL")
        level.quantity = -3
        product = next(p for p in session.new if isinstance(p, StockProduct) and p.sku == "INV-MAT-04")
        product.on_hand -= 13
    # the online store ships from the main warehouse
    _seed_sales(session, LevelStore(), "checkout", INVENTORY_SEEDED_SALE,
                [(user.email, "WH-MAIN") for user in settings.users if user.role == "customer"])


def _seed_sales(session: Session, store: StockStore, channel: str, sale: tuple[str, int],
                buyers: list[tuple[str, str]]) -> None:
    """One earlier sale per (buyer, location), on a fresh database only: the orders users own that
    object-level checks probe. Booked like any sale (stock taken, audited, in the ledger) by the
    healthy rules: they happened before whatever defect the sandbox runs with."""
    if session.scalar(select(FlowOrder.id).limit(1)) is not None:
        return
    session.flush()
    lines = [Line(*sale)]
    for buyer, location in buyers:
        try:
            products = check_availability(session, store, location, lines)
        except Refused:
            continue  # a fault spoiled the stock this sale came from: the buyer simply has no order
        place_order(session, store, ActiveFaults(), channel=channel, location=location, lines=lines,
                    products=products, customer=buyer, reference=SEEDED_SALE_REFERENCE)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


# --- stock stores ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Priced:
    sku: str
    price_paise: int


class StockStore(Protocol):
    def product(self, session: Session, code: str) -> Priced | None: ...
    def has_location(self, session: Session, location: str) -> bool: ...
    def available(self, session: Session, sku: str, location: str) -> int: ...
    def take(self, session: Session, sku: str, location: str, quantity: int) -> list[dict[str, Any]]: ...
    def put(self, session: Session, sku: str, location: str, allocations: list[dict[str, Any]]) -> None: ...


class LevelStore:
    """The inventory flavor: one level per product and location, plus the product's stored total."""

    def product(self, session: Session, code: str) -> Priced | None:
        row = session.scalar(select(StockProduct).where(StockProduct.sku == code))
        return Priced(row.sku, row.price_paise) if row else None

    def has_location(self, session: Session, location: str) -> bool:
        return session.scalar(select(StockLocation.id).where(StockLocation.code == location)) is not None

    def level(self, session: Session, sku: str, location: str) -> StockLevel:
        row = session.scalar(select(StockLevel).where(StockLevel.sku == sku, StockLevel.location == location))
        if row is None:
            row = StockLevel(sku=sku, location=location, quantity=0)
            session.add(row)
        return row

    def available(self, session: Session, sku: str, location: str) -> int:
        row = session.scalar(select(StockLevel).where(StockLevel.sku == sku, StockLevel.location == location))
        return row.quantity if row else 0

    def change(self, session: Session, sku: str, location: str, delta: int) -> int:
        level = self.level(session, sku, location)
        level.quantity += delta
        product = session.scalar(select(StockProduct).where(StockProduct.sku == sku))
        if product is not None:
            product.on_hand += delta
        session.flush()
        return level.quantity

    def change_row(self, session: Session, row: InventoryAudit, delta: int) -> int:
        """Change the level an audit row booked (its reversal); the level after it."""
        return self.change(session, row.sku, row.location, delta)

    def take(self, session: Session, sku: str, location: str, quantity: int) -> list[dict[str, Any]]:
        self.change(session, sku, location, -quantity)
        return [{"batch_no": None, "quantity": quantity}]

    def put(self, session: Session, sku: str, location: str, allocations: list[dict[str, Any]]) -> None:
        self.change(session, sku, location, sum(int(a["quantity"]) for a in allocations))


class BatchStore:
    """The arogya flavor: stock is the batches of an entity; sales take the earliest expiry first."""

    def __init__(self, today: date | None = None) -> None:
        self._today = today

    def today(self) -> str:
        return (self._today or datetime.now(UTC).date()).isoformat()

    def product(self, session: Session, code: str) -> Priced | None:
        # a scan reads the GTIN off the barcode; typed entries use the SKU
        row = session.scalar(select(InventoryProduct).where(
            (InventoryProduct.gtin == code) | (InventoryProduct.sku == code)).order_by(InventoryProduct.id))
        return Priced(row.sku, row.price_paise) if row else None

    def has_location(self, session: Session, location: str) -> bool:
        from sandbox.arogya_models import InventoryEntity

        return session.scalar(select(InventoryEntity.id).where(InventoryEntity.code == location)) is not None

    def sellable(self, session: Session, sku: str, location: str) -> list[InventoryBatch]:
        return list(session.scalars(select(InventoryBatch).where(
            InventoryBatch.sku == sku, InventoryBatch.entity_code == location, InventoryBatch.qc_status == "approved",
            InventoryBatch.expiry_date.is_not(None), InventoryBatch.expiry_date > self.today(),
            InventoryBatch.quantity > 0).order_by(InventoryBatch.expiry_date, InventoryBatch.id)))

    def available(self, session: Session, sku: str, location: str) -> int:
        return sum(batch.quantity for batch in self.sellable(session, sku, location))

    def take(self, session: Session, sku: str, location: str, quantity: int) -> list[dict[str, Any]]:
        allocations, left = [], quantity
        batches = self.sellable(session, sku, location)
        for batch in batches:
            if left == 0:
                break
            taken = min(batch.quantity, left)
            batch.quantity -= taken
            left -= taken
            allocations.append({"batch_no": batch.batch_no, "quantity": taken})
        if left:  # only reachable when the availability check was skipped (a race): oversell the first batch
            target = batches[0] if batches else self.batch(session, sku, location)
            target.quantity -= left
            allocations.append({"batch_no": target.batch_no, "quantity": left})
        session.flush()
        return allocations

    def batch(self, session: Session, sku: str, location: str, batch_no: str | None = None) -> InventoryBatch:
        query = select(InventoryBatch).where(InventoryBatch.sku == sku, InventoryBatch.entity_code == location)
        if batch_no is not None:
            query = query.where(InventoryBatch.batch_no == batch_no)
        row = session.scalar(query.order_by(InventoryBatch.id))
        if row is None:
            raise Refused(400, f"no batch {batch_no or ''} of {sku} at {location}".replace("  ", " "))
        return row

    def change_row(self, session: Session, row: InventoryAudit, delta: int) -> int:
        """Change the batch an audit row booked (its reversal); the batch's quantity after it."""
        batch = self.batch(session, row.sku, row.location, row.batch_no)
        batch.quantity += delta
        session.flush()
        return batch.quantity

    def put(self, session: Session, sku: str, location: str, allocations: list[dict[str, Any]]) -> None:
        for allocation in allocations:
            self.batch(session, sku, location, allocation["batch_no"]).quantity += int(allocation["quantity"])
        session.flush()


# --- the rules ------------------------------------------------------------------------------


def audit(session: Session, *, sku: str, location: str, delta: int, reason: str, actor: str, reference: str,
          batch_no: str | None = None, kind: str = "adjustment", reverses: int | None = None) -> InventoryAudit:
    row = InventoryAudit(sku=sku, location=location, batch_no=batch_no, delta=delta, reason=reason, actor=actor,
                         reference=reference, created_at=_now(), kind=kind, reverses=reverses)
    session.add(row)
    session.flush()
    return row


def positive_quantity(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise Refused(400, f"{what} must be a positive whole number")
    return value


@dataclass(frozen=True)
class Line:
    code: str
    quantity: int


def parse_lines(items: Any, code_field: str) -> list[Line]:
    if not isinstance(items, list) or not items or len(items) > 50:
        raise Refused(400, "items must be a list of 1 to 50 lines")
    lines = []
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get(code_field), str):
            raise Refused(400, f"every line needs a {code_field} and a quantity")
        lines.append(Line(item[code_field], positive_quantity(item.get("quantity"), "quantity")))
    return lines


def check_availability(session: Session, store: StockStore, location: str, lines: list[Line]) -> list[Priced]:
    """Every line's product exists and the location has enough sellable stock (409 if not)."""
    if not store.has_location(session, location):
        raise Refused(400, f"unknown location {location}")
    products = []
    for line in lines:
        product = store.product(session, line.code)
        if product is None:
            raise Refused(400, f"unknown product {line.code}")
        wanted = sum(other.quantity for other in lines if store.product(session, other.code) == product)
        available = store.available(session, product.sku, location)
        if wanted > available:
            raise Refused(409, f"insufficient stock for {product.sku} at {location}: {available} available")
        products.append(product)
    return products


def place_order(session: Session, store: StockStore, faults: ActiveFaults, *, channel: str, location: str,
                lines: list[Line], products: list[Priced], customer: str, reference: str) -> FlowOrder:
    """Deduct the stock of every line (audited), price the lines and book the sale in the ledger."""
    order = FlowOrder(channel=channel, location=location, customer=customer, status="placed" if channel == "checkout"
                      else "created", total_paise=0, reference=reference)
    session.add(order)
    session.flush()
    line_totals, unit_prices = [], []
    for line, product in zip(lines, products, strict=True):
        allocations = store.take(session, product.sku, location, line.quantity)
        if faults.active("checkout_deducts_twice") and channel == "checkout":
            # the page's submit handler and the order webhook both deduct
            store.take(session, product.sku, location, line.quantity)
        for allocation in allocations:
            audit(session, sku=product.sku, location=location, batch_no=allocation["batch_no"],
                  delta=-int(allocation["quantity"]), reason=f"sale order {order.id}", actor=customer,
                  reference=reference, kind="sale")
        line_total = product.price_paise * line.quantity
        line_totals.append(line_total)
        unit_prices.append(product.price_paise)
        session.add(FlowOrderLine(order_id=order.id, sku=product.sku, quantity=line.quantity, returned=0,
                                  unit_price_paise=product.price_paise, line_total_paise=line_total,
                                  allocations=json.dumps(allocations)))
    order.total_paise = sum(line_totals)
    if faults.active("order_total_ignores_quantity"):
        order.total_paise = sum(unit_prices)  # the cart summary multiplies nothing
    # the customer owes the order total; sales are the sum of the priced lines
    session.add(LedgerEntry(order_id=order.id, account="receivable", debit_paise=order.total_paise,
                            credit_paise=0, memo=f"order {order.id}"))
    session.add(LedgerEntry(order_id=order.id, account="sales", debit_paise=0, credit_paise=sum(line_totals),
                            memo=f"order {order.id}"))
    session.flush()
    return order


STATUS_FLOW = ("created", "confirmed", "packed", "shipped", "delivered")
CANCELLABLE = frozenset({"placed", "created", "confirmed", "packed"})


def advance(order: FlowOrder, status: str) -> None:
    if status not in STATUS_FLOW or order.status not in STATUS_FLOW:
        raise Refused(409, f"cannot move an order from {order.status} to {status}")
    if STATUS_FLOW.index(status) != STATUS_FLOW.index(order.status) + 1:
        raise Refused(409, f"cannot move an order from {order.status} to {status}")
    order.status = status


def restock(session: Session, store: StockStore, faults: ActiveFaults, order: FlowOrder, line: FlowOrderLine,
            quantity: int, *, reason: str, actor: str) -> None:
    """Put ``quantity`` of a line back into the batches it came from (latest allocation first)."""
    allocations, left = [], quantity
    for allocation in reversed(json.loads(line.allocations)):
        # what this allocation still holds after earlier returns of the line
        taken = min(int(allocation["quantity"]), left)
        if taken:
            allocations.append({"batch_no": allocation["batch_no"], "quantity": taken})
            left -= taken
    times = 2 if faults.active("return_restocks_twice") else 1  # the refund job restocks as well
    for _ in range(times):
        store.put(session, line.sku, order.location, allocations)
    for allocation in allocations:
        audit(session, sku=line.sku, location=order.location, batch_no=allocation["batch_no"],
              delta=int(allocation["quantity"]), reason=reason, actor=actor, reference=order.reference,
              kind="restock")
    line.returned += quantity


def reverse_in_ledger(session: Session, order: FlowOrder, amount_paise: int, memo: str) -> None:
    session.add(LedgerEntry(order_id=order.id, account="sales", debit_paise=amount_paise, credit_paise=0, memo=memo))
    session.add(LedgerEntry(order_id=order.id, account="receivable", debit_paise=0, credit_paise=amount_paise,
                            memo=memo))


def cancel(session: Session, store: StockStore, faults: ActiveFaults, order: FlowOrder, actor: str) -> None:
    if order.status not in CANCELLABLE:
        raise Refused(409, f"an order that is {order.status} cannot be cancelled")
    refund = 0
    for line in session.scalars(select(FlowOrderLine).where(FlowOrderLine.order_id == order.id)):
        open_quantity = line.quantity - line.returned
        if open_quantity:
            restock(session, store, faults, order, line, open_quantity, reason=f"cancel order {order.id}", actor=actor)
            refund += open_quantity * line.unit_price_paise
    reverse_in_ledger(session, order, refund, f"cancel order {order.id}")
    order.status = "cancelled"


def return_lines(session: Session, store: StockStore, faults: ActiveFaults, order: FlowOrder, lines: list[Line],
                 actor: str) -> None:
    if order.status == "cancelled":
        raise Refused(409, "a cancelled order has nothing to return")
    order_lines = {line.sku: line for line in
                   session.scalars(select(FlowOrderLine).where(FlowOrderLine.order_id == order.id))}
    refund = 0
    for wanted in lines:
        product = store.product(session, wanted.code)
        line = order_lines.get(product.sku) if product else None
        if line is None or wanted.quantity > line.quantity - line.returned:
            raise Refused(409, f"{wanted.code}: more returned than sold")
        restock(session, store, faults, order, line, wanted.quantity, reason=f"return order {order.id}", actor=actor)
        refund += wanted.quantity * line.unit_price_paise
    reverse_in_ledger(session, order, refund, f"return order {order.id}")
    if all(line.returned == line.quantity for line in order_lines.values()):
        order.status = "returned"


#: the stock changes a reversal compensates; sales and restocks are undone through their order
REVERSIBLE = ("adjustment", "inward", "transfer")


class StockChanges(Protocol):
    def change_row(self, session: Session, row: InventoryAudit, delta: int) -> int: ...


def reversible(reference: str) -> Any:
    """The audit rows of ``reference`` a reversal still has to compensate."""
    reversed_ids = select(InventoryAudit.reverses).where(InventoryAudit.reverses.is_not(None))
    return select(InventoryAudit).where(InventoryAudit.reference == reference, InventoryAudit.kind.in_(REVERSIBLE),
                                        InventoryAudit.id.not_in(reversed_ids)).order_by(InventoryAudit.id.desc())


def reverse(session: Session, changes: StockChanges, reference: str, actor: str) -> list[InventoryAudit]:
    """The compensating request: every adjustment, receipt and transfer booked under ``reference``
    is reversed by a row naming its audit id, newest first. Each is reversed exactly once (a second
    call finds nothing left, so a replayed undo never reverses twice); a reversal that would take
    stock below zero (the units moved on since) is refused whole."""
    done = []
    for row in session.scalars(reversible(reference)).all():
        if changes.change_row(session, row, -row.delta) < 0:
            raise Refused(409, f"reversing audit row {row.id} would make {row.sku} at {row.location} negative")
        done.append(audit(session, sku=row.sku, location=row.location, batch_no=row.batch_no, delta=-row.delta,
                          reason=f"reversal of audit row {row.id}", actor=actor, reference=reference,
                          kind="reversal", reverses=row.id))
    return done


def batch_totals(session: Session) -> list[dict[str, Any]]:
    """Arogya's on-hand summary per product and entity (what the stock screen shows)."""
    rows = session.execute(select(InventoryBatch.sku, InventoryBatch.entity_code, func.sum(InventoryBatch.quantity))
                           .group_by(InventoryBatch.sku, InventoryBatch.entity_code)
                           .order_by(InventoryBatch.sku, InventoryBatch.entity_code))
    return [{"sku": sku, "entity_code": entity, "on_hand": int(total or 0)} for sku, entity, total in rows]
