"""Commercial rules and finance setup (Arogya runbook S3), read from the running system: slab
pricing, credit terms, quotes against the approved price sheet, settlement drafts and invoice tax."""

from __future__ import annotations

from golive import check, expect, required
from golive.probes.pricing import (
    invoice_tax_mismatches,
    missing_credit_terms,
    quote_deviation,
    settlement_imbalance,
    slab_tier_problems,
)


@check("COM-SLAB-001", "Dealer and franchise slab price tiers exist and are contiguous",
       items=["arogya:S3-TASK-01"], gates=["S3"])
def test_slab_tiers_contiguous(commercial, commercial_list, inventory_list):
    slabs, url = commercial_list(commercial.slabs_path, "the slab price tiers")
    products, _ = inventory_list("products")
    skus = [str(p["sku"]) for p in products if p.get("sku") and p.get("sellable", True)]
    expect.no_findings(slab_tier_problems(slabs, skus, commercial.slab_entity_types),
                       "slab prices leave quantities unpriced or priced twice", where=f"GET {url}")


@check("COM-CREDIT-001", "Every dealer and franchise entity has a credit limit and credit terms",
       items=["arogya:S3-TASK-02"], gates=["S3"])
def test_credit_terms_set(commercial, commercial_list, inventory_list):
    terms, url = commercial_list(commercial.credit_terms_path, "the credit limits and terms")
    entities, _ = inventory_list("entities")
    buyers = [e for e in entities if e.get("type") in commercial.credit_entity_types]
    expect.true(bool(buyers), "no entity buys on credit", expected=f"entities of type {', '.join(commercial.credit_entity_types)}",
                found="none", where="the entity master", fix="create the dealer and franchise entities (runbook S1)")
    expect.no_findings(missing_credit_terms(entities, terms, commercial.credit_entity_types),
                       "entities buy on credit without a limit or terms", where=f"GET {url}")


@check("COM-PRICE-001", "Quotes match the approved price sheet", items=["arogya:S3-EXIT-01"], gates=["S3"])
def test_quotes_match_approved_sheet(commercial, commercial_read):
    path = required(commercial.quote_path, "the quote path (commercial.quote_path)")
    samples = required(commercial.approved_prices, "approved price sheet samples (commercial.approved_prices)")
    findings, asked = [], []
    for sample in samples:
        params = {"entity_code": sample.entity_code, "sku": sample.sku, "quantity": sample.quantity}
        quote, url = commercial_read(path, f"a quote for {sample.quantity} x {sample.sku}", params)
        asked.append(url)
        findings += quote_deviation(sample.model_dump(), quote if isinstance(quote, dict) else {})
    expect.no_findings(findings, "quotes deviate from the approved price sheet", where="GET " + ", ".join(asked))


@check("COM-SETTLE-001", "Settlement draft balances against its orders and royalty rules",
       items=["arogya:S3-EXIT-02"], gates=["S3"])
def test_settlement_draft_balances(commercial, commercial_read, commercial_list):
    sample = required(commercial.settlement_sample, "a settlement sample (commercial.settlement_sample)")
    rules, _ = commercial_list(commercial.royalty_rules_path, "the royalty rules")
    draft, url = commercial_read(commercial.settlement_path, "a settlement draft",
                                 {"entity_code": sample.entity_code, "period": sample.period})
    expect.true(isinstance(draft, dict), "the settlement draft is no object", expected="a JSON object",
                found=type(draft).__name__, where=f"GET {url}")
    expect.no_findings(settlement_imbalance(draft, rules), "the settlement draft does not balance", where=f"GET {url}")


@check("COM-TAX-001", "Invoice tax totals equal the sum of line taxes at each HSN rate",
       items=["arogya:S3-EXIT-03"], gates=["S3"])
def test_invoice_tax_totals(commercial, commercial_list):
    invoices, url = commercial_list(commercial.invoices_path, "the invoices")
    expect.true(bool(invoices), "no invoice to validate", expected="at least one invoice", found="none",
                where=f"GET {url}", fix="raise a test invoice in the finance setup (runbook S3)")
    expect.no_findings(invoice_tax_mismatches(invoices), "invoice tax totals differ from their lines",
                       where=f"GET {url}")
