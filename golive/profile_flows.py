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
    stock: str  # GET: stock rows (per product and location, or per batch)
    products: OptionalPath = None  # GET: the product master (orphan checks resolve against it)
    locations: OptionalPath = None  # GET: locations / entities
    totals: OptionalPath = None  # GET: stored or computed on-hand totals per product
    adjust: OptionalPath = None  # POST: stock adjustment
    inward: OptionalPath = None  # POST: goods received into a batch
    transfer: OptionalPath = None  # POST: move stock between locations
    transfers: OptionalPath = None  # GET: transfer records
    audit: OptionalPath = None  # GET: the audit trail / stock movements (?reference=)
    purchase: OptionalPath = None  # POST: checkout / order create
    order: OptionalPath = None  # GET with {id}
    cancel: OptionalPath = None  # POST with {id}
    returns: OptionalPath = None  # POST with {id}
    status: OptionalPath = None  # POST with {id}: the next status
    scan: OptionalPath = None  # GET ?code=: product lookup by barcode (GTIN) or SKU
    ledger: OptionalPath = None  # GET ?order_id=: the order's ledger entries
    checkout_page: OptionalPath = None  # GET: the storefront's checkout page (HTML)


class Sample(Strict):
    sku: str
    location: str  # where the sample is adjusted and sold from
    other_location: str | None = None  # the transfer's destination
    scan_code: str | None = None  # what a barcode scanner reads for the sample (GTIN)
    second_sku: str | None = None  # a second line for multi-line orders
    # a location with little stock of ``sku`` for the concurrent-orders check (its whole stock is
    # bought by several buyers at once); defaults to ``location``
    race_location: str | None = None


class Pos(Strict):
    """The point of sale: a store user's login there and a bill."""

    service: str
    login_path: str
    bill_path: str
    role: str  # a store user mapped to a store
    username_field: str = "email"
    store_field: str = "store"  # the login answer's object naming the user's store


class Flows(Strict):
    adapter: Literal["inventory", "arogya"]
    service: str
    admin_role: str  # adjusts, transfers, reads audit trail and ledger
    buyer_role: str  # purchases (customer, store user)
    paths: FlowPaths
    sample: Sample
    # the status updates an order goes through after it is created (the dry run walks them)
    statuses: list[str] = Field(default_factory=list)
    # parallel buyers in the concurrent-orders check (bounded: it is a correctness check, not load)
    concurrency: int = Field(default=4, ge=2, le=12)
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
