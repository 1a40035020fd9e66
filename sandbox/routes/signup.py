"""Sign-up: anyone may open a customer account (POST /api/accounts); admins read and remove them.

The answer documents the stored account with its ``role`` and ``verified`` flags, which only the
shop sets: a sign-up body that names them is bound field by field, so they are ignored (fault
``signup_mass_assignable_fields``: the body is copied onto the account as it comes).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, HTTPException, Query, Request, Response
from pydantic import BaseModel, Field, ValidationError
from sqlalchemy import Boolean, Integer, String, select
from sqlalchemy.orm import Mapped, mapped_column

from sandbox.auth import require_roles
from sandbox.db import Base
from sandbox.runtime import state_of
from sandbox.settings import Settings

#: fields of the account only the shop sets
SHOP_SET_FIELDS = ("role", "verified")


class SignedUpAccount(Base):
    __tablename__ = "signed_up_accounts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(32), unique=True, index=True)
    email: Mapped[str] = mapped_column(String(254))
    display_name: Mapped[str] = mapped_column(String(100), default="")
    role: Mapped[str] = mapped_column(String(16), default="customer")
    verified: Mapped[bool] = mapped_column(Boolean, default=False)


class SignUp(BaseModel):
    # what a visitor may choose; anything else in the body is ignored, as most frameworks do
    username: str = Field(min_length=3, max_length=32, pattern=r"^[A-Za-z0-9_.-]+$")
    email: str = Field(max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", json_schema_extra={"format": "email"})
    display_name: str = Field(default="", max_length=100)


class Account(BaseModel):
    id: int
    username: str
    email: str
    display_name: str
    role: str
    verified: bool


def _view(account: SignedUpAccount) -> Account:
    return Account(id=account.id, username=account.username, email=account.email,
                   display_name=account.display_name, role=account.role, verified=account.verified)


def build_router(settings: Settings) -> APIRouter:
    faults = settings.faults
    router = APIRouter(prefix="/api/accounts", tags=["accounts"])

    # the body is read as it comes (the fault binds all of it); the description documents SignUp
    documented = {"requestBody": {"required": True, "content": {"application/json": {
        "schema": SignUp.model_json_schema()}}}}

    @router.post("", status_code=201, response_model=Account, openapi_extra=documented)
    def sign_up(request: Request, body: Annotated[dict[str, Any], Body()]) -> Account:
        try:
            chosen = SignUp.model_validate(body)
        except ValidationError as error:
            fields = sorted({".".join(str(p) for p in e["loc"]) for e in error.errors()})
            raise HTTPException(status_code=422, detail=f"invalid fields: {fields}") from None
        with state_of(request).db.session() as session:
            if session.scalar(select(SignedUpAccount).where(SignedUpAccount.username == chosen.username)):
                raise HTTPException(status_code=409, detail="username taken")
            account = SignedUpAccount(**chosen.model_dump(), role="customer", verified=False)
            if faults.active("signup_mass_assignable_fields") and isinstance(body, dict):
                # the defect: the whole body is bound onto the new account
                for name in SHOP_SET_FIELDS:
                    if name in body:
                        setattr(account, name, body[name] if name != "verified" else bool(body[name]))
            session.add(account)
            session.flush()
            return _view(account)

    @router.get("", response_model=list[Account], dependencies=[Depends(require_roles("admin"))])
    def list_accounts(request: Request, username: Annotated[str | None, Query(max_length=32)] = None) -> list[Account]:
        """Admins list sign-ups, or the one with ``username``."""
        with state_of(request).db.session() as session:
            query = select(SignedUpAccount).order_by(SignedUpAccount.id)
            if username is not None:
                query = query.where(SignedUpAccount.username == username)
            return [_view(account) for account in session.scalars(query)]

    @router.get("/{account_id}", response_model=Account, dependencies=[Depends(require_roles("admin"))])
    def read_account(request: Request, account_id: int) -> Account:
        with state_of(request).db.session() as session:
            account = session.get(SignedUpAccount, account_id)
            if account is None:
                raise HTTPException(status_code=404, detail="no such account")
            return _view(account)

    @router.delete("/{account_id}", status_code=204, dependencies=[Depends(require_roles("admin"))])
    def remove_account(request: Request, account_id: int) -> Response:
        with state_of(request).db.session() as session:
            account = session.get(SignedUpAccount, account_id)
            if account is None:
                raise HTTPException(status_code=404, detail="no such account")
            session.delete(account)
            return Response(status_code=204)

    return router
