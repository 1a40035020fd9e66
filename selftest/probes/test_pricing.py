"""golive.probes.pricing against fixed vectors: slab contiguity, credit terms, quote math against the
approved sheet, settlement balance and GST totals per HSN rate."""

from __future__ import annotations

from golive.probes.findings import names
from golive.probes.pricing import (
    invoice_tax_mismatches,
    missing_credit_terms,
    paise,
    quote_deviation,
    settlement_imbalance,
    slab_tier_problems,
)


def tiers(*bounds: tuple[int, int | None], entity_type: str = "dealer", sku: str = "A") -> list[dict]:
    return [{"entity_type": entity_type, "sku": sku, "min_qty": low, "max_qty": high, "unit_price": 10.5}
            for low, high in bounds]


def test_paise():
    assert paise(174.3) == 17430 and paise("2912.04") == 291204 and paise(5) == 500
    assert paise(0.001) is None and paise(True) is None and paise(None) is None and paise("x") is None


def test_contiguous_slabs_pass():
    slabs = tiers((1, 99), (100, 499), (500, None)) + tiers((1, 49), (50, None), entity_type="franchise_store")
    assert slab_tier_problems(slabs, ["A"], ["dealer", "franchise_store"]) == []


def test_slab_gaps_overlaps_and_holes():
    assert names(slab_tier_problems(tiers((1, 99), (101, 499), (500, None)), ["A"], ["dealer"])) == ["slab-tier-gap"]
    assert names(slab_tier_problems(tiers((1, 199), (150, None)), ["A"], ["dealer"])) == ["slab-tier-overlap"]
    assert names(slab_tier_problems(tiers((2, None)), ["A"], ["dealer"])) == ["slab-tier-gap"]
    assert names(slab_tier_problems(tiers((1, None), (100, None)), ["A"], ["dealer"])) == ["slab-tier-overlap"]
    assert names(slab_tier_problems(tiers((1, 99), (100, 499)), ["A"], ["dealer"])) == ["slab-top-tier-closed"]
    assert names(slab_tier_problems(tiers((1, None)), ["A", "B"], ["dealer", "franchise_store"])) == [
        "slab-tiers-missing"] * 3
    assert names(slab_tier_problems(tiers((1, "x")), ["A"], ["dealer"])) == ["slab-tier-bounds-invalid"]  # type: ignore[arg-type]
    free = [{**tiers((1, None))[0], "unit_price": 0}]
    assert names(slab_tier_problems(free, ["A"], ["dealer"])) == ["slab-price-invalid"]


def test_credit_terms():
    entities = [{"code": "DL-1", "type": "dealer"}, {"code": "FR-1", "type": "franchise_store"},
                {"code": "VN-1", "type": "vendor"}]
    terms = [{"entity_code": "DL-1", "credit_limit": 100000.0, "terms_days": 45},
             {"entity_code": "FR-1", "credit_limit": 50000, "terms_days": 30}]
    assert missing_credit_terms(entities, terms, ["dealer", "franchise_store"]) == []
    broken = [{"entity_code": "DL-1", "credit_limit": 100000.0, "terms_days": None},
              {"entity_code": "FR-1", "credit_limit": 0, "terms_days": 30}]
    assert names(missing_credit_terms(entities, broken, ["dealer", "franchise_store"])) == [
        "credit-terms-days-missing", "credit-limit-missing"]
    assert names(missing_credit_terms(entities, terms[:1], ["dealer", "franchise_store"])) == ["credit-terms-missing"]


def test_quote_deviation():
    sample = {"entity_code": "DL-MYS", "sku": "AA-ASH-250", "quantity": 100, "unit_price": "174.30"}
    assert quote_deviation(sample, {"unit_price": 174.3, "amount": 17430.0}) == []
    assert names(quote_deviation(sample, {"unit_price": 186.75, "amount": 18675.0})) == [
        "quote-unit-price-deviates", "quote-amount-deviates"]
    assert names(quote_deviation(sample, {"unit_price": 174.3, "amount": 17430.01})) == ["quote-amount-deviates"]
    assert names(quote_deviation(sample, {})) == ["quote-unit-price-deviates", "quote-amount-deviates"]


DRAFT = {"entity_code": "FR-KOR", "entity_type": "franchise_store", "period": "2026-10",
         "orders": [{"order_no": "1", "amount": 12450.0}, {"order_no": "2", "amount": 8930.5},
                    {"order_no": "3", "amount": 15020.0}],
         "gross_sales": 36400.5, "royalty_rate_percent": 8.0, "royalty": 2912.04, "net_payable": 33488.46}
RULES = [{"entity_type": "franchise_store", "rate_percent": 8.0}, {"entity_type": "dealer", "rate_percent": 3.0}]


def test_settlement_balances():
    assert settlement_imbalance(DRAFT, RULES) == []
    # 7 % instead of 8 %: 2548.035 rounds half up to 2548.04
    stale = {**DRAFT, "royalty_rate_percent": 7.0, "royalty": 2548.04, "net_payable": 33852.46}
    assert names(settlement_imbalance(stale, RULES)) == ["settlement-royalty-off", "settlement-net-off"]
    assert names(settlement_imbalance({**DRAFT, "gross_sales": 36000.0}, RULES)) == [
        "settlement-gross-differs-from-orders"]
    assert names(settlement_imbalance({**DRAFT, "orders": []}, RULES)) == ["settlement-without-orders"]
    assert names(settlement_imbalance(DRAFT, RULES[1:])) == ["royalty-rule-missing"]


def line(hsn: str, rate: int, tax: float) -> dict:
    return {"hsn": hsn, "tax_rate": rate, "tax_amount": tax}


def test_invoice_tax_totals_per_hsn_rate():
    # 597.60 and 199.20 taxable at 12 %: line taxes 71.71 + 23.90 = 95.61, but 12 % of 796.80 is 95.62
    invoice = {"number": "INV-1", "lines": [line("30049011", 12, 71.71), line("30049011", 12, 23.9),
                                             line("21069099", 18, 92.16)],
               "tax_summary": [{"hsn": "30049011", "tax_rate": 12, "tax_amount": 95.61},
                               {"hsn": "21069099", "tax_rate": 18, "tax_amount": 92.16}],
               "total_tax": 187.77}
    assert invoice_tax_mismatches([invoice]) == []
    rounded_on_total = {**invoice, "tax_summary": [{"hsn": "30049011", "tax_rate": 12, "tax_amount": 95.62},
                                                   invoice["tax_summary"][1]]}
    assert names(invoice_tax_mismatches([rounded_on_total])) == ["invoice-tax-total-mismatch"]
    assert names(invoice_tax_mismatches([{**invoice, "total_tax": 187.78}])) == ["invoice-total-tax-mismatch"]
    missing_row = {**invoice, "tax_summary": invoice["tax_summary"][:1]}
    assert names(invoice_tax_mismatches([missing_row])) == ["invoice-tax-total-mismatch"]
