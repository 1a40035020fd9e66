"""Arogya's master data and opening batch stock: entities, products, batches (runbook S1/S2).

Seeded at start-up for the arogya flavor (sandbox.db calls ``seed_inventory``). Dates are relative
to the start day, so healthy stock never expires. A fault changes the seed like a bad upload would.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Boolean, Integer, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from sandbox.db import Base
from sandbox.faults import ActiveFaults


class InventoryEntity(Base):
    __tablename__ = "arogya_entities"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(128))
    kind: Mapped[str] = mapped_column(String(24))  # warehouse, franchise_store, dealer, vendor, manufacturer

    def as_json(self) -> dict[str, Any]:
        return {"code": self.code, "name": self.name, "type": self.kind}


class InventoryProduct(Base):
    # no unique SKU constraint: the duplicate_sku fault is a master-data defect the API must show
    __tablename__ = "arogya_products"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    sku: Mapped[str] = mapped_column(String(32), index=True)
    gtin: Mapped[str] = mapped_column(String(14))
    name: Mapped[str] = mapped_column(String(128))
    hsn: Mapped[str] = mapped_column(String(8))
    tax_rate: Mapped[int] = mapped_column(Integer)  # GST percent
    price_paise: Mapped[int] = mapped_column(Integer)
    sellable: Mapped[bool] = mapped_column(Boolean, default=True)
    # a code of the category master (sandbox/arogya_commercial.py seeds it right after this table)
    category: Mapped[str | None] = mapped_column(String(24), nullable=True)

    def as_json(self) -> dict[str, Any]:
        return {"sku": self.sku, "gtin": self.gtin, "name": self.name, "hsn": self.hsn,
                "tax_rate": self.tax_rate, "price": self.price_paise / 100, "sellable": self.sellable,
                "category": self.category}


class InventoryBatch(Base):
    __tablename__ = "arogya_batches"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    entity_code: Mapped[str] = mapped_column(String(16))
    sku: Mapped[str] = mapped_column(String(32))
    batch_no: Mapped[str] = mapped_column(String(32))
    mfg_date: Mapped[str | None] = mapped_column(String(10), nullable=True)  # ISO dates
    expiry_date: Mapped[str | None] = mapped_column(String(10), nullable=True)
    quantity: Mapped[int] = mapped_column(Integer)
    cost_price_paise: Mapped[int] = mapped_column(Integer)
    qc_status: Mapped[str] = mapped_column(String(16))  # approved, pending, rejected
    coa_file: Mapped[str] = mapped_column(String(128))

    def as_json(self) -> dict[str, Any]:
        return {"entity_code": self.entity_code, "sku": self.sku, "batch_no": self.batch_no,
                "mfg_date": self.mfg_date, "expiry_date": self.expiry_date, "quantity": self.quantity,
                "cost_price": self.cost_price_paise / 100, "qc_status": self.qc_status,
                "coa_file": self.coa_file, "coa_url": f"/files/coa/{self.coa_file}"}


ENTITIES = (
    ("WH-BLR", "Bengaluru central warehouse", "warehouse"),
    ("WH-DEL", "Delhi warehouse", "warehouse"),
    ("FR-KOR", "Koramangala franchise store", "franchise_store"),
    ("FR-IND", "Indiranagar franchise store", "franchise_store"),
    ("DL-MYS", "Mysuru dealer", "dealer"),
    ("VN-HRB", "Himalaya Herbs supplies (vendor)", "vendor"),
    ("MF-AAP", "Arogya Amritam pharmacy (manufacturer)", "manufacturer"),
)
# sku, gtin (GTIN-13 with a valid GS1 check digit, India 890), name, hsn, GST %, price paise
PRODUCTS = (
    ("AA-ASH-250", "8907654321012", "Ashwagandha Churna 250 g", "30049011", 12, 24900),
    ("AA-TUL-100", "8907654321029", "Tulsi Drops 100 ml", "30049011", 12, 18500),
    ("AA-CHY-500", "8907654321036", "Chyawanprash 500 g", "21069099", 18, 32000),
    ("AA-TRI-060", "8907654321043", "Triphala Tablets x60", "30049011", 12, 14000),
)


def _day(today: date, days: int) -> str:
    return (today + timedelta(days=days)).isoformat()


def seed_inventory(session: Session, faults: ActiveFaults, today: date | None = None) -> None:
    """The healthy opening stock: two approved, unexpired batches per product; faults spoil it."""
    if session.scalar(select(InventoryProduct.id).limit(1)) is not None:
        return  # a persistent database keeps what it has
    today = today or datetime.now(UTC).date()
    session.add_all(InventoryEntity(code=c, name=n, kind=k) for c, n, k in ENTITIES)
    products = [dict(sku=s, gtin=g, name=n, hsn=h, tax_rate=t, price_paise=p) for s, g, n, h, t, p in PRODUCTS]
    if faults.active("duplicate_sku"):
        # a second product master row re-uses an existing SKU (a re-import with a new GTIN)
        products.append(dict(sku="AA-TUL-100", gtin="8907654321050", name="Tulsi Drops 100 ml (new pack)",
                             hsn="30049011", tax_rate=12, price_paise=19000))
    session.add_all(InventoryProduct(sellable=True, **p) for p in products)
    batches = []
    for index, (sku, *_rest) in enumerate(PRODUCTS):
        for entity, offset in (("WH-BLR", 0), ("FR-KOR", 30)):
            batches.append(dict(entity_code=entity, sku=sku, batch_no=f"B{index + 1:02d}{offset // 30 + 1}",
                                mfg_date=_day(today, -90 + offset), expiry_date=_day(today, 540 + offset),
                                quantity=120 - offset, cost_price_paise=9000 + 1000 * index, qc_status="approved",
                                coa_file=f"coa-{sku.lower()}-{offset // 30 + 1}.pdf"))
    if faults.active("batch_missing_expiry"):
        batches[0]["expiry_date"] = None  # uploaded without the expiry column
    if faults.active("batch_qc_pending_on_sale"):
        for batch in batches:
            if batch["sku"] == "AA-TUL-100":
                batch["qc_status"] = "pending"  # on sale, but QC never approved its stock
    if faults.active("stock_all_expired"):
        for batch in batches:
            if batch["sku"] == "AA-CHY-500":  # only last season's stock was uploaded
                batch["mfg_date"], batch["expiry_date"] = _day(today, -800), _day(today, -30)
    session.add_all(InventoryBatch(**b) for b in batches)
