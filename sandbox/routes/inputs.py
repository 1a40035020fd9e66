"""Input handling: customer validation (dry run), uploads, product search and SKU lookup, an HTML
search page and the post-login redirect. Every handler parses its raw input itself, so the faults
can bend exactly one defence at a time.
"""

from __future__ import annotations

import html
import json
import re
import traceback
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Request
from fastapi import Path as FastApiPath
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from sqlalchemy import select, text

from fastapi.security import HTTPAuthorizationCredentials

from sandbox.auth import BEARER, Principal, require_roles
from sandbox.db import Product
from sandbox.runtime import state_of
from sandbox.settings import Settings

AnyRole = Annotated[Principal, Depends(require_roles())]

E164 = re.compile(r"^\+[1-9][0-9]{6,14}$")
# RFC 5322 addr-spec, dot-atom form (what real sign-up forms accept): no quoted local parts,
# no comments, a domain of at least two labels
_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
EMAIL = re.compile(rf"^{_ATEXT}(?:\.{_ATEXT})*@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{{0,61}}[A-Za-z0-9])?\.)+[A-Za-z]{{2,63}}$")
SKU = re.compile(r"^[A-Z]{3}-[0-9]{3}$")
# the redos_sku_validation fault: nested quantifiers backtrack exponentially on a near-miss
SKU_CATASTROPHIC = re.compile(r"^([A-Z0-9]+-?)+$")
MAX_EMAIL = 254
UPLOAD_CHUNK_LOG = 1 << 20


def _problem(status: int, detail: object) -> JSONResponse:
    return JSONResponse({"detail": detail}, status_code=status)


def _debug_page(exc: BaseException) -> HTMLResponse:
    """What a framework's debug mode shows: the traceback, with file paths."""
    trace = "".join(traceback.format_exception(exc))
    return HTMLResponse(f"<html><body><h1>{type(exc).__name__}</h1><pre>{html.escape(trace)}</pre></body></html>",
                        status_code=500)


def build_router(settings: Settings) -> APIRouter:
    faults = settings.faults
    router = APIRouter(tags=["inputs"])
    upload_limit = int(settings.feature_env.get("SANDBOX_UPLOAD_LIMIT_MB", "100")) * 1024 * 1024
    debug = faults.active("debug_error_pages")
    any_role = require_roles()

    async def product_reader(request: Request,
                             documented: HTTPAuthorizationCredentials | None = Depends(BEARER)) -> Principal | None:
        if faults.active("product_lookup_unauthenticated") and not request.headers.get("authorization"):
            return None  # "product data is public anyway": the lookup lost its guard
        return await any_role(request, documented)

    def phone_ok(value: object) -> bool:
        if faults.active("phone_validation_missing"):
            return isinstance(value, str) and bool(value)
        return isinstance(value, str) and bool(E164.match(value))

    def email_ok(value: object) -> bool:
        if not isinstance(value, str):
            return False
        if faults.active("email_validation_missing"):
            return "@" in value
        return len(value) <= MAX_EMAIL and bool(EMAIL.match(value))

    @router.post("/api/customers/validate")
    async def validate_customer(request: Request, principal: AnyRole) -> Response:
        """Dry run of a customer sign-up: validates, stores nothing."""
        raw = await request.body()
        try:
            body = json.loads(raw)
            if not debug and not isinstance(body, dict):
                return _problem(422, [{"loc": ["body"], "msg": "expected a JSON object"}])
            # debug builds skip the shape check: .get on a JSON array raises
            errors = _field_errors(body.get("phone"), body.get("email"))
        except Exception as exc:
            if debug:
                return _debug_page(exc)
            if isinstance(exc, ValueError):  # JSONDecodeError, UnicodeDecodeError
                return _problem(400, "malformed JSON")
            raise
        if errors:
            return _problem(422, errors)
        return JSONResponse({"valid": True, "stored": False})

    def _field_errors(phone: object, email: object) -> list[dict[str, object]]:
        errors: list[dict[str, object]] = []
        if phone is not None and not phone_ok(phone):
            errors.append({"loc": ["body", "phone"], "msg": "phone must be E.164, e.g. +919876543210"})
        if email is not None and not email_ok(email):
            errors.append({"loc": ["body", "email"], "msg": "not a valid email address"})
        return errors

    @router.post("/api/uploads")
    async def upload(request: Request, principal: AnyRole) -> Response:
        declared = request.headers.get("content-length")
        if declared is not None and not declared.isdigit():
            return _problem(400, "bad Content-Length")
        checked_up_front = not (faults.active("upload_limit_not_enforced")
                                or faults.active("upload_limit_checked_after_read"))
        if checked_up_front and declared is not None and int(declared) > upload_limit:
            # answered from the headers: the body is never read, and the connection is closed so
            # the client stops sending (otherwise the server would have to drain the body)
            refused = _problem(413, f"upload larger than {upload_limit // (1024 * 1024)} MB")
            refused.headers["Connection"] = "close"
            return refused
        received = 0
        async for chunk in request.stream():
            received += len(chunk)
            if checked_up_front and received > upload_limit:  # chunked uploads without a length
                return _problem(413, f"upload larger than {upload_limit // (1024 * 1024)} MB")
        if faults.active("upload_limit_checked_after_read") and received > upload_limit:
            return _problem(413, f"upload larger than {upload_limit // (1024 * 1024)} MB")
        # nothing is kept: the sandbox only measures
        return JSONResponse({"received_bytes": received, "stored": False}, status_code=200)

    @router.get("/api/products/search")
    def search_products(request: Request, principal: AnyRole, q: str = "", limit: str = "20") -> Response:
        try:
            count = int(limit)
        except ValueError as exc:
            if debug:
                return _debug_page(exc)
            return _problem(422, [{"loc": ["query", "limit"], "msg": "limit must be an integer"}])
        # fault search_limit_unbounded: the page size goes to the database as given, and a limit
        # beyond 64 bits overflows the driver (an unhandled OverflowError: HTTP 500)
        if not faults.active("search_limit_unbounded"):
            count = max(1, min(count, 100))
        database = state_of(request).db
        if faults.active("sql_injection_in_search"):
            sql = f"SELECT sku, name, price_paise FROM products WHERE name LIKE '%{q}%'"  # noqa: S608 - the fault
            try:
                with database.engine.connect() as conn:
                    rows = [dict(row._mapping) for row in conn.execute(text(sql)).fetchmany(count)]
            except Exception as exc:  # the defect: the driver's message goes back to the caller
                return _problem(500, f"{type(exc.__cause__ or exc).__name__}: {exc.__cause__ or exc}")
            return JSONResponse(rows)
        with database.session() as session:
            products = session.scalars(
                select(Product).where(Product.name.contains(q, autoescape=True)).order_by(Product.sku).limit(count)
            ).all()
            return JSONResponse([{"sku": p.sku, "name": p.name, "price_paise": p.price_paise} for p in products])

    @router.get("/api/products/sku/{sku}")
    def product_by_sku(request: Request, sku: str = FastApiPath(examples=["ASH-250"]),
                       principal: Principal | None = Depends(product_reader)) -> Response:
        pattern = SKU_CATASTROPHIC if faults.active("redos_sku_validation") else SKU
        if len(sku) > 64 or not pattern.match(sku):
            return _problem(422, [{"loc": ["path", "sku"], "msg": "not a SKU like ASH-250"}])
        with state_of(request).db.session() as session:
            product = session.get(Product, sku)
            if product is None:
                return _problem(404, "no such product")
            return JSONResponse({"sku": product.sku, "name": product.name, "price_paise": product.price_paise})

    @router.get("/search", response_class=HTMLResponse)
    def search_page(q: str = "") -> HTMLResponse:
        shown = q if faults.active("xss_reflected") else html.escape(q, quote=True)
        return HTMLResponse(
            "<!doctype html><html><head><title>Search</title></head><body>"
            f"<h1>Results for {shown}</h1><p>No products matched.</p></body></html>"
        )

    @router.get("/api/admin/openapi.json", dependencies=[Depends(require_roles("admin"))])
    def openapi_document(request: Request) -> JSONResponse:
        # the API description, for authenticated tooling only (never on the public docs path)
        return JSONResponse(request.app.openapi())

    @router.get("/auth/redirect")
    def after_login(next: str = "/") -> Response:
        if faults.active("open_redirect") or _local_path(next):
            return RedirectResponse(next, status_code=302)
        return _problem(400, "next must be a path on this site")

    return router


def _local_path(target: str) -> bool:
    """A path on this site: one leading slash, no scheme, no host, no backslash tricks."""
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc and not any(ord(c) < 32 for c in target)
