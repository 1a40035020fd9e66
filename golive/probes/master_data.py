"""Master data of a staged runbook (Arogya S1, S2 evidence): entities, categories, products, users,
the order in which they reference each other, the stock aging report and the COA files.

Pure functions over the JSON the target lists; each returns named findings.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from golive.probes.findings import Finding

Record = dict[str, Any]
#: the GST slabs India levies (percent); a product's tax rate must be one of them
GST_RATES = frozenset({0, 0.1, 0.25, 1.5, 3, 5, 12, 18, 28, 40})
HSN_LENGTHS = (4, 6, 8)
GTIN_LENGTHS = (8, 12, 13, 14)


def _codes(records: list[Record], field: str) -> set[str]:
    return {str(r[field]) for r in records if r.get(field) not in (None, "")}


def missing_entity_types(entities: list[Record], expected_types: list[str]) -> list[Finding]:
    """The entity master has at least one entity of every type the runbook creates first."""
    present = _codes(entities, "type")
    return [Finding("entity-type-missing", f"at least one {kind} in the entity master",
                    f"none (types present: {', '.join(sorted(present)) or 'none'})",
                    f"create the {kind} entities before anything that references them (runbook S1)")
            for kind in expected_types if kind not in present]


def missing_entity_codes(entities: list[Record], expected_codes: list[str]) -> list[Finding]:
    """Every entity code the business signed off is in the entity master."""
    present = _codes(entities, "code")
    missing = [code for code in expected_codes if code not in present]
    if not missing:
        return []
    return [Finding("entity-code-missing", f"entity codes {', '.join(expected_codes)}",
                    f"{', '.join(missing)} missing", "create the missing entities (runbook S1 exit: entity list complete)")]


def orphan_categories(products: list[Record], categories: list[Record]) -> list[Finding]:
    """The category master is not empty and every product names one of its categories."""
    if not categories:
        return [Finding("category-master-empty", "a non-empty category master", "no categories",
                        "create the category master before the products (runbook S1)")]
    known = _codes(categories, "code")
    return [Finding("product-category-unknown", f"product {p.get('sku')!r} in a category of the master",
                    f"category {p.get('category')!r} (master: {', '.join(sorted(known))})",
                    "create the category or re-assign the product")
            for p in products if str(p.get("category") or "") not in known]


def gtin_check_digit_valid(gtin: str) -> bool:
    """GS1 mod-10: weights 3 and 1 alternate from the digit left of the check digit."""
    if not gtin.isdigit() or len(gtin) not in GTIN_LENGTHS:
        return False
    body, check_digit = gtin[:-1], int(gtin[-1])
    total = sum(int(digit) * (3 if index % 2 == 0 else 1) for index, digit in enumerate(reversed(body)))
    return (10 - total % 10) % 10 == check_digit


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def incomplete_products(products: list[Record]) -> list[Finding]:
    """Every product has a SKU, a price > 0, a GST rate, an HSN code of 4/6/8 digits, and a GTIN with a
    valid check digit where it has one."""
    findings = []
    for index, product in enumerate(products):
        sku = product.get("sku")
        label = f"product {sku!r}" if sku else f"product #{index + 1} ({product.get('name')!r})"
        if not sku:
            findings.append(Finding("product-sku-missing", f"{label} with a SKU", "none", "give the product its SKU"))
        price = _number(product.get("price"))
        if price is None or price <= 0:
            findings.append(Finding("product-price-invalid", f"{label}: a price > 0", f"{product.get('price')!r}",
                                    "load the product's price"))
        rate = _number(product.get("tax_rate"))
        if rate is None or rate not in GST_RATES:
            findings.append(Finding("product-tax-rate-invalid", f"{label}: a GST rate ({', '.join(map(str, sorted(GST_RATES)))} %)",
                                    f"{product.get('tax_rate')!r}", "set the product's GST rate"))
        hsn = str(product.get("hsn") or "")
        if not (hsn.isdigit() and len(hsn) in HSN_LENGTHS):
            findings.append(Finding("product-hsn-invalid", f"{label}: an HSN code of 4, 6 or 8 digits", f"{hsn!r}",
                                    "set the product's HSN code (invoices and GST returns need it)"))
        gtin = str(product.get("gtin") or "")
        if gtin and not gtin_check_digit_valid(gtin):
            findings.append(Finding("product-gtin-invalid", f"{label}: a GTIN-8/12/13/14 with a valid check digit",
                                    f"{gtin!r}", "correct the GTIN from the GS1 registration (or leave it empty)"))
    return findings


def unmapped_users(users: list[Record], entities: list[Record], operational_roles: list[str]) -> list[Finding]:
    """Every user in an operational role is mapped to an entity code the entity master has."""
    known = _codes(entities, "code")
    findings = []
    for user in users:
        if user.get("role") not in operational_roles:
            continue
        code = user.get("entity_code")
        if code in (None, ""):
            findings.append(Finding("user-entity-missing", f"{user.get('role')} {user.get('email')!r} mapped to an entity",
                                    "no entity code", "map the user to their store, warehouse or dealer"))
        elif str(code) not in known:
            findings.append(Finding("user-entity-unknown", f"{user.get('role')} {user.get('email')!r} mapped to an existing entity",
                                    f"entity code {code!r}, not in the entity master",
                                    "create the entity first or correct the user's entity code"))
    return findings


def sequence_breaks(entities: list[Record], categories: list[Record], products: list[Record], users: list[Record],
                    batches: list[Record], slabs: list[Record]) -> list[Finding]:
    """Master data was loaded in the runbook's order: everything a record references exists.

    Entities -> Categories -> Products -> Users -> Batches -> Pricing: products name categories,
    users and batches name entities, batches and slab prices name products, slabs name entity types.
    """
    entity_codes, entity_types = _codes(entities, "code"), _codes(entities, "type")
    category_codes, skus = _codes(categories, "code"), _codes(products, "sku")
    references: list[tuple[str, str, list[Record], str, set[str]]] = [
        ("products", "category", products, "categories", category_codes),
        ("users", "entity_code", users, "entities", entity_codes),
        ("batches", "entity_code", batches, "entities", entity_codes),
        ("batches", "sku", batches, "products", skus),
        ("slab prices", "sku", slabs, "products", skus),
        ("slab prices", "entity_type", slabs, "entity types", entity_types),
    ]
    findings = []
    for what, field, records, target, known in references:
        dangling = sorted({str(r[field]) for r in records if r.get(field) not in (None, "") and str(r[field]) not in known})
        if dangling:
            findings.append(Finding(f"{what.replace(' ', '-')}-reference-{target.replace(' ', '-')}",
                                    f"every {field} of the {what} in the {target}",
                                    f"{', '.join(dangling)} not in the {target}",
                                    f"load the {target} before the {what} (runbook sequence), or correct the {what}"))
    return findings


def aging_mismatches(report_items: list[Record], batches: list[Record]) -> list[Finding]:
    """Per product, the aging buckets add up to its stock on hand, and that equals the batches' total."""
    on_hand: dict[str, float] = defaultdict(float)
    for batch in batches:
        quantity = _number(batch.get("quantity"))
        on_hand[str(batch.get("sku"))] += quantity or 0
    findings = []
    reported = set()
    for row in report_items:
        sku = str(row.get("sku"))
        reported.add(sku)
        buckets = row.get("buckets")
        values = list(buckets.values()) if isinstance(buckets, dict) else []
        numbers = [_number(v) for v in values]
        bucketed = sum(n for n in numbers if n is not None) if values and None not in numbers else None
        stock = _number(row.get("stock_on_hand"))
        if bucketed is None or stock is None or bucketed != stock:
            findings.append(Finding("aging-buckets-not-summing", f"{sku}: aging buckets summing to stock on hand",
                                    f"buckets {buckets!r}, stock on hand {row.get('stock_on_hand')!r}",
                                    "fix the aging report so every batch falls into exactly one bucket"))
        if stock is not None and stock != on_hand.get(sku, 0):
            findings.append(Finding("aging-stock-differs-from-batches", f"{sku}: stock on hand {on_hand.get(sku, 0):g} (its batches)",
                                    f"{stock:g} in the aging report", "rebuild the aging report from the batch stock"))
    for sku in sorted(set(on_hand) - reported):
        if on_hand[sku]:
            findings.append(Finding("aging-product-missing", f"{sku} (stock {on_hand[sku]:g}) in the aging report",
                                    "not in the report", "include every product with stock in the aging report"))
    return findings


def coa_file_problem(url: str, status: int, content_type: str, first_bytes: bytes) -> Finding | None:
    """A COA link opens the PDF: 200, Content-Type application/pdf, a body that is a PDF."""
    media_type = content_type.split(";")[0].strip().lower()
    if status != 200:
        return Finding("coa-file-unavailable", f"{url}: 200 with the COA", f"HTTP {status}",
                       "upload the COA again or fix the link stored with the batch")
    if media_type != "application/pdf":
        return Finding("coa-file-wrong-content-type", f"{url}: Content-Type application/pdf",
                       f"{content_type or 'none'}", "store the object with Content-Type application/pdf and link the object itself")
    if not first_bytes.startswith(b"%PDF-"):
        return Finding("coa-file-not-pdf", f"{url}: a PDF body (%PDF-)", repr(first_bytes[:16]),
                       "upload the real COA PDF")
    return None
