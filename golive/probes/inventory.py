"""Inventory initialization (a staged runbook's S1/S2): master data and opening batch stock.

Pure functions over the JSON the target lists (products, batches): duplicate SKUs/GTINs, batches
without the fields FEFO needs, sellable products without QC-approved unexpired stock.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from golive.probes.findings import Finding

Record = dict[str, Any]
BATCH_FIELDS = ("mfg_date", "expiry_date", "quantity", "cost_price")


def _date(value: Any) -> date | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _label(batch: Record) -> str:
    return f"batch {batch.get('batch_no')!r} of {batch.get('sku')!r} at {batch.get('entity_code')!r}"


def duplicate_identifiers(products: list[Record]) -> list[Finding]:
    """No two products share a SKU or a GTIN (empty GTINs are not identifiers)."""
    findings = []
    for field in ("sku", "gtin"):
        seen: dict[str, int] = defaultdict(int)
        for product in products:
            value = product.get(field)
            if value not in (None, ""):
                seen[str(value).strip().upper()] += 1
        for value, count in sorted(seen.items()):
            if count > 1:
                findings.append(Finding(f"duplicate-{field}", f"each {field} on exactly one product",
                                        f"{field} {value!r} on {count} products",
                                        f"merge or re-code the products sharing {field} {value!r}"))
    return findings


def incomplete_batches(batches: list[Record]) -> list[Finding]:
    """Every batch has mfg date < expiry date, a quantity >= 0 and a cost price >= 0."""
    findings = []
    for batch in batches:
        missing = [f for f in BATCH_FIELDS if batch.get(f) in (None, "")]
        if missing:
            findings.append(Finding("batch-field-missing", f"{_label(batch)} with {', '.join(BATCH_FIELDS)}",
                                    f"no {', '.join(missing)}", "complete the batch in the opening stock upload"))
            continue
        mfg, expiry = _date(batch["mfg_date"]), _date(batch["expiry_date"])
        if mfg is None or expiry is None or mfg >= expiry:
            findings.append(Finding("batch-dates-invalid", f"{_label(batch)}: ISO dates, mfg before expiry",
                                    f"mfg {batch['mfg_date']!r}, expiry {batch['expiry_date']!r}",
                                    "correct the batch's manufacturing and expiry dates"))
        for field in ("quantity", "cost_price"):
            value = batch[field]
            if not isinstance(value, int | float) or isinstance(value, bool) or value < 0:
                findings.append(Finding(f"batch-{field.replace('_', '-')}-invalid",
                                        f"{_label(batch)}: {field} a number >= 0", f"{value!r}",
                                        f"set the batch's {field}"))
    return findings


def _sellable(products: list[Record]) -> list[Record]:
    return [p for p in products if p.get("sellable", True)]


def _usable(batch: Record, today: date) -> bool:
    expiry = _date(batch.get("expiry_date"))
    quantity = batch.get("quantity")
    return expiry is not None and expiry > today and isinstance(quantity, int | float) and quantity > 0


def qc_misaligned(products: list[Record], batches: list[Record], today: date) -> list[Finding]:
    """Every sellable product has unexpired stock whose QC status is approved; QC status is one of
    approved/pending/rejected and every batch names its COA/lab report."""
    findings = []
    for batch in batches:
        if batch.get("qc_status") not in ("approved", "pending", "rejected"):
            findings.append(Finding("batch-qc-status-unknown", f"{_label(batch)}: QC approved, pending or rejected",
                                    f"{batch.get('qc_status')!r}", "set the batch's QC status"))
        if not batch.get("coa_file"):
            findings.append(Finding("batch-coa-missing", f"{_label(batch)}: a COA/lab report file",
                                    "none", "upload the batch's COA/lab report"))
    for product in _sellable(products):
        sku = product.get("sku")
        stock = [b for b in batches if b.get("sku") == sku and _usable(b, today)]
        if stock and not any(b.get("qc_status") == "approved" for b in stock):
            statuses = sorted({str(b.get("qc_status")) for b in stock})
            findings.append(Finding("sellable-without-approved-stock",
                                    f"sellable product {sku!r}: unexpired stock with QC approved",
                                    f"its unexpired batches are QC {', '.join(statuses)}",
                                    "approve QC (with its COA) or take the product off sale"))
    return findings


def fefo_not_ready(products: list[Record], batches: list[Record], today: date) -> list[Finding]:
    """FEFO can allocate: every sellable product has non-expired stock with quantity > 0."""
    findings = []
    for product in _sellable(products):
        sku = product.get("sku")
        own = [b for b in batches if b.get("sku") == sku]
        if not any(_usable(b, today) for b in own):
            found = f"{len(own)} batch(es), none unexpired with stock" if own else "no batches"
            findings.append(Finding("no-unexpired-stock", f"sellable product {sku!r}: non-expired stock to sell",
                                    found, "upload fresh opening stock or take the product off sale"))
    return findings
