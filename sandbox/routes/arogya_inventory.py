"""Arogya's master data and opening batch stock (runbook S1/S2), read-only, behind the flavor's login.

GET /api/entities, /api/products, /api/batches answer ``{"items": [...]}`` from the tables
sandbox/arogya_models.py seeds at start-up (faults change the seed, like a bad opening-stock upload).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool

from sandbox.arogya_models import InventoryBatch, InventoryEntity, InventoryProduct
from sandbox.flavor_auth import FlavorTokens
from sandbox.runtime import state_of
from sandbox.settings import Settings

READ_ROLES = ("super_admin", "store_user")


def build_router(settings: Settings) -> APIRouter:
    # the same signing key and checks as the flavor's login (flavor_paths.node_api) issues with
    roles = frozenset(user.role for user in settings.users)
    tokens = FlavorTokens.hs256(settings.jwt_secret, flavor=settings.flavor, roles=roles)
    guard = Depends(tokens.guard(*READ_ROLES))
    router = APIRouter(tags=["arogya-inventory"], dependencies=[guard])

    def read(request: Request, model: Any) -> list[dict[str, Any]]:
        with state_of(request).db.session() as session:
            return [row.as_json() for row in session.scalars(select(model).order_by(model.id))]

    async def rows(request: Request, model: Any) -> dict[str, Any]:
        return {"items": await run_in_threadpool(read, request, model)}

    @router.get("/api/entities")
    async def entities(request: Request) -> dict[str, Any]:
        return await rows(request, InventoryEntity)

    @router.get("/api/products")
    async def products(request: Request) -> dict[str, Any]:
        return await rows(request, InventoryProduct)

    @router.get("/api/batches")
    async def batches(request: Request) -> dict[str, Any]:
        return await rows(request, InventoryBatch)

    return router
