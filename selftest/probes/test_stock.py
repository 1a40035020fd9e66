"""The stock reconciliation probes against fixed vectors."""

from __future__ import annotations

from decimal import Decimal

from golive.probes.findings import names
from golive.probes.stock import (
    AuditEntry,
    Entry,
    Level,
    Movement,
    PricedLine,
    Ref,
    audit_matches,
    ledger_balance,
    negative_stock,
    order_totals,
    orphans,
    oversell,
    stock_changes,
    totals_mismatch,
)

A, B = ("SKU-1", "WH"), ("SKU-1", "STORE")


def test_stock_changes_exact() -> None:
    assert stock_changes({A: 10, B: 2}, {A: 7, B: 5}, {A: -3, B: 3}, operation="transfer") == []


def test_stock_changes_lost_unit_and_untouched_key() -> None:
    findings = stock_changes({A: 10, B: 2}, {A: 7, B: 4}, {A: -3, B: 3}, operation="transfer")
    assert names(findings) == ["stock-change-mismatch"] and "+2" in findings[0].found
    assert names(stock_changes({A: 10}, {A: 8}, {}, operation="cancel")) == ["stock-change-mismatch"]


def test_negative_stock() -> None:
    assert negative_stock([Level("S", "L", 0), Level("S", "M", 4)]) == []
    findings = negative_stock([Level("S", "L", -3, "B1")])
    assert names(findings) == ["negative-stock"] and "batch B1" in findings[0].expected


def test_totals_mismatch() -> None:
    levels = [Level("S", "L", 3), Level("S", "M", 4), Level("T", "L", 1)]
    assert totals_mismatch({"S": 7, "T": 1}, levels) == []
    assert names(totals_mismatch({"S": 12, "T": 1}, levels)) == ["product-total-mismatch"]
    assert names(totals_mismatch({"S": 7}, levels)) == ["product-total-mismatch"]  # T has no total


def test_orphans() -> None:
    refs = [Ref("stock", "1", "S", ("L",)), Ref("transfer", "2", "S", ("L", "GONE")), Ref("audit", "3", "X", ("L",))]
    assert names(orphans(refs, {"S"}, {"L"})) == ["orphan-location-reference", "orphan-product-reference"]
    assert orphans(refs[:1], {"S"}, {"L"}) == []


def test_audit_matches() -> None:
    row = AuditEntry("S", "L", -2, "cycle count", "admin@x")
    assert audit_matches([row], [Movement("S", "L", -2)], actor="admin@x") == []
    assert names(audit_matches([], [Movement("S", "L", -2)], actor="admin@x")) == ["audit-row-missing"]
    assert names(audit_matches([row, row], [Movement("S", "L", -2)], actor="admin@x")) == ["audit-row-unexpected"]
    anonymous = AuditEntry("S", "L", -2, "", "system")
    assert names(audit_matches([anonymous], [Movement("S", "L", -2)], actor="admin@x")) == [
        "audit-row-incomplete", "audit-row-wrong-actor"]


def test_order_totals() -> None:
    lines = [PricedLine("S", 3, Decimal("249.00"), Decimal("747.00")), PricedLine("T", 1, Decimal("185"), Decimal("185"))]
    assert order_totals(Decimal("932.00"), lines) == []
    assert names(order_totals(Decimal("434"), lines)) == ["order-total-mismatch"]
    wrong_line = [PricedLine("S", 3, Decimal("249"), Decimal("249"))]
    assert names(order_totals(Decimal("249"), wrong_line)) == ["line-total-mismatch"]
    assert names(order_totals(Decimal("0"), [])) == ["order-without-lines"]


def test_ledger_balance() -> None:
    booked = Decimal("932")
    balanced = [Entry("receivable", booked, Decimal(0)), Entry("sales", Decimal(0), booked)]
    assert ledger_balance(balanced, booked=booked) == []
    skewed = [Entry("receivable", Decimal("434"), Decimal(0)), Entry("sales", Decimal(0), booked)]
    assert names(ledger_balance(skewed, booked=booked)) == ["ledger-unbalanced"]
    assert names(ledger_balance([], booked=booked)) == ["ledger-missing"]


def test_oversell() -> None:
    assert oversell(on_hand=4, each=4, accepted=1, after=0) == []
    assert names(oversell(on_hand=4, each=4, accepted=3, after=-8)) == ["oversold"]
    assert names(oversell(on_hand=4, each=4, accepted=1, after=-4)) == ["stock-race-drift"]


def test_anonymous_read() -> None:
    from golive.probes.stock import anonymous_read

    assert anonymous_read("/s", 401, '{"detail":"Not authenticated"}', ["SKU-1"]) == []
    assert names(anonymous_read("/s", 200, '{"items":[{"sku":"SKU-1"}]}', ["SKU-1"])) == [
        "stock-api-anonymous", "stock-data-in-error"]
    assert names(anonymous_read("/s", 401, "PrismaClientKnownRequestError at Object.<anonymous>", [])) == [
        "stack-trace-in-error"]
