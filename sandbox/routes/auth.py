"""Login and refresh-token rotation."""

from __future__ import annotations

import time
from typing import Any, cast

from fastapi import APIRouter, HTTPException, Request
from pydantic import BaseModel, Field
from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session

from sandbox.auth import ACCESS_TTL_SECONDS, REFRESH_TTL_SECONDS, InvalidTokenError, TokenService
from sandbox.db import RefreshToken, User
from sandbox.passwords import burn_verify_time, verify_password
from sandbox.runtime import state_of
from sandbox.settings import Settings

INVALID_CREDENTIALS = "Invalid username or password"
INVALID_REFRESH = "Invalid refresh token"


class LoginRequest(BaseModel):
    username: str = Field(max_length=128)
    password: str = Field(max_length=1024)


class RefreshRequest(BaseModel):
    refresh_token: str = Field(max_length=4096)


def _issue_pair(session: Session, tokens: TokenService, user: User) -> dict[str, Any]:
    access = tokens.issue(user.username, user.role, "access")
    refresh = tokens.issue(user.username, user.role, "refresh")
    session.add(
        RefreshToken(
            jti=refresh.jti, username=user.username, issued_at=refresh.issued_at, expires_at=refresh.expires_at
        )
    )
    return {
        "access_token": access.token,
        "refresh_token": refresh.token,
        "token_type": "Bearer",
        "expires_in": ACCESS_TTL_SECONDS,
        "refresh_expires_in": REFRESH_TTL_SECONDS,
    }


def build_router(settings: Settings) -> APIRouter:
    faults = settings.faults
    router = APIRouter(tags=["auth"])

    # sync handlers: FastAPI runs them in a thread pool, so scrypt and DB calls do not block
    @router.post("/api/auth/login")
    def login(body: LoginRequest, request: Request) -> dict[str, Any]:
        state = state_of(request)
        with state.db.session() as session:
            user = session.scalar(select(User).where(User.username == body.username))
            if user is None:
                burn_verify_time(body.password)  # same time as a wrong password
                raise HTTPException(status_code=401, detail=INVALID_CREDENTIALS)
            if not verify_password(body.password, user.password_hash):
                raise HTTPException(status_code=401, detail=INVALID_CREDENTIALS)
            if faults.active("login_broken_for_role") and user.role == "manager":
                # the regression: a role-specific code path that crashes after the password check
                raise RuntimeError("no session policy configured for role")
            return _issue_pair(session, state.tokens, user)

    @router.post("/api/auth/refresh")
    def refresh(body: RefreshRequest, request: Request) -> dict[str, Any]:
        state = state_of(request)
        try:
            claims = state.tokens.verify(body.refresh_token, "refresh")
        except InvalidTokenError:
            raise HTTPException(status_code=401, detail=INVALID_REFRESH) from None
        now = int(time.time())
        with state.db.session() as session:
            # one atomic UPDATE: two concurrent refreshes with the same token cannot both win
            claimed = cast(CursorResult[Any], session.execute(
                update(RefreshToken)
                .where(
                    RefreshToken.jti == claims["jti"],
                    RefreshToken.username == claims["sub"],
                    RefreshToken.revoked_at.is_(None),
                    RefreshToken.expires_at > now,
                )
                .values(revoked_at=now)
            )).rowcount
            user = session.scalar(select(User).where(User.username == claims["sub"])) if claimed == 1 else None
            if user is not None:
                return _issue_pair(session, state.tokens, user)
            if claimed != 1:
                # reuse of a rotated token means it leaked: revoke the whole family (OAuth BCP)
                session.execute(
                    update(RefreshToken)
                    .where(RefreshToken.username == claims["sub"], RefreshToken.revoked_at.is_(None))
                    .values(revoked_at=now)
                )
        raise HTTPException(status_code=401, detail=INVALID_REFRESH)

    return router
