"""Arogya Amritam: stock is batches per entity (FEFO), orders are placed by scanned GTIN or SKU,
inward receipts create batches, every order books ledger entries, POS bills by store users."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from golive.adapters.stock import AdapterError, AuditRow, Call, HttpStockAdapter, StockRow


class ArogyaAdapter(HttpStockAdapter):
    def stock(self) -> list[StockRow]:
        return [StockRow(sku=str(self.field(item, "sku")), location=str(self.field(item, "entity_code")),
                         quantity=int(self.field(item, "quantity")), batch=str(self.field(item, "batch_no")))
                for item in self.read(self.flows.paths.stock)]

    def product_totals(self) -> dict[str, int]:
        # the stock screen's summary is per product and entity: add the entities up per product
        totals: dict[str, int] = {}
        for item in self.read(self.flows.paths.totals):
            sku = str(self.field(item, "sku"))
            totals[sku] = totals.get(sku, 0) + int(self.field(item, "on_hand"))
        return totals

    def known_locations(self) -> set[str]:
        return {str(self.field(item, "code")) for item in self.read(self.flows.paths.locations)}

    def audit_rows(self, reference: str) -> list[AuditRow]:
        return [AuditRow(sku=str(self.field(item, "sku")), location=str(self.field(item, "entity_code", "location")),
                         delta=int(self.field(item, "delta")), reason=str(item.get("reason") or ""),
                         actor=str(item.get("actor") or ""), reference=str(item.get("reference") or ""),
                         batch=item.get("batch_no"))
                for item in self.read(self.flows.paths.audit, reference=reference)
                if str(item.get("reference") or "") == reference]

    def batch_for(self, sku: str, location: str) -> str:
        """Adjustments are per batch: the batch of ``sku`` at ``location`` with the most stock."""
        rows = [row for row in self.stock() if row.sku == sku and row.location == location and row.batch]
        if not rows:
            raise AdapterError(f"no batch of {sku} at {location} to adjust")
        return str(max(rows, key=lambda row: row.quantity).batch)

    def adjust_call(self, sku: str, location: str, delta: int, reason: str, reference: str,
                    batch: str | None = None) -> Call:
        batch = batch or self.batch_for(sku, location)
        return Call(f"adjust {sku} batch {batch} at {location} by {delta}", "POST",
                    self.url(str(self.flows.paths.adjust)), self.flows.admin_role,
                    {"entity_code": location, "sku": sku, "batch_no": batch, "quantity": delta, "reason": reason,
                     "reference": reference})

    def inward_call(self, sku: str, location: str, quantity: int, reference: str) -> tuple[Call, Call]:
        """Goods received into a new batch named after the run, and the write-off that undoes it."""
        if not self.flows.paths.inward:
            raise AdapterError("the profile names no inward path")
        batch = "GL" + reference[-6:].upper()
        today = datetime.now(UTC).date()
        receive = Call(f"inward {quantity} {sku} batch {batch} at {location}", "POST",
                       self.url(self.flows.paths.inward), self.flows.admin_role,
                       {"entity_code": location, "sku": sku, "batch_no": batch, "quantity": quantity,
                        "mfg_date": (today - timedelta(days=30)).isoformat(),
                        "expiry_date": (today + timedelta(days=720)).isoformat(), "reference": reference})
        return receive, self.adjust_call(sku, location, -quantity, "golive compensation: inward reversed", reference,
                                         batch=batch)

    def transfer_call(self, sku: str, source: str, target: str, quantity: int, reference: str) -> Call:
        raise AdapterError("arogya moves stock between entities by orders, not transfers")

    def purchase_call(self, lines: list[tuple[str, int]], location: str, reference: str) -> Call:
        return Call(f"order {lines} at {location}", "POST", self.url(str(self.flows.paths.purchase)),
                    self.flows.buyer_role,
                    {"entity_code": location, "reference": reference,
                     "items": [{"code": code, "quantity": quantity} for code, quantity in lines]})

    def return_call(self, order_id: str, lines: list[tuple[str, int]]) -> Call:
        return Call(f"return {lines} of order {order_id}", "POST", self.url(str(self.flows.paths.returns), id=order_id),
                    self.flows.buyer_role, {"items": [{"code": code, "quantity": q} for code, q in lines]})
