"""The signed-in user's own profile: PATCH /api/me changes display name, phone and email only."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, HTTPException, Request
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import String, select
from sqlalchemy.orm import Mapped, mapped_column

from sandbox.auth import Principal, require_roles
from sandbox.db import Base, User
from sandbox.runtime import state_of
from sandbox.settings import Settings

AnyRole = Annotated[Principal, Depends(require_roles())]


class UserProfile(Base):
    __tablename__ = "user_profiles"

    username: Mapped[str] = mapped_column(String(64), primary_key=True)
    display_name: Mapped[str] = mapped_column(String(100), default="")
    phone: Mapped[str] = mapped_column(String(20), default="")
    email: Mapped[str] = mapped_column(String(254), default="")


class ProfileUpdate(BaseModel):
    # unknown fields (role, is_admin, balance, ...) are refused, not silently dropped
    model_config = ConfigDict(extra="forbid")
    display_name: str | None = Field(default=None, max_length=100)
    phone: str | None = Field(default=None, max_length=20)
    email: str | None = Field(default=None, max_length=254)


def _view(user: User, profile: UserProfile) -> dict[str, str]:
    return {"username": user.username, "role": user.role, "display_name": profile.display_name,
            "phone": profile.phone, "email": profile.email}


def build_router(settings: Settings) -> APIRouter:
    faults = settings.faults
    router = APIRouter(prefix="/api", tags=["account"])

    @router.patch("/me")
    def update_me(principal: AnyRole, request: Request, body: Annotated[dict[str, Any], Body()]) -> dict[str, str]:
        if not faults.active("mass_assignable_role"):
            try:
                changes = ProfileUpdate.model_validate(body).model_dump(exclude_none=True)
            except ValidationError as exc:
                fields = sorted({".".join(str(p) for p in e["loc"]) for e in exc.errors()})
                raise HTTPException(status_code=422, detail=f"fields not allowed or invalid: {fields}") from None
        else:
            changes = body  # the defect: the request body is copied onto the records as it comes
        with state_of(request).db.session() as session:
            user = session.scalar(select(User).where(User.username == principal.username))
            if user is None:
                raise HTTPException(status_code=404, detail="No such user")
            stored = session.get(UserProfile, user.username)
            profile = stored or UserProfile(username=user.username, display_name="", phone="", email="")
            if stored is None and any(str(changes.get(name) or "") != "" for name in ("display_name", "phone", "email")):
                # a profile row is stored once something differs from the empty defaults: an update
                # that changes nothing stores nothing
                session.add(profile)
            for name, value in changes.items():
                if name in ("display_name", "phone", "email"):
                    setattr(profile, name, str(value))
                elif name == "role" and isinstance(value, str):  # only reachable under the fault
                    user.role = value
            return _view(user, profile)

    return router
