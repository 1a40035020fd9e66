"""The sandbox's own RFC 6238 TOTP (no pyotp): the RFC's test vectors, drift window, challenges."""

from __future__ import annotations

import base64

import pytest

from sandbox.mfa import hotp, totp_code, verify_totp

# RFC 6238 Appendix B, SHA-1, the ASCII seed "12345678901234567890"; 6-digit codes are the last 6 digits
RFC_SEED = base64.b32encode(b"12345678901234567890").decode()
RFC_VECTORS = [(59, "94287082"), (1111111109, "07081804"), (1111111111, "14050471"), (1234567890, "89005924"),
               (2000000000, "69279037"), (20000000000, "65353130")]


@pytest.mark.parametrize(("at", "eight_digits"), RFC_VECTORS)
def test_rfc_6238_vectors(at, eight_digits):
    assert hotp(b"12345678901234567890", at // 30, digits=8) == eight_digits
    assert totp_code(RFC_SEED, at=at) == eight_digits[-6:]


def test_verify_accepts_one_step_of_drift_only():
    now = 1_700_000_000
    assert verify_totp(RFC_SEED, totp_code(RFC_SEED, at=now), at=now)
    assert verify_totp(RFC_SEED, totp_code(RFC_SEED, at=now - 30), at=now)
    assert verify_totp(RFC_SEED, totp_code(RFC_SEED, at=now + 30), at=now)
    assert not verify_totp(RFC_SEED, totp_code(RFC_SEED, at=now - 90), at=now)
    assert not verify_totp(RFC_SEED, "12345", at=now) and not verify_totp(RFC_SEED, "abcdef", at=now)


def test_golive_and_sandbox_agree_on_codes():
    """Two implementations, one answer: pyotp (golive's side) and the sandbox's hmac code."""
    import pyotp

    seed = "M4WW3KDI3JXDVQZEPLTKZ4HAV4UIEIQ7"
    for at in (0, 59, 1_700_000_000, 2_000_000_000):
        assert pyotp.TOTP(seed).at(at) == totp_code(seed, at=at)
