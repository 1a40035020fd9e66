"""The inventory-initialization probes on fixed master data and batch stock (no network)."""

from __future__ import annotations

from datetime import date

from golive.probes.findings import names
from golive.probes.inventory import duplicate_identifiers, fefo_not_ready, incomplete_batches, qc_misaligned

TODAY = date(2026, 11, 21)
PRODUCTS = [{"sku": "A-1", "gtin": "8900000000017", "sellable": True},
            {"sku": "B-2", "gtin": "8900000000024", "sellable": True},
            {"sku": "C-3", "gtin": "", "sellable": False}]


def batch(sku: str = "A-1", **changes: object) -> dict[str, object]:
    healthy = {"entity_code": "WH-1", "sku": sku, "batch_no": f"{sku}-01", "mfg_date": "2026-06-01",
               "expiry_date": "2027-12-31", "quantity": 10, "cost_price": 90.5, "qc_status": "approved",
               "coa_file": f"coa-{sku}.pdf"}
    return {**healthy, **changes}


HEALTHY_BATCHES = [batch("A-1"), batch("B-2")]


def test_healthy_data_has_no_findings():
    assert duplicate_identifiers(PRODUCTS) == []
    assert incomplete_batches(HEALTHY_BATCHES) == []
    assert qc_misaligned(PRODUCTS, HEALTHY_BATCHES, TODAY) == []
    assert fefo_not_ready(PRODUCTS, HEALTHY_BATCHES, TODAY) == []


def test_duplicate_sku_and_gtin_are_found_case_insensitively_and_empty_gtins_ignored():
    products = [*PRODUCTS, {"sku": "a-1", "gtin": "8900000000024"}, {"sku": "D-4", "gtin": ""}]
    findings = duplicate_identifiers(products)
    assert names(findings) == ["duplicate-sku", "duplicate-gtin"]
    assert "'A-1' on 2 products" in findings[0].found


def test_batches_missing_fields_or_with_bad_values_are_found():
    bad = [batch(expiry_date=None), batch(cost_price=""), batch(mfg_date="2028-01-01"),
           batch(quantity=-1), batch(cost_price=True), batch(expiry_date="31/12/2027")]
    assert names(incomplete_batches(bad)) == ["batch-field-missing", "batch-field-missing", "batch-dates-invalid",
                                              "batch-quantity-invalid", "batch-cost-price-invalid",
                                              "batch-dates-invalid"]


def test_sellable_product_whose_unexpired_stock_is_not_approved_is_misaligned():
    pending = [batch("A-1", qc_status="pending"), batch("B-2")]
    assert names(qc_misaligned(PRODUCTS, pending, TODAY)) == ["sellable-without-approved-stock"]
    # one approved batch next to a pending one is aligned; a product off sale may wait for QC
    mixed = [batch("A-1", qc_status="pending"), batch("A-1", batch_no="A-1-02"), batch("B-2"),
             batch("C-3", qc_status="pending")]
    assert qc_misaligned(PRODUCTS, mixed, TODAY) == []
    # an approved but expired batch does not make pending fresh stock sellable
    expired_approved = [batch("A-1", qc_status="pending"), batch("A-1", expiry_date="2026-01-01"), batch("B-2")]
    assert names(qc_misaligned(PRODUCTS, expired_approved, TODAY)) == ["sellable-without-approved-stock"]


def test_unknown_qc_status_and_missing_coa_are_misaligned():
    assert names(qc_misaligned(PRODUCTS, [batch("A-1", qc_status="ok", coa_file=""), batch("B-2")], TODAY)) == [
        "batch-qc-status-unknown", "batch-coa-missing", "sellable-without-approved-stock"]


def test_fefo_needs_unexpired_stock_for_every_sellable_product():
    expired = [batch("A-1", expiry_date="2026-11-21"), batch("B-2", quantity=0)]
    findings = fefo_not_ready(PRODUCTS, expired, TODAY)
    assert names(findings) == ["no-unexpired-stock", "no-unexpired-stock"]
    assert "none unexpired" in findings[0].found
    assert fefo_not_ready(PRODUCTS, [batch("A-1")], TODAY)[0].found == "no batches"
