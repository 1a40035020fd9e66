"""Protected API: who am I, users (admin), sales report (admin, manager), products (any role)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from sqlalchemy import select

from sandbox.auth import Principal, require_roles
from sandbox.db import Product, User
from sandbox.runtime import state_of
from sandbox.settings import ROLES, Settings

any_role = require_roles()
# module level: FastAPI resolves these (string) annotations in the module's globals
AnyRole = Annotated[Principal, Depends(any_role)]


def build_router(settings: Settings) -> APIRouter:
    faults = settings.faults
    router = APIRouter(prefix="/api", tags=["api"])

    @router.get("/me")
    def me(principal: AnyRole) -> dict[str, str]:
        return {"username": principal.username, "role": principal.role}

    # The protected_endpoint_open fault is the classic refactoring slip: the route is
    # registered without its guard.
    # rbac_manager_reaches_admin: a role list copied from the reports route
    admin_roles = ("admin", "superadmin", *(("manager",) if faults.active("rbac_manager_reaches_admin") else ()))
    # api_key_role_ignored: any valid API key passes, the key's user's role is never looked at
    if faults.active("api_key_role_ignored"):
        admin_roles = tuple(ROLES)
    # the same slip in the session and body-first variants of the API
    opened = any(faults.active(name) for name in ("protected_endpoint_open", "session_admin_route_open",
                                                   "bodyfirst_admin_route_open"))
    admin_guard = [] if opened else [Depends(require_roles(*admin_roles))]

    @router.get("/admin/users", dependencies=admin_guard)
    def admin_users(request: Request) -> list[dict[str, str]]:
        with state_of(request).db.session() as session:
            users = session.scalars(select(User).order_by(User.username)).all()
            if faults.active("password_hash_exposed"):  # the ORM row serialised as it is
                return [{"username": u.username, "role": u.role, "password_hash": u.password_hash} for u in users]
            # never the password hashes
            return [{"username": u.username, "role": u.role} for u in users]

    @router.get("/reports/sales", dependencies=[Depends(require_roles("admin", "manager"))])
    def sales_report(request: Request) -> dict[str, Any]:
        with state_of(request).db.session() as session:
            products = session.scalars(select(Product).order_by(Product.sku)).all()
            # a fixed, small demo report: one unit of every product sold today
            lines = [{"sku": p.sku, "units": 1, "gross_paise": p.price_paise} for p in products]
        return {
            "period": "today",
            "currency": "INR",
            "orders": len(lines),
            "gross_paise": sum(line["gross_paise"] for line in lines),
            "lines": lines,
        }

    @router.get("/products", dependencies=[Depends(any_role)])
    def products(request: Request) -> list[dict[str, Any]]:
        with state_of(request).db.session() as session:
            rows = session.scalars(select(Product).order_by(Product.sku)).all()
            listing = [
                {"sku": p.sku, "name": p.name, "price_paise": p.price_paise, "hsn": p.hsn, "gtin": p.gtin}
                for p in rows
            ]
            if faults.active("product_supplier_key_exposed"):
                # the ORM-to-JSON shortcut that ships the supplier integration's credentials too
                for item in listing:
                    item["supplier"] = {"name": "Acme Wholesale", "api_key": f"sk_live_{item['sku'].lower()}0f3a9c"}
            return listing

    return router
