"""Arogya's commercial master data and finance reports (runbook S1, S2 evidence, S3), read-only.

Behind the flavor's login: GET /api/categories, /api/users, /api/pricing/slabs, /api/credit-terms,
/api/royalty-rules, /api/invoices (``{"items": [...]}``), /api/reports/aging,
/api/pricing/quote?entity_code=&sku=&quantity=, /api/settlements/draft?entity_code=&period=.
Public, like pre-signed storage links: GET /files/coa/{name}, the COA PDFs the batches name.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from sandbox import arogya_commercial as commercial
from sandbox.flavor_auth import FlavorTokens
from sandbox.runtime import state_of
from sandbox.settings import Settings

READ_ROLES = ("super_admin", "store_user")
#: the storage bucket's website index page, what a wrong (non pre-signed) link opens
BUCKET_INDEX_PAGE = "<!doctype html><html><head><title>Index of /coa</title></head><body><h1>Index of /coa</h1></body></html>"


def build_router(settings: Settings) -> APIRouter:
    # the same signing key and checks as the flavor's login (flavor_paths.node_api) issues with
    roles = frozenset(user.role for user in settings.users)
    tokens = FlavorTokens.hs256(settings.jwt_secret, flavor=settings.flavor, roles=roles)
    guard = Depends(tokens.guard(*READ_ROLES))
    api = APIRouter(tags=["arogya-commercial"], dependencies=[guard])
    faults = settings.faults

    async def in_session(request: Request, work: Callable[[Session], Any]) -> Any:
        def run() -> Any:
            with state_of(request).db.session() as session:
                return work(session)

        return await run_in_threadpool(run)

    async def rows(request: Request, model: Any) -> dict[str, Any]:
        def read(session: Session) -> list[dict[str, Any]]:
            return [row.as_json() for row in session.scalars(select(model).order_by(model.id))]

        return {"items": await in_session(request, read)}

    @api.get("/api/categories")
    async def categories(request: Request) -> dict[str, Any]:
        return await rows(request, commercial.Category)

    @api.get("/api/users")
    async def users(request: Request) -> dict[str, Any]:
        return await rows(request, commercial.OperationalUser)

    @api.get("/api/pricing/slabs")
    async def slabs(request: Request) -> dict[str, Any]:
        return await rows(request, commercial.SlabPrice)

    @api.get("/api/credit-terms")
    async def credit_terms(request: Request) -> dict[str, Any]:
        return await rows(request, commercial.CreditTerm)

    @api.get("/api/royalty-rules")
    async def royalty_rules(request: Request) -> dict[str, Any]:
        return await rows(request, commercial.RoyaltyRule)

    @api.get("/api/invoices")
    async def invoices(request: Request) -> dict[str, Any]:
        return {"items": await in_session(request, lambda session: commercial.invoices(session, faults))}

    @api.get("/api/reports/aging")
    async def aging(request: Request) -> dict[str, Any]:
        report: dict[str, Any] = await in_session(request, lambda session: commercial.aging_report(session, faults))
        return report

    @api.get("/api/pricing/quote")
    async def quote(request: Request, entity_code: Annotated[str, Query(max_length=16)],
                    sku: Annotated[str, Query(max_length=32)],
                    quantity: Annotated[int, Query(ge=1, le=1_000_000)]) -> dict[str, Any]:
        answer = await in_session(request, lambda s: commercial.quote(s, faults, entity_code, sku, quantity))
        if answer is None:
            raise HTTPException(status_code=404, detail="no slab price for this entity, product and quantity")
        return answer  # type: ignore[no-any-return]

    @api.get("/api/settlements/draft")
    async def settlement(request: Request, entity_code: Annotated[str, Query(max_length=16)],
                         period: Annotated[str, Query(pattern=r"^\d{4}-\d{2}$")]) -> dict[str, Any]:
        draft = await in_session(request, lambda s: commercial.settlement_draft(s, faults, entity_code, period))
        if draft is None:
            raise HTTPException(status_code=404, detail="unknown entity")
        return draft  # type: ignore[no-any-return]

    storage = APIRouter(tags=["arogya-storage"])

    @storage.get("/files/coa/{name}")
    async def coa_file(request: Request, name: str) -> Response:
        known = await in_session(request, commercial.coa_files)
        if name not in known:
            raise HTTPException(status_code=404, detail="no such object")
        if faults.active("coa_file_missing") and name.startswith("coa-aa-chy-500"):
            raise HTTPException(status_code=404, detail="no such object")  # the QC team's upload never finished
        if faults.active("coa_served_as_html"):
            return HTMLResponse(BUCKET_INDEX_PAGE)  # the link points at the bucket website, not the object
        return Response(commercial.COA_PDF, media_type="application/pdf",
                        headers={"Content-Disposition": f'inline; filename="{name}"'})

    router = APIRouter()
    router.include_router(api)
    router.include_router(storage)
    return router
