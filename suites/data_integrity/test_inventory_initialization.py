"""Inventory initialization (Arogya runbook S1 exit, S2): master data and opening batch stock
read from the running system, so a staged --gate run stops before pricing when stock is not ready."""

from __future__ import annotations

from datetime import UTC, datetime

from golive import check, expect, required
from golive.probes.inventory import duplicate_identifiers, fefo_not_ready, incomplete_batches, qc_misaligned

BATCH_ITEMS = ["arogya:S2-TASK-01", "arogya:S2-TASK-02", "arogya:S2-EXIT-01"]
QC_ITEMS = ["arogya:S2-TASK-03", "arogya:SEQ-03"]
FEFO_ITEMS = ["arogya:S2-TASK-04"]


def listing(profile, http, tokens, path_of):  # type: ignore[no-untyped-def]
    """GET one of the inventory lists as the profile's role; returns (items, url)."""
    inventory = required(profile.inventory, "an inventory section (entities, products, batches paths, role)",
                         absent="the profile says the target keeps no inventory (inventory: false)")
    url = profile.service(inventory.service).url(path_of(inventory))
    response = http.get(url, auth=tokens(inventory.role))
    expect.status(response, 200, f"{url} does not list its records to {inventory.role}",
                  fix="check the route, its role guard and the database behind it")
    body = expect.json_body(response, f"{url} answered no JSON")
    items = body.get("items") if isinstance(body, dict) else body
    expect.true(isinstance(items, list), f"{url} answered no list", expected="a JSON list or {\"items\": [...]}",
                found=type(items).__name__, where=f"GET {url}")
    return items, url


def today():  # type: ignore[no-untyped-def]
    return datetime.now(UTC).date()


@check("DAT-MASTER-001", "No duplicate SKU or GTIN", critical=True, items=["arogya:S1-EXIT-02"])
def test_no_duplicate_sku_or_gtin(profile, http, tokens):
    products, url = listing(profile, http, tokens, lambda inv: inv.products_path)
    expect.true(bool(products), "the product master is empty", expected="products", found="none",
                where=f"GET {url}", fix="load the product master (runbook S1)")
    expect.no_findings(duplicate_identifiers(products), "products share a SKU or GTIN", where=f"GET {url}")


@check("DAT-BATCH-001", "Every batch has mfg date, expiry, quantity and cost price", critical=True,
       items=BATCH_ITEMS)
def test_batches_complete(profile, http, tokens):
    batches, url = listing(profile, http, tokens, lambda inv: inv.batches_path)
    expect.true(bool(batches), "no opening batch stock", expected="batches per entity and product",
                found="none", where=f"GET {url}", fix="upload the opening batch stock (runbook S2)")
    expect.no_findings(incomplete_batches(batches), "batches lack what FEFO and costing need", where=f"GET {url}")


@check("DAT-BATCH-002", "QC status aligned: every sellable product has approved, non-expired stock",
       critical=True, items=QC_ITEMS)
def test_qc_status_aligned(profile, http, tokens):
    products, _ = listing(profile, http, tokens, lambda inv: inv.products_path)
    batches, url = listing(profile, http, tokens, lambda inv: inv.batches_path)
    expect.no_findings(qc_misaligned(products, batches, today()), "QC status is not aligned with what is on sale",
                       where=f"GET {url}")


@check("DAT-BATCH-003", "FEFO ready: non-expired stock available for selling", critical=True, items=FEFO_ITEMS)
def test_fefo_ready(profile, http, tokens):
    products, _ = listing(profile, http, tokens, lambda inv: inv.products_path)
    batches, url = listing(profile, http, tokens, lambda inv: inv.batches_path)
    expect.no_findings(fefo_not_ready(products, batches, today()), "sellable products have no stock FEFO can allocate",
                       where=f"GET {url}")
