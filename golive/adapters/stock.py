"""How golive drives a system's stock and order flows: the ``StockAdapter`` protocol and its records.

A check speaks in business terms (stock of a product at a location, adjust, transfer, purchase,
cancel, return, audit rows); an adapter turns them into one system's requests and parses its
answers into the records below. Write operations are described as ``Call`` objects, so a check can
send one and hand its inverse to the compensation ledger with the same shape.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Protocol
from urllib.parse import quote, urlencode

import httpx

from golive.http import HttpClient
from golive.ledger import Sweep
from golive.outcomes import CheckFailed
from golive.profile import Profile
from golive.profile_flows import Flows


class AdapterError(CheckFailed):
    """The system answered in a shape the adapter cannot read: the check fails with what it found."""

    def __init__(self, found: str) -> None:
        super().__init__("the system's stock API does not answer as the profile's adapter expects",
                         expected="the answers the adapter reads (see golive/adapters)", found=found,
                         fix="deploy the API version the profile describes, or correct the profile's paths")


@dataclass(frozen=True)
class Call:
    """One write request: method, absolute URL, JSON body, and the role that sends it."""

    description: str
    method: str
    url: str
    role: str
    json: dict[str, Any] | None = None


@dataclass(frozen=True)
class StockRow:
    sku: str
    location: str
    quantity: int
    batch: str | None = None


@dataclass(frozen=True)
class AuditRow:
    sku: str
    location: str
    delta: int
    reason: str
    actor: str
    reference: str
    batch: str | None = None


@dataclass(frozen=True)
class OrderLine:
    sku: str
    quantity: int
    unit_price: Decimal
    line_total: Decimal
    returned: int = 0


@dataclass(frozen=True)
class Order:
    id: str
    status: str
    location: str
    total: Decimal
    lines: tuple[OrderLine, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class LedgerRow:
    account: str
    debit: Decimal
    credit: Decimal


@dataclass(frozen=True)
class Reference:
    """A record that names a product and locations (orphan checks resolve these)."""

    kind: str
    id: str
    sku: str
    locations: tuple[str, ...]


class StockAdapter(Protocol):
    """What the generic stock-flow checks need from a system."""

    flows: Flows

    def url(self, path: str, **values: object) -> str: ...
    def stock(self) -> list[StockRow]: ...
    def stock_of(self, sku: str, location: str) -> int: ...
    def product_totals(self) -> dict[str, int]: ...
    def references(self) -> list[Reference]: ...
    def known_products(self) -> set[str]: ...
    def known_locations(self) -> set[str]: ...
    def audit_rows(self, reference: str) -> list[AuditRow]: ...
    def adjust_call(self, sku: str, location: str, delta: int, reason: str, reference: str) -> Call: ...
    def inward_call(self, sku: str, location: str, quantity: int, reference: str) -> tuple[Call, Call]: ...
    def transfer_call(self, sku: str, source: str, target: str, quantity: int, reference: str) -> Call: ...
    def purchase_call(self, lines: list[tuple[str, int]], location: str, reference: str) -> Call: ...
    def cancel_call(self, order_id: str) -> Call: ...
    def return_call(self, order_id: str, lines: list[tuple[str, int]]) -> Call: ...
    def status_call(self, order_id: str, status: str) -> Call: ...
    def order_sweep(self, reference: str, role: str, ok: tuple[int, ...]) -> Sweep | None: ...
    def reversal_call(self, reference: str) -> Call | None: ...
    def scan(self, code: str) -> str: ...
    def order_from(self, response: httpx.Response) -> Order: ...
    def order(self, order_id: str) -> Order: ...
    def ledger(self, order_id: str) -> list[LedgerRow]: ...
    def send(self, call: Call, **kwargs: Any) -> httpx.Response: ...
    def headers(self, role: str) -> dict[str, str]: ...


def money(value: object) -> Decimal:
    """Rupee amounts as JSON numbers or strings, exactly (never through binary floats)."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise AdapterError(f"{value!r} is not an amount")
    return Decimal(str(value))


def items_of(body: object) -> list[dict[str, Any]]:
    items = body.get("items") if isinstance(body, dict) else body
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise AdapterError("expected a JSON list of objects or {\"items\": [...]}")
    return items


class HttpStockAdapter:
    """The request plumbing every adapter shares: profile paths, role tokens, JSON lists."""

    def __init__(self, profile: Profile, flows: Flows, http: HttpClient, token_of: Any) -> None:
        self.profile, self.flows, self.http, self._token_of = profile, flows, http, token_of
        self.service = profile.service(flows.service)

    def url(self, path: str, **values: object) -> str:
        for name, value in values.items():
            path = path.replace("{" + name + "}", str(value))
        return self.service.url(path)

    def headers(self, role: str) -> dict[str, str]:
        """The role's credential as headers (golive.auth.Credential: Bearer, Basic or session cookie)."""
        return self._token_of(role).headers("POST")

    def read(self, path: str | None, role: str | None = None, **params: str) -> list[dict[str, Any]]:
        if not path:
            raise AdapterError("the profile names no path for this list")
        url = self.url(path)
        response = self.http.get(url, headers=self.headers(role or self.flows.admin_role), params=params or None)
        if response.status_code != 200:
            raise AdapterError(f"GET {url} answered HTTP {response.status_code}")
        try:
            return items_of(response.json())
        except ValueError:
            raise AdapterError(f"GET {url} answered no JSON") from None

    def send(self, call: Call, **kwargs: Any) -> httpx.Response:
        return self.http.request(call.method, call.url, json=call.json, headers=self.headers(call.role), **kwargs)

    def stock_of(self, sku: str, location: str) -> int:
        rows = self.stock()  # type: ignore[attr-defined]
        return sum(row.quantity for row in rows if row.sku == sku and row.location == location)

    @staticmethod
    def field(item: dict[str, Any], *names: str) -> Any:
        for name in names:
            if name in item:
                return item[name]
        raise AdapterError(f"a record lacks {' / '.join(names)}: {sorted(item)}")

    def orders_lines(self, body: dict[str, Any]) -> tuple[OrderLine, ...]:
        lines = body.get("lines")
        if not isinstance(lines, list):
            raise AdapterError("the order carries no lines")
        return tuple(OrderLine(sku=str(self.field(line, "sku")), quantity=int(self.field(line, "quantity")),
                               unit_price=money(self.field(line, "unit_price", "unitPrice")),
                               line_total=money(self.field(line, "line_total", "lineTotal")),
                               returned=int(line.get("returned", 0))) for line in lines)

    def order_from(self, response: httpx.Response) -> Order:
        try:
            body = response.json()
        except ValueError:
            raise AdapterError("the order answer is no JSON") from None
        if not isinstance(body, dict):
            raise AdapterError("the order answer is no JSON object")
        return Order(id=str(self.field(body, "id")), status=str(self.field(body, "status")),
                     location=str(self.field(body, "location", "entity_code")), total=money(self.field(body, "total")),
                     lines=self.orders_lines(body))

    def order(self, order_id: str) -> Order:
        path = self.flows.paths.order
        if not path:
            raise AdapterError("the profile names no order path")
        response = self.http.get(self.url(path, id=order_id), headers=self.headers(self.flows.admin_role))
        if response.status_code != 200:
            raise AdapterError(f"GET order {order_id} answered HTTP {response.status_code}")
        return self.order_from(response)

    def cancel_call(self, order_id: str) -> Call:
        return Call(f"cancel order {order_id}", "POST", self.url(str(self.flows.paths.cancel), id=order_id),
                    self.flows.buyer_role)

    def order_sweep(self, reference: str, role: str, ok: tuple[int, ...]) -> Sweep | None:
        """How cleanup finds the orders placed with ``reference`` when the answer never came back, and
        cancels each as ``role`` (None: the profile names no order list or no cancellation)."""
        listing, cancel = self.flows.paths.orders, self.flows.paths.cancel
        if not listing or not cancel:
            return None
        return Sweep(f"{self.url(listing)}?{urlencode({'reference': reference})}", "POST",
                     self.url(cancel), role=role, ok=ok)

    def reversal_call(self, reference: str) -> Call | None:
        """The compensating request of every stock change booked under ``reference``, applied once
        however often it is sent (None: the profile names none, flows.paths.reverse)."""
        path = self.flows.paths.reverse
        if not path:
            return None
        return Call(f"reverse the stock changes of {reference}", "POST", self.url(path, reference=quote(reference, safe="")),
                    self.flows.admin_role)

    def status_call(self, order_id: str, status: str) -> Call:
        return Call(f"order {order_id} -> {status}", "POST", self.url(str(self.flows.paths.status), id=order_id),
                    self.flows.buyer_role, {"status": status})

    def references(self) -> list[Reference]:
        rows: list[StockRow] = self.stock()  # type: ignore[attr-defined]
        refs = [Reference("stock", f"{row.sku}@{row.location}", row.sku, (row.location,)) for row in rows]
        if self.flows.paths.audit:
            for item in self.read(self.flows.paths.audit):
                refs.append(Reference("audit", str(item.get("id", "?")), str(self.field(item, "sku")),
                                      (str(self.field(item, "location", "entity_code")),)))
        if self.flows.paths.transfers:
            for item in self.read(self.flows.paths.transfers):
                refs.append(Reference("transfer", str(item.get("id", "?")), str(self.field(item, "sku")),
                                      (str(self.field(item, "from")), str(self.field(item, "to")))))
        return refs

    def known_products(self) -> set[str]:
        return {str(self.field(item, "sku")) for item in self.read(self.flows.paths.products)}

    def ledger(self, order_id: str) -> list[LedgerRow]:
        return [LedgerRow(str(self.field(item, "account")), money(self.field(item, "debit")),
                          money(self.field(item, "credit")))
                for item in self.read(self.flows.paths.ledger, order_id=order_id)]

    def inward_call(self, sku: str, location: str, quantity: int, reference: str) -> tuple[Call, Call]:
        raise AdapterError("this system has no inward operation")

    def scan(self, code: str) -> str:
        path = self.flows.paths.scan
        if not path:
            raise AdapterError("the profile names no scan path")
        response = self.http.get(self.url(path), params={"code": code}, headers=self.headers(self.flows.buyer_role))
        if response.status_code != 200:
            raise AdapterError(f"scanning {code} answered HTTP {response.status_code}")
        return str(self.field(response.json(), "sku"))
