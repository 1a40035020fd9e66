"""The second login step: POST /api/auth/otp {challenge, code} -> the token pair."""

from __future__ import annotations

import time
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from pydantic import BaseModel, Field
from sqlalchemy import select

from sandbox.db import User
from sandbox.mfa import MAX_OTP_ATTEMPTS, MfaChallenge, verify_totp
from sandbox.routes.auth import issue_pair
from sandbox.runtime import state_of
from sandbox.settings import Settings

INVALID_CODE = "Invalid or expired code"


class OtpRequest(BaseModel):
    challenge: str = Field(max_length=128)
    code: str = Field(max_length=16)


def build_router(settings: Settings) -> APIRouter:
    faults = settings.faults
    router = APIRouter(tags=["auth"])

    @router.post("/api/auth/otp")
    def otp(body: OtpRequest, request: Request) -> dict[str, Any]:
        state = state_of(request)
        now = int(time.time())
        with state.db.session() as session:
            challenge = session.get(MfaChallenge, body.challenge)
            if challenge is None or challenge.used_at is not None or challenge.expires_at <= now:
                raise HTTPException(status_code=401, detail=INVALID_CODE)
            limited = not faults.active("otp_attempts_unlimited")
            if limited and challenge.failed_attempts >= MAX_OTP_ATTEMPTS:
                # the challenge is burnt: only a new password login gives a new one
                raise HTTPException(status_code=429, detail="Too many attempts",
                                    headers={"Retry-After": str(max(1, challenge.expires_at - now))})
            secret = settings.totp_secrets.get(challenge.username)
            user = session.scalar(select(User).where(User.username == challenge.username))
            if secret is None or user is None or not verify_totp(secret, body.code):
                # counted in this transaction, refused after it commits (an exception would roll back)
                challenge.failed_attempts += 1
                user = None
            else:
                challenge.used_at = now
                return issue_pair(session, state.tokens, user)
        raise HTTPException(status_code=401, detail=INVALID_CODE)

    return router
