"""Second factor for the MFA roles: RFC 6238 TOTP (own HMAC code, not pyotp) and login challenges.

golive computes codes with pyotp; the sandbox verifies them with this independent implementation.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import struct
import time

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from sandbox.db import Base

TOTP_STEP_SECONDS = 30
TOTP_DIGITS = 6
#: codes of the previous and the next step are accepted too (clock drift, RFC 6238 §5.2)
TOTP_DRIFT_STEPS = 1
CHALLENGE_TTL_SECONDS = 300
#: wrong codes per challenge before it is burnt: 6 digits are guessable with enough tries
MAX_OTP_ATTEMPTS = 5


class MfaChallenge(Base):
    """A password login waiting for its second factor."""

    __tablename__ = "mfa_challenges"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    username: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[int] = mapped_column(Integer)
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    used_at: Mapped[int | None] = mapped_column(Integer, nullable=True)


def _key(secret_b32: str) -> bytes:
    cleaned = secret_b32.replace(" ", "").upper()
    return base64.b32decode(cleaned + "=" * (-len(cleaned) % 8))


def hotp(key: bytes, counter: int, digits: int = TOTP_DIGITS) -> str:
    """RFC 4226 §5.3: HMAC-SHA1 over the big-endian counter, dynamic truncation."""
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF
    return str(number % 10**digits).zfill(digits)


def totp_code(secret_b32: str, at: float | None = None) -> str:
    step = int((time.time() if at is None else at) // TOTP_STEP_SECONDS)
    return hotp(_key(secret_b32), step)


def verify_totp(secret_b32: str, code: str, at: float | None = None) -> bool:
    if not (code.isdigit() and len(code) == TOTP_DIGITS):
        return False
    step = int((time.time() if at is None else at) // TOTP_STEP_SECONDS)
    key = _key(secret_b32)
    return any(
        hmac.compare_digest(hotp(key, step + drift), code)
        for drift in range(-TOTP_DRIFT_STEPS, TOTP_DRIFT_STEPS + 1)
    )


def new_challenge(username: str, now: int | None = None) -> MfaChallenge:
    issued = int(time.time()) if now is None else now
    return MfaChallenge(id=secrets.token_urlsafe(24), username=username, expires_at=issued + CHALLENGE_TTL_SECONDS,
                        failed_attempts=0, used_at=None)
