"""Adapters: how golive drives one system's business flows (stock flows: stock.py and one module per system)."""

from __future__ import annotations

from collections.abc import Callable

from golive.adapters.arogya import ArogyaAdapter
from golive.adapters.inventory import InventoryAdapter
from golive.adapters.stock import AdapterError, HttpStockAdapter, StockAdapter
from golive.http import HttpClient
from golive.profile import Profile
from golive.profile_flows import Flows

ADAPTERS: dict[str, type[HttpStockAdapter]] = {"inventory": InventoryAdapter, "arogya": ArogyaAdapter}


def stock_adapter(profile: Profile, flows: Flows, http: HttpClient, token_of: Callable[[str], str]) -> StockAdapter:
    """The adapter the profile names, bound to this check's HTTP client and role tokens."""
    return ADAPTERS[flows.adapter](profile, flows, http, token_of)  # type: ignore[return-value]


__all__ = ["ADAPTERS", "AdapterError", "StockAdapter", "stock_adapter"]
