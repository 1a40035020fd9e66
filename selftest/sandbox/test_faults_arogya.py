"""Arogya's commercial master data and finance reports (runbook S1, S2 evidence, S3) in the sandbox:
healthy, guarded, and each fault of the "arogya business flows" section changes what the API says."""

from __future__ import annotations

from typing import Any

import pytest

from sandbox.faults import CATALOG

AROGYA_ENV = {"SANDBOX_FLAVOR": "arogya", "SANDBOX_USERS": "ops@commercial.test:super_admin:AROGYA_PW",
              "AROGYA_PW": "commercial-arogya-pw-1"}
COMMERCIAL_FAULTS = ("entity_type_missing", "product_category_orphan", "product_missing_hsn",
                     "product_gtin_bad_check_digit", "user_unknown_entity", "batch_unknown_product",
                     "aging_report_drops_long_dated", "coa_served_as_html", "coa_file_missing", "slab_tier_gap",
                     "slab_tier_overlap", "dealer_without_credit_terms", "quote_tier_boundary_off_by_one",
                     "settlement_royalty_stale_rate", "invoice_tax_rounded_on_total")


class Arogya:
    """An in-process arogya flavor, logged in as its super admin."""

    def __init__(self, client: Any) -> None:
        self.client = client
        login = client.post("/api/auth/login", json={"email": "ops@commercial.test", "password": "commercial-arogya-pw-1"})
        assert login.status_code == 200, login.text
        self.auth = {"Authorization": f"Bearer {login.json()['access_token']}"}

    def get(self, path: str, **params: Any) -> Any:
        response = self.client.get(path, headers=self.auth, params=params)
        assert response.status_code == 200, (path, response.status_code, response.text)
        return response.json()

    def items(self, path: str) -> list[dict[str, Any]]:
        return self.get(path)["items"]  # type: ignore[no-any-return]


@pytest.fixture
def arogya(make_client):  # type: ignore[no-untyped-def]
    return lambda *faults: Arogya(make_client(*faults, env=AROGYA_ENV))


def test_commercial_faults_belong_to_the_arogya_flavor():
    for name in COMMERCIAL_FAULTS:
        assert CATALOG[name].env == "arogya-local", name


def test_healthy_commercial_setup_is_consistent_and_guarded(arogya):
    healthy = arogya()
    for path in ("/api/categories", "/api/users", "/api/pricing/slabs", "/api/credit-terms", "/api/royalty-rules",
                 "/api/invoices", "/api/reports/aging"):
        assert healthy.client.get(path).status_code == 401, path
    categories = {c["code"] for c in healthy.items("/api/categories")}
    products = healthy.items("/api/products")
    assert categories and all(p["category"] in categories for p in products)
    entities = {e["code"] for e in healthy.items("/api/entities")}
    assert {"warehouse", "franchise_store", "dealer", "vendor", "manufacturer"} == {
        e["type"] for e in healthy.items("/api/entities")}
    assert all(u["entity_code"] in entities for u in healthy.items("/api/users") if u["entity_code"])
    terms = {t["entity_code"]: t for t in healthy.items("/api/credit-terms")}
    assert terms["DL-MYS"]["terms_days"] == 45 and terms["DL-MYS"]["credit_limit"] == 1_000_000
    quote = healthy.get("/api/pricing/quote", entity_code="DL-MYS", sku="AA-ASH-250", quantity=100)
    assert quote["unit_price"] == 174.30 and quote["amount"] == 17430.0
    draft = healthy.get("/api/settlements/draft", entity_code="FR-KOR", period="2026-10")
    assert draft["gross_sales"] == 36400.50 and draft["royalty_rate_percent"] == 8 and draft["royalty"] == 2912.04
    assert draft["net_payable"] == 33488.46
    invoice = healthy.items("/api/invoices")[0]
    assert [r["tax_amount"] for r in invoice["tax_summary"]] == [95.61, 92.16]
    for row in healthy.get("/api/reports/aging")["items"]:
        assert sum(row["buckets"].values()) == row["stock_on_hand"] > 0
    coa = healthy.client.get(healthy.items("/api/batches")[0]["coa_url"])
    assert coa.status_code == 200 and coa.headers["content-type"] == "application/pdf"
    assert coa.content.startswith(b"%PDF-")
    assert healthy.client.get("/files/coa/not-a-batch-file.pdf").status_code == 404


def test_fault_entity_type_missing(arogya):
    types = {e["type"] for e in arogya("entity_type_missing").items("/api/entities")}
    assert "manufacturer" not in types and "dealer" in types


def test_fault_product_category_orphan(arogya):
    sandbox = arogya("product_category_orphan")
    categories = {c["code"] for c in sandbox.items("/api/categories")}
    orphans = [p["sku"] for p in sandbox.items("/api/products") if p["category"] not in categories]
    assert orphans == ["AA-CHY-500"]


def test_fault_product_missing_hsn(arogya):
    products = {p["sku"]: p for p in arogya("product_missing_hsn").items("/api/products")}
    assert products["AA-TRI-060"]["hsn"] == "" and products["AA-ASH-250"]["hsn"] == "30049011"


def test_fault_product_gtin_bad_check_digit(arogya):
    products = {p["sku"]: p for p in arogya("product_gtin_bad_check_digit").items("/api/products")}
    assert products["AA-TUL-100"]["gtin"] == "8907654321026"


def test_fault_user_unknown_entity(arogya):
    sandbox = arogya("user_unknown_entity")
    entities = {e["code"] for e in sandbox.items("/api/entities")}
    assert [u["entity_code"] for u in sandbox.items("/api/users") if u["entity_code"] not in entities | {None}] == [
        "FR-HSR"]


def test_fault_batch_unknown_product(arogya):
    sandbox = arogya("batch_unknown_product")
    skus = {p["sku"] for p in sandbox.items("/api/products")}
    assert {b["sku"] for b in sandbox.items("/api/batches")} - skus == {"AA-GIL-200"}


def test_fault_aging_report_drops_long_dated(arogya):
    rows = arogya("aging_report_drops_long_dated").get("/api/reports/aging")["items"]
    assert rows and all(sum(r["buckets"].values()) < r["stock_on_hand"] for r in rows)


def test_fault_coa_served_as_html(arogya):
    sandbox = arogya("coa_served_as_html")
    coa = sandbox.client.get(sandbox.items("/api/batches")[0]["coa_url"])
    assert coa.status_code == 200 and coa.headers["content-type"].startswith("text/html")


def test_fault_coa_file_missing(arogya):
    sandbox = arogya("coa_file_missing")
    statuses = {b["sku"]: sandbox.client.get(b["coa_url"]).status_code for b in sandbox.items("/api/batches")}
    assert statuses["AA-CHY-500"] == 404 and statuses["AA-ASH-250"] == 200


def _tiers(sandbox: Arogya, entity_type: str, sku: str) -> list[tuple[int, int | None]]:
    return sorted((s["min_qty"], s["max_qty"]) for s in sandbox.items("/api/pricing/slabs")
                  if s["entity_type"] == entity_type and s["sku"] == sku)


def test_fault_slab_tier_gap(arogya):
    assert _tiers(arogya("slab_tier_gap"), "dealer", "AA-ASH-250") == [(1, 99), (101, 499), (500, None)]


def test_fault_slab_tier_overlap(arogya):
    assert _tiers(arogya("slab_tier_overlap"), "franchise_store", "AA-TUL-100") == [(1, 49), (50, 199), (150, None)]


def test_fault_dealer_without_credit_terms(arogya):
    terms = {t["entity_code"]: t for t in arogya("dealer_without_credit_terms").items("/api/credit-terms")}
    assert terms["DL-MYS"]["terms_days"] is None and terms["FR-KOR"]["terms_days"] == 30


def test_fault_quote_tier_boundary_off_by_one(arogya):
    sandbox = arogya("quote_tier_boundary_off_by_one")
    on_boundary = sandbox.get("/api/pricing/quote", entity_code="DL-MYS", sku="AA-ASH-250", quantity=100)
    inside = sandbox.get("/api/pricing/quote", entity_code="DL-MYS", sku="AA-ASH-250", quantity=150)
    assert on_boundary["unit_price"] == 186.75 and inside["unit_price"] == 174.30


def test_fault_settlement_royalty_stale_rate(arogya):
    draft = arogya("settlement_royalty_stale_rate").get("/api/settlements/draft", entity_code="FR-KOR",
                                                         period="2026-10")
    assert draft["royalty_rate_percent"] == 7 and draft["royalty"] == 2548.04


def test_fault_invoice_tax_rounded_on_total(arogya):
    invoice = arogya("invoice_tax_rounded_on_total").items("/api/invoices")[0]
    line_taxes = sum(line["tax_amount"] for line in invoice["lines"] if line["tax_rate"] == 12)
    summary = next(row for row in invoice["tax_summary"] if row["tax_rate"] == 12)
    assert round(line_taxes, 2) == 95.61 and summary["tax_amount"] == 95.62
