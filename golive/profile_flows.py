"""The ``flows:`` profile section: how golive drives one system's stock and order flows.

``adapter`` names the driver in golive/adapters (how the system's payloads look); ``paths`` say where
each operation lives. A path set to ``false`` means the system has no such operation (its checks are
not applicable); a missing path means the profile does not say (the checks that need it are
unverified). ``sample`` names the product and locations the mutating checks use: pick a product
with stock at ``location`` that the business can spare for a few minutes.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

OptionalPath = str | Literal[False] | None


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FlowPaths(Strict):
    stock: str = Field(description="GET: stock rows (per product and location, or per batch)")
    products: OptionalPath = Field(
        default=None,
        description="GET: the product master (orphan checks resolve against it)")
    locations: OptionalPath = Field(default=None, description="GET: locations / entities")
    totals: OptionalPath = Field(default=None, description="GET: stored or computed on-hand totals per product")
    adjust: OptionalPath = Field(default=None, description="POST: stock adjustment")
    inward: OptionalPath = Field(default=None, description="POST: goods received into a batch")
    transfer: OptionalPath = Field(default=None, description="POST: move stock between locations")
    transfers: OptionalPath = Field(default=None, description="GET: transfer records")
    audit: OptionalPath = Field(default=None, description="GET: the audit trail / stock movements (?reference=)")
    reverse: OptionalPath = Field(
        default=None,
        description="POST with {reference}: the compensating request of the adjustments, receipts and transfers "
                    "booked under a reference, each reversed exactly once (a replay reverses nothing twice). "
                    "With it, the undo is in the ledger before the change is sent, so cleanup reverses a change "
                    "whose answer a crash lost; without it, the inverse change is recorded once the answer came")
    purchase: OptionalPath = Field(default=None, description="POST: checkout / order create")
    order: OptionalPath = Field(default=None, description="GET with {id}")
    orders: OptionalPath = Field(
        default=None,
        description="GET ?reference=: the orders (and POS bills) placed with a reference; a crashed run's "
                    "orders are found by it and cancelled (without it, cleanup asks for a look by hand)")
    cancel: OptionalPath = Field(default=None, description="POST with {id}")
    returns: OptionalPath = Field(default=None, description="POST with {id}")
    status: OptionalPath = Field(default=None, description="POST with {id}: the next status")
    scan: OptionalPath = Field(default=None, description="GET ?code=: product lookup by barcode (GTIN) or SKU")
    ledger: OptionalPath = Field(default=None, description="GET ?order_id=: the order's ledger entries")
    checkout_page: OptionalPath = Field(default=None, description="GET: the storefront's checkout page (HTML)")


class Sample(Strict):
    sku: str
    location: str = Field(description="where the sample is adjusted and sold from")
    other_location: str | None = Field(default=None, description="the transfer's destination")
    scan_code: str | None = Field(default=None, description="what a barcode scanner reads for the sample (GTIN)")
    second_sku: str | None = Field(default=None, description="a second line for multi-line orders")
    race_location: str | None = Field(
        default=None,
        description="a location with little stock of ``sku`` for the concurrent-orders check (its whole stock is "
                    "bought by several buyers at once); defaults to ``location``")


class Pos(Strict):
    """The point of sale: a store user's login there and a bill."""

    service: str
    login_path: str
    bill_path: str
    role: str = Field(description="a store user mapped to a store")
    username_field: str = "email"
    store_field: str = Field(default="store", description="the login answer's object naming the user's store")


class Flows(Strict):
    adapter: Literal["inventory", "arogya"]
    service: str
    admin_role: str = Field(description="adjusts, transfers, reads audit trail and ledger")
    buyer_role: str = Field(description="purchases (customer, store user)")
    paths: FlowPaths
    sample: Sample
    statuses: list[str] = Field(default_factory=list,
        description="the status updates an order goes through after it is created (the dry run walks them)")
    concurrency: int = Field(default=4, ge=2, le=12,
        description="parallel buyers in the concurrent-orders check (bounded: it is a correctness check, not "
                    "load)")
    pos: Pos | Literal[False] | None = None


def flows_references(flows: Flows | Literal[False] | None, roles: set[str]) -> list[tuple[str, str]]:
    """(where, service) pairs for references_resolve; raises ValueError for unknown roles."""
    if not flows:
        return []
    used = {"flows.admin_role": flows.admin_role, "flows.buyer_role": flows.buyer_role}
    if flows.pos:
        used["flows.pos.role"] = flows.pos.role
    for where, role in used.items():
        if role not in roles:
            raise ValueError(f"{where} names role {role!r}, which auth.roles does not have")
    referenced = [("flows.service", flows.service)]
    if flows.pos:
        referenced.append(("flows.pos.service", flows.pos.service))
    return referenced
