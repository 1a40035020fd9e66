"""Profile section ``commercial:``: where a staged runbook's master data (beyond the inventory
section's entities, products and batches), stock reports and finance setup are read (Arogya S1-S3),
and the approved samples they are checked against.

A path set to ``false`` says the target has no such feature (its check is not applicable); a
missing one leaves the check unverified.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


Path = str | Literal[False] | None


class ApprovedPrice(Strict):
    """One line of the approved price sheet: what ``quantity`` units cost ``entity_code`` per unit."""

    entity_code: str
    sku: str
    quantity: int = Field(ge=1)
    unit_price: Decimal = Field(gt=0)


class SettlementSample(Strict):
    entity_code: str
    period: str = Field(pattern=r"^\d{4}-\d{2}$")


class Commercial(Strict):
    service: str
    role: str = Field(description="read everything below as this role")
    entity_types: list[str] = Field(default_factory=lambda: [
        "warehouse", "franchise_store", "dealer", "vendor", "manufacturer"], min_length=1,
        description="S1: the entity types the runbook creates first, and the entity list the business signed off")
    entity_codes: list[str] = Field(default_factory=list)
    categories_path: Path = None
    users_path: Path = None
    operational_roles: list[str] = Field(default_factory=list,
        description="users in these roles work for one entity and must be mapped to its code")
    aging_path: Path = Field(default=None, description="S2 evidence")
    slabs_path: Path = Field(default=None, description="S3")
    slab_entity_types: list[str] = Field(default_factory=lambda: ["dealer", "franchise_store"], min_length=1)
    credit_terms_path: Path = None
    credit_entity_types: list[str] = Field(default_factory=lambda: ["dealer", "franchise_store"], min_length=1)
    quote_path: Path = Field(default=None, description="GET with query parameters entity_code, sku, quantity")
    approved_prices: list[ApprovedPrice] = Field(default_factory=list)
    settlement_path: Path = Field(default=None, description="GET with query parameters entity_code, period")
    royalty_rules_path: Path = None
    settlement_sample: SettlementSample | None = None
    invoices_path: Path = None


def commercial_service_references(commercial: Commercial | Literal[False] | None) -> list[tuple[str, str]]:
    return [("commercial.service", commercial.service)] if commercial else []
