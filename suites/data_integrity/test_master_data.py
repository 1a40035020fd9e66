"""Master data foundation (Arogya runbook S1) and its stock evidence (S2 exits), read from the running
system: entities, categories, products, users, the runbook's loading sequence, the aging report and
the COA files QC uploaded."""

from __future__ import annotations

from golive import check, expect, required
from golive.probes.master_data import (
    aging_mismatches,
    coa_file_problem,
    incomplete_products,
    missing_entity_codes,
    missing_entity_types,
    orphan_categories,
    sequence_breaks,
    unmapped_users,
)


@check("DAT-MASTER-002", "Entity master has every entity type and every expected entity code", critical=True,
       items=["arogya:S1-TASK-01", "arogya:S1-EXIT-01"], gates=["S1"])
def test_entity_master_complete(commercial, inventory_list):
    entities, url = inventory_list("entities")
    codes = required(commercial.entity_codes, "the entity codes the business signed off (commercial.entity_codes)")
    findings = missing_entity_types(entities, commercial.entity_types) + missing_entity_codes(entities, codes)
    expect.no_findings(findings, "the entity master is incomplete", where=f"GET {url}")


@check("DAT-MASTER-003", "Category master is non-empty and every product's category exists", critical=True,
       items=["arogya:S1-TASK-02"], gates=["S1"])
def test_every_product_category_exists(commercial, commercial_list, inventory_list):
    categories, url = commercial_list(commercial.categories_path, "the category master")
    products, _ = inventory_list("products")
    expect.no_findings(orphan_categories(products, categories), "products reference categories the master lacks",
                       where=f"GET {url}")


@check("DAT-MASTER-004", "Product master complete: SKU, price, GST rate, HSN, valid GTIN where present",
       critical=True, items=["arogya:S1-TASK-03"], gates=["S1"])
def test_product_master_complete(inventory_list):
    products, url = inventory_list("products")
    expect.true(bool(products), "the product master is empty", expected="products", found="none",
                where=f"GET {url}", fix="load the product master (runbook S1)")
    expect.no_findings(incomplete_products(products), "products lack what pricing and invoicing need",
                       where=f"GET {url}")


@check("DAT-MASTER-005", "Every operational user is mapped to an existing entity code", critical=True,
       items=["arogya:S1-TASK-04"], gates=["S1"])
def test_operational_users_mapped_to_entities(commercial, commercial_list, inventory_list):
    roles = required(commercial.operational_roles, "the operational roles (commercial.operational_roles)")
    users, url = commercial_list(commercial.users_path, "the users with their entity codes")
    entities, _ = inventory_list("entities")
    operational = [u for u in users if u.get("role") in roles]
    expect.true(bool(operational), "no operational users exist", expected=f"users in roles {', '.join(roles)}",
                found=f"{len(users)} user(s), none operational", where=f"GET {url}",
                fix="create the store, warehouse and dealer users (runbook S1)")
    expect.no_findings(unmapped_users(users, entities, roles), "operational users are not mapped to real entities",
                       where=f"GET {url}")


@check("DAT-SEQ-001", "Master data references resolve in the runbook's sequence", items=["arogya:SEQ-01"],
       gates=["S3"])
def test_master_data_references_resolve(commercial, commercial_list, inventory_list):
    entities, _ = inventory_list("entities")
    products, _ = inventory_list("products")
    batches, url = inventory_list("batches")
    categories, _ = commercial_list(commercial.categories_path, "the category master")
    users, _ = commercial_list(commercial.users_path, "the users with their entity codes")
    slabs, _ = commercial_list(commercial.slabs_path, "the slab price tiers")
    expect.no_findings(sequence_breaks(entities, categories, products, users, batches, slabs),
                       "master data references records loaded out of sequence", where=f"GET {url} and the master lists")


@check("DAT-AGING-001", "Aging report buckets sum to stock on hand", items=["arogya:S2-EXIT-02"], gates=["S2"])
def test_aging_report_valid(commercial, commercial_read, inventory_list):
    report, url = commercial_read(commercial.aging_path, "the stock aging report")
    rows = report.get("items") if isinstance(report, dict) else None
    expect.true(isinstance(rows, list) and bool(rows), "the aging report lists no stock",
                expected='{"items": [{"sku", "stock_on_hand", "buckets"}, ...]}', found=repr(report)[:200],
                where=f"GET {url}", fix="generate the aging report from the batch stock")
    batches, _ = inventory_list("batches")
    expect.no_findings(aging_mismatches(rows, batches), "the aging report does not add up", where=f"GET {url}")


@check("DAT-COA-001", "COA/QC file URLs open the PDF (200, application/pdf)", items=["arogya:S2-EXIT-03"],
       gates=["S2"])
def test_coa_urls_open(profile, http, inventory_list):
    batches, url = inventory_list("batches")
    links = sorted({str(b["coa_url"]) for b in batches if b.get("coa_url")})
    expect.true(bool(links), "no batch links its COA", expected="a coa_url on the batches", found="none",
                where=f"GET {url}", fix="store the COA upload's URL with each batch")
    inventory = required(profile.inventory, "an inventory section",
                         absent="the profile says this system keeps no inventory (inventory: false)")
    base = profile.service(inventory.service)
    findings = []
    for link in links:
        target = link if link.startswith(("http://", "https://")) else base.url(link)
        # no credentials: a QC link must open for whoever holds it, like a pre-signed storage URL
        response = http.get(target)
        problem = coa_file_problem(target, response.status_code, response.headers.get("content-type", ""),
                                   response.content[:16])
        if problem:
            findings.append(problem)
    expect.no_findings(findings, "COA links do not open the PDF", where=f"GET {url} and each coa_url")
