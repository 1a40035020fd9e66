"""Commercial rules (Arogya S3): slab price tiers, credit terms, quotes against the approved price
sheet, settlement drafts against their orders and royalty rules, invoice GST totals per HSN rate.

Pure functions; money is compared in paise (integers), never as floats.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from golive.probes.findings import Finding

Record = dict[str, Any]


def paise(value: Any) -> int | None:
    """A rupee amount (number or numeric string) in paise; None when it is no amount to the paisa."""
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        return None
    try:
        scaled = Decimal(str(value)) * 100
    except InvalidOperation:
        return None
    return int(scaled) if scaled == scaled.to_integral_value() else None


def _rupees(amount: int | None) -> str:
    return "none" if amount is None else f"{amount / 100:.2f}"


def _quantity(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def slab_tier_problems(slabs: list[Record], skus: list[str], entity_types: list[str]) -> list[Finding]:
    """For each entity type and product: tiers start at 1, each begins right after the previous one
    ends (no gap, no overlap), only the last is open-ended, and each has a unit price > 0."""
    tiers: dict[tuple[str, str], list[Record]] = defaultdict(list)
    for slab in slabs:
        tiers[(str(slab.get("entity_type")), str(slab.get("sku")))].append(slab)
    findings = []
    for entity_type in entity_types:
        for sku in skus:
            label = f"{entity_type} slabs of {sku}"
            own = tiers.get((entity_type, sku), [])
            if not own:
                findings.append(Finding("slab-tiers-missing", f"{label}: quantity tiers", "none",
                                        "load the approved slab price sheet (runbook S3)"))
                continue
            bounds = [(_quantity(t.get("min_qty")), t.get("max_qty"), t) for t in own]
            if any(low is None or (high is not None and _quantity(high) is None) for low, high, _ in bounds):
                findings.append(Finding("slab-tier-bounds-invalid", f"{label}: integer min_qty and max_qty (or null)",
                                        repr([(t.get("min_qty"), t.get("max_qty")) for t in own]),
                                        "correct the tiers' quantity bounds"))
                continue
            ordered = sorted(bounds, key=lambda b: b[0])  # type: ignore[arg-type,return-value]
            shown = ", ".join(f"{low}-{'' if high is None else high}" for low, high, _ in ordered)
            expected_low = 1
            for position, (low, high, tier) in enumerate(ordered):
                last = position == len(ordered) - 1
                if low != expected_low:
                    name = "slab-tier-gap" if low > expected_low else "slab-tier-overlap"  # type: ignore[operator]
                    findings.append(Finding(name, f"{label}: a tier starting at {expected_low}",
                                            f"a tier starting at {low} (tiers {shown})",
                                            "make each tier start one unit after the previous one ends"))
                    break
                if high is None and not last:
                    findings.append(Finding("slab-tier-overlap", f"{label}: only the top tier open-ended",
                                            f"tiers {shown}", "close the open-ended tier below the top one"))
                    break
                if high is not None and high < low:
                    findings.append(Finding("slab-tier-bounds-invalid", f"{label}: max_qty >= min_qty",
                                            f"tiers {shown}", "correct the tier's bounds"))
                    break
                price = paise(tier.get("unit_price"))
                if price is None or price <= 0:
                    findings.append(Finding("slab-price-invalid", f"{label} {low}-{high}: a unit price > 0",
                                            repr(tier.get("unit_price")), "load the tier's price"))
                if high is None:
                    break
                expected_low = high + 1
            else:
                findings.append(Finding("slab-top-tier-closed", f"{label}: an open-ended top tier",
                                        f"tiers {shown}", "make the top tier open-ended (max_qty null)"))
    return findings


def missing_credit_terms(entities: list[Record], terms: list[Record], entity_types: list[str]) -> list[Finding]:
    """Every entity of a credit-buying type has a credit limit > 0 and credit terms (days) > 0."""
    by_code = {str(t.get("entity_code")): t for t in terms}
    findings = []
    for entity in entities:
        if entity.get("type") not in entity_types:
            continue
        code = str(entity.get("code"))
        term = by_code.get(code)
        if term is None:
            findings.append(Finding("credit-terms-missing", f"{entity.get('type')} {code}: a credit limit and terms",
                                    "no credit record", "set the entity's credit limit and terms (runbook S3)"))
            continue
        limit = paise(term.get("credit_limit"))
        if limit is None or limit <= 0:
            findings.append(Finding("credit-limit-missing", f"{code}: a credit limit > 0", repr(term.get("credit_limit")),
                                    "set the entity's credit limit"))
        days = _quantity(term.get("terms_days"))
        if days is None or days <= 0:
            findings.append(Finding("credit-terms-days-missing", f"{code}: credit terms in days > 0",
                                    repr(term.get("terms_days")), "set the entity's credit terms"))
    return findings


def quote_deviation(sample: Record, quote: Record) -> list[Finding]:
    """A quote prices the approved-sheet sample exactly: unit price, and amount = unit price x quantity."""
    label = f"{sample['quantity']} x {sample['sku']} for {sample['entity_code']}"
    approved = paise(sample["unit_price"])
    quoted = paise(quote.get("unit_price"))
    findings = []
    if quoted != approved:
        findings.append(Finding("quote-unit-price-deviates", f"{label}: unit price {_rupees(approved)} (approved sheet)",
                                f"{quote.get('unit_price')!r}",
                                "correct the slab tiers or the quote's tier selection to match the approved sheet"))
    amount = paise(quote.get("amount"))
    if approved is not None and amount != approved * int(sample["quantity"]):
        findings.append(Finding("quote-amount-deviates", f"{label}: amount {_rupees(approved * int(sample['quantity']))}",
                                f"{quote.get('amount')!r}", "the quote must multiply the approved unit price by the quantity"))
    return findings


def _round_half_up(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def settlement_imbalance(draft: Record, rules: list[Record]) -> list[Finding]:
    """Gross sales = the sum of the draft's orders; royalty = gross x the rule of the entity's type
    (rounded half up to the paisa); net payable = gross - royalty."""
    label = f"settlement draft {draft.get('entity_code')} {draft.get('period')}"
    orders = draft.get("orders")
    if not isinstance(orders, list) or not orders:
        return [Finding("settlement-without-orders", f"{label}: the orders it settles", repr(orders),
                        "generate the draft from the period's completed orders")]
    amounts = [paise(order.get("amount")) for order in orders if isinstance(order, dict)]
    if len(amounts) != len(orders) or None in amounts:
        return [Finding("settlement-order-amount-invalid", f"{label}: an amount on every order", repr(orders),
                        "fix the draft's order lines")]
    findings = []
    order_total = sum(a for a in amounts if a is not None)
    gross = paise(draft.get("gross_sales"))
    if gross != order_total:
        findings.append(Finding("settlement-gross-differs-from-orders", f"{label}: gross sales {_rupees(order_total)} (its orders)",
                                f"{draft.get('gross_sales')!r}", "re-generate the draft from its orders"))
    rule = next((r for r in rules if r.get("entity_type") == draft.get("entity_type")), None)
    if rule is None:
        findings.append(Finding("royalty-rule-missing", f"a royalty rule for {draft.get('entity_type')!r}", "none",
                                "finalize the royalty rules (runbook S3)"))
        return findings
    rate = Decimal(str(rule.get("rate_percent")))
    expected_royalty = _round_half_up(Decimal(order_total) * rate / 100)
    royalty = paise(draft.get("royalty"))
    if royalty != expected_royalty:
        findings.append(Finding("settlement-royalty-off", f"{label}: royalty {_rupees(expected_royalty)} ({rate} % of {_rupees(order_total)})",
                                f"{draft.get('royalty')!r} (rate {draft.get('royalty_rate_percent')!r} %)",
                                "apply the royalty rule of the entity's type to the period's gross sales"))
    net = paise(draft.get("net_payable"))
    if net != order_total - expected_royalty:
        findings.append(Finding("settlement-net-off", f"{label}: net payable {_rupees(order_total - expected_royalty)}",
                                f"{draft.get('net_payable')!r}", "net payable is gross sales less royalty"))
    return findings


def invoice_tax_mismatches(invoices: list[Record]) -> list[Finding]:
    """Each invoice's tax summary row (HSN, rate) equals the sum of its lines' tax at that HSN and
    rate, with as many rows as there are (HSN, rate) pairs; its total tax equals the sum of all lines."""
    findings = []
    for invoice in invoices:
        number = invoice.get("number")
        line_tax: dict[tuple[str, Decimal], int] = defaultdict(int)
        for line in invoice.get("lines") or []:
            tax = paise(line.get("tax_amount"))
            if tax is None:
                findings.append(Finding("invoice-line-tax-invalid", f"invoice {number}: a tax amount on every line",
                                        repr(line), "fix the invoice line"))
                continue
            line_tax[(str(line.get("hsn")), Decimal(str(line.get("tax_rate"))))] += tax
        summary: dict[tuple[str, Decimal], int | None] = {}
        for row in invoice.get("tax_summary") or []:
            summary[(str(row.get("hsn")), Decimal(str(row.get("tax_rate"))))] = paise(row.get("tax_amount"))
        for key in sorted(set(line_tax) | set(summary)):
            hsn, rate = key
            if summary.get(key) != line_tax.get(key):
                findings.append(Finding("invoice-tax-total-mismatch",
                                        f"invoice {number}, HSN {hsn} at {rate} %: tax {_rupees(line_tax.get(key))} (sum of its lines)",
                                        f"{_rupees(summary.get(key))} in the tax summary",
                                        "sum the rounded line taxes per HSN rate; never re-compute GST on the total"))
        total = paise(invoice.get("total_tax"))
        lines_total = sum(line_tax.values())
        if total != lines_total:
            findings.append(Finding("invoice-total-tax-mismatch", f"invoice {number}: total tax {_rupees(lines_total)} (its lines)",
                                    f"{invoice.get('total_tax')!r}", "total tax is the sum of the line taxes"))
    return findings
