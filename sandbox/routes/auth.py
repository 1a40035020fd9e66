"""Login and refresh-token rotation."""

from __future__ import annotations

import time
from typing import Annotated, Any, cast

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.security import OAuth2PasswordRequestForm
from pydantic import BaseModel, Field
from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session

from sandbox.auth import REFRESH_TTL_SECONDS, InvalidTokenError, TokenService
from sandbox.db import RefreshToken, User
from sandbox.mfa import new_challenge
from sandbox.passwords import burn_verify_time, verify_password
from sandbox.routes.session_login import browser_login_router, session_login_router
from sandbox.runtime import state_of
from sandbox.settings import MFA_ROLES, Settings

INVALID_CREDENTIALS = "Invalid username or password"
INVALID_REFRESH = "Invalid refresh token"


class LoginRequest(BaseModel):
    username: str = Field(max_length=128)
    password: str = Field(max_length=1024)


class RefreshRequest(BaseModel):
    refresh_token: str = Field(max_length=4096)


def issue_pair(session: Session, tokens: TokenService, user: User) -> dict[str, Any]:
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
        "expires_in": access.expires_at - access.issued_at,
        "refresh_expires_in": REFRESH_TTL_SECONDS,
    }


def build_router(settings: Settings) -> APIRouter:
    faults = settings.faults
    router = APIRouter(tags=["auth"])

    def needs_second_factor(user: User) -> bool:
        # admin_mfa_skipped: the second factor was switched off "temporarily" for a demo
        return user.role in MFA_ROLES and not faults.active("admin_mfa_skipped")

    def password_step(state: Any, username: str, password: str, *, enumerable: bool) -> dict[str, Any] | User:
        """The user for a right password (or, for an MFA role, the challenge to answer); 401 otherwise."""
        with state.db.session() as session:
            user = session.scalar(select(User).where(User.username == username))
            if user is None:
                if enumerable:
                    # the helpful message that tells an attacker which usernames exist
                    raise HTTPException(status_code=404, detail="No such user")
                burn_verify_time(password)  # same time as a wrong password
                raise HTTPException(status_code=401, detail=INVALID_CREDENTIALS)
            if not verify_password(password, user.password_hash):
                raise HTTPException(status_code=401, detail=INVALID_CREDENTIALS)
            if faults.active("login_broken_for_role") and user.role == "manager":
                # the regression: a role-specific code path that crashes after the password check
                raise RuntimeError("no session policy configured for role")
            if needs_second_factor(user):
                challenge = new_challenge(user.username)
                session.add(challenge)
                return {"mfa_required": True, "challenge": challenge.id, "methods": ["totp"]}
            session.expunge(user)
            return user

    def token_answer(state: Any, user: User) -> dict[str, Any]:
        with state.db.session() as session:
            return issue_pair(session, state.tokens, user)

    # sync handlers: FastAPI runs them in a thread pool, so scrypt and DB calls do not block
    if settings.login_style == "json":
        @router.post("/api/auth/login")
        def login(body: LoginRequest, request: Request) -> dict[str, Any]:
            state = state_of(request)
            outcome = password_step(state, body.username, body.password,
                                    enumerable=faults.active("login_user_enumeration"))
            return outcome if isinstance(outcome, dict) else token_answer(state, outcome)

    if settings.login_style == "form":
        # FastAPI's OAuth2 password flow: urlencoded username/password (grant_type=password); a JSON
        # body is answered 422 naming the missing form fields
        @router.post("/api/auth/login")
        def form_login(form: Annotated[OAuth2PasswordRequestForm, Depends()], request: Request) -> dict[str, Any]:
            state = state_of(request)
            outcome = password_step(state, form.username, form.password,
                                    enumerable=faults.active("form_login_user_enumeration"))
            return outcome if isinstance(outcome, dict) else token_answer(state, outcome)

    if settings.login_style == "session":
        router.include_router(session_login_router(settings, password_step))

    if settings.login_style == "browser":
        router.include_router(browser_login_router(settings, password_step))

    if settings.login_style not in ("json", "form"):
        return router  # sessions, Basic and API keys issue no tokens to refresh

    @router.post("/api/auth/refresh")
    def refresh(body: RefreshRequest, request: Request) -> dict[str, Any]:
        state = state_of(request)
        try:
            claims = state.tokens.verify(body.refresh_token, "refresh")
        except InvalidTokenError:
            raise HTTPException(status_code=401, detail=INVALID_REFRESH) from None
        now = int(time.time())
        if faults.active("refresh_token_not_rotated"):
            return _refresh_without_rotation(state, body.refresh_token, claims)
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
                return issue_pair(session, state.tokens, user)
            if claimed != 1:
                # reuse of a rotated token means it leaked: revoke the whole family (OAuth BCP)
                session.execute(
                    update(RefreshToken)
                    .where(RefreshToken.username == claims["sub"], RefreshToken.revoked_at.is_(None))
                    .values(revoked_at=now)
                )
        raise HTTPException(status_code=401, detail=INVALID_REFRESH)

    return router


def _refresh_without_rotation(state: Any, refresh_token: str, claims: dict[str, Any]) -> dict[str, Any]:
    """The refresh_token_not_rotated fault: a new access token, the same refresh token, forever."""
    with state.db.session() as session:
        user = session.scalar(select(User).where(User.username == claims["sub"]))
        if user is not None:
            access = state.tokens.issue(user.username, user.role, "access")
            return {
                "access_token": access.token,
                "refresh_token": refresh_token,
                "token_type": "Bearer",
                "expires_in": access.expires_at - access.issued_at,
            }
    raise HTTPException(status_code=401, detail=INVALID_REFRESH)
