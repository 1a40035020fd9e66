"""Service-to-service endpoints: callers present the shared service credential in X-Service-Token."""

from __future__ import annotations

import hmac
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.security import APIKeyHeader
from sqlalchemy import select

from sandbox.db import Product
from sandbox.runtime import state_of
from sandbox.settings import Settings

SERVICE_HEADER = "x-service-token"
#: Declared so the API description documents the credential; require_service enforces it.
SERVICE_TOKEN = APIKeyHeader(name="X-Service-Token", auto_error=False, scheme_name="serviceToken")


def build_router(settings: Settings) -> APIRouter:
    faults = settings.faults
    router = APIRouter(prefix="/internal", tags=["internal"])

    def require_service(request: Request) -> None:
        if faults.active("service_endpoint_open"):
            return  # "it is only reachable from the private network anyway"
        presented = request.headers.get(SERVICE_HEADER, "")
        expected = settings.service_token
        if not expected or not presented or not hmac.compare_digest(presented.encode(), expected.encode()):
            raise HTTPException(status_code=401, detail="Service credential required")

    @router.get("/stock-sync")
    def stock_sync(request: Request, _documented: str | None = Depends(SERVICE_TOKEN)) -> dict[str, Any]:
        require_service(request)
        with state_of(request).db.session() as session:
            skus = session.scalars(select(Product.sku).order_by(Product.sku)).all()
        return {"items": [{"sku": sku, "available": 100} for sku in skus]}

    return router
