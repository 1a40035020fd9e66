"""Profile section ``commercial:`` (master data, pricing, settlement and tax of a staged runbook)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from pydantic import ValidationError

from golive.profile import Profile

SECTION = {"service": "api", "role": "admin", "entity_codes": ["WH-1"], "quote_path": "/quote",
           "approved_prices": [{"entity_code": "DL-1", "sku": "A", "quantity": 100, "unit_price": "174.30"}],
           "settlement_sample": {"entity_code": "FR-1", "period": "2026-10"}, "invoices_path": False}


def test_section_validates_with_defaults(profile_data):
    commercial = Profile.model_validate(profile_data(commercial=SECTION)).commercial
    assert commercial.entity_types == ["warehouse", "franchise_store", "dealer", "vendor", "manufacturer"]
    assert commercial.slab_entity_types == commercial.credit_entity_types == ["dealer", "franchise_store"]
    assert commercial.approved_prices[0].unit_price == Decimal("174.30")
    assert commercial.invoices_path is False and commercial.categories_path is None


def test_false_says_no_commercial_data(profile_data):
    assert Profile.model_validate(profile_data(commercial=False)).commercial is False


@pytest.mark.parametrize("change, message", [
    ({"service": "billing"}, r"commercial.service names service 'billing'"),
    ({"settlement_sample": {"entity_code": "FR-1", "period": "Oct 2026"}}, "period"),
    ({"approved_prices": [{"entity_code": "DL-1", "sku": "A", "quantity": 0, "unit_price": "1"}]}, "quantity"),
    ({"approved_prices": [{"entity_code": "DL-1", "sku": "A", "quantity": 1, "unit_price": "0"}]}, "unit_price"),
    ({"approved_price": []}, "approved_price"),
])
def test_bad_sections_are_refused(profile_data, change, message):
    with pytest.raises(ValidationError, match=message):
        Profile.model_validate(profile_data(commercial={**SECTION, **change}))
