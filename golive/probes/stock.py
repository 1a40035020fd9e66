"""Stock reconciliation: expected vs actual quantities, totals vs their parts, audit rows vs stock
movements, order totals vs line sums, ledger balance, and oversell under concurrency.

Pure functions over plain data. Stock is keyed by (sku, location); amounts are Decimals in rupees.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from golive.probes.findings import Finding

Key = tuple[str, str]  # (sku, location)


def where_of(key: Key) -> str:
    return f"{key[0]} at {key[1]}"


def stock_changes(before: Mapping[Key, int], after: Mapping[Key, int], expected: Mapping[Key, int],
                  *, operation: str) -> list[Finding]:
    """Every watched (sku, location) changed by exactly the expected delta (0 when not named)."""
    findings = []
    for key in sorted(set(before) | set(after) | set(expected)):
        change = after.get(key, 0) - before.get(key, 0)
        wanted = expected.get(key, 0)
        if change != wanted:
            findings.append(Finding(
                "stock-change-mismatch", f"{operation} to change {where_of(key)} by {wanted:+d}",
                f"{change:+d} ({before.get(key, 0)} -> {after.get(key, 0)})",
                "make the operation change stock exactly once, by the requested quantity, in one transaction"))
    return findings


@dataclass(frozen=True)
class Level:
    sku: str
    location: str
    quantity: int
    batch: str | None = None


def negative_stock(levels: Iterable[Level]) -> list[Finding]:
    return [Finding("negative-stock", f"{level.sku} at {level.location}"
                    + (f" batch {level.batch}" if level.batch else "") + " >= 0", str(level.quantity),
                    "find the sale or adjustment that overdrew it (audit trail), correct the stock, and keep "
                    "ALLOW_NEGATIVE_STOCK=false with an atomic stock check")
            for level in levels if level.quantity < 0]


def totals_mismatch(totals: Mapping[str, int], levels: Iterable[Level]) -> list[Finding]:
    """Each product's total equals the sum of its stock over locations and batches."""
    sums: Counter[str] = Counter()
    for level in levels:
        sums[level.sku] += level.quantity
    return [Finding("product-total-mismatch", f"total of {sku} = sum over locations and batches = {sums.get(sku, 0)}",
                    str(totals.get(sku, 0)),
                    "recompute the stored totals from the stock rows and update both in one transaction")
            for sku in sorted(set(totals) | set(sums)) if totals.get(sku, 0) != sums.get(sku, 0)]


@dataclass(frozen=True)
class Ref:
    kind: str
    id: str
    sku: str
    locations: tuple[str, ...]


def orphans(refs: Iterable[Ref], products: set[str], locations: set[str]) -> list[Finding]:
    """Every stock, transfer and audit record names a product and locations that exist."""
    findings = []
    for ref in refs:
        if ref.sku not in products:
            findings.append(Finding("orphan-product-reference", f"{ref.kind} {ref.id} to name a known product",
                                    f"product {ref.sku} does not exist",
                                    "add the foreign key (onDelete: Restrict) and remove or re-home the orphans"))
        for location in ref.locations:
            if location not in locations:
                findings.append(Finding("orphan-location-reference", f"{ref.kind} {ref.id} to name a known location",
                                        f"location {location} does not exist",
                                        "add the foreign key and remove or re-home the orphans"))
    return findings


@dataclass(frozen=True)
class Movement:
    sku: str
    location: str
    delta: int


@dataclass(frozen=True)
class AuditEntry:
    sku: str
    location: str
    delta: int
    reason: str
    actor: str


def audit_matches(rows: Iterable[AuditEntry], expected: Iterable[Movement], *, actor: str) -> list[Finding]:
    """One audit row per stock change (same product, location and delta), each with actor and reason."""
    findings = []
    unmatched = list(rows)
    for movement in expected:
        match = next((row for row in unmatched if (row.sku, row.location, row.delta)
                      == (movement.sku, movement.location, movement.delta)), None)
        if match is None:
            findings.append(Finding("audit-row-missing", f"an audit row for {movement.delta:+d} of "
                                    f"{where_of((movement.sku, movement.location))}", "none",
                                    "write the InventoryAudit row in the same transaction as the stock change"))
            continue
        unmatched.remove(match)
        if not match.reason.strip():
            findings.append(Finding("audit-row-incomplete", "the audit row's reason", "empty",
                                    "store the reason the caller gave"))
        if match.actor != actor:
            findings.append(Finding("audit-row-wrong-actor", f"the audit row's actor to be {actor}",
                                    match.actor or "empty", "store the authenticated user, not a constant"))
    findings += [Finding("audit-row-unexpected", "one audit row per stock change",
                         f"an extra row {row.delta:+d} of {where_of((row.sku, row.location))}",
                         "write exactly one audit row per change") for row in unmatched]
    return findings


@dataclass(frozen=True)
class PricedLine:
    sku: str
    quantity: int
    unit_price: Decimal
    line_total: Decimal


def order_totals(total: Decimal, lines: Iterable[PricedLine]) -> list[Finding]:
    """Each line is quantity x unit price; the order total is the sum of its lines."""
    lines = list(lines)
    findings = [Finding("line-total-mismatch", f"{line.sku}: {line.quantity} x {line.unit_price} = "
                        f"{line.quantity * line.unit_price}", str(line.line_total),
                        "price each line as quantity x unit price")
                for line in lines if line.quantity * line.unit_price != line.line_total]
    line_sum = sum((line.line_total for line in lines), Decimal(0))
    if not lines:
        findings.append(Finding("order-without-lines", "the order's lines", "none", "return the order's lines"))
    elif total != line_sum:
        findings.append(Finding("order-total-mismatch", f"order total = sum of lines = {line_sum}", str(total),
                                "compute the total from the priced lines"))
    return findings


@dataclass(frozen=True)
class Entry:
    account: str
    debit: Decimal
    credit: Decimal


def ledger_balance(entries: Iterable[Entry], *, booked: Decimal) -> list[Finding]:
    """Debits equal credits, and the entries book ``booked`` (the order's line sum) in total."""
    entries = list(entries)
    if not entries:
        return [Finding("ledger-missing", f"ledger entries booking {booked}", "none",
                        "book every order in the ledger when it is placed")]
    debits = sum((entry.debit for entry in entries), Decimal(0))
    credits = sum((entry.credit for entry in entries), Decimal(0))
    findings = []
    if debits != credits:
        findings.append(Finding("ledger-unbalanced", "debits = credits", f"debits {debits}, credits {credits}",
                                "post both sides of every entry from the same amount"))
    if max(debits, credits) != booked:
        findings.append(Finding("ledger-total-mismatch", f"the order booked at {booked}",
                                f"debits {debits}, credits {credits}", "book the order's line sum"))
    return findings


def oversell(*, on_hand: int, each: int, accepted: int, after: int) -> list[Finding]:
    """Concurrent orders of ``each`` units against ``on_hand``: never more sold than there was."""
    findings = []
    if accepted * each > on_hand:
        findings.append(Finding("oversold", f"at most {on_hand // each} of the concurrent orders accepted",
                                f"{accepted} accepted ({accepted * each} units sold of {on_hand})",
                                "check and deduct stock atomically (a conditional UPDATE or a row lock)"))
    if after != on_hand - accepted * each:
        findings.append(Finding("stock-race-drift", f"stock after the race = {on_hand} - {accepted * each}",
                                str(after), "deduct exactly once per accepted order"))
    return findings


STACK_TRACE_MARKERS = ("Traceback (most recent call last)", "PrismaClient", "at Object.", "node_modules/",
                       "sqlalchemy.", "SQLSTATE")


def anonymous_read(path: str, status: int, body: str, secrets_in_data: Iterable[str]) -> list[Finding]:
    """A stock API called without credentials refuses (401/403) and its error shows no data."""
    findings = []
    if status not in (401, 403):
        findings.append(Finding("stock-api-anonymous", f"GET {path} without a token to answer 401 or 403",
                                f"HTTP {status}", "put the route behind the authentication middleware"))
    leaked = [value for value in secrets_in_data if value and value in body]
    if leaked or '"items"' in body:
        findings.append(Finding("stock-data-in-error", f"GET {path}'s refusal to carry no stock data",
                                "records: " + (", ".join(leaked) or "an items list"),
                                "answer refusals with a short error object only"))
    traces = [marker for marker in STACK_TRACE_MARKERS if marker in body]
    if traces:
        findings.append(Finding("stack-trace-in-error", f"GET {path}'s refusal to show no internals",
                                ", ".join(traces), "log errors server-side; answer a generic message"))
    return findings
