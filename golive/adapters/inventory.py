"""The inventory system (Next.js app routes + Prisma): stock per product and location, an
InventoryAudit trail, transfers between locations and online-store checkout."""

from __future__ import annotations

from golive.adapters.stock import AuditRow, Call, HttpStockAdapter, StockRow


class InventoryAdapter(HttpStockAdapter):
    def stock(self) -> list[StockRow]:
        return [StockRow(sku=str(self.field(item, "sku")), location=str(self.field(item, "location")),
                         quantity=int(self.field(item, "quantity")))
                for item in self.read(self.flows.paths.stock)]

    def product_totals(self) -> dict[str, int]:
        return {str(self.field(item, "sku")): int(self.field(item, "on_hand", "onHand", "total_quantity"))
                for item in self.read(self.flows.paths.totals)}

    def known_locations(self) -> set[str]:
        return {str(self.field(item, "code")) for item in self.read(self.flows.paths.locations)}

    def audit_rows(self, reference: str) -> list[AuditRow]:
        return [AuditRow(sku=str(self.field(item, "sku")), location=str(self.field(item, "location")),
                         delta=int(self.field(item, "delta")), reason=str(item.get("reason") or ""),
                         actor=str(item.get("actor") or ""), reference=str(item.get("reference") or ""))
                for item in self.read(self.flows.paths.audit, reference=reference)
                if str(item.get("reference") or "") == reference]

    def adjust_call(self, sku: str, location: str, delta: int, reason: str, reference: str) -> Call:
        return Call(f"adjust {sku} at {location} by {delta}", "POST", self.url(str(self.flows.paths.adjust)),
                    self.flows.admin_role,
                    {"sku": sku, "location": location, "quantity": delta, "reason": reason, "reference": reference})

    def transfer_call(self, sku: str, source: str, target: str, quantity: int, reference: str) -> Call:
        return Call(f"transfer {quantity} {sku} {source} -> {target}", "POST", self.url(str(self.flows.paths.transfer)),
                    self.flows.admin_role,
                    {"sku": sku, "from": source, "to": target, "quantity": quantity, "reference": reference})

    def purchase_call(self, lines: list[tuple[str, int]], location: str, reference: str) -> Call:
        return Call(f"checkout {lines} from {location}", "POST", self.url(str(self.flows.paths.purchase)),
                    self.flows.buyer_role,
                    {"location": location, "reference": reference,
                     "items": [{"sku": sku, "quantity": quantity} for sku, quantity in lines]})

    def return_call(self, order_id: str, lines: list[tuple[str, int]]) -> Call:
        return Call(f"return {lines} of order {order_id}", "POST", self.url(str(self.flows.paths.returns), id=order_id),
                    self.flows.buyer_role, {"items": [{"sku": sku, "quantity": q} for sku, q in lines]})
