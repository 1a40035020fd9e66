"""golive.probes.master_data against fixed vectors: entity, category, product and user master data,
the runbook's loading sequence, the aging report and COA file responses."""

from __future__ import annotations

from golive.probes.findings import names
from golive.probes.master_data import (
    aging_mismatches,
    coa_file_problem,
    gtin_check_digit_valid,
    incomplete_products,
    missing_entity_codes,
    missing_entity_types,
    orphan_categories,
    sequence_breaks,
    unmapped_users,
)

ENTITIES = [{"code": "WH-BLR", "type": "warehouse"}, {"code": "FR-KOR", "type": "franchise_store"},
            {"code": "DL-MYS", "type": "dealer"}]
PRODUCT = {"sku": "AA-ASH-250", "gtin": "8907654321012", "name": "Ashwagandha", "hsn": "30049011",
           "tax_rate": 12, "price": 249.0, "category": "CHURNA"}
CATEGORIES = [{"code": "CHURNA", "name": "Churnas"}]


def test_entity_types_and_codes():
    assert missing_entity_types(ENTITIES, ["warehouse", "dealer"]) == []
    assert names(missing_entity_types(ENTITIES, ["warehouse", "manufacturer", "vendor"])) == [
        "entity-type-missing", "entity-type-missing"]
    assert missing_entity_codes(ENTITIES, ["WH-BLR", "DL-MYS"]) == []
    [finding] = missing_entity_codes(ENTITIES, ["WH-BLR", "MF-AAP"])
    assert finding.name == "entity-code-missing" and "MF-AAP" in finding.found


def test_categories():
    assert orphan_categories([PRODUCT], CATEGORIES) == []
    assert names(orphan_categories([PRODUCT], [])) == ["category-master-empty"]
    assert names(orphan_categories([{**PRODUCT, "category": "WELLNESS"}, {**PRODUCT, "category": None}],
                                   CATEGORIES)) == ["product-category-unknown"] * 2


def test_gtin_check_digits():
    # GS1's worked GTIN-13 example, a GTIN-8, a GTIN-12 (UPC-A) and a GTIN-14
    for valid in ("4006381333931", "96385074", "036000291452", "10614141000415", "8907654321012", "8907654321029"):
        assert gtin_check_digit_valid(valid), valid
    for invalid in ("4006381333932", "8907654321026", "890765432101", "89076543210A8", ""):
        assert not gtin_check_digit_valid(invalid), invalid


def test_incomplete_products():
    assert incomplete_products([PRODUCT, {**PRODUCT, "gtin": ""}]) == []
    broken = [{**PRODUCT, "hsn": ""}, {**PRODUCT, "hsn": "3004901"}, {**PRODUCT, "gtin": "8907654321026"},
              {**PRODUCT, "price": 0}, {**PRODUCT, "tax_rate": 13}, {**PRODUCT, "tax_rate": True},
              {**PRODUCT, "sku": ""}]
    assert names(incomplete_products(broken)) == [
        "product-hsn-invalid", "product-hsn-invalid", "product-gtin-invalid", "product-price-invalid",
        "product-tax-rate-invalid", "product-tax-rate-invalid", "product-sku-missing"]


def test_unmapped_users():
    users = [{"email": "a@x", "role": "cashier", "entity_code": "FR-KOR"},
             {"email": "fin@x", "role": "finance", "entity_code": None}]
    assert unmapped_users(users, ENTITIES, ["cashier"]) == []
    users += [{"email": "b@x", "role": "cashier", "entity_code": "FR-HSR"},
              {"email": "c@x", "role": "cashier", "entity_code": ""}]
    assert names(unmapped_users(users, ENTITIES, ["cashier"])) == ["user-entity-unknown", "user-entity-missing"]


def test_sequence_breaks():
    users = [{"role": "cashier", "entity_code": "FR-KOR"}, {"role": "finance", "entity_code": None}]
    batches = [{"sku": "AA-ASH-250", "entity_code": "WH-BLR"}]
    slabs = [{"sku": "AA-ASH-250", "entity_type": "dealer"}]
    assert sequence_breaks(ENTITIES, CATEGORIES, [PRODUCT], users, batches, slabs) == []
    broken = sequence_breaks(ENTITIES, CATEGORIES, [{**PRODUCT, "category": "WELLNESS"}],
                             users + [{"role": "cashier", "entity_code": "FR-HSR"}],
                             batches + [{"sku": "AA-GIL-200", "entity_code": "WH-XYZ"}],
                             slabs + [{"sku": "AA-GIL-200", "entity_type": "distributor"}])
    assert names(broken) == ["products-reference-categories", "users-reference-entities",
                             "batches-reference-entities", "batches-reference-products",
                             "slab-prices-reference-products", "slab-prices-reference-entity-types"]


def test_aging_mismatches():
    batches = [{"sku": "A", "quantity": 120}, {"sku": "A", "quantity": 90}, {"sku": "B", "quantity": 5}]
    good = [{"sku": "A", "stock_on_hand": 210, "buckets": {"expired": 0, "over_365_days": 210}},
            {"sku": "B", "stock_on_hand": 5, "buckets": {"expired": 5, "over_365_days": 0}}]
    assert aging_mismatches(good, batches) == []
    assert names(aging_mismatches([{**good[0], "buckets": {"expired": 0}}, good[1]], batches)) == [
        "aging-buckets-not-summing"]
    assert names(aging_mismatches([{"sku": "A", "stock_on_hand": 200, "buckets": {"x": 200}}, good[1]], batches)) == [
        "aging-stock-differs-from-batches"]
    assert names(aging_mismatches(good[:1], batches)) == ["aging-product-missing"]
    assert names(aging_mismatches([{**good[0], "buckets": {"x": None}}, good[1]], batches)) == [
        "aging-buckets-not-summing"]


def test_coa_file_problem():
    url = "https://files.example/coa-1.pdf"
    assert coa_file_problem(url, 200, "application/pdf", b"%PDF-1.4\n") is None
    assert coa_file_problem(url, 200, "application/pdf; charset=binary", b"%PDF-1.7") is None
    assert coa_file_problem(url, 404, "application/xml", b"<Error>").name == "coa-file-unavailable"  # type: ignore[union-attr]
    assert coa_file_problem(url, 200, "text/html", b"<!doctype").name == "coa-file-wrong-content-type"  # type: ignore[union-attr]
    assert coa_file_problem(url, 200, "application/pdf", b"<html>").name == "coa-file-not-pdf"  # type: ignore[union-attr]
