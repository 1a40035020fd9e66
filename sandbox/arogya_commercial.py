"""Arogya's commercial master data and finance documents (runbook S1, S2 evidence, S3).

Tables on ``sandbox.db.Base``: categories, operational users with their entity codes, slab price
tiers per entity type, credit limits and terms, royalty rules, settlement-period sales and invoices.
``seed_commercial`` runs right after ``seed_inventory`` (same session). The reports a finance team
reads (aging, quotes, settlement drafts, invoice tax summaries) are computed on request from these
tables and the batches, so a fault can break the data (a bad upload) or the computation (a bug).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import Integer, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from sandbox.arogya_models import InventoryBatch, InventoryEntity, InventoryProduct
from sandbox.db import Base
from sandbox.faults import ActiveFaults


class Category(Base):
    __tablename__ = "arogya_categories"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(24), unique=True)
    name: Mapped[str] = mapped_column(String(128))

    def as_json(self) -> dict[str, Any]:
        return {"code": self.code, "name": self.name}


class OperationalUser(Base):
    __tablename__ = "arogya_users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    email: Mapped[str] = mapped_column(String(128), unique=True)
    role: Mapped[str] = mapped_column(String(32))
    entity_code: Mapped[str | None] = mapped_column(String(16), nullable=True)  # head-office roles have none

    def as_json(self) -> dict[str, Any]:
        return {"email": self.email, "role": self.role, "entity_code": self.entity_code}


class SlabPrice(Base):
    __tablename__ = "arogya_slab_prices"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    entity_type: Mapped[str] = mapped_column(String(24))
    sku: Mapped[str] = mapped_column(String(32))
    min_qty: Mapped[int] = mapped_column(Integer)
    max_qty: Mapped[int | None] = mapped_column(Integer, nullable=True)  # None: open-ended top tier
    unit_price_paise: Mapped[int] = mapped_column(Integer)

    def as_json(self) -> dict[str, Any]:
        return {"entity_type": self.entity_type, "sku": self.sku, "min_qty": self.min_qty,
                "max_qty": self.max_qty, "unit_price": self.unit_price_paise / 100}


class CreditTerm(Base):
    __tablename__ = "arogya_credit_terms"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    entity_code: Mapped[str] = mapped_column(String(16), unique=True)
    credit_limit_paise: Mapped[int | None] = mapped_column(Integer, nullable=True)
    terms_days: Mapped[int | None] = mapped_column(Integer, nullable=True)

    def as_json(self) -> dict[str, Any]:
        limit = None if self.credit_limit_paise is None else self.credit_limit_paise / 100
        return {"entity_code": self.entity_code, "credit_limit": limit, "terms_days": self.terms_days}


class RoyaltyRule(Base):
    __tablename__ = "arogya_royalty_rules"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    entity_type: Mapped[str] = mapped_column(String(24), unique=True)
    rate_basis_points: Mapped[int] = mapped_column(Integer)  # 800 = 8 % of gross sales

    def as_json(self) -> dict[str, Any]:
        return {"entity_type": self.entity_type, "rate_percent": self.rate_basis_points / 100}


class SettlementSale(Base):
    """A completed order of a franchise store or dealer, counted in its period's settlement."""

    __tablename__ = "arogya_settlement_sales"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    entity_code: Mapped[str] = mapped_column(String(16))
    period: Mapped[str] = mapped_column(String(7))  # YYYY-MM
    order_no: Mapped[str] = mapped_column(String(32))
    amount_paise: Mapped[int] = mapped_column(Integer)


class InvoiceLine(Base):
    __tablename__ = "arogya_invoice_lines"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    invoice_no: Mapped[str] = mapped_column(String(32))
    entity_code: Mapped[str] = mapped_column(String(16))
    sku: Mapped[str] = mapped_column(String(32))
    batch_no: Mapped[str] = mapped_column(String(32))
    quantity: Mapped[int] = mapped_column(Integer)
    unit_price_paise: Mapped[int] = mapped_column(Integer)


CATEGORIES = (
    ("CHURNA", "Churnas and powders"),
    ("DROPS", "Drops and tinctures"),
    ("RASAYANA", "Rasayanas and jams"),
    ("TABLETS", "Tablets and vati"),
)
CATEGORY_OF_SKU = {"AA-ASH-250": "CHURNA", "AA-TUL-100": "DROPS", "AA-CHY-500": "RASAYANA", "AA-TRI-060": "TABLETS"}
USERS = (  # email, role, entity code (None: head office)
    ("finance@arogya.sandbox.test", "finance", None),
    ("wh.blr@arogya.sandbox.test", "warehouse_manager", "WH-BLR"),
    ("wh.del@arogya.sandbox.test", "warehouse_manager", "WH-DEL"),
    ("kor.manager@arogya.sandbox.test", "store_manager", "FR-KOR"),
    ("kor.cashier@arogya.sandbox.test", "cashier", "FR-KOR"),
    ("ind.cashier@arogya.sandbox.test", "cashier", "FR-IND"),
    ("mysuru@arogya.sandbox.test", "dealer_admin", "DL-MYS"),
)
# entity type -> (min qty, max qty or None, percent of MRP): quantity tiers of the approved sheet
SLAB_TIERS = {
    "franchise_store": ((1, 49, 80), (50, 199, 76), (200, None, 72)),
    "dealer": ((1, 99, 75), (100, 499, 70), (500, None, 66)),
}
CREDIT_TERMS = (("FR-KOR", 500_000_00, 30), ("FR-IND", 300_000_00, 30), ("DL-MYS", 1_000_000_00, 45))
ROYALTY_BASIS_POINTS = {"franchise_store": 800, "dealer": 300}
#: the royalty rate the settlement job used before the franchise agreement's revision
STALE_FRANCHISE_ROYALTY_BASIS_POINTS = 700
SETTLEMENT_PERIOD = "2026-10"
SALES = (
    ("FR-KOR", "SO-2610-0001", 12_450_00), ("FR-KOR", "SO-2610-0002", 8_930_50),
    ("FR-KOR", "SO-2610-0003", 15_020_00), ("FR-IND", "SO-2610-0004", 6_410_25),
    ("FR-IND", "SO-2610-0005", 9_999_99), ("DL-MYS", "SO-2610-0006", 48_300_00),
)
# invoice, entity, sku, batch, quantity, unit price paise (the franchise tier-1 price, 80 % of MRP):
# two batches of one product on one invoice, as FEFO picks them
INVOICE_LINES = (
    ("INV-2610-0001", "FR-KOR", "AA-ASH-250", "B011", 3, 19920),
    ("INV-2610-0001", "FR-KOR", "AA-ASH-250", "B012", 1, 19920),
    ("INV-2610-0001", "FR-KOR", "AA-CHY-500", "B031", 2, 25600),
    ("INV-2610-0002", "DL-MYS", "AA-TUL-100", "B021", 120, 12950),
    ("INV-2610-0002", "DL-MYS", "AA-TRI-060", "B041", 7, 10500),
)
AGING_BUCKETS = ("expired", "0_90_days", "91_180_days", "181_365_days", "over_365_days")
#: a minimal, valid one-page PDF: what the storage bucket holds for each COA
COA_PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
           b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
           b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
           b"trailer<</Root 1 0 R>>\n%%EOF\n")


def _round_paise(value: Decimal) -> int:
    """GST is rounded half up to the paisa."""
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def seed_commercial(session: Session, faults: ActiveFaults) -> None:
    """The healthy commercial setup; each fault spoils it like a bad upload would."""
    if session.scalar(select(Category.id).limit(1)) is not None:
        return  # a persistent database keeps what it has
    session.flush()  # the inventory seed's rows, so they can be corrected below
    session.add_all(Category(code=code, name=name) for code, name in CATEGORIES)
    products = {p.sku: p for p in session.scalars(select(InventoryProduct))}
    for sku, product in products.items():
        product.category = CATEGORY_OF_SKU.get(sku)
    if faults.active("product_category_orphan") and "AA-CHY-500" in products:
        products["AA-CHY-500"].category = "WELLNESS"  # the legacy system's category, never created here
    if faults.active("product_missing_hsn") and "AA-TRI-060" in products:
        products["AA-TRI-060"].hsn = ""  # the HSN column was empty in the product sheet
    if faults.active("product_gtin_bad_check_digit") and "AA-TUL-100" in products:
        products["AA-TUL-100"].gtin = "8907654321026"  # a typo in the last digit
    if faults.active("entity_type_missing"):
        for entity in session.scalars(select(InventoryEntity).where(InventoryEntity.kind == "manufacturer")):
            session.delete(entity)  # the manufacturer sheet was never loaded
    if faults.active("batch_unknown_product"):
        # opening stock uploaded for a product the product master does not have yet
        session.add(InventoryBatch(entity_code="WH-BLR", sku="AA-GIL-200", batch_no="B051", mfg_date="2026-09-01",
                                   expiry_date="2028-08-31", quantity=40, cost_price_paise=8000,
                                   qc_status="approved", coa_file="coa-aa-gil-200-1.pdf"))
    users = [list(user) for user in USERS]
    if faults.active("user_unknown_entity"):
        users[5][2] = "FR-HSR"  # a store that was planned but never created in the entity master
    session.add_all(OperationalUser(email=e, role=r, entity_code=c) for e, r, c in users)
    slabs = []
    for entity_type, tiers in SLAB_TIERS.items():
        for sku, product in products.items():
            for min_qty, max_qty, percent in tiers:
                slabs.append(dict(entity_type=entity_type, sku=sku, min_qty=min_qty, max_qty=max_qty,
                                  unit_price_paise=product.price_paise * percent // 100))
    for slab in slabs:
        if faults.active("slab_tier_gap") and (slab["entity_type"], slab["sku"], slab["min_qty"]) == (
                "dealer", "AA-ASH-250", 100):
            slab["min_qty"] = 101  # nobody priced exactly 100 units
        if faults.active("slab_tier_overlap") and (slab["entity_type"], slab["sku"], slab["min_qty"]) == (
                "franchise_store", "AA-TUL-100", 200):
            slab["min_qty"] = 150  # 150-199 units now match two tiers
    session.add_all(SlabPrice(**slab) for slab in slabs)
    for code, limit, days in CREDIT_TERMS:
        if faults.active("dealer_without_credit_terms") and code == "DL-MYS":
            days = None  # the limit was loaded, the payment terms were not
        session.add(CreditTerm(entity_code=code, credit_limit_paise=limit, terms_days=days))
    session.add_all(RoyaltyRule(entity_type=t, rate_basis_points=bp) for t, bp in ROYALTY_BASIS_POINTS.items())
    session.add_all(SettlementSale(entity_code=c, period=SETTLEMENT_PERIOD, order_no=o, amount_paise=a)
                    for c, o, a in SALES)
    session.add_all(InvoiceLine(invoice_no=i, entity_code=e, sku=s, batch_no=b, quantity=q, unit_price_paise=p)
                    for i, e, s, b, q, p in INVOICE_LINES)


# --- reports, computed on request ---------------------------------------------------------------


def _entity_types(session: Session) -> dict[str, str]:
    return {e.code: e.kind for e in session.scalars(select(InventoryEntity))}


def quote(session: Session, faults: ActiveFaults, entity_code: str, sku: str, quantity: int) -> dict[str, Any] | None:
    """The slab price for ``quantity`` units of ``sku`` sold to ``entity_code``; None if nothing prices it."""
    entity_type = _entity_types(session).get(entity_code)
    product = session.scalar(select(InventoryProduct).where(InventoryProduct.sku == sku))
    if entity_type is None or product is None:
        return None
    tiers = session.scalars(select(SlabPrice).where(SlabPrice.entity_type == entity_type, SlabPrice.sku == sku)
                            .order_by(SlabPrice.min_qty)).all()

    def matches(tier: SlabPrice) -> bool:
        if faults.active("quote_tier_boundary_off_by_one"):
            lower = tier.min_qty < quantity  # the bug: a quantity on a tier's first unit gets the tier below
        else:
            lower = tier.min_qty <= quantity
        return lower and (tier.max_qty is None or quantity <= tier.max_qty)

    tier = next((t for t in tiers if matches(t)), None)
    if tier is None and faults.active("quote_tier_boundary_off_by_one"):
        # ... and, finding no tier, falls back to the nearest one below
        tier = next((t for t in reversed(tiers) if t.min_qty < quantity), None)
    if tier is None:
        return None
    amount = tier.unit_price_paise * quantity
    tax = _round_paise(Decimal(amount) * product.tax_rate / 100)
    return {"entity_code": entity_code, "entity_type": entity_type, "sku": sku, "quantity": quantity,
            "tier": {"min_qty": tier.min_qty, "max_qty": tier.max_qty},
            "unit_price": tier.unit_price_paise / 100, "amount": amount / 100,
            "tax_rate": product.tax_rate, "tax": tax / 100, "total": (amount + tax) / 100}


def settlement_draft(session: Session, faults: ActiveFaults, entity_code: str, period: str) -> dict[str, Any] | None:
    """Gross sales of the period, less the royalty of the entity's type: what is paid out."""
    entity_type = _entity_types(session).get(entity_code)
    if entity_type is None:
        return None
    rule = session.scalar(select(RoyaltyRule).where(RoyaltyRule.entity_type == entity_type))
    sales = session.scalars(select(SettlementSale).where(SettlementSale.entity_code == entity_code,
                                                         SettlementSale.period == period)
                            .order_by(SettlementSale.order_no)).all()
    rate = rule.rate_basis_points if rule else 0
    if faults.active("settlement_royalty_stale_rate") and entity_type == "franchise_store":
        rate = STALE_FRANCHISE_ROYALTY_BASIS_POINTS  # hard-coded in the job, not read from the rules
    gross = sum(sale.amount_paise for sale in sales)
    royalty = _round_paise(Decimal(gross) * rate / 10_000)
    return {"entity_code": entity_code, "entity_type": entity_type, "period": period, "status": "draft",
            "orders": [{"order_no": s.order_no, "amount": s.amount_paise / 100} for s in sales],
            "gross_sales": gross / 100, "royalty_rate_percent": rate / 100, "royalty": royalty / 100,
            "net_payable": (gross - royalty) / 100}


def invoices(session: Session, faults: ActiveFaults) -> list[dict[str, Any]]:
    """Invoices with GST per line and a tax summary per HSN and rate."""
    products = {p.sku: p for p in session.scalars(select(InventoryProduct))}
    by_invoice: dict[str, list[InvoiceLine]] = defaultdict(list)
    for line in session.scalars(select(InvoiceLine).order_by(InvoiceLine.id)):
        by_invoice[line.invoice_no].append(line)
    documents = []
    for number, lines in by_invoice.items():
        rendered = []
        summary: dict[tuple[str, int], dict[str, int]] = {}
        for line in lines:
            product = products[line.sku]
            taxable = line.quantity * line.unit_price_paise
            tax = _round_paise(Decimal(taxable) * product.tax_rate / 100)
            rendered.append({"sku": line.sku, "batch_no": line.batch_no, "hsn": product.hsn,
                             "quantity": line.quantity, "unit_price": line.unit_price_paise / 100,
                             "taxable_value": taxable / 100, "tax_rate": product.tax_rate, "tax_amount": tax / 100})
            row = summary.setdefault((product.hsn, product.tax_rate), {"taxable": 0, "tax": 0})
            row["taxable"] += taxable
            row["tax"] += tax
        if faults.active("invoice_tax_rounded_on_total"):
            # the summary re-computes GST once on the summed taxable value instead of adding line taxes
            for (_hsn, rate), row in summary.items():
                row["tax"] = _round_paise(Decimal(row["taxable"]) * rate / 100)
        tax_summary = [{"hsn": hsn, "tax_rate": rate, "taxable_value": row["taxable"] / 100,
                        "tax_amount": row["tax"] / 100} for (hsn, rate), row in summary.items()]
        total_tax = sum(row["tax"] for row in summary.values())
        taxable_total = sum(row["taxable"] for row in summary.values())
        documents.append({"number": number, "entity_code": lines[0].entity_code, "lines": rendered,
                          "tax_summary": tax_summary, "taxable_total": taxable_total / 100,
                          "total_tax": total_tax / 100, "grand_total": (taxable_total + total_tax) / 100})
    return documents


def aging_report(session: Session, faults: ActiveFaults, today: date | None = None) -> dict[str, Any]:
    """Stock on hand per product, by days left to expiry."""
    today = today or datetime.now(UTC).date()
    report: dict[str, dict[str, Any]] = {}
    for batch in session.scalars(select(InventoryBatch).order_by(InventoryBatch.id)):
        row = report.setdefault(batch.sku, {"sku": batch.sku, "stock_on_hand": 0,
                                            "buckets": {bucket: 0 for bucket in AGING_BUCKETS}})
        row["stock_on_hand"] += batch.quantity
        if not batch.expiry_date:
            continue  # a batch without expiry cannot be aged; it stays visible as unbucketed stock
        days = (date.fromisoformat(batch.expiry_date) - today).days
        if days <= 0:
            bucket = "expired"
        elif days <= 90:
            bucket = "0_90_days"
        elif days <= 180:
            bucket = "91_180_days"
        elif days <= 365:
            bucket = "181_365_days"
        elif faults.active("aging_report_drops_long_dated"):
            continue  # the report query stops at one year: long-dated stock is in no bucket
        else:
            bucket = "over_365_days"
        row["buckets"][bucket] += batch.quantity
    return {"as_of": today.isoformat(), "buckets": list(AGING_BUCKETS), "items": list(report.values())}


def coa_files(session: Session) -> set[str]:
    return set(session.scalars(select(InventoryBatch.coa_file)))
